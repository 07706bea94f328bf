"""整改清单: compiled per responsible unit, sent, worked through item by item, reopened; scope and progress."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import ChangeLogEntry
from cases.inbox import unread_count
from cases.models import AssignmentRole, CaseAssignment, Notification, RoutingRule, Status
from cases.testing import tiny_photo
from cases.workflow import ActionRefused
from fieldwork.checklists import field_name
from fieldwork.models import PhotoStage, RectificationItem, RectificationList
from fieldwork.patrols import finding_report, finding_resolve, patrol_check_in, patrol_start
from fieldwork.rectification import (
    rectification_create_from_campaign,
    rectification_create_from_patrol,
    rectification_item_done,
    rectification_item_reopen,
    rectification_send,
)
from fieldwork.selectors import grid_progress, list_progress
from fieldwork.testing import at, build_rectify_cast

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)
DEADLINE = datetime.date(2026, 12, 14)


@pytest.fixture
def rc(fc):
    return build_rectify_cast(fc)


def checked(fc, building, grid=None, worker=None, **problems):
    """A campaign patrol with one check-in at ``building``: i0 fire exit, i1 extinguisher, i4 e-bikes."""
    worker = worker or fc.cast.grid_worker_a
    patrol = patrol_start(actor=worker, plan=fc.fire_campaign, grid=grid or fc.cast.grid_a, now=at(MONDAY, 9))
    items = list(fc.fire_campaign.checklist.current_version().items.all())
    answers = {
        field_name(items[0]): "yes",
        field_name(items[1]): "yes",
        field_name(items[2]): "2",
        field_name(items[3]): "完好",
        field_name(items[4]): "no",
    }
    for index, value in problems.items():
        answers[field_name(items[int(index[1:])])] = value
    target = fc.fire_campaign.targets.get(building=building)
    checkin = patrol_check_in(
        patrol=patrol,
        actor=worker,
        target=target,
        answers=answers,
        photos={field_name(items[5]): [tiny_photo()]},
        now=at(MONDAY, 9, 10),
    )
    by_item = {answer.item_id: answer for answer in checkin.answers.all()}
    return patrol, [by_item[item.pk] for item in items]


def test_a_patrols_problems_become_one_draft_list_per_responsible_unit(fc, rc):
    patrol, _answers = checked(fc, fc.building1, i0="no", i1="no", i4="yes")
    compiled = rectification_create_from_patrol(
        patrol=patrol, actor=fc.grid_leader, deadline=DEADLINE, now=at(MONDAY, 12)
    )
    units = {row.organisation: [item.problem for item in row.items.all()] for row in compiled.lists}
    assert set(units) == {rc.property_company, rc.enforcement}
    assert ["消防通道" in problem for problem in units[rc.property_company]] == [True]
    assert ["灭火器" in problem for problem in units[rc.enforcement]] == [True]
    # No routing rule for e-bikes: left out and said so.
    assert [answer.item.label for answer in compiled.unassigned] == ["是否有电动车楼道停放或飞线充电"]
    draft = RectificationList.objects.get(organisation=rc.property_company)
    assert draft.sent_at is None and draft.area_code == fc.cast.grid_a.code and draft.deadline == DEADLINE
    # A lightweight item carries the check-in's photos as its before photos (copies: the unit sees no patrol).
    assert list(draft.items.get().photos.values_list("stage", flat=True)) == [PhotoStage.BEFORE]
    assert ChangeLogEntry.objects.filter(content_type__model="rectificationlist", action="create").count() == 2


def test_a_case_keeps_its_lead_unit_and_a_resolved_problem_is_left_out(fc, rc):
    patrol, answers = checked(fc, fc.building1, i0="no", i1="no")
    case = finding_report(answer=answers[0], actor=fc.cast.grid_worker_a)
    CaseAssignment.objects.create(case=case, organisation=rc.enforcement, role=AssignmentRole.LEAD)
    finding_resolve(answer=answers[1], actor=fc.cast.grid_worker_a, note="已更换灭火器")
    compiled = rectification_create_from_patrol(
        patrol=patrol, actor=fc.grid_leader, deadline=DEADLINE, now=at(MONDAY, 12)
    )
    [only] = compiled.lists
    assert only.organisation == rc.enforcement  # the dispatched lead, not the routing rule's 物业
    assert [item.case for item in only.items.all()] == [case]


def test_compiling_twice_lists_nothing_twice(fc, rc):
    patrol, _answers = checked(fc, fc.building1, i0="no")
    rectification_create_from_patrol(patrol=patrol, actor=fc.grid_leader, deadline=DEADLINE, now=at(MONDAY, 12))
    with pytest.raises(ValidationError):
        rectification_create_from_patrol(patrol=patrol, actor=fc.grid_leader, deadline=DEADLINE, now=at(MONDAY, 13))
    assert RectificationItem.objects.count() == 1


def test_only_leaders_compile_and_the_deadline_is_not_past(fc, rc):
    patrol, _answers = checked(fc, fc.building1, i0="no")
    with pytest.raises(ActionRefused):
        rectification_create_from_patrol(patrol=patrol, actor=fc.cast.grid_worker_a, deadline=DEADLINE)
    with pytest.raises(ValidationError) as refused:
        rectification_create_from_patrol(
            patrol=patrol, actor=fc.grid_leader, deadline=datetime.date(2026, 12, 1), now=at(MONDAY, 12)
        )
    assert "deadline" in refused.value.message_dict
    assert not RectificationList.objects.exists()


def test_a_campaign_list_gathers_the_problems_of_every_grid(fc, rc):
    checked(fc, fc.building1, i0="no")
    checked(fc, fc.building_b, grid=fc.cast.grid_b, worker=fc.cast.grid_worker_b, i0="no")
    compiled = rectification_create_from_campaign(
        plan=fc.fire_campaign, actor=rc.community_staff, deadline=DEADLINE, now=at(MONDAY, 12)
    )
    [only] = compiled.lists
    assert only.area_code == fc.cast.community1.code
    assert sorted(only.items.values_list("grid_code", flat=True)) == [fc.cast.grid_a.code, fc.cast.grid_b.code]
    with pytest.raises(ActionRefused):  # the 网格长 of grid A does not speak for the community
        rectification_create_from_campaign(plan=fc.fire_campaign, actor=fc.grid_leader, deadline=DEADLINE)


def _sent_list(fc, rc):
    patrol, _answers = checked(fc, fc.building1, i0="no")
    compiled = rectification_create_from_patrol(
        patrol=patrol, actor=fc.grid_leader, deadline=DEADLINE, now=at(MONDAY, 12)
    )
    return rectification_send(rectification=compiled.lists[0], actor=fc.grid_leader, now=at(MONDAY, 13))


def test_sending_tells_the_units_handlers_and_only_then_they_see_the_list(fc, rc):
    patrol, _answers = checked(fc, fc.building1, i0="no")
    draft = rectification_create_from_patrol(
        patrol=patrol, actor=fc.grid_leader, deadline=DEADLINE, now=at(MONDAY, 12)
    ).lists[0]
    assert not RectificationList.objects.visible_to(rc.property_handler).exists()
    rectification_send(rectification=draft, actor=fc.grid_leader, now=at(MONDAY, 13))
    assert list(RectificationList.objects.visible_to(rc.property_handler)) == [draft]
    assert not RectificationList.objects.visible_to(rc.enforcement_handler).exists()
    assert not RectificationList.objects.visible_to(fc.cast.grid_worker_b).exists()
    assert list(RectificationList.objects.visible_to(fc.cast.grid_worker_a)) == [draft]
    assert not RectificationList.objects.visible_to(fc.building_head).exists()
    assert list(Notification.objects.values_list("user", flat=True)) == [rc.property_handler.pk]
    assert unread_count(rc.property_handler.pk) == 1  # the badge
    with pytest.raises(ActionRefused):
        rectification_send(rectification=draft, actor=fc.grid_leader)


def test_the_handler_marks_an_item_done_with_an_after_photo_and_the_leader_may_reopen_it(fc, rc):
    item = _sent_list(fc, rc).items.get()
    with pytest.raises(ValidationError) as refused:
        rectification_item_done(item=item, actor=rc.property_handler, note="", after_photos=[])
    assert set(refused.value.message_dict) == {"note", "after_photos"}
    with pytest.raises(ActionRefused):
        rectification_item_done(item=item, actor=rc.enforcement_handler, note="清理", after_photos=[tiny_photo()])
    with pytest.raises(ActionRefused):
        rectification_item_done(item=item, actor=fc.grid_leader, note="清理", after_photos=[tiny_photo()])
    rectification_item_done(
        item=item, actor=rc.property_handler, note="杂物已清理", after_photos=[tiny_photo()], now=at(MONDAY, 15)
    )
    item.refresh_from_db()
    assert item.done_by == rc.property_handler and item.done_note == "杂物已清理"
    assert sorted(item.photos.values_list("stage", flat=True)) == [PhotoStage.AFTER, PhotoStage.BEFORE]
    with pytest.raises(ActionRefused):
        rectification_item_reopen(item=item, actor=rc.property_handler, reason="x")
    rectification_item_reopen(item=item, actor=fc.grid_leader, reason="楼道仍有纸箱")
    item.refresh_from_db()
    assert item.done_at is None and item.reopen_note == "楼道仍有纸箱"
    logged = ChangeLogEntry.objects.filter(content_type__model="rectificationitem")
    assert list(logged.values_list("action", flat=True)).count("update") == 2


def test_progress_counts_done_open_and_overdue_on_a_hand_built_list(fc, rc):
    patrol, answers = checked(fc, fc.building1, i0="no", i1="no", i2="1")
    case = finding_report(answer=answers[2], actor=fc.cast.grid_worker_a)  # 每层灭火器数量 1 → a case
    CaseAssignment.objects.create(case=case, organisation=rc.property_company, role=AssignmentRole.LEAD)
    # All three to the property company: the extinguisher's rule too, here.
    RoutingRule.objects.filter(category__code="facility-damage").update(organisation=rc.property_company)
    rectification = rectification_create_from_patrol(
        patrol=patrol, actor=fc.grid_leader, deadline=DEADLINE, now=at(MONDAY, 12)
    ).lists[0]
    rectification_send(rectification=rectification, actor=fc.grid_leader, now=at(MONDAY, 13))
    light = list(rectification.items.filter(case__isnull=True))
    assert len(light) == 2
    rectification_item_done(item=light[0], actor=rc.property_handler, note="已清理", after_photos=[tiny_photo()])
    lists = RectificationList.objects.filter(pk=rectification.pk)
    before = list_progress(lists, DEADLINE)[rectification.pk]
    assert (before.total, before.done, before.open, before.overdue) == (3, 1, 2, 0)
    after = list_progress(lists, DEADLINE + datetime.timedelta(days=1))[rectification.pk]
    assert (after.done, after.overdue) == (1, 2)
    case.status = Status.PENDING_VERIFY  # the unit fed back: the case item counts as fixed
    case.save(update_fields=["status"])
    fixed = list_progress(lists, DEADLINE + datetime.timedelta(days=1))[rectification.pk]
    assert (fixed.done, fixed.overdue) == (2, 1)
    [(grid, per_grid)] = grid_progress(lists, DEADLINE + datetime.timedelta(days=1))
    assert grid == fc.cast.grid_a.code and (per_grid.total, per_grid.done, per_grid.overdue) == (3, 2, 1)


def test_a_case_item_is_done_through_its_case_not_here(fc, rc):
    patrol, answers = checked(fc, fc.building1, i0="no")
    finding_report(answer=answers[0], actor=fc.cast.grid_worker_a)
    rectification = rectification_create_from_patrol(
        patrol=patrol, actor=fc.grid_leader, deadline=DEADLINE, now=at(MONDAY, 12)
    ).lists[0]
    rectification_send(rectification=rectification, actor=fc.grid_leader)
    with pytest.raises(ActionRefused):
        rectification_item_done(
            item=rectification.items.get(), actor=rc.property_handler, note="x", after_photos=[tiny_photo()]
        )
