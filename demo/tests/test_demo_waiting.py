"""Demo cases left waiting: seeded in mid-November, the cases verified but never closed (待结案)
are still there weeks later, and their closing clock shows them overdue: the lamp, the
workbench's 已超期 queue, the supervision ladder and the statistics all count the delay."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases import statistics
from cases.models import Case, CaseSupervision, Stage, Status
from cases.selectors import RED, running_lamp
from cases.supervision import run_supervision
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEEDED = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)
TODAY = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI)


def test_cases_left_waiting_to_be_closed_since_mid_november_are_overdue_today():
    with time_machine.travel(SEEDED, tick=True):
        seed_demo(password="demo-test-pw", registry=False, cases=True)
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
