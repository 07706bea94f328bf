"""Retries with exponential backoff through the task queue's run_after, the subscriber disabled
after failing for days (with a notice in its owner's inbox), and success resetting the count."""

from __future__ import annotations

import datetime
import itertools
import logging
import uuid

import pytest
import time_machine
from django.utils import timezone

from api.models import DeliveryStatus, WebhookDelivery
from api.testing import make_subscription
from api.tests.webhook_receiver import run_tasks
from api.webhooks.deliveries import MAX_ATTEMPTS, attempt, enqueue, retry_delay
from cases.inbox import unread_count
from cases.models import Notification
from cases.testing import report

pytestmark = pytest.mark.django_db

MINUTE, HOUR = datetime.timedelta(minutes=1), datetime.timedelta(hours=1)
START = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


def test_the_schedule():
    assert [retry_delay(n) for n in range(1, 6)] == [MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 12 * HOUR]
    assert retry_delay(MAX_ATTEMPTS) is None


def _failing_case(cast, cc, receiver, django_capture_on_commit_callbacks):
    receiver.status = 503
    subscription, _secret = make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
    run_tasks()
    return subscription, WebhookDelivery.objects.get()


def test_a_failing_delivery_is_retried_with_backoff_then_the_subscriber_is_disabled(
    cast, cc, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 3
    with time_machine.travel(START, tick=False) as clock:
        subscription, delivery = _failing_case(cast, cc, receiver, django_capture_on_commit_callbacks)
        attempts_at = [timezone.now()]
        while delivery.next_attempt_at is not None:
            run_tasks()  # not due yet: nothing is sent
            assert len(receiver.requests) == len(attempts_at)
            clock.move_to(delivery.next_attempt_at)
            run_tasks()
            attempts_at.append(timezone.now())
            delivery.refresh_from_db()

    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts_at)]
    assert gaps[:5] == [MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 12 * HOUR]
    assert len(receiver.requests) == delivery.attempts == MAX_ATTEMPTS
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == (DeliveryStatus.FAILED, 503, "HTTP 503")
    subscription.refresh_from_db()
    assert not subscription.is_active and "3天" in subscription.disabled_reason
    notice = Notification.objects.get(user=cast.district_admin)
    assert notice.verb == "webhook_disabled" and "工单系统" in notice.title and notice.case is None
    assert unread_count(cast.district_admin.pk) == 1  # the badge


def test_it_is_disabled_once_the_days_have_passed_not_before(
    cast, cc, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 1
    with time_machine.travel(START, tick=False) as clock:
        subscription, delivery = _failing_case(cast, cc, receiver, django_capture_on_commit_callbacks)
        while delivery.next_attempt_at is not None and timezone.now() - START < datetime.timedelta(days=1):
            clock.move_to(delivery.next_attempt_at)
            subscription.refresh_from_db()
            assert subscription.is_active  # still within the day
            run_tasks()
            delivery.refresh_from_db()
    subscription.refresh_from_db()
    assert not subscription.is_active
    # Nothing more is sent to a disabled subscriber: its pending retry fails without a request.
    sent = len(receiver.requests)
    with time_machine.travel(START + datetime.timedelta(days=10), tick=False):
        run_tasks()
    assert len(receiver.requests) == sent


def test_a_success_resets_the_failure_clock(cast, cc, receiver, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False) as clock:
        subscription, delivery = _failing_case(cast, cc, receiver, django_capture_on_commit_callbacks)
        subscription.refresh_from_db()
        assert subscription.failing_since == START
        receiver.status = 204
        clock.move_to(delivery.next_attempt_at)
        run_tasks()
    delivery.refresh_from_db()
    subscription.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 2, 204)
    assert subscription.failing_since is None and subscription.is_active


def test_running_an_attempt_twice_sends_once(cast, cc, receiver, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        _subscription, delivery = _failing_case(cast, cc, receiver, django_capture_on_commit_callbacks)
        assert attempt(delivery.pk) == DeliveryStatus.PENDING  # not due yet
    assert len(receiver.requests) == 1


def test_a_backend_that_cannot_defer_leaves_the_retry_waiting_instead_of_failing(caplog):
    """The immediate task backend (the tests' own, a small installation's choice) refuses
    ``run_after``: the retry waits on its row for a redelivery, and the transition that
    scheduled it is not broken by the refusal."""
    caplog.set_level(logging.WARNING, logger="wangge.webhooks")
    delivery_id = uuid.uuid4()
    enqueue(delivery_id, run_after=timezone.now() + datetime.timedelta(minutes=5))
    assert f"delivery {delivery_id} waits for a redelivery" in caplog.text
