"""A visit finds the registry right or out of date: update it from the visit and mark it 已核实.

``visit_registry_update`` is what the visit page's 登记信息 panel calls. The change goes through
the registry's own operations (``registry.services.resident_update`` for a new phone,
``household_member_move_out`` for 迁出), then ``registry.verification.record_verify`` marks the
record 已核实 with a note naming the visit (来源：走访记录 #id), so the change log shows where the
correction came from; the visit keeps a line saying what changed (``Visit.registry_note``).

A newborn or a new tenant (``visit_register_member``) is registered from the visit through the
registry's own 添加家庭成员 path (the form ``registry.forms.AddMemberForm``,
``household_register_member`` and ``household_add_member``) into the visited household; the new
resident and the household are then marked 已核实 with the visit as the source, and the visit
lists the resident (``Visit.registered``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from cases.workflow import ActionRefused
from fieldwork.models import Visit
from fieldwork.schedule import zone
from registry.models import GridScoped, Household, HouseholdMember, Relation, Resident, VerificationState
from registry.normalise import normalise_phone
from registry.services import (
    household_add_member,
    household_member_move_out,
    household_register_member,
    resident_update,
)
from registry.validators import validate_phone
from registry.verification import record_verify


class RegistryChange(models.TextChoices):
    CONFIRMED = "confirmed", gettext_lazy("信息无变化")
    PHONE = "phone", gettext_lazy("电话变更")
    MOVED_OUT = "moved_out", gettext_lazy("已迁出")


class Newcomer(models.TextChoices):
    NEWBORN = "newborn", gettext_lazy("新生儿")
    TENANT = "tenant", gettext_lazy("新租户")


# The relation the registration form starts with (the worker may change it).
NEWCOMER_RELATION = {Newcomer.NEWBORN: Relation.CHILD, Newcomer.TENANT: Relation.TENANT}


def source_note(visit: Visit) -> str:
    return _("来源：走访记录 #%(id)d（%(day)s）") % {
        "id": visit.pk,
        "day": visit.visited_at.astimezone(zone()).strftime("%Y-%m-%d"),
    }


def _verify(record: GridScoped, actor: User, visit: Visit) -> None:
    record_verify(record=record, actor=actor, state=VerificationState.VERIFIED, note=source_note(visit))


def _phone(visit: Visit, actor: User, phone: str) -> str:
    assert visit.resident is not None
    number = normalise_phone(phone)
    try:
        validate_phone(number)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    visit.resident.phone = number
    resident_update(resident=visit.resident, actor=actor)
    _verify(visit.resident, actor, visit)
    return _("电话已更新")


def _moved_out(visit: Visit, actor: User, moved_out_on: datetime.date | None) -> str:
    assert visit.resident is not None
    stay = HouseholdMember.objects.current().filter(resident=visit.resident).select_related("household").first()
    if stay is None:
        raise ValidationError({"change": [_("这位居民没有在住的户。")]})
    household_member_move_out(member=stay, actor=actor, moved_out_on=moved_out_on or timezone.localdate())
    _verify(stay.household, actor, visit)
    return _("%(name)s 已迁出") % {"name": visit.resident.name}


def visit_registry_update(
    *,
    visit: Visit,
    actor: User,
    change: str,
    phone: str = "",
    moved_out_on: datetime.date | None = None,
) -> Visit:
    """登记信息: confirm the visited record, or change it (new phone, moved out), and mark it 已核实."""
    if change not in RegistryChange.values:
        raise ValidationError({"change": [_("请选择登记信息的变化。")]})
    with transaction.atomic():
        visit = (
            Visit.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("resident__grid", "household__grid")
            .get(pk=visit.pk)
        )
        if change != RegistryChange.CONFIRMED and visit.resident is None:
            raise ValidationError({"change": [_("走访的是户，请在户的页面修改成员。")]})
        try:
            if change == RegistryChange.PHONE:
                line = _phone(visit, actor, phone)
            elif change == RegistryChange.MOVED_OUT:
                line = _moved_out(visit, actor, moved_out_on)
            else:
                record = visit.resident or visit.household
                assert record is not None
                _verify(record, actor, visit)
                line = _("核实无误")
        except PermissionDenied:
            raise ActionRefused(_("您没有修改这条登记信息的权限。")) from None
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        visit.registry_note = f"{visit.registry_note}\n{stamp} {line}".strip()
        visit.save(update_fields=["registry_note"])
    return visit


def visit_household(visit: Visit) -> Household | None:
    """The household the visit was to: the visited household, or the visited resident's current one."""
    if visit.household_id is not None:
        return visit.household
    stay = HouseholdMember.objects.current().filter(resident=visit.resident_id).select_related("household").first()
    return stay.household if stay is not None else None


def visit_register_member(
    *,
    visit: Visit,
    actor: User,
    newcomer: str,
    data: dict[str, Any],
    existing: Resident | None = None,
) -> Resident:
    """新生儿、新租户 found at the visit: registered into the visited household, 已核实 from the visit.

    ``data`` is the cleaned ``AddMemberForm`` (``existing`` its already registered resident, if
    the number was found in the actor's scope). In one transaction: the resident is registered
    (unless existing) and added to the household with the form's relation and date, the resident
    and the household are marked 已核实 with the note 来源：走访记录 #id — the change log names the
    visit as the source —, and the visit keeps the resident and a line in ``registry_note``.
    Everything or nothing; a refusal of the registry names the field or says why.
    """
    if newcomer not in Newcomer.values:
        raise ValidationError({"newcomer": [_("请选择登记信息的变化。")]})
    with transaction.atomic():
        visit = Visit.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=visit.pk)
        household = visit_household(visit)
        if household is None:
            raise ValidationError({"newcomer": [_("这位居民没有在住的户。")]})
        try:
            resident = existing or household_register_member(household=household, actor=actor, data=data)
            household_add_member(
                household=household,
                actor=actor,
                resident=resident,
                relation=data["relation"],
                moved_in_on=data.get("moved_in_on"),
            )
            _verify(resident, actor, visit)
            _verify(household, actor, visit)
        except PermissionDenied:
            raise ActionRefused(_("您没有修改这条登记信息的权限。")) from None
        line = _("%(kind)s %(name)s 已登记到本户") % {"kind": Newcomer(newcomer).label, "name": resident.name}
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        visit.registry_note = f"{visit.registry_note}\n{stamp} {line}".strip()
        visit.save(update_fields=["registry_note"])
        visit.registered.add(resident)
    return resident
