"""The area tree: 区 → 街道 → 社区 → 网格 → 微网格, with codes and boundaries.

Codes carry the hierarchy. Down to the community they are 12-digit statistical area codes
(2 province + 2 city + 2 county + 3 township + 3 village digits); a grid appends a 3-digit
sequence to its community's code, a micro-grid 3 more to its grid's. An area's *prefix* (its
code without the zero padding of lower levels) starts the code of everything below it, so a
whole subtree is one indexed ``code LIKE 'prefix%'`` filter.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import scope
from core.models import TimeStampedModel
from core.validators import validate_no_markup


class Level(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    DISTRICT = 3, _("区")
    STREET = 4, _("街道")
    COMMUNITY = 5, _("社区")
    GRID = 6, _("网格")
    MICROGRID = 7, _("微网格")


# Significant digits of each level's code; the rest of a 12-digit code is zero padding.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
    Level.MICROGRID: 18,
}
CODE_LENGTH = {level: max(12, length) for level, length in PREFIX_LENGTH.items()}


def code_prefix(code: str, level: int) -> str:
    return code[: PREFIX_LENGTH[Level(level)]]


def validate_code(code: str, level: int, parent_code: str | None, parent_level: int | None) -> None:
    """Raise ValidationError unless ``code`` is a well-formed code for ``level`` under the parent."""
    level = Level(level)
    if not re.fullmatch(r"\d+", code or ""):
        raise ValidationError({"code": _("编码只能由数字组成。")})
    if len(code) != CODE_LENGTH[level]:
        raise ValidationError(
            {"code": _("%(level)s编码应为%(n)d位数字。") % {"level": level.label, "n": CODE_LENGTH[level]}}
        )
    prefix = code_prefix(code, level)
    if level <= Level.COMMUNITY and set(code[len(prefix) :]) - {"0"}:
        raise ValidationError({"code": _("%(level)s编码末尾应补零。") % {"level": level.label}})
    if level >= Level.GRID and code[-3:] == "000":
        raise ValidationError({"code": _("网格和微网格的顺序号不能为000。")})
    if level > Level.PROVINCE and set(prefix[PREFIX_LENGTH[Level(level - 1)] :]) == {"0"}:
        raise ValidationError({"code": _("本级编码段不能全为零。")})
    if parent_code is None or parent_level is None:
        return
    if parent_level >= level:
        raise ValidationError({"parent": _("上级区域的层级必须高于本区域。")})
    if not code.startswith(code_prefix(parent_code, parent_level)):
        raise ValidationError({"code": _("编码必须以上级区域的编码开头。")})


class GridKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合网格")
    DEDICATED = "dedicated", _("专属网格")


class GridTag(models.Model):
    """A feature tag of a grid (志愿型、平安型、法治型、关爱型、居家养老型…): catalog data."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("网格特色标签")
        verbose_name_plural = pgettext_lazy("plural", "网格特色标签")

    def __str__(self) -> str:
        return self.name


class AreaQuerySet(models.QuerySet["Area"]):
    def active(self, on: datetime.date | None = None) -> AreaQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))

    def subtree_of(self, area: Area, include_self: bool = True) -> AreaQuerySet:
        queryset = self.filter(code__startswith=area.prefix)
        return queryset if include_self else queryset.exclude(pk=area.pk)

    def visible_to(self, user: Any) -> AreaQuerySet:
        return scope.restrict(self, user, "code")


class Area(TimeStampedModel):
    """One node of the area tree (区/街道/社区/网格/微网格).

    Boundaries are GeoJSON geometries in WGS-84 with a bounding box for quick filtering;
    shapely answers geometric questions in memory (see ``areas.locator``).
    """

    code = models.CharField(_("编码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=100, validators=[validate_no_markup])
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区域"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    grid_kind = models.CharField(
        _("网格类型"), max_length=20, choices=GridKind.choices, blank=True,
        help_text=_("仅网格和微网格填写。"),
    )
    served_unit = models.CharField(
        _("服务单位"), max_length=100, blank=True, help_text=_("专属网格所服务的单位，如学校、医院、园区。")
    )
    tags = models.ManyToManyField(GridTag, verbose_name=_("特色标签"), blank=True, related_name="areas")
    household_target = models.PositiveIntegerField(_("目标户数"), null=True, blank=True)
    address = models.CharField(_("地址/四至"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)
    boundary = models.JSONField(_("边界(GeoJSON, WGS-84)"), null=True, blank=True)
    min_lng = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lng = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    boundary_updated_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    started_on = models.DateField(_("启用日期"), default=datetime.date(2020, 1, 1))
    ended_on = models.DateField(_("撤销日期"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("区域")
        verbose_name_plural = pgettext_lazy("plural", "区域")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_under_parent"),
        ]
        permissions = [
            ("manage_boundaries", _("可以导入和导出边界")),
            ("manage_team", _("可以管理网格服务团队")),
        ]

    def __str__(self) -> str:
        # The parentheses differ by language: full-width in Chinese, ASCII with a space in English.
        return gettext("%(name)s（%(code)s）") % {"name": self.name, "code": self.code}

    def get_absolute_url(self) -> str:
        return reverse("areas:detail", args=[self.code])

    @property
    def prefix(self) -> str:
        return code_prefix(self.code, self.level)

    @property
    def is_grid(self) -> bool:
        return self.level in (Level.GRID, Level.MICROGRID)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()

    def ancestors(self) -> list[Area]:
        """The parent chain from the top down (one query, using the code prefixes)."""
        prefixes = [
            self.code[:length] + "0" * (12 - length) if length < 12 else self.code[:length]
            for level, length in PREFIX_LENGTH.items()
            if level < self.level
        ]
        return list(Area.objects.filter(code__in=prefixes).order_by("level"))

    def clean(self) -> None:
        parent = self.parent
        validate_code(
            self.code, self.level, parent.code if parent else None, parent.level if parent else None
        )
        if self.pk:
            stored = Area.objects.filter(pk=self.pk).values_list("code", flat=True).first()
            if stored is not None and stored != self.code:
                raise ValidationError({"code": _("区域编码一经设定不可修改。")})
        if self.grid_kind and not self.is_grid:
            raise ValidationError({"grid_kind": _("只有网格和微网格才有网格类型。")})
        if self.grid_kind == GridKind.DEDICATED and not self.served_unit:
            raise ValidationError({"served_unit": _("专属网格必须填写所服务的单位。")})
        if self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("撤销日期不能早于启用日期。")})

    def set_boundary(self, geometry: dict[str, Any] | None) -> None:
        """Store a WGS-84 GeoJSON geometry and its bounding box."""
        from shapely.geometry import shape

        self.boundary = geometry
        if geometry is None:
            self.min_lng = self.min_lat = self.max_lng = self.max_lat = None
        else:
            self.min_lng, self.min_lat, self.max_lng, self.max_lat = shape(geometry).bounds
        self.boundary_updated_at = timezone.now()
