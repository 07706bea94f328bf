"""Monthly partitions of the timeline and the inbox (``cases.partitions``, ``manage.py partitions``).

The partition tests are PostgreSQL-only: SQLite has no declarative partitioning, the tables stay
plain there. Their DDL runs inside each test's transaction and is rolled back with it.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from cases import partitions, selectors
from cases.inbox import notifications_deliver, unread_count
from cases.models import Announcement, Case, CaseAttachment, CaseEvent, Notification, Status
from cases.partitions import CASE_EVENTS, NOTIFICATIONS, Month
from cases.testing import CaseCast, advance, report, tiny_photo

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="declarative partitioning is PostgreSQL-only; SQLite keeps plain tables"
)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
OLD = datetime.datetime(2019, 3, 15, 9, 30, tzinfo=SHANGHAI)


def test_no_database_constraint_points_at_a_partitioned_table():
    """PostgreSQL cannot point a foreign key at ``id`` alone of a partitioned table (its unique key
    includes the month): every link to a timeline entry or an inbox row, in any app, is a Django
    relation without a database constraint."""
    links = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in (CaseEvent, Notification) and field.db_constraint
    ]
    assert links == []


def home(table: str, pk: int) -> str:
    """The partition a row of ``table`` lives in."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def finished(cc: CaseCast) -> Case:
    return advance(report(cc), Status.REJECTED, cc)


def old_entry(case: Case, moment: datetime.datetime = OLD) -> CaseEvent:
    first = case.events.first()
    assert first is not None
    return CaseEvent.objects.create(case=case, time=moment, verb=first.verb, actor_label="旧记录",
                                    comment="2019年的记录", area_code=first.area_code)


@postgresql_only
def test_migrate_leaves_both_tables_partitioned_by_month_with_a_default():
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p "
                       "JOIN pg_class c ON c.oid = p.partrelid ORDER BY 1")
        assert cursor.fetchall() == [
            ("cases_caseevent", 'RANGE ("time")'), ("cases_notification", "RANGE (created_at)"),
        ]
        cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'cases_caseevent_pkey'")
        assert cursor.fetchone()[0] == 'PRIMARY KEY (id, "time")'
    names = [p.name for p in partitions.partitions(CASE_EVENTS)]
    assert partitions.partition_name(CASE_EVENTS, Month.current()) in names
    assert partitions.partition_name(CASE_EVENTS, Month.current().plus(3)) in names
    assert names[-1] == "cases_caseevent_default"


@postgresql_only
def test_new_entries_and_messages_land_in_this_months_partition(cc):
    case = report(cc)
    event = case.events.get()
    message = Notification.objects.create(user=cc.dispatcher, case=case, verb="x", title="新事件")
    assert home("cases_caseevent", event.pk) == f"cases_caseevent_p{Month.current().suffix()}"
    assert home("cases_notification", message.pk) == f"cases_notification_p{Month.current().suffix()}"
    # Django still finds them by id alone.
    assert CaseEvent.objects.get(pk=event.pk).case == case
    assert Notification.objects.unread().get(pk=message.pk).title == "新事件"


@postgresql_only
def test_a_month_without_partition_waits_in_default_until_ensure_moves_it(cc):
    case = report(cc)
    entry = old_entry(case)
    assert home("cases_caseevent", entry.pk) == "cases_caseevent_default"

    out = StringIO()
    call_command("partitions", "ensure", stdout=out)
    assert "created cases_caseevent_p2019_03" in out.getvalue()
    assert home("cases_caseevent", entry.pk) == "cases_caseevent_p2019_03"
    moved = CaseEvent.objects.get(pk=entry.pk)
    assert (moved.time, moved.comment, moved.case_id) == (OLD, "2019年的记录", case.pk)
    # A later row of that month goes straight to its partition; a second run makes nothing.
    later = old_entry(case, OLD + datetime.timedelta(days=3))
    assert home("cases_caseevent", later.pk) == "cases_caseevent_p2019_03"
    assert partitions.ensure() == []


@postgresql_only
def test_a_moment_is_filed_by_its_month_in_shanghai(cc):
    case = report(cc)
    # 2019-03-31 23:30 in Shanghai is still March, though it is 15:30 UTC.
    entry = old_entry(case, datetime.datetime(2019, 3, 31, 23, 30, tzinfo=SHANGHAI))
    partitions.ensure()
    assert home("cases_caseevent", entry.pk) == "cases_caseevent_p2019_03"


