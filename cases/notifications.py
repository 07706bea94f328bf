"""Notifications (消息通知): who hears of each timeline entry, in the inbox, by e-mail and by SMS.

``announce(event_id)`` runs once for every transition (``cases.workflow.record``), in the task
that ``cases.events`` enqueues after its commit, and after every step of the supervision worker.
It decides from the entry's verb who must act or know (``PLANS``), writes their inbox rows
(``Notification``) in one query, e-mails those with an address, and tells the reporter
(``notify_reporter``: SMS to the contact phone, e-mail to a reporting user) when the case is
accepted, rejected or closed (the rating request). The actor is never told of their own action;
deactivated users and users without a role assignment valid today never are
(``accounts.models.on_duty``), nor members of a unit whose handler role has ended
(``OrganisationMember.objects.acting``).

"The desk" of an area means the users holding a permission there through the **nearest**
covering role assignment: a grid desk's 网格长 rather than every dispatcher and administrator
above it, who hold the same permission over their whole subtree; "the dispatcher" is whoever
dispatched the case last. Requests to act that are already stale when announced (a report
closed in the same step, 当场解决) are dropped. ``silenced()`` turns it all off for demo data
and imports. The table of who hears what is in docs/cases-supervision.md.

Nothing here may break a transition: every failure is logged and swallowed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrganisationMember, RoleAssignment, User, on_duty
from areas.models import CODE_LENGTH, PREFIX_LENGTH
from cases.inbox import notifications_deliver
from cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent, Notification, Rating, Stage, Status
from cases.sms import send_sms

logger = logging.getLogger(__name__)

# Inbox titles by message key (``Notification.verb``); shown in the reader's language.
TITLES: dict[str, Promise] = {
    "report": gettext_lazy("新事件待受理：%(number)s %(category)s"),
    "escalate": gettext_lazy("事件上报至本级，待处理：%(number)s %(category)s"),
    "dispatch": gettext_lazy("新派单待签收：%(number)s %(category)s"),
    "return": gettext_lazy("事件被退单，请重新派遣：%(number)s %(category)s"),
    "request_extension": gettext_lazy("延期申请待审批：%(number)s %(category)s"),
    "extension_approved": gettext_lazy("延期申请已批准：%(number)s %(category)s"),
    "extension_denied": gettext_lazy("延期申请被驳回：%(number)s %(category)s"),
    "feedback": gettext_lazy("事件已反馈办理结果，待核查：%(number)s %(category)s"),
    "assist_feedback": gettext_lazy("协办单位已反馈：%(number)s %(category)s"),
    "verify_passed": gettext_lazy("事件核查通过，待结案：%(number)s %(category)s"),
    "verify_failed": gettext_lazy("事件核查未通过，请重新处置：%(number)s %(category)s"),
    "hold": gettext_lazy("事件已挂账：%(number)s %(category)s"),
    "resume": gettext_lazy("事件已恢复办理：%(number)s %(category)s"),
    "cancel": gettext_lazy("事件已被反映人撤销：%(number)s %(category)s"),
    "request_cancel": gettext_lazy("反映人申请撤销，待审批：%(number)s %(category)s"),
    "accept": gettext_lazy("您上报的事件已受理：%(number)s %(category)s"),
    "reject": gettext_lazy("您上报的事件不予受理：%(number)s %(category)s"),
    "close": gettext_lazy("您上报的事件已结案：%(number)s %(category)s"),
    "reopen_request": gettext_lazy("反映人不满意，申请重办：%(number)s %(category)s"),
    "warning": gettext_lazy("事件即将超期：%(number)s %(category)s"),
    "overdue": gettext_lazy("事件已超期：%(number)s %(category)s"),
    "reminder": gettext_lazy("催办：%(number)s %(category)s"),
    "yellow": gettext_lazy("黄牌督办：%(number)s %(category)s"),
    "red": gettext_lazy("红牌督办：%(number)s %(category)s"),
    "supervise_reminder": gettext_lazy("领导催办：%(number)s %(category)s"),
    "supervise_yellow": gettext_lazy("领导黄牌督办：%(number)s %(category)s"),
    "supervise_red": gettext_lazy("领导红牌督办：%(number)s %(category)s"),
}

# What the reporter is told (SMS, or e-mail to a reporting user), by verb.
REPORTER_MESSAGES: dict[str, Promise] = {
    "accept": gettext_lazy("您反映的问题已受理，我们会尽快办理。查询码 %(code)s，办理进度：%(link)s"),
    "reject": gettext_lazy("您反映的问题未予受理：%(reason)s 查询码 %(code)s，详情：%(link)s"),
    "close": gettext_lazy(
        "您反映的问题已办结，办理结果：%(outcome)s。查询码 %(code)s，请查看并评价：%(link)s"
    ),
}

CARDS = ("yellow", "red")
SUPERVISION_VERBS = ("warning", "overdue", "reminder", "yellow", "red")


@dataclass
class Plan:
    """Who hears of one timeline entry: inbox recipients under ``key``; whether the reporter is told."""

    key: str
    users: set[int] = field(default_factory=set)
    tell_reporter: bool = False


# ----- finding people ---------------------------------------------------------------------------

def covering_codes(code: str) -> list[str]:
    """The codes of the area ``code`` and of every area above it (the areas whose subtree holds it)."""
    codes = []
    for level, length in PREFIX_LENGTH.items():
        if length <= len(code):
            codes.append(code[:length].ljust(CODE_LENGTH[level], "0"))
    return codes


def desk_users(area_code: str, codename: str) -> set[int]:
    """Active users holding ``cases.<codename>`` over the area through the nearest assignment (one query)."""
    rows = list(
        RoleAssignment.objects.active()
        .filter(area__code__in=covering_codes(area_code), user__is_active=True,
                role__permissions__content_type__app_label="cases", role__permissions__codename=codename)
        .values_list("user_id", "area__level")
    )
    if not rows:
        return set()
    nearest = max(level for _user, level in rows)
    return {user_id for user_id, level in rows if level == nearest}


def members(organisation_ids: Iterable[int]) -> set[int]:
    """The active members of these organisations (one query): ``OrganisationMember.objects.acting``,
    so a member whose handler role has ended hears of nothing."""
    ids = [pk for pk in organisation_ids if pk]
    if not ids:
        return set()
    return set(OrganisationMember.objects.acting().filter(organisation_id__in=ids)
               .values_list("user_id", flat=True))


def handlers(case: Case) -> set[int]:
    """Who is fixing the case: the lead unit's members, or the grid's own handler (自办)."""
    if case.self_handled:
        return {case.handler_id} if case.handler_id else desk_users(case.desk_area.code, "self_handle_case")
    return members([case.lead_organisation_id]) if case.lead_organisation_id else set()


def stage_people(case: Case, stage: str) -> set[int]:
    """Who answers for a stage's deadline: the handlers (处置), the verifiers (核查), else the desk
    (受理, 待派遣, 待结案)."""
    if stage == Stage.HANDLE:
        return handlers(case)
    if stage == Stage.VERIFY:
        return desk_users(case.grid_code, "verify_case")
    return desk_users(case.desk_area.code, "accept_case")


# ----- what each verb means for whom --------------------------------------------------------------

def _desk(case: Case) -> set[int]:
    return desk_users(case.desk_area.code, "accept_case")


def _desk_and_dispatcher(case: Case) -> set[int]:
    """The desk, and whoever dispatched the case last (a street dispatcher acting at a grid desk)."""
    dispatcher = (CaseAssignment.objects.filter(case=case, role=AssignmentRole.LEAD).order_by("-pk")
                  .values_list("dispatched_by_id", flat=True).first())
    return _desk(case) | ({dispatcher} if dispatcher else set())


def _report(event: CaseEvent, case: Case) -> Plan | None:
    return Plan("report", _desk(case)) if case.status == Status.REPORTED else None


def _escalate(event: CaseEvent, case: Case) -> Plan | None:
    if case.desk_area.code != event.data.get("to") or case.status != Status.PENDING_DISPATCH:
        return None
    return Plan("escalate", _desk(case))


def _dispatch(event: CaseEvent, case: Case) -> Plan | None:
    if case.status not in (Status.DISPATCHED, Status.HANDLING):
        return None
    return Plan("dispatch", members([event.data.get("lead", 0), *event.data.get("assists", [])]))


def _feedback(event: CaseEvent, case: Case) -> Plan | None:
    if event.to_status != Status.PENDING_VERIFY:
        return Plan("assist_feedback", members([case.lead_organisation_id or 0]))
    if case.status != Status.PENDING_VERIFY:
        return None
    return Plan("feedback", desk_users(case.grid_code, "verify_case"))


def _verify(event: CaseEvent, case: Case) -> Plan | None:
    if event.data.get("passed"):
        return Plan("verify_passed", _desk_and_dispatcher(case)) if case.status == Status.VERIFIED else None
    return Plan("verify_failed", handlers(case))


def _decide_extension(event: CaseEvent, case: Case) -> Plan:
    """The unit that asked: the lead's handlers, or the assisting unit's members for its own request."""
    asked = members([event.data["organisation"]]) if event.data.get("role") == AssignmentRole.ASSIST else handlers(case)
    return Plan("extension_approved" if event.data.get("approved") else "extension_denied", asked)


def _cancel(event: CaseEvent, case: Case) -> Plan | None:
    return Plan("cancel", handlers(case)) if event.from_status == Status.DISPATCHED else None


def _decide_cancel(event: CaseEvent, case: Case) -> Plan | None:
    return Plan("cancel", handlers(case)) if event.data.get("approved") else None


def _rate(event: CaseEvent, case: Case) -> Plan | None:
    if event.data.get("rating") != Rating.DISSATISFIED or not case.reopen_requested:
        return None
    return Plan("reopen_request", _desk_and_dispatcher(case))


def _to_reporter(event: CaseEvent, case: Case) -> Plan | None:
    if event.verb == "accept" and case.status in (Status.CLOSED, Status.REJECTED, Status.CANCELLED):
        return None  # 当场解决: only the closure is worth a message
    users = {case.reporter_id} if case.reporter_id else set()
    return Plan(event.verb, users, tell_reporter=True)


def _supervision(event: CaseEvent, case: Case) -> Plan | None:
    kind = event.data.get("kind", event.verb) if event.verb == "supervise" else event.verb
    if kind not in SUPERVISION_VERBS:
        return None
    users = stage_people(case, event.data.get("stage", case.stage))
    if kind in CARDS:
        users |= _desk_and_dispatcher(case)
    return Plan(f"supervise_{kind}" if event.verb == "supervise" else kind, users)


def _handling(key: str) -> Callable[[CaseEvent, Case], Plan]:
    return lambda event, case: Plan(key, handlers(case))


def _at_desk(key: str) -> Callable[[CaseEvent, Case], Plan]:
    return lambda event, case: Plan(key, _desk_and_dispatcher(case))


PLANS: dict[str, Callable[[CaseEvent, Case], Plan | None]] = {
    "report": _report,
    "escalate": _escalate,
    "dispatch": _dispatch,
    "return": _at_desk("return"),
    "request_extension": _at_desk("request_extension"),
    "decide_extension": _decide_extension,
    "feedback": _feedback,
    "verify": _verify,
    "hold": _handling("hold"),
    "resume": _handling("resume"),
    "cancel": _cancel,
    "rate": _rate,
    "callback": _rate,
    "request_cancel": _at_desk("request_cancel"),
    "decide_cancel": _decide_cancel,
    "accept": _to_reporter,
    "reject": _to_reporter,
    "close": _to_reporter,
    "supervise": _supervision,
    **dict.fromkeys(SUPERVISION_VERBS, _supervision),
}
# Verbs that tell nobody: sign, reopen, decline_reopen, merge, merged_in, split, split_from, spot_check.


# ----- delivering ---------------------------------------------------------------------------------

def title_values(case: Case) -> dict[str, str]:
    return {"number": case.number or case.tracking_code, "category": case.category.name}


def title_of(notification: Notification) -> str:
    """The inbox title in the reader's language (the stored title for unknown keys)."""
    template = TITLES.get(notification.verb)
    if template is None or notification.case is None:
        return notification.title
    return str(template) % title_values(notification.case)


