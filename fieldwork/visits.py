"""Visit operations (入户走访): record a visit, turn its finding into a case in one tap."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Category, Channel
from cases.transitions import case_report
from cases.workflow import ActionRefused
from fieldwork.models import Visit, VisitMethod, VisitPurpose
from fieldwork.schedule import zone
from registry.models import Household, HouseholdMember, Resident


def _place(actor: User, resident: Resident | None, household: Household | None) -> tuple[Any, Any]:
    """The visited record's grid and building, re-read through the actor's scope."""
    if resident is not None:
        resident = Resident.objects.visible_to(actor).filter(pk=resident.pk).first()
        if resident is None:
            raise ValidationError({"resident": [_("请选择走访的居民或户。")]})
        stay = HouseholdMember.objects.current().filter(resident=resident).select_related(
            "household__dwelling").first()
        building = stay.household.dwelling.building_id if stay else None
        return resident.grid, building
    if household is not None:
        found = Household.objects.visible_to(actor).select_related("dwelling", "grid").filter(pk=household.pk).first()
        if found is None:
            raise ValidationError({"resident": [_("请选择走访的居民或户。")]})
        return found.grid, found.dwelling.building_id
    raise ValidationError({"resident": [_("请选择走访的居民或户。")]})


def _check_fields(method: str, purpose: str, met: bool, retry_on: datetime.date | None,
                  visited_at: datetime.datetime, now: datetime.datetime) -> None:
    errors: dict[str, list[str]] = {}
    if method not in VisitMethod.values:
        errors["method"] = [_("请选择走访方式。")]
    if purpose not in VisitPurpose.values:
        errors["purpose"] = [_("请选择走访事由。")]
    if visited_at > now + datetime.timedelta(minutes=5):
        errors["visited_at"] = [_("走访时间不能晚于现在。")]
    if not met and retry_on is None:
        errors["retry_on"] = [_("未见到本人时请填写再次走访日期。")]
    elif retry_on is not None and retry_on < visited_at.astimezone(zone()).date():
        errors["retry_on"] = [_("再次走访日期不能早于走访日期。")]
    if errors:
        raise ValidationError(errors)


def visit_record(
    *, actor: User, resident: Resident | None = None, household: Household | None = None,
    workers: Sequence[User] = (), visited_at: datetime.datetime | None = None, method: str = VisitMethod.HOME,
    purpose: str = VisitPurpose.CARE, met: bool = True, retry_on: datetime.date | None = None, findings: str = "",
    opinions: str = "", follow_up: str = "", now: datetime.datetime | None = None,
) -> Visit:
    """记录走访: a visit by the actor (and the team members named) to a resident or a household."""
    now = now or timezone.now()
    visited_at = visited_at or now
    _check_fields(method, purpose, met, retry_on, visited_at, now)
    with transaction.atomic():
        grid, building_id = _place(actor, resident, household)
        if not actor.has_perm("fieldwork.add_visit", grid):
            raise ActionRefused(_("您没有权限在这个网格记录走访。"))
        visit = Visit.objects.create(
            grid=grid, building_id=building_id, resident=resident, household=household, visited_at=visited_at,
            recorded_by=actor, method=method, purpose=purpose, met=met, retry_on=None if met else retry_on,
            findings=findings.strip(), opinions=opinions.strip(), follow_up=follow_up.strip(),
        )
        visit.workers.set({actor, *workers})
    return visit


def visit_report_finding(
    *, visit: Visit, actor: User, category: Category, now: datetime.datetime | None = None,
) -> Case:
    """发现问题上报: the visit's finding becomes a case (``case_report``), linked both ways."""
    with transaction.atomic():
        locked = (Visit.objects.select_for_update(of=("self",)).select_related("grid", "resident", "household")
                  .get(pk=visit.pk))
        if locked.case_id:
            raise ActionRefused(_("这次走访的发现已经上报过了。"))
        if not locked.findings:
            raise ValidationError({"findings": [_("这次走访没有记录发现情况。")]})
        subject = locked.resident or locked.household
        description = _("走访发现（%(who)s）：%(findings)s") % {"who": subject, "findings": locked.findings}
        case = case_report(actor=actor, category=category, description=description, channel=Channel.GRID_WORKER,
                           grid=locked.grid, resident=locked.resident, household=locked.household,
                           building=locked.building, now=now)
        locked.case = case
        locked.save(update_fields=["case"])
    return case
