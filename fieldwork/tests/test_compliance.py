"""Compliance figures on a hand-built week with known answers, and the page's scope."""

import datetime

import pytest
from django.urls import reverse

from cases.models import CalendarDay
from cases.testing import tiny_photo
from fieldwork.checklists import field_name
from fieldwork.compliance import campaign_progress, grid_figures, worker_counts
from fieldwork.patrols import finding_report, patrol_check_in, patrol_finish, patrol_start
from fieldwork.testing import at

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


def patrol(fc, day, window, finish=True, worker=None, grid=None):
    worker = worker or fc.cast.grid_worker_a
    done = patrol_start(actor=worker, plan=fc.double_patrol, grid=grid or fc.cast.grid_a, window=window,
                        now=at(day, window.starts_at.hour, 30))
    if finish:
        patrol_finish(patrol=done, actor=worker, now=at(day, window.starts_at.hour + 1))
    return done


def test_it_counts_planned_kept_and_missed_windows_over_a_week_with_a_holiday(fc):
    CalendarDay.objects.update_or_create(date=MONDAY + datetime.timedelta(days=2),
                                         defaults={"is_workday": False, "name": "假日"})
    patrol(fc, MONDAY, fc.morning)
    patrol(fc, MONDAY, fc.afternoon)
    patrol(fc, MONDAY + datetime.timedelta(days=1), fc.morning)
    patrol(fc, MONDAY + datetime.timedelta(days=3), fc.morning, finish=False)  # never finished: not kept
    now = at(MONDAY + datetime.timedelta(days=4), 12)  # Friday noon: Friday's afternoon is still ahead
    [figures] = grid_figures([fc.cast.grid_a], MONDAY, MONDAY + datetime.timedelta(days=6), now)
    # Mon–Fri minus Wednesday's holiday = 4 working days × 2 windows; the weekend asks nothing.
    assert (figures.planned, figures.done, figures.missed) == (8, 3, 4)
    assert figures.rate == 43
    assert [(day.planned, day.done, day.missed) for day in figures.days] == [
        (2, 2, 0), (2, 1, 1), (0, 0, 0), (2, 0, 2), (2, 0, 1), (0, 0, 0), (0, 0, 0)]


def test_worker_counts_are_finished_patrols_and_days(fc):
    patrol(fc, MONDAY, fc.morning)
    patrol(fc, MONDAY, fc.afternoon)
    patrol(fc, MONDAY + datetime.timedelta(days=1), fc.morning)
    patrol(fc, MONDAY, fc.morning, worker=fc.cast.grid_worker_b, grid=fc.cast.grid_b)
    assert worker_counts([fc.cast.grid_a, fc.cast.grid_b], MONDAY, MONDAY + datetime.timedelta(days=6)) == [
        ("grid_worker_a", 3, 2), ("grid_worker_b", 1, 1)]


def test_the_page_shows_the_grids_of_a_community_to_its_leaders_only(fc, login, django_assert_max_num_queries):
    patrol(fc, MONDAY, fc.morning)
    url = reverse("fieldwork:compliance", args=[fc.cast.community1.code]) + "?start=2026-12-07&end=2026-12-07"
    client = login(fc.cast.street_leader)
    with django_assert_max_num_queries(19):  # a fixed number, whatever the grids, days and patrols (+3: coverage)
        response = client.get(url)
    text = response.content.decode()
    assert response.status_code == 200 and "百花社区第一网格" in text and "百花社区第二网格" in text
    assert login(fc.cast.grid_worker_a).get(url).status_code == 404  # the community is above their grid
    own_grid = reverse("fieldwork:compliance", args=[fc.cast.grid_a.code])
    assert login(fc.cast.grid_worker_a).get(own_grid).status_code == 403  # no fieldwork.view_compliance
    assert login(fc.cast.other_street_leader).get(url).status_code == 404
    grid = login(fc.grid_leader).get(reverse("fieldwork:compliance", args=[fc.cast.grid_a.code]))
    assert grid.status_code == 200 and "每日明细" in grid.content.decode()


def test_a_bad_period_falls_back_to_this_month_with_a_message(fc, login):
    url = reverse("fieldwork:compliance", args=[fc.cast.grid_a.code]) + "?start=2026-13-01"
    assert "日期无效，已显示本月。" in login(fc.grid_leader).get(url).content.decode()


def test_campaign_progress_counts_targets_checked_due_and_problems(fc, login):
    worker = fc.cast.grid_worker_a
    campaign = patrol_start(actor=worker, plan=fc.fire_campaign, grid=fc.cast.grid_a, now=at(MONDAY, 9))
    items = list(fc.fire_campaign.checklist.current_version().items.all())
    answers = {field_name(items[0]): "no", field_name(items[1]): "no", field_name(items[2]): "3",
               field_name(items[3]): "完好", field_name(items[4]): "no"}
    checkin = patrol_check_in(patrol=campaign, actor=worker, building=fc.building1, answers=answers,
                              photos={field_name(items[5]): [tiny_photo()]}, now=at(MONDAY, 9, 10))
    finding_report(answer=checkin.answers.filter(is_problem=True).first(), actor=worker, now=at(MONDAY, 9, 20))
    # Three targets in the community (two in grid A, one in grid B), one checked, two problems, one reported.
    [row] = campaign_progress(fc.cast.street_leader, fc.cast.community1.code, MONDAY)
    assert (row.targets, row.checked, row.due, row.problems, row.handled, row.percent) == (3, 1, 2, 2, 1, 33)
    [grid_a] = campaign_progress(fc.cast.street_leader, fc.cast.grid_a.code, MONDAY)
    assert (grid_a.targets, grid_a.checked, grid_a.due) == (2, 1, 1)
    # The campaign checks every 14 days: two weeks later the checked building is due again.
    [later] = campaign_progress(fc.cast.street_leader, fc.cast.community1.code, MONDAY + datetime.timedelta(days=14))
    assert later.due == 3
    page = login(fc.cast.street_leader).get(reverse("fieldwork:compliance", args=[fc.cast.community1.code]))
    assert "专项巡查进度" in page.content.decode() and "消防安全专项" in page.content.decode()
