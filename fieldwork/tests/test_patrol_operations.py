"""Doing a patrol: start, check in, findings to cases (linked both ways), finish, route with consent."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.testing import make_area
from areas.models import Level
from cases.models import Case, Status
from cases.testing import tiny_photo
from cases.workflow import ActionRefused
from fieldwork.checklists import field_name
from fieldwork.models import Answer, CheckInMethod, FieldPhoto, Handling, RoutePoint
from fieldwork.patrols import (
    finding_report,
    finding_resolve,
    patrol_check_in,
    patrol_finish,
    patrol_record_location,
    patrol_start,
)
from fieldwork.selectors import stops
from fieldwork.testing import at, home

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


def fire_answers(fc, **problems):
    items = list(fc.fire_campaign.checklist.current_version().items.all())
    answers = {field_name(items[0]): "yes", field_name(items[1]): "yes", field_name(items[2]): "2",
               field_name(items[3]): "完好", field_name(items[4]): "no"}
    for index, value in problems.items():
        answers[field_name(items[int(index[1:])])] = value
    return items, answers


def start_fire(fc, **extra):
    return patrol_start(actor=fc.cast.grid_worker_a, plan=fc.fire_campaign, grid=fc.cast.grid_a,
                        now=at(MONDAY, 9), **extra)


def test_a_worker_checks_in_at_a_campaign_target_with_answers_and_photos(fc):
    patrol = start_fire(fc)
    target = fc.fire_campaign.targets.get(building=fc.building1)
    items, answers = fire_answers(fc, i0="no")
    checkin = patrol_check_in(patrol=patrol, actor=fc.cast.grid_worker_a, target=target, method=CheckInMethod.QR,
                              answers=answers, photos={field_name(items[5]): [tiny_photo()]}, note="2单元堆满纸箱",
                              now=at(MONDAY, 9, 20))
    assert checkin.target == target and checkin.building == fc.building1 and checkin.method == CheckInMethod.QR
    problems = Answer.objects.filter(checkin=checkin, is_problem=True)
    assert [answer.item.label for answer in problems] == ["消防通道、楼道是否畅通"]
    assert FieldPhoto.objects.get(checkin=checkin).answer.item == items[5]


def test_it_refuses_a_target_of_another_grid_and_saves_nothing(fc):
    patrol = start_fire(fc)
    items, answers = fire_answers(fc)
    with pytest.raises(ValidationError) as refused:
        patrol_check_in(patrol=patrol, actor=fc.cast.grid_worker_a, building=fc.building_b, answers=answers,
                        photos={field_name(items[5]): [tiny_photo()]})
    assert refused.value.message_dict["target"] == ["这个楼栋不在本次巡查的网格。"]
    assert not patrol.checkins.exists()


def test_only_the_worker_acts_and_only_while_the_patrol_is_active(fc):
    patrol = start_fire(fc)
    with pytest.raises(ActionRefused):
        patrol_finish(patrol=patrol, actor=fc.grid_leader)
    patrol_finish(patrol=patrol, actor=fc.cast.grid_worker_a, note="正常", now=at(MONDAY, 10))
    with pytest.raises(ActionRefused, match="已经结束"):
        patrol_check_in(patrol=patrol, actor=fc.cast.grid_worker_a, building=fc.building1)


def test_a_worker_has_one_active_patrol_and_patrols_only_their_grids(fc):
    start_fire(fc)
    with pytest.raises(ActionRefused, match="没有结束"):
        patrol_start(actor=fc.cast.grid_worker_a, plan=fc.double_patrol, grid=fc.cast.grid_a, window=fc.morning,
                     now=at(MONDAY, 9))
    with pytest.raises(ActionRefused):
        patrol_start(actor=fc.cast.grid_worker_b, plan=fc.fire_campaign, grid=fc.cast.grid_a, now=at(MONDAY, 9))
    with pytest.raises(ValidationError):
        patrol_start(actor=fc.cast.grid_worker_b, plan=fc.double_patrol, grid=fc.cast.grid_b, now=at(MONDAY, 9))


def test_a_problem_becomes_a_case_in_one_step_linked_both_ways(fc):
    patrol = start_fire(fc)
    items, answers = fire_answers(fc, i0="no")
    checkin = patrol_check_in(patrol=patrol, actor=fc.cast.grid_worker_a, building=fc.building1, answers=answers,
                              photos={field_name(items[5]): [tiny_photo()]}, now=at(MONDAY, 9, 20))
    answer = checkin.answers.get(is_problem=True)
    case = finding_report(answer=answer, actor=fc.cast.grid_worker_a, now=at(MONDAY, 9, 25))
    assert case.status == Status.REPORTED and case.category.code == "fire-exit-blocked"
    assert case.building == fc.building1 and case.grid == fc.cast.grid_a
    assert "消防安全专项" in case.description and "消防通道、楼道是否畅通" in case.description
    answer.refresh_from_db()
    assert answer.case == case and answer.handling == Handling.REPORTED
    assert case.patrol_answers.get().checkin.patrol == patrol  # the way back from the case
    with pytest.raises(ActionRefused, match="已经处理过"):
        finding_report(answer=answer, actor=fc.cast.grid_worker_a)
    assert Case.objects.count() == 1


def test_a_problem_resolved_on_the_spot_is_a_closed_case(fc):
    patrol = start_fire(fc)
    items, answers = fire_answers(fc, i4="yes")
    checkin = patrol_check_in(patrol=patrol, actor=fc.cast.grid_worker_a, building=fc.building1, answers=answers,
                              photos={field_name(items[5]): [tiny_photo()]}, now=at(MONDAY, 9, 20))
    answer = checkin.answers.get(is_problem=True)
    case = finding_resolve(answer=answer, actor=fc.cast.grid_worker_a, note="劝导住户把电动车推到车棚充电",
                           now=at(MONDAY, 9, 30))
    assert case.status == Status.PENDING_VERIFY and case.category.code == "ebike-charging"
    answer.refresh_from_db()
    assert answer.handling == Handling.RESOLVED and answer.case == case


def test_a_finding_that_is_no_problem_is_not_reported(fc):
    patrol = start_fire(fc)
    items, answers = fire_answers(fc)
    checkin = patrol_check_in(patrol=patrol, actor=fc.cast.grid_worker_a, building=fc.building1, answers=answers,
                              photos={field_name(items[5]): [tiny_photo()]})
    with pytest.raises(ActionRefused):
        finding_report(answer=checkin.answers.first(), actor=fc.cast.grid_worker_a)


def test_route_points_need_the_setting_the_consent_and_an_active_patrol(fc, settings):
    settings.FIELDWORK_ROUTE_TRACKING = False
    patrol = start_fire(fc, consent=True)
    assert not patrol.location_consent
    with pytest.raises(ActionRefused):
        patrol_record_location(patrol=patrol, actor=fc.cast.grid_worker_a, longitude=113.51, latitude=34.72)
    patrol_finish(patrol=patrol, actor=fc.cast.grid_worker_a)
    settings.FIELDWORK_ROUTE_TRACKING = True
    without = patrol_start(actor=fc.cast.grid_worker_a, plan=fc.fire_campaign, grid=fc.cast.grid_a,
                           now=at(MONDAY, 11))
    with pytest.raises(ActionRefused):
        patrol_record_location(patrol=without, actor=fc.cast.grid_worker_a, longitude=113.51, latitude=34.72)
    patrol_finish(patrol=without, actor=fc.cast.grid_worker_a)
    consenting = patrol_start(actor=fc.cast.grid_worker_a, plan=fc.fire_campaign, grid=fc.cast.grid_a,
                              consent=True, now=at(MONDAY, 14))
    patrol_record_location(patrol=consenting, actor=fc.cast.grid_worker_a, longitude=113.51, latitude=34.72)
    patrol_finish(patrol=consenting, actor=fc.cast.grid_worker_a)
    with pytest.raises(ActionRefused):
        patrol_record_location(patrol=consenting, actor=fc.cast.grid_worker_a, longitude=113.51, latitude=34.72)
    assert RoutePoint.objects.filter(patrol=consenting).count() == 1
    assert RoutePoint.objects.count() == 1


def test_a_grids_patrol_covers_the_buildings_of_its_micro_grids(fc):
    """Many streets cut a grid into 微网格 and register buildings there: the grid worker's patrol
    of the grid lists those buildings and checks in at them; another grid's stay refused."""
    micro = make_area(f"{fc.cast.grid_a.code}001", "第一微网格", Level.MICROGRID, fc.cast.grid_a, None)
    tower, _resident = home(micro, "8号楼", "林阿婆")
    patrol = patrol_start(actor=fc.cast.grid_worker_a, plan=fc.double_patrol, grid=fc.cast.grid_a,
                          window=fc.morning, now=at(MONDAY, 9))
    listed = {stop.pk for stop in stops(patrol, fc.cast.grid_worker_a) if stop.kind == "building"}
    assert tower.pk in listed and fc.building1.pk in listed and fc.building_b.pk not in listed
    items = list(fc.double_patrol.checklist.current_version().items.all())
    answers = {field_name(item): "no" for item in items if item.kind == "yes_no"}
    checkin = patrol_check_in(patrol=patrol, actor=fc.cast.grid_worker_a, building=tower, answers=answers,
                              now=at(MONDAY, 9, 15))
    assert checkin.building == tower
    with pytest.raises(ValidationError):
        patrol_check_in(patrol=patrol, actor=fc.cast.grid_worker_a, building=fc.building_b, answers=answers,
                        now=at(MONDAY, 9, 20))
