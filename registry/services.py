"""Named operations on the registry: everything that writes goes through here.

Each operation takes the acting user, re-checks inside its transaction that the record's grid
is in the user's scope and that their role allows the action there (a form may have been
filled before an assignment ended), and raises ``PermissionDenied`` otherwise. Changes reach
the audit log through the model signals; looking at personal data in clear writes an
``audit.AccessLogEntry``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import covers
from areas.models import Area
from audit.models import AccessLogEntry
from audit.registry import record_created_in_bulk
from core.request_context import current
from registry.models import (
    Building,
    BuildingUnit,
    Dwelling,
    Household,
    HouseholdMember,
    Relation,
    Resident,
    VerificationState,
)

UNMASK_PERMISSION = "registry.unmask_resident"
# The birth date is shown in full only here: for a 居民身份证 holder it is part of the number.
UNMASK_FIELDS = ("id_number", "phone", "birth_date")
MINIMUM_REASON_LENGTH = 4


def not_registrable_message() -> str:
    """The answer when a number cannot be registered here: the same whether it is registered in
    another area or something else stands in the way, so it confirms no number outside the
    user's areas (docs/personal-data.md)."""
    return _("无法用该证件号码在此登记。请核对号码；如确认无误，请联系街道或区级管理员处理。")


def check_scope(actor: Any, area: Area, perm: str) -> None:
    """Refuse unless ``area`` is in the actor's scope and their role grants ``perm`` there."""
    if not (covers(actor, area.code) and actor.has_perm(perm, area)):
        raise PermissionDenied(_("您没有在该网格执行此操作的权限。"))


def _stamp_verification(record: Any, actor: Any, previous_state: str | None) -> None:
    """Record who verified and when, when a record becomes 已核实."""
    if record.verification_state == VerificationState.VERIFIED and previous_state != VerificationState.VERIFIED:
        record.verified_at = timezone.now()
        record.verified_by = actor


# --- personal data ---------------------------------------------------------------------------


def resident_unmask(*, resident: Resident, actor: Any, reason: str) -> dict[str, str]:
    """The resident's ID number, phone and birth date in clear, logged with who looked, why and in which request.

    Needs ``registry.unmask_resident`` over the resident's grid and a reason of at least four
    characters (e.g. "入户核实"). The log row is written before the values are returned.
    """
    reason = " ".join((reason or "").split())
    if len(reason) < MINIMUM_REASON_LENGTH:
        raise ValidationError({"reason": _("查看事由至少需要%(count)d个字。") % {"count": MINIMUM_REASON_LENGTH}})
    if not (covers(actor, resident.grid_code) and actor.has_perm(UNMASK_PERMISSION, resident)):
        raise PermissionDenied(_("您没有查看该居民完整证件号码和电话的权限。"))
    context = current()
    AccessLogEntry.objects.create(
        user=actor,
        user_name=(getattr(actor, "full_name", "") or actor.get_username())[:150],
        request_id=context.request_id,
        remote_addr=context.remote_addr,
        content_type=ContentType.objects.get_for_model(Resident),
        object_id=str(resident.pk),
        object_repr=str(resident)[:200],
        area_code=resident.grid_code,
        fields=",".join(UNMASK_FIELDS),
        reason=reason[:200],
    )
    birth_date = resident.birth_date.isoformat() if resident.birth_date else ""
    return {"id_number": resident.id_number or "", "phone": resident.phone or "", "birth_date": birth_date}


# --- residents -------------------------------------------------------------------------------


def _save_resident(resident: Resident, actor: Any, perm: str, previous_state: str | None) -> Resident:
    with transaction.atomic():
        check_scope(actor, resident.grid, perm)
        _stamp_verification(resident, actor, previous_state)
        try:
            with transaction.atomic():
                resident.save()
        except IntegrityError as error:  # the form checked first; this is a race or another path
            raise ValidationError({"id_number": not_registrable_message()}) from error
    return resident


def resident_register(*, resident: Resident, actor: Any, care_tags: list[Any] | None = None) -> Resident:
    """Register a new resident (an unsaved, validated instance) in a grid the actor may add to."""
    with transaction.atomic():
        _save_resident(resident, actor, "registry.add_resident", None)
        if care_tags is not None:
            resident.care_tags.set(care_tags)
    return resident


def resident_update(
    *, resident: Resident, actor: Any, care_tags: list[Any] | None = None, previous_state: str | None = None
) -> Resident:
    """Save changes to a resident; the old and the new grid must both be in the actor's scope."""
    with transaction.atomic():
        stored = Resident.objects.select_for_update().select_related("grid").get(pk=resident.pk)
        check_scope(actor, stored.grid, "registry.change_resident")
        _save_resident(resident, actor, "registry.change_resident", previous_state or stored.verification_state)
        if care_tags is not None:
            resident.care_tags.set(care_tags)
    return resident


