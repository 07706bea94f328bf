"""Checklists as data: the default catalog, typed answers, and versions that never rewrite the past."""

import pytest
from django.core.exceptions import ValidationError

from fieldwork.catalog import ensure_default_checklists
from fieldwork.checklists import checklist_copy_version, checklist_revise, clean_answers, field_name
from fieldwork.models import Answer, Checklist, ItemKind
from fieldwork.patrols import patrol_check_in, patrol_start
from fieldwork.testing import at

pytestmark = pytest.mark.django_db


def test_it_ships_the_default_checklists_once_and_never_overwrites_them():
    fire = Checklist.objects.get(code="fire-safety")
    assert fire.name == "消防安全检查"
    labels = [item.label for item in fire.current_version().items.all()]
    assert labels[0] == "消防通道、楼道是否畅通" and "现场照片" in labels
    assert Checklist.objects.get(code="four-checks").current_version().items.count() == 5
    fire.name = "消防检查（本社区）"
    fire.save()
    assert ensure_default_checklists() == 0
    assert Checklist.objects.get(code="fire-safety").name == "消防检查（本社区）"


def items_of(code):
    return list(Checklist.objects.get(code=code).current_version().items.all())


def test_it_checks_each_answer_by_its_type_and_names_the_item():
    items = items_of("fire-safety")
    exit_item, _valid, count, hydrant, _ebike, photo = items
    raw = {field_name(exit_item): "maybe", field_name(count): "two", field_name(hydrant): "漏水"}
    with pytest.raises(ValidationError) as refused:
        clean_answers(items, raw, {})
    errors = refused.value.message_dict
    assert errors[field_name(exit_item)] == ["“消防通道、楼道是否畅通”只能回答是或否。"]
    assert errors[field_name(count)] == ["“每层灭火器数量”须为数字。"]
    assert errors[field_name(hydrant)] == ["“消火栓状况”请选择给出的选项之一。"]
    assert errors[field_name(photo)] == ["“现场照片”需要拍照。"]
    assert errors[field_name(items[1])] == ["请回答“灭火器是否在有效期内”。"]


def test_it_marks_problem_answers_per_item():
    exit_item, _valid, count, hydrant, ebike, _photo = items_of("fire-safety")
    assert exit_item.is_problem("no") and not exit_item.is_problem("yes")
    assert ebike.is_problem("yes")
    assert count.is_problem("1") and not count.is_problem("2")
    assert hydrant.is_problem("无水") and not hydrant.is_problem("完好")


def test_a_new_version_leaves_past_answers_as_they_were(fc):
    worker = fc.cast.grid_worker_a
    patrol = patrol_start(actor=worker, plan=fc.double_patrol, grid=fc.cast.grid_a, window=fc.morning,
                          now=at(fc.double_patrol.starts_on.replace(month=12, day=7), 9))
    first = fc.double_patrol.checklist.current_version()
    answers = {field_name(item): "no" for item in first.items.all() if item.kind == ItemKind.YES_NO}
    checkin = patrol_check_in(patrol=patrol, actor=worker, building=fc.building1, answers=answers)
    assert first.is_frozen
    second = checklist_revise(checklist=fc.double_patrol.checklist, items=[
        {"label": "楼道是否有堆物", "kind": ItemKind.YES_NO, "problem_answers": ["yes"]},
    ])
    assert second.number == 2 and not second.is_frozen
    assert fc.double_patrol.checklist.current_version() == second
    checkin.refresh_from_db()
    assert checkin.checklist_version == first
    first_answer = Answer.objects.filter(checkin=checkin).first()
    assert first_answer is not None and first_answer.item.label == "人员是否有变动（迁入迁出、新租户、新生儿）"
    copy = checklist_copy_version(version=first)
    assert copy.number == 3 and copy.items.count() == first.items.count()


def test_it_refuses_an_empty_revision_and_a_choice_without_options():
    checklist = Checklist.objects.get(code="gas-safety")
    with pytest.raises(ValidationError):
        checklist_revise(checklist=checklist, items=[])
    with pytest.raises(ValidationError) as refused:
        checklist_revise(checklist=checklist, items=[{"label": "软管", "kind": ItemKind.CHOICE, "options": ["好"]}])
    assert "options" in refused.value.message_dict
    assert checklist.versions.count() == 1
