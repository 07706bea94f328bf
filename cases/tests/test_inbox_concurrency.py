"""Deliveries, readings and recounts at the same instant never lose a change of the unread count
(real threads, PostgreSQL)."""

import pytest

from cases.inbox import notification_mark_read, notifications_deliver, notifications_mark_all_read, unread_recount
from cases.models import Notification, UnreadCount
from cases.testing import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def message(user):  # type: ignore[no-untyped-def]
    return Notification(user=user, verb="system", title="系统维护通知")


def exact(user):  # type: ignore[no-untyped-def]
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def stored(user):  # type: ignore[no-untyped-def]
    return UnreadCount.objects.filter(user=user).values_list("unread", flat=True).first() or 0


@pytest.mark.parametrize("round_", range(4))
def test_deliveries_and_readings_at_once_add_up(cast, round_):
    reader, other = cast.grid_worker_a, cast.grid_worker_b
    waiting = notifications_deliver([message(reader) for _ in range(4)])
    deliveries = [lambda: notifications_deliver([message(reader), message(other), message(reader)])] * 4
    readings = [lambda row=row: notification_mark_read(Notification.objects.get(pk=row.pk)) for row in waiting[:3]]
    twice = lambda: notification_mark_read(Notification.objects.get(pk=waiting[0].pk))  # noqa: E731
    results = race(*deliveries, *readings, twice, lambda: unread_recount(reader.pk))
    assert results == [("ok", "")] * len(results)
    assert exact(reader) == 4 * 2 + 1 and exact(other) == 4
    assert (stored(reader), stored(other)) == (exact(reader), exact(other))


def test_marking_all_read_while_messages_arrive_keeps_the_new_ones(cast):
    reader = cast.grid_worker_a
    notifications_deliver([message(reader) for _ in range(5)])
    deliveries = [lambda: notifications_deliver([message(reader)])] * 6
    results = race(lambda: notifications_mark_all_read(reader.pk), *deliveries)
    assert results == [("ok", "")] * len(results)
    assert stored(reader) == exact(reader) and 0 < exact(reader) <= 6
