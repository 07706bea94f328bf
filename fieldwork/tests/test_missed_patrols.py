"""A missed window reaches the 网格长's inbox once, however often the check runs."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.inbox import unread_count
from cases.models import Notification
from fieldwork.missed import notify_missed_patrols
from fieldwork.models import MissedWindow
from fieldwork.patrols import patrol_finish, patrol_start
from fieldwork.testing import at

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


def test_a_missed_window_is_announced_to_the_grid_leader_once(fc, login):
    worker = fc.cast.grid_worker_a
    patrol = patrol_start(actor=worker, plan=fc.double_patrol, grid=fc.cast.grid_a, window=fc.morning,
                          now=at(MONDAY, 9))
    patrol_finish(patrol=patrol, actor=worker, now=at(MONDAY, 10))
    # Monday 18:00: grid A kept its morning but missed its afternoon; grid B (no leader) missed both.
    assert notify_missed_patrols(at(MONDAY, 18), days=1) == 3
    assert notify_missed_patrols(at(MONDAY, 18), days=1) == 0
    [message] = Notification.objects.all()
    assert message.user == fc.grid_leader and message.case is None
    assert message.title == "漏巡：百花社区第一网格 12-07 下午巡"
    assert set(MissedWindow.objects.values_list("grid__code", "window__name")) == {
        (fc.cast.grid_a.code, "下午巡"), (fc.cast.grid_b.code, "上午巡"), (fc.cast.grid_b.code, "下午巡")}
    assert unread_count(fc.grid_leader.pk) == 1  # the badge
    inbox = login(fc.grid_leader).get(reverse("cases:inbox")).content.decode()
    assert "漏巡：百花社区第一网格 12-07 下午巡" in inbox


def test_a_window_not_over_yet_is_not_missed(fc):
    assert notify_missed_patrols(at(MONDAY, 12), days=1) == 2  # both mornings, no afternoon yet
    assert Notification.objects.filter(user=fc.grid_leader).count() == 1


def test_the_command_runs_the_check(fc):
    call_command("notify_missed_patrols", "--days", "1")
    assert MissedWindow.objects.filter(grid=fc.cast.grid_c).count() == 0  # grid C has no plan
