"""What the Open311 feed reads, and how one request or update is written.

The feed shows what the anonymous tracking page shows (``cases.tracking``) and nothing more:
category, description, place, state, deadlines, the unit in charge, the reply to the reporter,
public photos, never the reporter's name or phone, never internal notes. Only cases of public
categories (those residents may report, ``Category.public``) that are not disputes appear.

Each list is one query: the page of rows in an indexed order with the latest public reply, the
time of the latest public entry and the first public photo as subqueries, whatever its size.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from api.open311.documents import w3c
from api.open311.states import detailed_state, open311_status
from cases.models import Case, CaseAttachment, CaseEvent, Category, DeadlineUnit, Status
from cases.tracking import entry_detail, entry_title, public_text

COORDINATE_DIGITS = 6


def public_categories() -> QuerySet[Category]:
    """The services: active categories residents may report, disputes excluded."""
    return Category.objects.public().filter(is_dispute=False)


def public_cases() -> QuerySet[Case]:
    """Cases the feed may show (public categories, no disputes), with what one row needs."""
    events = CaseEvent.objects.filter(case=OuterRef("pk"), public=True).order_by("-time", "-pk")
    photos = (
        CaseAttachment.objects.filter(case=OuterRef("pk"), public=True)
        .filter(Q(event__isnull=True) | Q(event__public=True))
        .order_by("uploaded_at", "pk")
    )
    return (
        Case.objects.filter(category__public=True, category__is_dispute=False)
        .select_related("category", "lead_organisation", "grid")
        .annotate(
            public_reply=Subquery(events.exclude(reply="").values("reply")[:1]),
            public_updated_at=Subquery(events.values("time")[:1]),
            public_photo=Subquery(photos.values("token")[:1]),
        )
    )


def public_updates() -> QuerySet[CaseEvent]:
    """Public timeline entries of the feed's cases, with the entry's first public photo."""
    photos = CaseAttachment.objects.filter(event=OuterRef("pk"), public=True).order_by("uploaded_at", "pk")
    return (
        CaseEvent.objects.filter(public=True, case__category__public=True, case__category__is_dispute=False)
        .select_related("case")
        .annotate(public_photo=Subquery(photos.values("token")[:1]))
    )


def media_url(request: HttpRequest, token: Any) -> str | None:
    if not token:
        return None
    return request.build_absolute_uri(reverse("open311:media", kwargs={"token": token}))


def service_notice(category: Category) -> str:
    """What a reporter may expect: the category's time limits."""
    unit = DeadlineUnit(category.handle_unit).label if category.handle_unit in DeadlineUnit.values else ""
    return _("%(accept)s个工作小时内受理，派单后%(amount)s%(unit)s内处置。") % {
        "accept": category.accept_hours,
        "amount": category.handle_amount,
        "unit": unit,
    }


def _coordinate(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DIGITS)


def _updated_at(case: Case) -> Any:
    if case.status == Status.CLOSED and case.closed_at:
        return case.closed_at
    return getattr(case, "public_updated_at", None) or case.reported_at


def _expected_at(case: Case) -> Any:
    if case.handle_due_at:
        return case.handle_due_at
    return case.stage_due_at if case.is_open else None


def request_row(case: Case, request: HttpRequest, *, extensions: bool = False) -> dict[str, Any]:
    """One ``request`` of the spec, in its order of fields."""
    row: dict[str, Any] = {
        "service_request_id": case.number,
        "status": open311_status(case.status),
        "status_notes": getattr(case, "public_reply", None) or None,
        "service_name": case.category.display_name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": case.lead_organisation.name if case.lead_organisation else None,
        "service_notice": service_notice(case.category),
        "requested_datetime": w3c(case.reported_at),
        "updated_datetime": w3c(_updated_at(case)),
        "expected_datetime": w3c(_expected_at(case)),
        "address": case.address or case.grid.name,
        "lat": _coordinate(case.latitude),
        "long": _coordinate(case.longitude),
        "media_url": media_url(request, getattr(case, "public_photo", None)),
    }
    if extensions:
        row["extended_attributes"] = {
            "wangge_status": case.status,
            "wangge_status_name": str(Status(case.status).label),
            "detailed_status": detailed_state(case.status, case.outcome),
            "grid_code": case.grid_code,
            "grid_name": case.grid.name,
            "channel": case.channel,
        }
    return row


def update_description(event: CaseEvent) -> str:
    """The entry as the tracking page words it: title, detail, the reply (or the reporter's words)."""
    head = " ".join(part for part in (entry_title(event.verb), entry_detail(event)) if part)
    text = public_text(event)
    return f"{head}\n{text}" if text else head


def update_row(event: CaseEvent, request: HttpRequest, *, extensions: bool = False) -> dict[str, Any]:
    """One ``request_update`` of mySociety's extension."""
    status = event.to_status or event.case.status
    outcome = (event.data or {}).get("outcome") or (event.case.outcome if status == Status.CLOSED else "")
    row: dict[str, Any] = {
        "update_id": str(event.pk),
        "service_request_id": event.case.number,
        "status": detailed_state(status, str(outcome)),
        "updated_datetime": w3c(event.time),
        "description": update_description(event),
        "media_url": media_url(request, getattr(event, "public_photo", None)) or "",
    }
    if extensions:
        row["extended_attributes"] = {"wangge_status": status, "open311_status": open311_status(status)}
    return row
