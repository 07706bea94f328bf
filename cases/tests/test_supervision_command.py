"""``manage.py supervise_cases`` (once, or in a loop) and the ``supervise_cases_task`` background task."""

import datetime
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cases.management.commands.supervise_cases import Command
from cases.models import CaseSupervision, SupervisionStep
from cases.supervision import SupervisionReport
from cases.tasks import supervise_cases_task
from cases.testing import build_case_cast, report

LONG_AGO = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def overdue_case(cast):  # type: ignore[no-untyped-def]
    SupervisionStep.objects.all().delete()
    SupervisionStep.objects.create(rank=1, kind="reminder", percent=100)
    return report(build_case_cast(cast), now=LONG_AGO)


def test_it_runs_once_and_says_what_it_did(overdue_case):
    out = io.StringIO()
    call_command("supervise_cases", stdout=out)
    assert "1 claimed" in out.getvalue() and "overdue 1" in out.getvalue() and "reminder 1" in out.getvalue()
    assert set(CaseSupervision.objects.values_list("kind", flat=True)) == {"overdue", "reminder"}
    out = io.StringIO()
    call_command("supervise_cases", stdout=out)
    assert "nothing issued" in out.getvalue()
    assert CaseSupervision.objects.count() == 2


def test_the_loop_runs_pass_after_pass_and_survives_a_failed_pass(db):
    command = Command(stdout=io.StringIO())
    passes = []

    def fake_pass(now=None):  # type: ignore[no-untyped-def]
        passes.append(1)
        if len(passes) == 1:
            raise RuntimeError("database went away")
        if len(passes) == 3:
            command.stop.set()
        summary = SupervisionReport(scanned=1, claimed=1)
        summary.issued.update(["warning"])
        return summary

    with mock.patch("cases.management.commands.supervise_cases.run_supervision", side_effect=fake_pass), \
            mock.patch("cases.management.commands.supervise_cases.close_old_connections"):
        call_command(command, loop=0.01)
    assert len(passes) == 3
    assert "warning 1" in command.stdout._out.getvalue()  # type: ignore[attr-defined]


def test_the_task_runs_one_pass(overdue_case, settings):
    settings.TASKS = IMMEDIATE
    result = supervise_cases_task.enqueue()
    assert "overdue 1" in result.return_value
    assert CaseSupervision.objects.filter(case=overdue_case, kind="overdue", source="automatic").exists()


def test_the_loop_pauses_as_long_as_the_setting_says_unless_told(db, settings):
    settings.CASES_SUPERVISION_INTERVAL = 0
    command = Command(stdout=io.StringIO())
    passes = []

    def fake_pass(now=None):  # type: ignore[no-untyped-def]
        passes.append(1)
        if len(passes) == 2:
            command.stop.set()
        return SupervisionReport()

    with mock.patch("cases.management.commands.supervise_cases.run_supervision", side_effect=fake_pass), \
            mock.patch("cases.management.commands.supervise_cases.close_old_connections"), \
            mock.patch.object(command.stop, "wait", wraps=command.stop.wait) as waited:
        call_command(command, "--loop")
    assert len(passes) == 2
    assert waited.call_args_list[0].args == (0.01,)  # the setting (0), at least 10 ms
    assert "every 0 s" in command.stdout._out.getvalue()  # type: ignore[attr-defined]
