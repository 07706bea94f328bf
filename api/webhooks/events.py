"""Which case events are webhook events, who receives each, and what a delivery says.

A timeline entry's verb names its event (``VERB_EVENTS``). A subscription receives an event when
it subscribed to that type and

* for an area: the case lies in the area's subtree;
* for a unit: the case had been dispatched to the unit when the event happened (a
  ``case.dispatched`` must name the unit as lead or assisting);

and, whatever the subscription, its owner may still subscribe there (``may_watch_area`` /
``subscribable_units``) and may still see the case (``Case.objects.visible_to``): a subscription
never tells more than its owner's own pages would.

The payload holds the event and the case's public-safe fields only: number, category code,
status after the event, grid code, the running stage and its deadline, the lead unit. Never the
reporter, their phone or ID number, the description or the address.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, OrganisationMember, User
from accounts.scope import restrict_by_permission
from api.models import WebhookEvent, WebhookSubscription
from areas.models import Area
from cases.models import Case, CaseEvent
from cases.notifications import covering_codes

PERMISSION = "api.manage_webhook"

VERB_EVENTS: dict[str, str] = {
    "report": WebhookEvent.REPORTED,
    "accept": WebhookEvent.ACCEPTED,
    "dispatch": WebhookEvent.DISPATCHED,
    "sign": WebhookEvent.SIGNED,
    "feedback": WebhookEvent.FED_BACK,
    "close": WebhookEvent.CLOSED,
    "rate": WebhookEvent.RATED,
    "callback": WebhookEvent.RATED,
    "overdue": WebhookEvent.OVERDUE,
}


# ----- who may subscribe where -------------------------------------------------------------------


def may_manage(user: Any) -> bool:
    """Whether the user holds ``api.manage_webhook`` anywhere (the pages' gate)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(PERMISSION))


def may_watch_area(user: User, area: Area) -> bool:
    return (
        user.is_active and Area.objects.visible_to(user).filter(pk=area.pk).exists() and user.has_perm(PERMISSION, area)
    )


def subscribable_units(user: User) -> QuerySet[Organisation]:
    """Active units the user may subscribe for: theirs (an acting member), or those based in areas
    where they hold ``api.manage_webhook`` (an administrator of the unit)."""
    if not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.filter(is_active=True)
    managed = restrict_by_permission(Organisation.objects.all(), user, "home_area__code", PERMISSION)
    return Organisation.objects.filter(
        Q(pk__in=OrganisationMember.objects.unit_ids(user)) | Q(pk__in=managed.values("pk")), is_active=True
    )


# ----- who receives an event ---------------------------------------------------------------------


def event_type(event: CaseEvent) -> str | None:
    return VERB_EVENTS.get(event.verb)


def _candidates(case: Case, units: set[int]) -> QuerySet[WebhookSubscription]:
    near = Q(area__code__in=covering_codes(case.grid_code)) | Q(organisation_id__in=units)
    return WebhookSubscription.objects.filter(near, is_active=True).select_related("owner", "area", "organisation")


def _named(event_data: dict[str, Any]) -> set[int]:
    return {event_data.get("lead") or 0, *event_data.get("assists", [])} - {0}


def units_at(event: CaseEvent) -> set[int]:
    """The units the case had been dispatched to when this event happened (its dispatch entries
    up to it: the fan-out runs later, when the case may have moved on)."""
    dispatches = CaseEvent.objects.filter(case_id=event.case_id, verb="dispatch", pk__lte=event.pk)
    units: set[int] = set()
    for data in dispatches.values_list("data", flat=True):
        units |= _named(data or {})
    return units


def _unit_receives(subscription: WebhookSubscription, event: CaseEvent, kind: str, units: set[int]) -> bool:
    if kind == WebhookEvent.DISPATCHED:
        return subscription.organisation_id in _named(event.data or {})
    return subscription.organisation_id in units


def _owner_may(subscription: WebhookSubscription, case: Case) -> bool:
    owner = subscription.owner
    if subscription.area is not None:
        allowed = may_watch_area(owner, subscription.area)
    else:
        allowed = subscribable_units(owner).filter(pk=subscription.organisation_id or 0).exists()
    return allowed and Case.objects.visible_to(owner).filter(pk=case.pk).exists()


def receivers(event: CaseEvent) -> list[WebhookSubscription]:
    """The active subscriptions that receive this event (empty for verbs that are no event)."""
    kind = event_type(event)
    if kind is None:
        return []
    case = event.case
    units = units_at(event)
    found = []
    for subscription in _candidates(case, units):
        if kind not in subscription.events:
            continue
        if subscription.organisation_id and not _unit_receives(subscription, event, kind, units):
            continue
        if _owner_may(subscription, case):
            found.append(subscription)
    return found


# ----- what a delivery says ----------------------------------------------------------------------


def _time(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def payload(event: CaseEvent) -> dict[str, Any]:
    """The event as JSON data: nothing about the reporter, only the case's public-safe fields."""
    case = event.case
    lead = case.lead_organisation
    return {
        "id": event.pk,
        "type": event_type(event),
        "occurred_at": _time(event.time),
        "case": {
            "number": case.number,
            "category": case.category.code,
            "status": event.to_status or case.status,
            "grid": case.grid_code,
            "reported_at": _time(case.reported_at),
            "stage": case.stage or None,
            "deadline": _time(case.stage_due_at),
            "lead_unit": {"id": lead.pk, "name": lead.name} if lead else None,
        },
    }


def body(event: CaseEvent) -> str:
    return json.dumps(payload(event), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
