"""Two task worker processes running the supervision pass at once on PostgreSQL issue each step once.

Each worker is a real ``manage.py task_worker`` process with its own connection, started
together, each taking one queued ``supervise_cases_task``: the conditional claim of every case
(``cases.supervision``) is what keeps them from both issuing a step.
"""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from cases.models import CaseEvent, CaseSupervision, SupervisionStep
from cases.notifications import silenced
from cases.tasks import supervise_cases_task
from cases.testing import build_case_cast, report

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CASES = 40


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_two_workers_issue_each_step_of_each_case_once(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    SupervisionStep.objects.all().delete()
    SupervisionStep.objects.create(rank=1, kind="reminder", percent=100)
    cc = build_case_cast(cast)
    with silenced():
        cases = [report(cc, now=LONG_AGO) for _ in range(CASES)]
    queued = [supervise_cases_task.enqueue(), supervise_cases_task.enqueue()]

    env = {**os.environ, "DATABASE_URL": database_url(), "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    command = [
        sys.executable,
        "manage.py",
        "task_worker",
        "--batch",
        "--max-tasks",
        "1",
        "--no-startup-delay",
        "--no-reload",
        "--verbosity",
        "0",
    ]
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for worker in workers:
        _out, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors

    results = [DBTaskResult.objects.get(pk=result.id) for result in queued]
    assert [result.status for result in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert len({result.worker_ids[0] for result in results}) == 2  # one pass in each process
    claimed = [int(re.search(r"(\d+) claimed", result.return_value).group(1)) for result in results]  # type: ignore[union-attr]
    assert sum(claimed) == CASES  # every case claimed by exactly one of the passes

    per_case = CaseSupervision.objects.values("case", "kind").annotate(n=Count("pk"))
    assert {(row["kind"], row["n"]) for row in per_case} == {("overdue", 1), ("reminder", 1)}
    assert per_case.count() == 2 * CASES
    entries = CaseEvent.objects.filter(case__in=cases, verb__in=["overdue", "reminder"])
    assert entries.count() == 2 * CASES
