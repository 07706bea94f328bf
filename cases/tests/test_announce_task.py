"""Announcing a timeline entry by task (``cases.events``): the request enqueues, the worker tells.

These tests commit for real (the worker closes database connections, which on PostgreSQL would
end a test's wrapping transaction) and use the database queue, as production does.
"""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from cases import events
from cases.models import Announcement, Case, CaseEvent, Notification
from cases.notifications import silenced
from cases.testing import report
from cases.tests.intake_files import GRID_A_POINT

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/s/report/"


@pytest.fixture(autouse=True)
def database_queue(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    caches["default"].clear()


def post_report(cc, client):  # type: ignore[no-untyped-def]
    longitude, latitude = GRID_A_POINT
    response = client.post(
        URL,
        {
            "category": cc.category("t-clutter").pk,
            "description": "5号楼楼道里堆了很多纸箱。",
            "system": "WGS84",
            "address": "5号楼1单元",
            "reporter_name": "王先生",
            "reporter_phone": "13912345678",
            "longitude": longitude,
            "latitude": latitude,
        },
    )
    assert response.status_code == 302
    return Case.objects.get()


def work() -> None:
    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_report_post_only_enqueues_and_the_worker_notifies_the_desk_once(cc, client):
    case = post_report(cc, client)
    assert not Notification.objects.exists()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "cases.events.announce_event_task"
    assert queued.args_kwargs["args"] == [CaseEvent.objects.get(case=case, verb="report").pk]

    work()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert list(Notification.objects.values_list("user", "verb")) == [(cc.grid_leader.pk, "report")]

    events.announce_event_task.enqueue(queued.args_kwargs["args"][0])  # a retry, a second worker
    work()
    assert Notification.objects.count() == 1
    assert Announcement.objects.count() == 1


def test_each_listener_hears_of_each_announced_entry_once_and_a_failing_one_stops_nobody(cc, client):
    heard: list[tuple[str, str]] = []

    def failing(event: CaseEvent) -> None:
        Notification.objects.create(user=cc.grid_leader, verb="custom", title="rolled back")
        raise RuntimeError("listener broke")

    def listening(event: CaseEvent) -> None:
        heard.append((event.verb, event.case.tracking_code))

    events.register_listener(failing)
    events.register_listener(listening)
    events.register_listener(listening)  # registered once only
    try:
        case = post_report(cc, client)
        work()
        event = CaseEvent.objects.get(case=case, verb="report")
        assert events.announce_event(event.pk) is False
    finally:
        events.unregister_listener(failing)
        events.unregister_listener(listening)
    assert heard == [("report", case.tracking_code)]
    assert list(Notification.objects.values_list("verb", flat=True)) == ["report"]  # the failure rolled back


def test_nothing_is_enqueued_for_silenced_entries(cc):
    with silenced():
        report(cc)
    assert not DBTaskResult.objects.exists()
    assert not Notification.objects.exists()


def test_the_task_row_is_written_in_the_reports_own_transaction(cc):
    with transaction.atomic():
        case = report(cc)
        queued = DBTaskResult.objects.get()  # before the commit, in the same transaction
    assert queued.args_kwargs["args"] == [CaseEvent.objects.get(case=case, verb="report").pk]


def test_a_rolled_back_report_leaves_no_task(cc):
    def refuse(case: Case) -> None:
        raise RuntimeError("what the caller records with the case failed")

    with pytest.raises(RuntimeError):
        report(cc, saved=refuse)
    with pytest.raises(RuntimeError), transaction.atomic():
        report(cc)
        raise RuntimeError("the request failed after the report")
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_other_backends_get_the_task_only_after_the_commit(cc, settings):
    """Redis/RQ's worker could run before the commit and miss the entry: those enqueue after it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = events.announce_event_task.get_backend()
    with pytest.raises(RuntimeError), transaction.atomic():
        report(cc)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        report(cc)
        assert backend.results == []
    assert [result.args for result in backend.results] == [[CaseEvent.objects.get(verb="report").pk]]
    assert not DBTaskResult.objects.exists()
