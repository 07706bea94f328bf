"""地: buildings (楼栋), their units (单元) and the dwellings (房屋) in them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation
from registry.validators import validate_floor, validate_floors, validate_unit_count

from .base import GridScoped


class BuildingKind(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    MIXED = "mixed", _("商住")
    PUBLIC = "public", _("公建")
    FACTORY = "factory", _("厂房")
    OFFICE = "office", _("办公")
    OTHER = "other", _("其他")


class Building(GridScoped):
    """楼栋: one building in a grid, with its units, floors and property company."""

    name = models.CharField(_("楼栋号/名称"), max_length=50, help_text=_("如“3号楼”“松园里58单元”。"))
    estate = models.CharField(_("小区"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=BuildingKind.choices, default=BuildingKind.RESIDENTIAL)
    floors = models.PositiveSmallIntegerField(_("层数"), default=1, validators=[validate_floors])
    unit_count = models.PositiveSmallIntegerField(_("单元数"), default=1, validators=[validate_unit_count])
    property_company = models.ForeignKey(
        Organisation, verbose_name=_("物业公司"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="managed_buildings",
    )
    heads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("楼栋长"), blank=True, related_name="headed_buildings"
    )
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)

    class Meta:
        ordering = ["grid_code", "estate", "name"]
        verbose_name = _("楼栋")
        verbose_name_plural = pgettext_lazy("plural", "楼栋")
        constraints = [
            models.UniqueConstraint(fields=["grid", "estate", "name"], name="building_unique_name_in_grid"),
        ]

    def __str__(self) -> str:
        return f"{self.estate}{self.name}" if self.estate else self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:building", args=[self.pk])

    @classmethod
    def in_buildings(cls, buildings: models.QuerySet[Any]) -> Q:
        return Q(pk__in=buildings)


class BuildingUnit(models.Model):
    """单元: a stairwell of a building."""

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="units")
    number = models.CharField(_("单元号"), max_length=20)

    class Meta:
        ordering = ["building", "number"]
        verbose_name = _("单元")
        verbose_name_plural = pgettext_lazy("plural", "单元")
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="unit_unique_in_building")]

    def __str__(self) -> str:
        return f"{self.building} {self.number}"


class DwellingUse(models.TextChoices):
    OWNER_OCCUPIED = "owner_occupied", _("自住")
    RENTED = "rented", _("出租")
    VACANT = "vacant", _("空置")
    BUSINESS = "business", _("经营")
    OTHER = "other", _("其他")


class Dwelling(GridScoped):
    """房屋/户室: one flat or room of a building (floor, room number, area, use, owner)."""

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="dwellings")
    unit = models.ForeignKey(
        BuildingUnit, verbose_name=_("单元"), null=True, blank=True, on_delete=models.PROTECT, related_name="dwellings"
    )
    floor = models.SmallIntegerField(_("楼层"), validators=[validate_floor])
    room = models.CharField(_("房号"), max_length=20)
    floor_area = models.DecimalField(_("建筑面积(m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    use = models.CharField(_("用途"), max_length=20, choices=DwellingUse.choices, default=DwellingUse.OWNER_OCCUPIED)
    owner = models.ForeignKey(
        "Resident", verbose_name=_("产权人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_dwellings",
    )
    owner_name = models.CharField(
        _("产权人姓名"), max_length=50, blank=True, help_text=_("产权人不在本辖区居住时填写。")
    )

    class Meta:
        ordering = ["building", "unit__number", "floor", "room"]
        verbose_name = _("房屋")
        verbose_name_plural = pgettext_lazy("plural", "房屋")
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="dwelling_unique_room"),
        ]

    def __str__(self) -> str:
        unit = f"{self.unit.number}" if self.unit_id and self.unit else ""
        return f"{self.building}{unit}{self.room}"

    def get_absolute_url(self) -> str:
        return reverse("registry:dwelling", args=[self.pk])

    @classmethod
    def in_buildings(cls, buildings: models.QuerySet[Any]) -> Q:
        return Q(building__in=buildings)

    def clean(self) -> None:
        if self.building_id:
            self.grid = self.building.grid
            if self.floor is not None and self.floor > self.building.floors:  # None: the field is invalid
                raise ValidationError({"floor": _("楼层不能高于楼栋的层数。")})
            if self.unit_id and self.unit and self.unit.building_id != self.building_id:
                raise ValidationError({"unit": _("单元不属于该楼栋。")})
        super().clean()
