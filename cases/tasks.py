"""Background tasks of the cases app (django-tasks; the database backend runs in ``manage.py task_worker``)."""

from __future__ import annotations

from django_tasks import task

from cases.ledger_exports import run_export
from cases.supervision import run_supervision


@task()
def supervise_cases_task() -> str:
    """One pass of the supervision worker (自动督办); returns its summary.

    Safe to enqueue as often as wanted, and twice at once: every step is a conditional claim.
    """
    return str(run_supervision())


@task()
def export_ledger_task(export_id: str) -> str:
    """Write a queued ledger export (``cases.ledger_exports.run_export``); returns its final status."""
    return run_export(export_id)
