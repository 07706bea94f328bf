"""结对帮扶 operations: pair a care-tagged resident with a helper, end a pairing.

A pairing decides whose "my visits due" list the resident is on (``fieldwork.care``). Both
verbs need ``fieldwork.add_pairing`` over the resident's grid (网格长, 社区工作人员); pairings are
in the change log (``audit.registry``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.workflow import ActionRefused
from fieldwork.models import HelperKind, Pairing
from registry.models import Resident

PAIRING_PERMISSION = "fieldwork.add_pairing"


def pairing_create(
    *,
    actor: User,
    resident: Resident,
    helper: User | None = None,
    helper_name: str = "",
    helper_kind: str = HelperKind.WORKER,
    starts_on: datetime.date | None = None,
    note: str = "",
) -> Pairing:
    """结对: ``resident`` is looked after by ``helper`` (or a named person); an earlier pairing ends."""
    found = Resident.objects.visible_to(actor).select_related("grid").filter(pk=resident.pk).first()
    if found is None or not actor.has_perm(PAIRING_PERMISSION, found.grid):
        raise ActionRefused(_("您没有权限为这位居民安排结对帮扶。"))
    if helper is not None and not helper.is_active:
        raise ValidationError({"helper": [_("这个帮扶人的账号已停用。")]})
    if helper_kind not in HelperKind.values:
        raise ValidationError({"helper_kind": [_("帮扶人身份无效。")]})
    starts_on = starts_on or timezone.localdate()
    pairing = Pairing(
        resident=found,
        grid=found.grid,
        helper=helper,
        helper_name=helper_name.strip()[:50],
        helper_kind=helper_kind,
        starts_on=starts_on,
        note=note.strip()[:200],
    )
    pairing.full_clean(exclude=["grid"])
    with transaction.atomic():
        for earlier in Pairing.objects.select_for_update().active(starts_on).filter(resident=found):
            earlier.ends_on = starts_on - datetime.timedelta(days=1)
            earlier.save(update_fields=["ends_on"])
        pairing.save()
    return pairing


def pairing_end(*, actor: User, pairing: Pairing, ends_on: datetime.date | None = None) -> Pairing:
    """结束结对: from the day after ``ends_on`` the resident is back on the grid workers' lists."""
    ends_on = ends_on or timezone.localdate()
    with transaction.atomic():
        pairing = Pairing.objects.select_for_update().select_related("grid").get(pk=pairing.pk)
        if not actor.has_perm(PAIRING_PERMISSION, pairing.grid):
            raise ActionRefused(_("您没有权限为这位居民安排结对帮扶。"))
        if ends_on < pairing.starts_on:
            raise ValidationError({"ends_on": [_("结束日期不能早于开始日期。")]})
        pairing.ends_on = ends_on
        pairing.save(update_fields=["ends_on"])
    return pairing