def absolute(path: str) -> str:
    """A site path made absolute with ``PUBLIC_BASE_URL`` when that is set."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def case_link(case: Case) -> str:
    try:
        return absolute(reverse("cases:case", kwargs={"number": case.number}))
    except NoReverseMatch:
        return ""


def tracking_link(case: Case) -> str:
    try:
        path = reverse("public_cases:track", kwargs={"code": case.tracking_code})
    except NoReverseMatch:
        path = f"/s/track/{case.tracking_code}/"
    return absolute(path)


def _email_text(title: str, event: CaseEvent, case: Case) -> str:
    parts = [title, f"{case.category.name} · {case.address or case.grid.name}"]
    if event.comment:
        parts.append(event.comment)
    parts.append(case_link(case))
    return "\n\n".join(part for part in parts if part)


def deliver(plan: Plan, event: CaseEvent, case: Case, *, not_emailed: Iterable[int] = ()) -> list[Notification]:
    """Inbox rows for the plan's users (one insert, counted unread), then one e-mail each to those with an address.

    Only users on duty (``accounts.models.on_duty``: an assignment valid today) are told, whichever
    way the plan found them (the last dispatcher, a self-handler, a reporting user).
    """
    people = dict(User.objects.filter(on_duty(), pk__in=plan.users).values_list("pk", "email"))
    if not people:
        return []
    title = str(TITLES[plan.key]) % title_values(case)
    now = timezone.now()
    rows = notifications_deliver(
        Notification(user_id=user_id, case=case, verb=plan.key, title=title[:200], body=event.comment,
                     created_at=now)
        for user_id in sorted(people)
    )
    skip = set(not_emailed)
    addressed = [row for row in rows if people[row.user_id] and row.user_id not in skip]
    if addressed:
        _email(addressed, people, title, _email_text(title, event, case), now)
    return rows


def _email(rows: list[Notification], people: dict[int, str], subject: str, text: str, now: Any) -> None:
    sender = settings.DEFAULT_FROM_EMAIL
    messages = [(subject, text, sender, [people[row.user_id]]) for row in rows]
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("Could not e-mail %d notification(s) about case %s", len(rows), rows[0].case_id)
        return
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=now)


def reporter_message(event: CaseEvent, case: Case) -> str:
    # Only the reply to the reporter leaves the desk, never the internal note (``event.comment``).
    values = {"code": case.tracking_code, "link": tracking_link(case), "reason": event.reply,
              "outcome": case.get_outcome_display()}
    return str(REPORTER_MESSAGES[event.verb]) % values


def notify_reporter(case: Case, message: str, *, email_user: bool = True) -> None:
    """Tell the reporter: SMS to the contact phone (unless anonymous), e-mail to a reporting user.

    Failures are logged, never raised.
    """
    if case.reporter_phone and not case.anonymous:
        try:
            send_sms(case.reporter_phone, message)
        except Exception:
            logger.exception("Could not send the SMS about case %s", case.pk)
    reporter = case.reporter if email_user and case.reporter_id else None
    if reporter is not None and reporter.is_active and reporter.email:
        subject = _("事件%(number)s办理进度") % {"number": case.number}
        try:
            send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [reporter.email])
        except Exception:
            logger.exception("Could not e-mail the reporter of case %s", case.pk)


def plan_for(event: CaseEvent, case: Case) -> Plan | None:
    """Who hears of this entry (the actor removed), or None when nobody does."""
    planner = PLANS.get(event.verb)
    plan = planner(event, case) if planner else None
    if plan is not None:
        plan.users.discard(event.actor_id)  # type: ignore[arg-type]
    return plan


_silenced: ContextVar[bool] = ContextVar("cases_notifications_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Announce nothing inside this block: for demo data and imports that write past timelines.

    Wrap the whole transaction (``with silenced(): with transaction.atomic(): …``), because
    announcements run when it commits.
    """
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def is_silenced() -> bool:
    """Whether the code runs inside ``silenced()``."""
    return _silenced.get()


def announce(event_id: int) -> None:
    """Tell everyone concerned about one timeline entry (after its commit). Never raises.

    Called once per entry by ``cases.events.announce_event`` (in a task, or in the supervision
    worker); a failure rolls back what it wrote so far and is logged.
    """
    if _silenced.get():
        return
    try:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            _announce(event_id)
    except Exception:
        logger.exception("Could not announce case event %s", event_id)


def _announce(event_id: int) -> None:
    event = CaseEvent.objects.select_related(
        "case__category", "case__desk_area", "case__grid", "case__reporter").get(pk=event_id)
    case = event.case
    plan = plan_for(event, case)
    if plan is None:
        return
    reporter_emailed_apart = [case.reporter_id] if plan.tell_reporter and case.reporter_id else []
    if plan.users:
        deliver(plan, event, case, not_emailed=reporter_emailed_apart)
    if plan.tell_reporter:
        notify_reporter(case, reporter_message(event, case), email_user=case.reporter_id != event.actor_id)

