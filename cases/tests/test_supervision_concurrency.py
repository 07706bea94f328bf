"""Two supervision workers at the same moment never issue a rung twice (real threads, PostgreSQL)."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from cases.models import Case, CaseEvent, CaseSupervision, SupervisionStep
from cases.supervision import SupervisionReport, run_supervision
from cases.testing import build_case_cast, report

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

MONDAY_9 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def run_at_once(moment: datetime.datetime, workers: int) -> list[SupervisionReport | BaseException]:
    barrier = threading.Barrier(workers)
    results: list[SupervisionReport | BaseException] = [RuntimeError("not run")] * workers

    def work(index: int) -> None:
        try:
            barrier.wait()
            results[index] = run_supervision(now=moment, batch_size=3)
        except BaseException as error:  # reported by the assertion below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_workers_at_once_issue_each_rung_exactly_once(cast):
    cc = build_case_cast(cast)
    SupervisionStep.objects.all().delete()
    for rank, kind, percent in [(1, "reminder", 100), (2, "yellow", 150), (3, "red", 200)]:
        SupervisionStep.objects.create(rank=rank, kind=kind, percent=percent)
    cases = [report(cc, now=MONDAY_9) for _ in range(8)]
    first = cases[0]
    assert first.stage_started_at and first.stage_due_at
    moment = first.stage_started_at + (first.stage_due_at - first.stage_started_at) * 1.6

    for _round in range(2):
        results = run_at_once(moment, workers=3)
        assert all(isinstance(result, SupervisionReport) for result in results), results
        claimed = sum(result.claimed for result in results if isinstance(result, SupervisionReport))
        assert claimed == (8 if _round == 0 else 0)

    for case in Case.objects.all():
        assert sorted(CaseSupervision.objects.filter(case=case).values_list("kind", flat=True)) == [
            "overdue", "reminder", "yellow"]
        assert case.supervision_rank == 3 and case.ever_overdue
    assert CaseEvent.objects.filter(verb__in=["overdue", "reminder", "yellow"]).count() == 24
