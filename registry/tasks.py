"""Background tasks of the registry (django-tasks; the database backend runs in ``manage.py task_worker``)."""

from __future__ import annotations

from django_tasks import task

from registry.imports.importer import run_job
from registry.models import ImportJob, ImportStatus


@task()
def run_import(job_id: str, commit: bool = False) -> str:
    """Run an import job's dry run (or, with ``commit``, its real import) if it is still queued.

    The job is claimed with a conditional update, so a task delivered twice runs once.
    Returns the job's final status.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.COMMITTING if commit else ImportStatus.VALIDATING
    )
    job = ImportJob.objects.select_related("area", "created_by").get(pk=job_id)
    if not claimed:
        return job.status
    return run_job(job, commit=commit).status
