"""The unread count of each inbox (未读消息数, ``UnreadCount``): kept in step with the notifications.

Every page shows the signed-in user's unread count. Counting ``Notification`` rows would probe
every monthly partition of the inbox on PostgreSQL (``cases.partitions``), so the count is a row
of its own, read by primary key. Every write that changes a user's unread set goes through here
and changes the count in the same transaction:

* ``notifications_deliver(rows)`` writes inbox rows (one insert) and adds the unread ones to their
  users' counts (one ``INSERT … ON CONFLICT DO UPDATE SET unread = unread + n``);
* ``notification_mark_read`` and ``notifications_mark_all_read`` subtract what their conditional
  ``UPDATE`` changed, never below zero.

All of them change the count with one atomic SQL statement, never by reading it into Python and
writing it back, so deliveries and readings running at once add up. Rows that leave without
these functions (a deleted case takes its notifications along; ``partitions detach`` archives old
months) leave the count too high: the inbox page, which counts its rows exactly anyway, puts the
exact count back when they differ (``unread_recount``), and ``manage.py recount_inbox``
(``unread_recount_all``, run by ``partitions detach``) recounts everyone.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from cases.models import Notification, UnreadCount

# Users per upsert statement (two parameters each; SQLite allows 999 parameters in old builds).
CHUNK = 400


def _table() -> str:
    return connection.ops.quote_name(UnreadCount._meta.db_table)


def _notification_table() -> str:
    return connection.ops.quote_name(Notification._meta.db_table)


def unread_count(user_id: int) -> int:
    """The badge: one primary-key read (no row: nothing unread)."""
    return UnreadCount.objects.filter(user_id=user_id).values_list("unread", flat=True).first() or 0


def unread_add(counts: Mapping[int, int]) -> None:
    """Add ``counts[user_id]`` to each user's count, creating missing rows, in one statement per chunk.

    Users are taken in id order, so two deliveries at once lock the rows in the same order.
    """
    pairs = sorted((user_id, number) for user_id, number in counts.items() if number > 0)
    table = _table()
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start:start + CHUNK]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, unread) VALUES {values} "
                f"ON CONFLICT (user_id) DO UPDATE SET unread = {table}.unread + excluded.unread",
                [value for pair in chunk for value in pair],
            )


def _subtract(user_id: int, number: int) -> None:
    UnreadCount.objects.filter(user_id=user_id).update(unread=Greatest(F("unread") - number, 0))


def notifications_deliver(rows: Iterable[Notification]) -> list[Notification]:
    """Write inbox rows (one insert) and count the unread ones, in one transaction; returns the rows."""
    rows = list(rows)
    if not rows:
        return []
    with transaction.atomic(savepoint=False):
        made = Notification.objects.bulk_create(rows)
        unread_add(Counter(row.user_id for row in made if row.read_at is None))
    return made


def notification_mark_read(notification: Notification, *, now: datetime.datetime | None = None) -> bool:
    """Mark one notification read; whether this call did (a second reading changes nothing)."""
    if notification.read_at is not None:
        return False
    notification.read_at = now or timezone.now()
    with transaction.atomic(savepoint=False):
        # created_at lets PostgreSQL go straight to the notification's month partition.
        changed = Notification.objects.filter(
            pk=notification.pk, created_at=notification.created_at, read_at__isnull=True,
        ).update(read_at=notification.read_at)
        if changed:
            _subtract(notification.user_id, changed)
    return bool(changed)


def notifications_mark_all_read(user_id: int, *, now: datetime.datetime | None = None) -> int:
    """Mark all of a user's unread notifications read; how many this call marked."""
    with transaction.atomic(savepoint=False):
        changed = Notification.objects.filter(user_id=user_id, read_at__isnull=True).update(
            read_at=now or timezone.now())
        if changed:
            _subtract(user_id, changed)
    return changed


def unread_recount(user_id: int) -> int:
    """Store the exact count of one user's unread notifications, and return it.

    The count row is locked before the notifications are counted: a delivery or a reading that
    has changed the count already has committed (the count sees its rows), and one that has not
    waits for the lock and applies its change on top of the exact number.
    """
    with transaction.atomic(savepoint=False):
        UnreadCount.objects.bulk_create([UnreadCount(user_id=user_id)], ignore_conflicts=True)
        list(UnreadCount.objects.select_for_update().filter(user_id=user_id).values_list("pk", flat=True))
        exact = Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
        UnreadCount.objects.filter(user_id=user_id).update(unread=exact)
    return exact


def unread_recount_all() -> int:
    """Store the exact unread count of every user; returns how many counts changed.

    On PostgreSQL the counts are locked against writes (``EXCLUSIVE``: reading them goes on)
    while the notifications are counted, for the reason ``unread_recount`` gives; deliveries wait
    for the recount, which reads the unread rows of every partition once.
    """
    table, notifications = _table(), _notification_table()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(
            f"UPDATE {table} SET unread = 0 WHERE unread <> 0 AND NOT EXISTS ("
            f"SELECT 1 FROM {notifications} n WHERE n.user_id = {table}.user_id AND n.read_at IS NULL)"
        )
        zeroed = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {table} (user_id, unread) "
            f"SELECT user_id, COUNT(*) FROM {notifications} WHERE read_at IS NULL GROUP BY user_id "
            f"ON CONFLICT (user_id) DO UPDATE SET unread = excluded.unread WHERE {table}.unread <> excluded.unread"
        )
        return zeroed + max(cursor.rowcount, 0)
