"""上报: the named operation that creates a case (``case_report``), with its checks of the place
and the reporter's contact.

Like every operation in ``cases.transitions`` (which offers it with the others), it runs in one
transaction and raises ``ValidationError`` naming the field, or ``ActionRefused``; nothing is
saved then. It is here because every channel reports through it (the public page, Open311, the
grid worker's phone, fieldwork, meetings) and it shares nothing with the later steps but the
workflow's helpers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from areas.geo import CoordinateSystem
from areas.grid_cache import grid_by_code
from areas.locator import locate
from areas.models import Area
from cases.attributes import clean_attributes
from cases.models import RESIDENT_CHANNELS, AttachmentKind, Case, Category, Channel, Dispute, HandlingLevel, Stage
from cases.workflow import (
    ActionRefused,
    Actor,
    Photo,
    PublicReporter,
    accept_deadline,
    actor_user,
    desk_for,
    operation_time,
    record,
    start_stage,
)
from core.validators import required_text
from registry.normalise import normalise_phone
from registry.validators import validate_phone


def _place(
    *, actor: Actor, grid: Area | None, longitude: float | None, latitude: float | None, system: str,
) -> tuple[Area, float | None, float | None]:
    """The grid of the report and its WGS-84 point: located from coordinates, or the grid given."""
    if longitude is not None and latitude is not None:
        try:
            result = locate(latitude, longitude, system)
        except ValueError as error:
            raise ValidationError({"location": [str(error)]}) from error
        if result.area is None:
            raise ValidationError({"location": [result.message]})
        located = grid_by_code(result.area.code) or Area.objects.get(code=result.area.code)
        if grid is not None and not (located.code.startswith(grid.code) or grid.code.startswith(located.code)):
            raise ValidationError({"location": [_("地图上的位置不在所选网格内。")]})
        return located, result.lng, result.lat
    if grid is None:
        raise ValidationError({"location": [_("请在地图上选择位置，或选择所在网格。")]})
    if not grid.is_grid:
        raise ValidationError({"grid": [_("请选择网格。")]})
    return grid, None, None


def _check_reporter_contact(name: str, phone: str, anonymous: bool) -> str:
    if anonymous or not phone:
        return ""
    phone = normalise_phone(phone)
    try:
        validate_phone(phone)
    except ValidationError as error:
        raise ValidationError({"reporter_phone": error.messages}) from error
    return phone


def case_report(
    *, actor: Actor, category: Category, description: str, channel: str, grid: Area | None = None,
    longitude: float | None = None, latitude: float | None = None, system: str = CoordinateSystem.WGS84,
    address: str = "", attributes: dict[str, Any] | None = None, level: int | None = None,
    building: Any = None, household: Any = None, resident: Any = None, reporter_name: str = "",
    reporter_phone: str = "", anonymous: bool = False, photos: Sequence[Photo] = (), source_key: str = "",
    now: datetime.datetime | None = None, saved: Callable[[Case], Any] | None = None,
) -> Case:
    """上报: a new case in 待受理 at the desk of its grid (or of ``level``), with the accept clock running.

    Staff report with ``cases.report_case`` on the grid; ``REPORTER`` (a resident on the public
    page) may report only public categories. ``saved(case)`` runs last, in the same transaction
    (what a caller records with the case, e.g. the Open311 submission).
    """
    now = operation_time(now)
    description = required_text("description", description, _("请描述问题。"))
    if not category.is_active or (isinstance(actor, PublicReporter) and not category.public):
        raise ValidationError({"category": [_("请选择有效的事件类别。")]})
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("请选择来源渠道。")]})
    values = clean_attributes(category, attributes)
    phone = _check_reporter_contact(reporter_name, reporter_phone, anonymous)
    with transaction.atomic():
        place, lng, lat = _place(actor=actor, grid=grid, longitude=longitude, latitude=latitude, system=system)
        user = actor_user(actor)
        if not isinstance(actor, PublicReporter) and not (user and user.has_perm("cases.report_case", place)):
            raise ActionRefused(_("您没有权限在这个网格上报事件。"))
        case = Case(
            category=category, description=description, attributes=values, channel=channel,
            priority=category.priority, longitude=lng, latitude=lat, address=address.strip()[:200], grid=place,
            building=building, household=household, resident=resident, reporter=user,
            reporter_name="" if anonymous else reporter_name.strip()[:50], reporter_phone=phone,
            anonymous=anonymous, source_key=source_key, reported_at=now,
        )
        case.grid_code = place.code
        case.community_code, case.street_code = place.code[:12], place.code[:9] + "000"
        case.level = level or (HandlingLevel.GRID if channel == Channel.GRID_WORKER or channel in RESIDENT_CHANNELS
                               else category.default_level)
        case.desk_area = desk_for(case, case.level)
        case.accept_due_at = accept_deadline(case, now)
        start_stage(case, Stage.ACCEPT, case.accept_due_at, now)
        case.save()
        if category.is_dispute:
            Dispute.objects.create(case=case)
        record(case, "report", actor, from_status="", comment="", public=True, photos=photos,
               photo_kind=AttachmentKind.REPORT, now=now, dispute=category.is_dispute)
        if saved is not None:
            saved(case)
    return case