# --- buildings and dwellings -----------------------------------------------------------------


def building_save(*, building: Building, actor: Any, previous_state: str | None = None) -> Building:
    """Create or change a building; its units 1单元…N单元 are created as far as they are missing."""
    perm = "registry.change_building" if building.pk else "registry.add_building"
    with transaction.atomic():
        if building.pk:
            stored = Building.objects.select_for_update().select_related("grid").get(pk=building.pk)
            check_scope(actor, stored.grid, perm)
            previous_state = previous_state or stored.verification_state
        check_scope(actor, building.grid, perm)
        _stamp_verification(building, actor, previous_state)
        building.save()
        existing = set(building.units.values_list("number", flat=True))
        labels = [f"{number}单元" for number in range(1, building.unit_count + 1)]  # stored data, not translated
        units = [BuildingUnit(building=building, number=label) for label in labels if label not in existing]
        record_created_in_bulk(BuildingUnit.objects.bulk_create(units))
    return building


def dwelling_save(*, dwelling: Dwelling, actor: Any, previous_state: str | None = None) -> Dwelling:
    """Create or change a dwelling of a building in the actor's scope (its grid is the building's)."""
    perm = "registry.change_dwelling" if dwelling.pk else "registry.add_dwelling"
    with transaction.atomic():
        building = Building.objects.select_for_update().select_related("grid").get(pk=dwelling.building_id)
        dwelling.grid = building.grid
        check_scope(actor, building.grid, perm)
        if dwelling.pk:
            previous_state = previous_state or Dwelling.objects.values_list("verification_state", flat=True).get(
                pk=dwelling.pk
            )
        _stamp_verification(dwelling, actor, previous_state)
        dwelling.save()
    return dwelling


# --- households ------------------------------------------------------------------------------


def household_create(*, dwelling: Dwelling, actor: Any) -> Household:
    """Open a new household (户) at a dwelling."""
    with transaction.atomic():
        check_scope(actor, dwelling.grid, "registry.add_household")
        return Household.objects.create(dwelling=dwelling, grid=dwelling.grid)


def household_add_member(
    *, household: Household, actor: Any, resident: Resident, relation: str, moved_in_on: datetime.date | None = None
) -> HouseholdMember:
    """Start a resident's stay in a household; a resident living elsewhere must first move out.

    A member added as 户主 becomes the household's head when it has none.
    """
    with transaction.atomic():
        locked = Household.objects.select_for_update().select_related("grid").get(pk=household.pk)
        check_scope(actor, locked.grid, "registry.add_householdmember")
        if HouseholdMember.objects.current().filter(resident=resident).exists():
            raise ValidationError(_("该居民目前登记在另一户，请先在原户办理迁出。"))
        member = HouseholdMember(
            household=locked, resident=resident, relation=relation,
            moved_in_on=moved_in_on or timezone.localdate(),
        )
        member.full_clean()
        member.save()
        if relation == Relation.HEAD and locked.head_id is None:
            locked.head = resident
            locked.save()
    return member


def household_register_member(*, household: Household, actor: Any, data: dict[str, Any]) -> Resident:
    """Register a new resident in the household's grid from the 添加家庭成员 form's ``data``
    (name, document, phone; birth date and gender read from an ID card number)."""
    resident = Resident(
        grid=household.grid, name=data["name"], document_type=data["document_type"], id_number=data["id_number"],
        phone=data.get("phone", ""), gender=data.get("gender", ""), birth_date=data.get("birth_date"),
    )
    if not resident.gender:
        raise ValidationError(_("非居民身份证的新居民请先在“登记居民”中登记（需填写性别）。"))
    return resident_register(resident=resident, actor=actor)


def household_member_move_out(
    *, member: HouseholdMember, actor: Any, moved_out_on: datetime.date | None = None
) -> HouseholdMember:
    """End a stay (迁出): the row stays as history; a departing head is no longer the head."""
    with transaction.atomic():
        locked = HouseholdMember.objects.select_for_update().select_related("household__grid").get(pk=member.pk)
        check_scope(actor, locked.household.grid, "registry.change_householdmember")
        if locked.moved_out_on is not None:
            raise ValidationError(_("该成员已迁出。"))
        locked.moved_out_on = moved_out_on or timezone.localdate()
        locked.full_clean()
        locked.save()
        household = locked.household
        if household.head_id == locked.resident_id:
            household.head = None
            household.save()
    return locked
