"""``manage.py task_worker``: a transient database error pauses the worker; it never ends it.

django-tasks-db's ``db_worker`` raises out of its loop in both situations below, which under
``--reload`` (``make run``) killed the worker's thread while its process stayed up, so queued
imports waited until someone restarted it.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from core.management.commands import task_worker

# The worker closes database connections; on PostgreSQL that would end a test's wrapping
# transaction, so these tests commit for real (and are flushed after).
pytestmark = pytest.mark.django_db(transaction=True)

RAN: list[str] = []


@task()
def note(name: str) -> str:
    RAN.append(name)
    return name


@task()
def hit_a_locked_database() -> None:
    raise OperationalError("database is locked")


@pytest.fixture(autouse=True)
def database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(task_worker, "RETRY_DELAYS", (0.0,))
    RAN.clear()


def work():
    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def failing_once(monkeypatch, method, error):
    """Make ``DBTaskResult.<method>`` raise ``error`` the first time it is called."""
    real = getattr(DBTaskResult, method)
    calls = []

    def once(self, *args):
        calls.append(self.pk)
        if len(calls) == 1:
            raise error
        return real(self, *args)

    monkeypatch.setattr(DBTaskResult, method, once)
    return calls


def test_it_runs_the_next_task_after_a_task_hit_a_database_error_it_could_not_record(monkeypatch):
    """The SQLite case: a long transaction elsewhere holds the lock through the task and the
    library's quick retries of recording its failure."""
    broken = hit_a_locked_database.enqueue()
    after = note.enqueue("after")
    calls = failing_once(monkeypatch, "set_failed", OperationalError("database is locked"))
    work()
    assert RAN == ["after"]
    assert DBTaskResult.objects.get(pk=after.id).status == "SUCCESSFUL"
    recorded = DBTaskResult.objects.get(pk=broken.id)
    assert recorded.status == "FAILED"  # not left "running" for ever
    assert recorded.exception_class_path == "django.db.utils.OperationalError"
    assert len(calls) == 2


def test_it_goes_on_after_losing_the_database_connection_while_claiming(monkeypatch):
    note.enqueue("first")
    note.enqueue("second")
    failing_once(monkeypatch, "claim", OperationalError("server closed the connection unexpectedly"))
    work()
    assert RAN == ["first", "second"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_it_still_ends_on_an_error_that_is_not_transient(monkeypatch):
    note.enqueue("never")
    failing_once(monkeypatch, "claim", ValueError("a bug"))
    with pytest.raises(ValueError, match="a bug"):
        work()
    assert RAN == []


def test_it_takes_db_workers_options():
    with pytest.raises(CommandError, match="--exclude-queues can only be used with --queue-name"):
        call_command("task_worker", "--batch", "--queue-name", "default", "--exclude-queues", "other", verbosity=0)
