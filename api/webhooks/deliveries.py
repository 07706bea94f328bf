"""Delivering webhook events: fan-out, attempts, retries with backoff, disabling, redelivery.

Nothing here runs in a request. ``on_case_event`` is a ``cases.events`` listener: the task that
announces a committed case event (``cases.events.announce_event``, in the task worker) calls it,
and it writes one ``WebhookDelivery`` per receiving subscription in the announcement's
transaction; each delivery's ``deliver_task`` is enqueued once that transaction has committed.
A failed attempt is retried after ``RETRY_DELAYS`` (1 min, 5 min, 30 min, 2 h, 12 h, then
daily) through the queue's ``run_after``; after the last one the delivery has failed.
A subscription with failures and no success for ``WEBHOOK_DISABLE_AFTER_DAYS`` is disabled and
its owner told in the inbox.

Every step claims its row with a conditional update, so a task run twice sends nothing twice.
"""

from __future__ import annotations

import datetime
import functools
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

from accounts.models import User
from api.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from api.webhooks import outbound
from api.webhooks.events import body as event_body
from api.webhooks.events import event_type, receivers
from api.webhooks.signing import signature_header
from cases.inbox import notifications_deliver
from cases.models import CaseEvent, Notification

logger = logging.getLogger("wangge.webhooks")

RETRY_DELAYS: tuple[datetime.timedelta, ...] = tuple(
    datetime.timedelta(seconds=seconds)
    for seconds in (
        60,
        5 * 60,
        30 * 60,
        2 * 3600,
        12 * 3600,
        24 * 3600,
        24 * 3600,
        24 * 3600,
    )
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
NOTICE_VERB = "webhook_disabled"


def retry_delay(attempts: int) -> datetime.timedelta | None:
    """How long after its ``attempts``-th failed attempt a delivery is tried again (None: never)."""
    return RETRY_DELAYS[attempts - 1] if 1 <= attempts <= len(RETRY_DELAYS) else None


# ----- from the case event to the deliveries --------------------------------------------------------


def on_case_event(event: CaseEvent) -> None:
    """The ``cases.events`` listener (in the task worker, after the event's commit)."""
    if event_type(event) is not None and WebhookSubscription.objects.filter(is_active=True).exists():
        fan_out(event.pk)


def fan_out(event_id: int) -> list[WebhookDelivery]:
    """One delivery per receiving subscription (none twice), each enqueued for sending once the
    current transaction commits."""
    event = (
        CaseEvent.objects.select_related("case", "case__category", "case__lead_organisation")
        .filter(pk=event_id)
        .first()
    )
    kind = event_type(event) if event is not None else None
    if event is None or kind is None:
        return []
    created = []
    text = ""
    for subscription in receivers(event):
        text = text or event_body(event)
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    subscription=subscription, event=event, event_type=kind, body=text
                )
        except IntegrityError:
            continue  # this event was already fanned out to this subscription
        created.append(delivery)
    for delivery in created:
        transaction.on_commit(functools.partial(enqueue, delivery.pk))
    return created


def enqueue(delivery_id: uuid.UUID, run_after: datetime.datetime | None = None) -> None:
    try:
        # With the immediate backend ``using(run_after=…)`` itself refuses: inside the try.
        chosen = deliver_task if run_after is None else deliver_task.using(run_after=run_after)
        chosen.enqueue(str(delivery_id))
    except InvalidTaskError:
        # A backend without deferred tasks (the immediate one): the delivery stays pending with
        # its next_attempt_at; redeliver it from its page.
        logger.warning("The task backend cannot defer: delivery %s waits for a redelivery", delivery_id)


# ----- one attempt -----------------------------------------------------------------------------------


def headers(delivery: WebhookDelivery, secret: str, body: bytes, now: datetime.datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Wangge-Webhooks/1",
        "X-Wangge-Event": delivery.event_type,
        "X-Wangge-Delivery": str(delivery.pk),
        "X-Wangge-Signature": signature_header(secret, body, int(now.timestamp())),
    }


