"""Hand-off of escalated cases to a city platform: recording, sending, retrying, following.

A case leaves Wangge's top desk (the district) by being **dispatched to the unit that stands
for the platform** (``UpstreamPlatform.organisation``): through the case page's ordinary 派遣
form, or ``hand_off`` (上报市平台), which also checks that the case is at the district desk.

1. ``on_case_event`` (a ``cases.events`` listener, in the announcement's transaction, like the
   webhooks' fan-out) writes the ``UpstreamHandoff`` of such a dispatch; ``hand_off`` writes it
   in the dispatch's own transaction. The unique dispatch makes it one row either way.
2. After the commit ``send_handoff_task`` POSTs the request (``attempt_send``). Success stores
   the platform's id and token and signs the case (签收) as the platform's service account;
   failure is retried after ``RETRY_DELAYS`` (about five days in all) through the queue's
   ``run_after`` and by the periodic pass, then the row is *failed* until someone retries it.
3. The periodic pass (``run_handoff_pass``: ``manage.py sync_city_handoffs --loop`` or
   ``handoff_pass_task``) sends what is due, pulls the platform's ``servicerequestupdates`` into
   the case timelines (each update once: ``UpstreamUpdate``) and asks each open request's
   status; a ``closed`` request feeds the case back (反馈, with the platform's ``status_notes``)
   so that it moves on to 待核查 like any unit's work.

Every step claims its row with a conditional update: two workers never send or close twice.
"""

from __future__ import annotations

import datetime
import functools
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

from accounts.models import User
from api.handoff import client
from api.handoff.client import UpstreamError
from api.models import HandoffState, UpstreamCategoryCode, UpstreamHandoff, UpstreamPlatform, UpstreamUpdate
from cases.models import AttachmentKind, Case, CaseEvent, HandlingLevel, Status
from cases.transitions import ActionRefused, case_dispatch, case_feedback, case_sign
from cases.workflow import record

logger = logging.getLogger("wangge.handoff")

RETRY_DELAYS: tuple[datetime.timedelta, ...] = tuple(
    datetime.timedelta(seconds=seconds)
    for seconds in (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 24 * 3600, 24 * 3600, 24 * 3600)
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# An attempt in flight holds its row this long at most (``leased_until``): nobody else sends it meanwhile.
LEASE = datetime.timedelta(minutes=10)
UPDATE_VERB = "upstream_update"
UPDATES_PAGE_SIZE = 500
UPDATES_MAX_PAGES = 20
UPDATES_OVERLAP = datetime.timedelta(minutes=10)  # re-read a little of the last window: late commits
UPDATES_MAX_WINDOW = datetime.timedelta(days=89)  # the spec's 90 days between start and end
OPEN_CASE = (Status.DISPATCHED, Status.HANDLING, Status.ON_HOLD)


def retry_delay(attempts: int) -> datetime.timedelta | None:
    """How long after its ``attempts``-th failed attempt a hand-off is tried again (None: never)."""
    return RETRY_DELAYS[attempts - 1] if 1 <= attempts <= len(RETRY_DELAYS) else None


# ----- recording the hand-off ---------------------------------------------------------------------


def platform_of_dispatch(event: CaseEvent) -> UpstreamPlatform | None:
    """The active platform whose unit this dispatch entry made the lead, if any."""
    if event.verb != "dispatch" or not (event.data or {}).get("lead"):
        return None
    return UpstreamPlatform.objects.filter(organisation_id=event.data["lead"], is_active=True).first()


def on_case_event(event: CaseEvent) -> None:
    """The ``cases.events`` listener (in the task worker, after the dispatch's commit)."""
    if event.verb == "dispatch":
        record_handoff(event)


def record_handoff(event: CaseEvent) -> UpstreamHandoff | None:
    """The hand-off of a dispatch to a platform's unit (None: not one, or written already); its
    sending is enqueued for after the current transaction's commit."""
    platform = platform_of_dispatch(event)
    if platform is None:
        return None
    try:
        with transaction.atomic():
            handoff = UpstreamHandoff.objects.create(
                case_id=event.case_id, platform=platform, dispatch_event=event, next_attempt_at=None
            )
    except IntegrityError:
        return None  # written by hand_off, or by an earlier run of the listener
    logger.info("Case %s handed off to %s (hand-off %s)", event.case_id, platform, handoff.pk)
    transaction.on_commit(functools.partial(enqueue, handoff.pk))
    return handoff


def hand_off(
    *, case: Case, actor: User, platform: UpstreamPlatform, reason: str, reply: str = "",
    now: datetime.datetime | None = None,
) -> UpstreamHandoff:
    """上报市平台: the district desk dispatches the case to the platform's unit; the hand-off is
    written in the same transaction and sent after the commit. ``ActionRefused`` when the case is
    not at the district desk or the platform is off; the dispatch's own refusals otherwise."""
    if not platform.is_active:
        raise ActionRefused(_("这个市平台已停用。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写上报市平台的理由。")]})
    with transaction.atomic():
        case = case_dispatch(case=case, actor=actor, lead=platform.organisation, comment=reason, reply=reply, now=now)
        if case.level != HandlingLevel.DISTRICT:
            raise ActionRefused(_("只有区级平台可以上报市平台，请先上报上级。"))
        event = case.events.filter(verb="dispatch").order_by("-pk").first()
        assert event is not None
        handoff = record_handoff(event)
        assert handoff is not None
    return handoff