@postgresql_only
def test_detach_archives_old_months_out_of_the_timeline_but_keeps_their_rows(cc, login):
    case = finished(cc)
    entry = old_entry(case)
    [old_message] = notifications_deliver([Notification(user=cc.dispatcher, case=case, verb="x", title="旧消息",
                                                        created_at=OLD)])
    unread_before = unread_count(cc.dispatcher.pk)

    out = StringIO()
    call_command("partitions", "detach", "--before", str(Month.current()), stdout=out)
    # The archived unread message leaves the inbox badge too.
    assert "1 unread count(s) of the inbox corrected." in out.getvalue()
    assert unread_count(cc.dispatcher.pk) == unread_before - 1 == Notification.objects.unread().filter(
        user=cc.dispatcher).count()
    assert "detached cases_caseevent_archive_2019_03" in out.getvalue()
    assert "detached cases_notification_archive_2019_03" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, comment FROM cases_caseevent_archive_2019_03")
        assert cursor.fetchall() == [(entry.pk, "2019年的记录")]
        cursor.execute("SELECT title FROM cases_notification_archive_2019_03")
        assert cursor.fetchall() == [("旧消息",)]
    # The live timeline and inbox no longer have the archived month; the rest is untouched.
    assert entry.pk not in [e.event.pk for e in selectors.timeline(case)]
    assert [e.event.pk for e in selectors.timeline(case)] == list(case.events.values_list("pk", flat=True))
    assert len(selectors.timeline(case)) == 2  # reported, rejected
    assert not CaseEvent.objects.filter(pk=entry.pk).exists()
    assert not Notification.objects.filter(pk=old_message.pk).exists()
    page = login(cc.dispatcher).get(f"/cases/{case.number}/")
    assert page.status_code == 200 and "2019年的记录" not in page.content.decode()
    # An archive holds no constraint: the case can still be deleted.
    Case.objects.filter(pk=case.pk).delete()
    assert partitions.archives(CASE_EVENTS) == ["cases_caseevent_archive_2019_03"]
    assert partitions.archives(NOTIFICATIONS) == ["cases_notification_archive_2019_03"]


@postgresql_only
def test_detach_refuses_this_month_and_later_and_an_archive_already_there(cc):
    with pytest.raises(CommandError, match="only past months"):
        call_command("partitions", "detach", "--before", str(Month.current().plus(1)))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("partitions", "detach", "--before", "2019-3")
    old_entry(finished(cc))
    partitions.detach(Month(2019, 4))
    old_entry(finished(cc))
    with pytest.raises(CommandError, match="already exist"):
        call_command("partitions", "detach", "--before", "2019-04")
    assert CaseEvent.objects.filter(time=OLD).count() == 1  # still live, in its own partition again


@postgresql_only
def test_detach_refuses_months_with_entries_of_a_running_case(cc):
    running = report(cc)
    old_entry(running)
    old_entry(finished(cc))
    with pytest.raises(CommandError, match=f"Cases still running .*{running.number}"):
        call_command("partitions", "detach", "--before", "2019-04")
    assert CaseEvent.objects.filter(time=OLD).count() == 2
    assert partitions.archives(CASE_EVENTS) == []


@postgresql_only
def test_list_shows_the_partitions_with_their_rows(cc):
    report(cc)
    out = StringIO()
    call_command("partitions", "list", stdout=out)
    text = out.getvalue()
    assert f"cases_caseevent_p{Month.current().suffix()}" in text
    assert "cases_notification_default" in text


@postgresql_only
def test_unconvert_and_convert_keep_every_row_and_the_sequence(cc):
    case = report(cc)
    entry = old_entry(case)
    before = list(CaseEvent.objects.order_by("pk").values_list("pk", "time", "verb", "case_id"))
    partitions.unconvert(connection, CASE_EVENTS)
    with connection.cursor() as cursor:
        assert not partitions.is_partitioned(cursor, "cases_caseevent")
    assert list(CaseEvent.objects.order_by("pk").values_list("pk", "time", "verb", "case_id")) == before
    partitions.convert(connection, CASE_EVENTS)
    assert list(CaseEvent.objects.order_by("pk").values_list("pk", "time", "verb", "case_id")) == before
    assert home("cases_caseevent", entry.pk) == "cases_caseevent_p2019_03"  # a month with rows got its partition
    assert old_entry(case).pk > max(row[0] for row in before)
    with connection.cursor() as cursor:  # analysed: autovacuum never analyses a partitioned parent
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'cases_caseevent'")
        assert cursor.fetchone()[0] >= len(before)


@postgresql_only
def test_postgresql_runs_without_jit():
    """JIT compiling a plan with a scan per month cost seconds for a query of milliseconds
    (config/settings.py, DATABASE_JIT)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_deleting_a_case_removes_its_entries_and_what_hangs_on_them(cc):
    case = report(cc, photos=[tiny_photo()])
    event = case.events.get()
    Announcement.objects.create(event=event)
    assert CaseAttachment.objects.filter(event=event).exists()
    case.delete()
    assert not CaseEvent.objects.filter(pk=event.pk).exists()
    assert not Announcement.objects.filter(event_id=event.pk).exists()
    assert not CaseAttachment.objects.filter(event_id=event.pk).exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="what the command says on SQLite")
def test_on_sqlite_the_command_says_partitioning_is_postgresql_only():
    out = StringIO()
    call_command("partitions", "ensure", stdout=out)
    assert "PostgreSQL-only" in out.getvalue()