def attempt(delivery_id: uuid.UUID | str, now: datetime.datetime | None = None) -> str:
    """Send a pending delivery once (if it is due) and record the answer; its status afterwards."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "missing"
    if delivery.status != DeliveryStatus.PENDING or (delivery.next_attempt_at and delivery.next_attempt_at > now):
        return delivery.status
    subscription = delivery.subscription
    if not subscription.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None, last_error="subscription disabled"
        )
        return DeliveryStatus.FAILED
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=DeliveryStatus.PENDING,
        attempts=delivery.attempts,
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=None)
    if claimed != 1:
        return delivery.status  # another worker has this attempt
    body = delivery.body.encode()
    answer = outbound.post(subscription.url, body, headers(delivery, subscription.secret, body, now))
    return _record(delivery, subscription, answer, delivery.attempts + 1, now)


def _record(
    delivery: WebhookDelivery,
    subscription: WebhookSubscription,
    answer: outbound.Answer,
    attempts: int,
    now: datetime.datetime,
) -> str:
    result = {
        "last_status_code": answer.status,
        "last_response_ms": answer.elapsed_ms,
        "last_error": answer.error[:300],
        "response_excerpt": answer.excerpt[:200],
    }
    rows = WebhookDelivery.objects.filter(pk=delivery.pk)
    if answer.succeeded:
        rows.update(status=DeliveryStatus.SUCCEEDED, **result)
        WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=None)
        return DeliveryStatus.SUCCEEDED
    delay = retry_delay(attempts)
    if delay is None:
        rows.update(status=DeliveryStatus.FAILED, **result)
    else:
        rows.update(next_attempt_at=now + delay, **result)
        enqueue(delivery.pk, run_after=now + delay)
    logger.info("Webhook delivery %s failed (attempt %s): %s", delivery.pk, attempts, answer.error)
    note_failure(subscription, now)
    return DeliveryStatus.FAILED if delay is None else DeliveryStatus.PENDING


def note_failure(subscription: WebhookSubscription, now: datetime.datetime) -> bool:
    """Remember when the failures began; disable the subscription after the allowed days. Whether
    it was disabled now."""
    WebhookSubscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(failing_since=now)
    since = WebhookSubscription.objects.filter(pk=subscription.pk).values_list("failing_since", flat=True).first()
    if since is None or now - since < datetime.timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("连续%(days)s天投递失败，已自动停用。") % {"days": settings.WEBHOOK_DISABLE_AFTER_DAYS}
    return disable(subscription, reason=reason, now=now, notify=True)


def disable(
    subscription: WebhookSubscription, *, reason: str, now: datetime.datetime | None = None, notify: bool = False
) -> bool:
    """Switch a subscription off (once: whether this call did); ``notify`` tells its owner in the inbox."""
    now = now or timezone.now()
    with transaction.atomic():
        row = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if not row.is_active:
            return False
        row.is_active, row.disabled_at, row.disabled_reason = False, now, reason[:200]
        row.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])  # logged
        if notify:
            _notify_owner(row, reason, now)
    logger.warning("Webhook subscription %s disabled: %s", subscription.pk, reason)
    return True


def _notify_owner(subscription: WebhookSubscription, reason: str, now: datetime.datetime) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Webhook订阅已停用：%(name)s") % {"name": subscription.name}
        body = _("%(reason)s 接收地址：%(url)s。修复接收端后，请在订阅页面重新启用并重发失败的投递。") % {
            "reason": reason,
            "url": subscription.url,
        }
    notifications_deliver([Notification(
        user_id=subscription.owner_id, case=None, verb=NOTICE_VERB, title=title[:200], body=body, created_at=now
    )])


# ----- redelivery ------------------------------------------------------------------------------------


def redeliver(*, delivery: WebhookDelivery, actor: User) -> WebhookDelivery:
    """A new delivery of the same body (signed afresh), sent by the queue after the commit."""
    again = WebhookDelivery.objects.create(
        subscription=delivery.subscription,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=delivery.body,
        redelivery_of=delivery,
    )
    logger.info("Webhook delivery %s redelivered as %s by user %s", delivery.pk, again.pk, actor.pk)
    transaction.on_commit(lambda: enqueue(again.pk))
    return again


# ----- tasks -----------------------------------------------------------------------------------------


@task()
def deliver_task(delivery_id: str) -> str:
    """One attempt of one delivery (``attempt``); its status afterwards."""
    return attempt(delivery_id)