def enqueue(handoff_id: int, run_after: datetime.datetime | None = None) -> None:
    try:
        chosen = send_handoff_task if run_after is None else send_handoff_task.using(run_after=run_after)
        chosen.enqueue(handoff_id)
    except InvalidTaskError:
        # A backend without deferred tasks (the immediate one): the periodic pass sends it when due.
        logger.info("The task backend cannot defer: hand-off %s waits for the periodic pass", handoff_id)


# ----- sending -------------------------------------------------------------------------------------


def request_fields(handoff: UpstreamHandoff) -> dict[str, str]:
    """The Open311 ``POST requests`` parameters of the case: the mapped service code, the
    description, the place and a public photo's address. Nothing about the reporter."""
    case = handoff.case
    code = UpstreamCategoryCode.objects.filter(platform_id=handoff.platform_id, category_id=case.category_id).first()
    if code is None:
        raise UpstreamError(f"no service_code for category {case.category.code} in the code table")
    fields = {
        "service_code": code.service_code,
        "description": case.description[:2000],
        "address_string": (case.address or (case.grid.name if case.grid_id else ""))[:200],
        "device_id": f"wangge-{case.number}",  # the upstream's rate limit counts each case apart
    }
    if case.latitude is not None and case.longitude is not None:
        fields["lat"], fields["long"] = f"{case.latitude:.6f}", f"{case.longitude:.6f}"
    photo = case.attachments.filter(kind=AttachmentKind.REPORT, public=True).order_by("pk").first()
    if photo is not None and settings.PUBLIC_BASE_URL and case.category.public and not case.category.is_dispute:
        fields["media_url"] = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("open311:media",
                                                                             kwargs={"token": photo.token})
    return fields


def attempt_send(handoff_id: int, now: datetime.datetime | None = None) -> str:
    """POST a pending hand-off once (if it is due) and record the answer; its state afterwards."""
    now = now or timezone.now()
    handoff = (
        UpstreamHandoff.objects.select_related("platform", "case", "case__category", "case__grid")
        .filter(pk=handoff_id).first()
    )
    if handoff is None:
        return "missing"
    if handoff.state != HandoffState.PENDING or (handoff.next_attempt_at and handoff.next_attempt_at > now):
        return handoff.state
    if not handoff.platform.is_active:
        return handoff.state  # waits, without using up its attempts, until the platform is on again
    if handoff.case.status not in OPEN_CASE:
        # Cancelled, merged or closed before it could be sent: there is nothing to send any more.
        UpstreamHandoff.objects.filter(pk=handoff.pk, state=HandoffState.PENDING).update(
            state=HandoffState.CLOSED, closed_at=now, next_attempt_at=None,
            last_error=f"not sent: the case is {handoff.case.status}",
        )
        return HandoffState.CLOSED
    claimed = UpstreamHandoff.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lte=now),
        pk=handoff.pk, state=HandoffState.PENDING, attempts=handoff.attempts,
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, leased_until=now + LEASE)
    if claimed != 1:
        return handoff.state  # another worker has this attempt
    attempts = handoff.attempts + 1
    try:
        created = client.post_request(handoff.platform, request_fields(handoff))
    except UpstreamError as error:
        return _failed(handoff, attempts, str(error), now)
    UpstreamHandoff.objects.filter(pk=handoff.pk).update(
        state=HandoffState.SENT, service_request_id=created.service_request_id[:100], token=created.token[:100],
        sent_at=now, next_attempt_at=None, leased_until=None, last_error="", upstream_status="open",
    )
    logger.info("Hand-off %s sent: upstream id %s", handoff.pk, created.service_request_id or created.token)
    _sign(handoff, now)
    return HandoffState.SENT


