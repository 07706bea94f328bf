"""``manage.py task_worker [db_worker's options]``: the background task worker, surviving database hiccups.

django-tasks-db's ``db_worker`` ends on a database error other than "database is locked" while
it claims a task, and on any database error while it records a task's outcome once its three
quick retries (0.1 s apart) have failed: a PostgreSQL restart, a dropped connection, or on
SQLite a write lock held longer than the busy timeout by a long request. Without ``--reload``
the process exits (systemd restarts it); with ``--reload``, the default under ``DEBUG`` and so
in ``make run``, Django's autoreloader runs the worker in a thread: the thread dies, the process
stays up, and queued tasks (imports, …) wait for a restart nobody makes.

This command runs the same worker with the same options. A transient database error
(``OperationalError``, ``InterfaceError``) is logged, the connections are closed, and after a
pause (``RETRY_DELAYS``: 1, 2, 5, 10, 30, then 60 s) the worker goes on with the next task. A
task whose outcome could not be recorded is marked failed as soon as the database answers
again, so it does not stay "running" for ever. Other errors still end the worker, as before.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


class SurvivingWorker(Worker):
    """django-tasks-db's worker, restarted after a pause when the database fails for a moment."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.failures = 0
        self.unrecorded: tuple[DBTaskResult, BaseException] | None = None

    def run(self) -> None:
        while self.running:
            try:
                self._record_unrecorded()
                super().run()
                return  # stopped (signal), or --batch / --max-tasks finished
            except TRANSIENT as error:
                self._pause_after(error)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except TRANSIENT as error:
            # The task ran (or failed) but its outcome could not be written: record it later.
            self.unrecorded = (db_task_result, error)
            raise
        self.failures = 0

    def _record_unrecorded(self) -> None:
        if self.unrecorded is None:
            return
        task_result, error = self.unrecorded
        task_result.set_failed(error)
        logger.warning("Task id=%s recorded as failed after a database error: %s", task_result.id, error)
        self.unrecorded = None

    def _pause_after(self, error: BaseException) -> None:
        delay = RETRY_DELAYS[min(self.failures, len(RETRY_DELAYS) - 1)]
        self.failures += 1
        logger.warning("Database error in the task worker (%s); trying again in %g s", error, delay)
        connections.close_all()
        time.sleep(delay)


class Command(DatabaseWorkerCommand):
    help = "Run the database background worker; transient database errors pause it instead of ending it."

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool, backend_name: str,
               startup_delay: bool, reload: bool, max_tasks: int | None, worker_id: str, exclude_queues: str,
               **options: Any) -> None:
        if batch and reload:
            reload = False  # as db_worker does (it also warns)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        self.configure_logging(verbosity)
        worker = SurvivingWorker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=excluded,
        )
        if not reload:
            worker.configure_signals()
            worker.run()
            return
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            worker.configure_signals()  # only in the reloader's child process, as db_worker does
        run_with_reloader(worker.run)
