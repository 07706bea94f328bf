"""结对帮扶: a care-tagged resident paired with the person who looks after them."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import restrict_by_permission
from areas.models import Area
from registry.models import Resident


class PairingQuerySet(models.QuerySet["Pairing"]):
    def visible_to(self, user: Any) -> PairingQuerySet:
        """Pairings in the areas where the user holds ``fieldwork.view_visit``."""
        return restrict_by_permission(self, user, "grid_code", "fieldwork.view_visit")

    def active(self, on: datetime.date | None = None) -> PairingQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class HelperKind(models.TextChoices):
    WORKER = "worker", _("网格员")
    PARTY_MEMBER = "party_member", _("党员")
    VOLUNTEER = "volunteer", _("志愿者")
    BUILDING_HEAD = "building_head", _("楼栋长")


class Pairing(models.Model):
    """结对帮扶: ``resident`` is looked after by ``helper`` (a user) or by ``helper_name`` (a named
    person without an account), from ``starts_on`` until ``ends_on``.

    A resident paired with a user is on that user's "my visits due" list, and on no other
    worker's; a resident paired with a named person only stays on the grid workers' lists (someone
    with an account records the visits), showing who they are paired with.
    """

    resident = models.ForeignKey(
        Resident, verbose_name=_("帮扶对象"), on_delete=models.CASCADE, related_name="pairings"
    )
    grid = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+", editable=False)
    grid_code = models.CharField(_("网格编码"), max_length=18, db_index=True, editable=False)
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("帮扶人（用户）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    helper_name = models.CharField(
        _("帮扶人姓名"), max_length=50, blank=True, help_text=_("没有账号的党员、志愿者等，填写姓名。")
    )
    helper_kind = models.CharField(
        _("帮扶人身份"), max_length=20, choices=HelperKind.choices, default=HelperKind.WORKER
    )
    starts_on = models.DateField(_("开始日期"), default=timezone.localdate)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["grid_code", "resident", "-starts_on", "pk"]
        verbose_name = _("结对帮扶")
        verbose_name_plural = pgettext_lazy("plural", "结对帮扶")
        indexes = [models.Index(fields=["helper", "ends_on"], name="pairing_helper")]

    def __str__(self) -> str:
        return f"{self.resident} · {self.helper_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.resident_id and not self.grid_id:
            self.grid = self.resident.grid
        if self.grid_id:
            self.grid_code = self.grid.code
        super().save(*args, **kwargs)

    @property
    def helper_label(self) -> str:
        if self.helper_id is not None and self.helper is not None:
            return self.helper.full_name or self.helper.username
        return self.helper_name

    def clean(self) -> None:
        if self.helper_id is None and not self.helper_name.strip():
            raise ValidationError({"helper": _("请选择帮扶人，或填写帮扶人姓名。")})
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