def _failed(handoff: UpstreamHandoff, attempts: int, error: str, now: datetime.datetime) -> str:
    delay = retry_delay(attempts)
    rows = UpstreamHandoff.objects.filter(pk=handoff.pk)
    logger.warning("Hand-off %s failed (attempt %s): %s", handoff.pk, attempts, error)
    if delay is None:
        rows.update(state=HandoffState.FAILED, next_attempt_at=None, leased_until=None, last_error=error[:300])
        return HandoffState.FAILED
    rows.update(next_attempt_at=now + delay, leased_until=None, last_error=error[:300])
    enqueue(handoff.pk, run_after=now + delay)
    return HandoffState.PENDING


def _sign(handoff: UpstreamHandoff, now: datetime.datetime) -> None:
    """签收 as the platform's service account: the platform has the case (处置中)."""
    case = Case.objects.get(pk=handoff.case_id)
    if case.status != Status.DISPATCHED:
        return
    try:
        case_sign(case=case, actor=handoff.platform.service_user, now=now)
    except ActionRefused as refused:
        _note_error(handoff, f"sign: {refused.message}")


def _note_error(handoff: UpstreamHandoff, error: str) -> None:
    UpstreamHandoff.objects.filter(pk=handoff.pk).update(last_error=error[:300])


def retry_now(handoff: UpstreamHandoff, now: datetime.datetime | None = None) -> bool:
    """立即重试: a pending or failed hand-off is due at once, its backoff started afresh; whether it
    was (not while an attempt is sending). The send is enqueued after the commit."""
    now = now or timezone.now()
    changed = UpstreamHandoff.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lte=now),
        pk=handoff.pk, state__in=[HandoffState.PENDING, HandoffState.FAILED],
    ).update(state=HandoffState.PENDING, attempts=0, next_attempt_at=None)
    if changed:
        transaction.on_commit(functools.partial(enqueue, handoff.pk))
    return changed == 1


# ----- following: updates and closing --------------------------------------------------------------


