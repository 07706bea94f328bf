"""The demo cases (``demo.cases``): a year of cases in every state, told through the real
transitions, with consistent timelines, for the demo logins to act on; seeded once."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from cases.models import (
    Case,
    CaseEvent,
    CaseSupervision,
    Category,
    Dispute,
    MediationSession,
    Notification,
    Rating,
    Status,
    SupervisionSource,
)
from cases.routing import route_for
from cases.rules import may, took_part
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db

STREET = "410102005000"
DEMO_GRID = "410102005001001"


def test_it_tells_a_year_of_cases_once(caplog):
    caplog.set_level(logging.WARNING, logger="demo.cases")
    report = seed_demo(password="demo-test-pw", registry=False, cases=True)
    assert "cut short" not in caplog.text

    cases = Case.objects.filter(street_code=STREET)
    assert 400 <= cases.count() == report.created["事件"] == report.counts["cases"]
    statuses = dict(cases.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == set(Status.values)
    assert statuses[Status.CLOSED] > cases.count() / 2

    _check_timelines(cases)
    _check_history(cases)
    _check_queues_of_the_demo_logins(cases)
    assert not Notification.objects.exists()  # the stories are history: nobody is told now

    again = seed_demo(password="demo-test-pw", registry=False, cases=True)
    assert not again.changed
    assert Case.objects.count() == cases.count()


def _check_timelines(cases) -> None:
    now = timezone.now()
    year_ago = now - datetime.timedelta(days=366)
    assert not cases.filter(reported_at__lt=year_ago).exists()
    assert not CaseEvent.objects.filter(time__gt=now).exists()
    for case in cases.prefetch_related("events"):
        times = [event.time for event in sorted(case.events.all(), key=lambda event: event.pk)]
        assert times == sorted(times), case.number
        assert times[0] >= case.reported_at


def _check_history(cases) -> None:
    assert cases.filter(ever_overdue=True).count() >= 20
    assert cases.filter(rating=Rating.DISSATISFIED).exists()
    # Ratings are the residents' own or call-backs by someone who had no part in the work.
    rated = cases.exclude(rating="")
    assert set(rated.values_list("rating_source", flat=True)) == {"self", "callback"}
    for case in rated.filter(rating_source="callback").select_related("rating_caller"):
        assert case.rating_caller is not None and not took_part(case, case.rating_caller), case.number
    # 小事不出网格 is checked by someone else.
    for case in cases.filter(self_handled=True, verified_at__isnull=False):
        checkers = set(case.events.filter(verb="verify").values_list("actor_id", flat=True))
        assert case.handler_id not in checkers, case.number
    assert cases.filter(reopen_count__gt=0).exists()
    assert cases.filter(rework_count__gt=0).exists()
    assert cases.filter(duplicate_of__isnull=False, status=Status.MERGED).exists()
    assert cases.filter(parent__isnull=False).exists()
    kinds = set(CaseSupervision.objects.values_list("kind", flat=True))
    assert {"warning", "overdue", "reminder", "yellow", "red"} <= kinds
    assert CaseSupervision.objects.filter(source=SupervisionSource.MANUAL).exists()
    disputes = Dispute.objects.filter(case__street_code=STREET)
    assert disputes.filter(result="success").exists()
    assert MediationSession.objects.filter(dispute__in=disputes).exists()
    assert all(dispute.parties.count() == 2 for dispute in disputes.exclude(result=""))
    channels = set(cases.values_list("channel", flat=True))
    assert {"grid_worker", "resident", "hotline"} <= channels


def _check_queues_of_the_demo_logins(cases) -> None:
    def acts(username: str, verb: str) -> bool:
        user = User.objects.get(username=username)
        return any(may(case, user, verb) for case in cases.filter(status__in=Status.values).select_related(
            "category", "desk_area", "grid"))

    assert acts("gridleader", "accept")
    assert acts("gridworker", "verify")
    assert acts("dispatcher", "dispatch")
    assert acts("propertyhandler", "sign")
    assert acts("depthandler", "sign")
    assert acts("depthandler", "feedback")
    assert acts("communitystaff", "close")
    assert acts("dispatcher", "decline_reopen")
    grid = Area.objects.get(code=DEMO_GRID)
    routed = route_for(Category.objects.get(code="stairwell-clutter"), grid)
    assert routed is not None and routed.name == "郑州茜城物业服务有限公司"
