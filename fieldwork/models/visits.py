"""Home visits (入户走访, 关爱巡访): who went where, how, whether the door opened, what was found."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import restrict, restrict_by_permission
from areas.models import Area
from cases.models import Case
from registry.models import Building, Household, Resident


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, user: Any) -> VisitQuerySet:
        """Visits in the user's areas; a 楼栋长 sees only visits in the buildings they head, …"""

        def narrow(prefixes: list[str]) -> Q:
            condition = Q(pk__in=[])
            for prefix in prefixes:
                condition |= Q(grid_code__startswith=prefix)
            return condition & Q(building__in=Building.objects.filter(heads=user).values("pk"))

        # and only where the user holds fieldwork.view_visit: a 物业 handler's community is not theirs to read.
        return restrict_by_permission(restrict(self, user, "grid_code", narrow), user, "grid_code",
                                      "fieldwork.view_visit")


class VisitMethod(models.TextChoices):
    HOME = "home", _("入户")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    DOORSTEP = "doorstep", _("门口")


class VisitPurpose(models.TextChoices):
    CARE = "care", _("关爱慰问")
    VERIFY = "verify", _("信息核实")
    POLICY = "policy", _("政策宣讲")
    DISPUTES = "disputes", _("矛盾排查")
    FOLLOW_UP = "follow_up", _("回访")
    OTHER = "other", _("其他")


class Visit(models.Model):
    """走访记录: a visit to a household or a resident, by one worker or a team.

    ``met`` is False when nobody opened the door or answered (没敲开门): the visit is still a
    record, with ``retry_on``, but it does not count as the care visit a care tag asks for.
    ``building`` repeats the household's building, so a 楼栋长's scope is one condition.
    """

    grid = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("网格编码"), max_length=18, db_index=True, editable=False)
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", editable=False)
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="visits")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="visits")
    visited_at = models.DateTimeField(_("走访时间"), default=timezone.now)
    workers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("走访人"), related_name="visits")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    method = models.CharField(_("方式"), max_length=10, choices=VisitMethod.choices, default=VisitMethod.HOME)
    purpose = models.CharField(_("事由"), max_length=10, choices=VisitPurpose.choices, default=VisitPurpose.CARE)
    met = models.BooleanField(_("见到本人"), default=True)
    retry_on = models.DateField(_("再次走访日期"), null=True, blank=True)
    findings = models.TextField(_("发现情况"), blank=True)
    opinions = models.TextField(_("社情民意"), blank=True)
    follow_up = models.TextField(_("后续跟进"), blank=True)
    case = models.ForeignKey(Case, verbose_name=_("事件"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="visits")
    registry_note = models.TextField(_("登记信息变化"), blank=True,
                                     help_text=_("走访中核实或更新的登记信息（由走访页面记录）。"))
    registered = models.ManyToManyField(Resident, verbose_name=_("走访中登记的居民"), blank=True, related_name="+",
                                        help_text=_("走访发现的新生儿、新租户，从走访页面登记到户。"))

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = _("走访记录")
        verbose_name_plural = pgettext_lazy("plural", "走访记录")
        indexes = [models.Index(fields=["resident", "met", "visited_at"], name="visit_resident_met")]

    def __str__(self) -> str:
        return f"{self.resident or self.household} · {self.visited_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.grid_id:
            self.grid_code = self.grid.code
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.household_id and not self.resident_id:
            raise ValidationError({"resident": _("请选择走访的居民或户。")})
        if not self.met and not self.retry_on:
            raise ValidationError({"retry_on": _("未见到本人时请填写再次走访日期。")})

