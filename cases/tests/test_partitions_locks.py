"""``partitions ensure`` next to live work: it takes its locks before changing anything, waits for
them a bounded time, and when it cannot have them gives up whole, leaving requests unharmed."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from cases import partitions
from cases.models import Case, CaseEvent
from cases.testing import report
from cases.tests.test_partitions import home, old_entry

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def hold_case(case: Case, held: threading.Event, release: threading.Event) -> None:
    """A request in the middle of changing the case: its row updated, not yet committed."""
    try:
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(description=case.description)
            held.set()
            release.wait(30)
    finally:
        connections.close_all()


def test_ensure_gives_up_whole_while_a_case_is_being_changed_and_succeeds_afterwards(cc, monkeypatch):
    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "100ms")
    monkeypatch.setattr(partitions, "LOCK_ATTEMPTS", 2)
    monkeypatch.setattr(partitions, "LOCK_PAUSE_SECONDS", 0.0)
    case = report(cc)
    entry = old_entry(case)  # March 2019: in DEFAULT, so ensure must attach a partition
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_case, args=(case, held, release))
    holder.start()
    try:
        assert held.wait(30)
        with pytest.raises(OperationalError, match="lock timeout"):
            partitions.ensure()
        assert home("cases_caseevent", entry.pk) == "cases_caseevent_default"
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('cases_caseevent_p2019_03')")
            assert cursor.fetchone()[0] is None
    finally:
        release.set()
        holder.join(30)
    try:
        assert "cases_caseevent_p2019_03" in partitions.ensure()
        assert home("cases_caseevent", entry.pk) == "cases_caseevent_p2019_03"
        assert CaseEvent.objects.get(pk=entry.pk).case_id == case.pk
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS cases_caseevent_p2019_03")