def _w3c(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_update(handoff: UpstreamHandoff, row: dict[str, Any]) -> bool:
    """Write one upstream update into the case's timeline (once); whether it was new."""
    update_id = str(row.get("update_id") or "")[:100]
    if not update_id:
        return False
    text = str(row.get("description") or "").strip()
    status = str(row.get("status") or "")
    try:
        with transaction.atomic():
            update = UpstreamUpdate.objects.create(
                handoff=handoff, update_id=update_id, updated_at=parse_datetime(str(row.get("updated_datetime") or ""))
            )
            case = Case.objects.get(pk=handoff.case_id)
            with translation.override(settings.LANGUAGE_CODE):
                comment = text or _("市平台更新了办理进展。")
            update.event = record(
                case, UPDATE_VERB, handoff.platform.service_user, from_status=case.status, comment=comment,
                data={"platform": handoff.platform.name, "upstream_id": handoff.service_request_id,
                      "update_id": update_id, "upstream_status": status},
            )
            update.save(update_fields=["event"])
    except IntegrityError:
        return False  # written by an earlier pass
    return True


def pull_updates(platform: UpstreamPlatform, open_handoffs: list[UpstreamHandoff], now: datetime.datetime) -> int:
    """The platform's ``servicerequestupdates`` since the last pull, for the open hand-offs."""
    by_id = {handoff.service_request_id: handoff for handoff in open_handoffs if handoff.service_request_id}
    if not by_id:
        return 0
    earliest = min(handoff.sent_at or now for handoff in open_handoffs) - UPDATES_OVERLAP
    start = max(earliest, (platform.updates_polled_at or earliest) - UPDATES_OVERLAP, now - UPDATES_MAX_WINDOW)
    written = 0
    for page in range(1, UPDATES_MAX_PAGES + 1):
        rows = client.get_updates(platform, _w3c(start), _w3c(now), page, UPDATES_PAGE_SIZE)
        for row in rows:
            handoff = by_id.get(str(row.get("service_request_id") or ""))
            if handoff is not None and record_update(handoff, row):
                written += 1
        if len(rows) < UPDATES_PAGE_SIZE:
            break
    UpstreamPlatform.objects.filter(pk=platform.pk).update(updates_polled_at=now)
    return written


def follow(handoff: UpstreamHandoff, now: datetime.datetime) -> bool:
    """Ask the platform for the request's status; a closed one closes the hand-off. Whether this
    call closed it."""
    platform = handoff.platform
    if not handoff.service_request_id and handoff.token:
        found = client.id_for_token(platform, handoff.token)
        if not found:
            return False  # a batch server has not given the id yet
        UpstreamHandoff.objects.filter(pk=handoff.pk).update(service_request_id=found[:100])
        handoff.service_request_id = found[:100]
    state = client.get_request(platform, handoff.service_request_id)
    UpstreamHandoff.objects.filter(pk=handoff.pk).update(
        upstream_status=state.status, upstream_notes=state.status_notes, polled_at=now, last_error=""
    )
    return state.status == "closed" and close_handoff(handoff, state.status_notes, now)


def close_handoff(handoff: UpstreamHandoff, notes: str, now: datetime.datetime) -> bool:
    """The platform closed the request: the case is fed back as the platform's service account
    (反馈 → 待核查) with its ``status_notes``; the hand-off is closed. A case that can take no
    feedback now (挂账) keeps the hand-off open: the next pass tries again. Whether this call
    closed it."""
    try:
        with transaction.atomic():
            claimed = UpstreamHandoff.objects.filter(pk=handoff.pk, state=HandoffState.SENT).update(
                state=HandoffState.CLOSED, closed_at=now, last_error=""
            )
            if claimed != 1:
                return False  # closed by another worker
            _feed_back(handoff, notes, now)
    except (ActionRefused, ValidationError) as error:
        message = error.message if isinstance(error, ActionRefused) else "; ".join(error.messages)
        _note_error(handoff, f"feedback: {message}")
        return False
    logger.info("Hand-off %s closed upstream; case %s fed back", handoff.pk, handoff.case_id)
    return True


def _feed_back(handoff: UpstreamHandoff, notes: str, now: datetime.datetime) -> None:
    actor = handoff.platform.service_user
    case = Case.objects.get(pk=handoff.case_id)
    if case.status not in OPEN_CASE:
        return  # cancelled, closed or moved on meanwhile: nothing to feed back
    if case.status == Status.DISPATCHED:
        case = case_sign(case=case, actor=actor, now=now)
    with translation.override(settings.LANGUAGE_CODE):
        comment = _("市平台已办结：%(notes)s") % {"notes": notes} if notes.strip() else _("市平台已办结。")
    case_feedback(case=case, actor=actor, comment=comment, now=now)


# ----- the periodic pass ---------------------------------------------------------------------------


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0
    updates: int = 0
    closed: int = 0
    errors: int = 0

    def __str__(self) -> str:
        return (f"hand-offs: {self.sent} sent, {self.failed} failed attempts, {self.updates} updates, "
                f"{self.closed} closed, {self.errors} polling errors")


def run_handoff_pass(now: datetime.datetime | None = None, batch_size: int = 100) -> PassReport:
    """Send the due hand-offs, then follow the open ones on every active platform."""
    now = now or timezone.now()
    report = PassReport()
    due = (
        UpstreamHandoff.objects.filter(state=HandoffState.PENDING, platform__is_active=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .order_by("created_at", "pk").values_list("pk", flat=True)[:batch_size]
    )
    for handoff_id in list(due):
        result = attempt_send(handoff_id, now)
        report.sent += result == HandoffState.SENT
        report.failed += result in (HandoffState.PENDING, HandoffState.FAILED)
    for platform in UpstreamPlatform.objects.filter(is_active=True).select_related("service_user"):
        _follow_platform(platform, now, report)
    return report


def _follow_platform(platform: UpstreamPlatform, now: datetime.datetime, report: PassReport) -> None:
    open_handoffs = list(
        UpstreamHandoff.objects.filter(platform=platform, state=HandoffState.SENT).order_by("pk")
    )
    for handoff in open_handoffs:
        handoff.platform = platform
    if not open_handoffs:
        return
    try:
        report.updates += pull_updates(platform, open_handoffs, now)
    except UpstreamError as error:  # a platform without the extension: statuses are still followed
        logger.info("Updates of %s not pulled: %s", platform, error)
    for handoff in open_handoffs:
        try:
            report.closed += follow(handoff, now)
        except UpstreamError as error:
            report.errors += 1
            _note_error(handoff, f"poll: {error}")


# ----- tasks ---------------------------------------------------------------------------------------


@task()
def send_handoff_task(handoff_id: int) -> str:
    """One attempt of one hand-off (``attempt_send``); its state afterwards."""
    return attempt_send(handoff_id)


@task()
def handoff_pass_task() -> str:
    """One periodic pass (``run_handoff_pass``); its summary. Safe to run twice at once."""
    return str(run_handoff_pass())
