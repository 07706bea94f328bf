"""The demo cases (``demo.cases``): a year of cases in every state, told through the real
transitions, with consistent timelines, for the demo logins to act on; seeded once.

Seeding a year of cases is the slowest thing the demo does, so it is done once for the module
(``demo_cases``): on 16 November, as a demo street was, each test in its own savepoint."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from cases import statistics
from cases.models import (
    Case,
    CaseEvent,
    CaseSupervision,
    Category,
    Dispute,
    MediationSession,
    Notification,
    Rating,
    Stage,
    Status,
    SupervisionSource,
)
from cases.routing import route_for
from cases.rules import may, took_part
from cases.selectors import RED, running_lamp
from cases.supervision import run_supervision
from demo.seed import SeedReport, seed_demo
from demo.tests.conftest import FAST

pytestmark = pytest.mark.django_db

STREET = "410102005000"
DEMO_GRID = "410102005001001"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEEDED = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)
TODAY = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class SeededCases:
    report: SeedReport
    warnings: str  # what demo.cases logged at WARNING while seeding
    finished_at: datetime.datetime  # the (travelled) time when seeding was done


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def demo_cases(django_db_setup: None, django_db_blocker: Any, demo_media: Path) -> Iterator[SeededCases]:
    """``seed_demo`` with a year of cases (no registry) on 16 November, once for the module, inside
    a transaction rolled back at the end; each test runs in its own savepoint (the ``db`` fixture)
    inside it. Each test seeding its own year cost over a minute a test on a busy CI machine."""
    logger, collect = logging.getLogger("demo.cases"), _Collect()
    level = logger.level
    logger.setLevel(logging.WARNING)
    logger.addHandler(collect)
    try:
        with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(demo_media), **FAST),
              transaction.atomic()):
            with time_machine.travel(SEEDED, tick=True):
                report = seed_demo(password="demo-test-pw", registry=False, cases=True)
                finished_at = timezone.now()
            yield SeededCases(report, "\n".join(collect.lines), finished_at)
            transaction.set_rollback(True)
    finally:
        logger.removeHandler(collect)
        logger.setLevel(level)


def test_it_tells_a_year_of_cases_once(demo_cases):
    report = demo_cases.report
    assert "cut short" not in demo_cases.warnings

    # Checked as of the moment the seeding finished, as if right after it.
    with time_machine.travel(demo_cases.finished_at, tick=True):
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


def test_cases_left_waiting_to_be_closed_since_mid_november_are_overdue_today(demo_cases):
    """Demo cases left waiting: seeded in mid-November, the cases verified but never closed
    (待结案) are still there weeks later, and their closing clock shows them overdue: the lamp,
    the workbench's 已超期 queue, the supervision ladder and the statistics all count the delay."""
    waiting = Case.objects.filter(status=Status.VERIFIED)
    assert waiting.count() >= 2
    assert all(case.stage == Stage.CLOSE and case.close_due_at for case in waiting)
    assert all(case.verified_at < SEEDED for case in waiting)
    with time_machine.travel(TODAY, tick=False):
        assert all(running_lamp(case) == RED for case in waiting)
        run_supervision()
        figures = statistics.headline(Case.objects.all())
        overdue_ids = set(Case.objects.overdue().values_list("pk", flat=True))
    assert set(waiting.values_list("pk", flat=True)) <= overdue_ids
    assert figures.overdue >= waiting.count()
    for case in waiting:
        kinds = set(CaseSupervision.objects.filter(case=case, stage=Stage.CLOSE).values_list("kind", flat=True))
        assert "overdue" in kinds, case.number


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
