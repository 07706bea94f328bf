"""物 and 组织: registered units (实有单位), public facilities (部件) and their classes, vehicles (车辆)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation
from registry.default_catalogs import translated_catalog_name
from registry.fields import EncryptedCharField, index_value
from registry.normalise import normalise_credit_code, normalise_phone, normalise_plate
from registry.validators import (
    validate_credit_code,
    validate_ebike_plate,
    validate_phone,
    validate_plate,
)

from .base import GridScoped, _check_field
from .people import Resident
from .places import Building


class EstablishmentKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("事业单位")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
    TWO_NEW = "two_new", _("两新组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    SHOP = "shop", _("商铺")
    FOOD = "food", _("食品经营")
    OTHER = "other", _("其他")


class Establishment(GridScoped):
    """实有单位: a company, institution, shop or organisation located in the grid."""

    name = models.CharField(_("名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    kind = models.CharField(_("类别"), max_length=30, choices=EstablishmentKind.choices)
    address = models.CharField(_("地址"), max_length=200)
    building = models.ForeignKey(
        Building, verbose_name=_("所在楼栋"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="establishments",
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    contact_phone_index = models.CharField(_("联系电话指纹"), max_length=64, blank=True, db_index=True, editable=False)
    safety_person = models.CharField(_("安全责任人"), max_length=50, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["grid_code", "name"]
        verbose_name = _("实有单位")
        verbose_name_plural = pgettext_lazy("plural", "实有单位")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="establishment_unique_credit_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def in_buildings(cls, buildings: models.QuerySet[Any]) -> Q:
        return Q(building__in=buildings)

    def clean(self) -> None:
        super().clean()
        self.credit_code = normalise_credit_code(self.credit_code)
        self.contact_phone = normalise_phone(self.contact_phone)
        _check_field("credit_code", validate_credit_code, self.credit_code)
        _check_field("contact_phone", validate_phone, self.contact_phone)
        if self.building is not None and self.grid_id and self.building.grid_id != self.grid_id:
            raise ValidationError({"building": _("所在楼栋不在该网格内。")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.contact_phone_index = index_value("phone", self.contact_phone)
        super().save(*args, **kwargs)


class FacilityCategory(models.Model):
    """部件类别 after GB/T 30428.2: a major class (2 digits) and its sub-classes (2 more digits)."""

    code = models.CharField(_("类别代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("部件类别")
        verbose_name_plural = pgettext_lazy("plural", "部件类别")

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the active language: a default class's name is translated, a custom one shown as stored."""
        return translated_catalog_name(self.name)


class FacilityState(models.TextChoices):
    INTACT = "intact", _("完好")
    DAMAGED = "damaged", _("破损")
    LOST = "lost", _("丢失")
    OCCUPIED = "occupied", _("占用")


class Facility(GridScoped):
    """部件: a public facility (路灯, 凉亭, 健身器材, 充电桩, 消防设施…) with its 16-digit code."""

    code = models.CharField(
        _("部件编码"), max_length=16, unique=True, help_text=_("6位县级行政区划代码 + 4位类别代码 + 6位流水号。")
    )
    category = models.ForeignKey(
        FacilityCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="facilities"
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("位置描述"), max_length=200, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=FacilityState.choices, default=FacilityState.INTACT)
    responsible = models.ForeignKey(
        Organisation, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="facilities",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("部件")
        verbose_name_plural = pgettext_lazy("plural", "部件")

    def __str__(self) -> str:
        return f"{self.name} {self.code}"

    def clean(self) -> None:
        super().clean()
        if not (len(self.code) == 16 and self.code.isdigit()):
            raise ValidationError({"code": _("部件编码应为16位数字。")})
        if self.category_id and self.code[6:10] != self.category.code:
            raise ValidationError({"code": _("部件编码第7–10位应为类别代码%(code)s。") % {"code": self.category.code}})
        if self.grid_id and not self.code.startswith(self.grid.code[:6]):
            raise ValidationError({"code": _("部件编码应以所在区县代码%(code)s开头。") % {"code": self.grid.code[:6]}})


class VehicleKind(models.TextChoices):
    CAR = "car", _("汽车")
    EBIKE = "ebike", _("电动自行车")
    MOTORCYCLE = "motorcycle", _("摩托车")
    OTHER = "other", _("其他")


class Vehicle(GridScoped):
    """车辆: a vehicle kept in the grid, by plate, with its owner."""

    plate = models.CharField(_("号牌"), max_length=12)
    kind = models.CharField(_("类型"), max_length=20, choices=VehicleKind.choices, default=VehicleKind.CAR)
    owner = models.ForeignKey(
        Resident, verbose_name=_("车主"), null=True, blank=True, on_delete=models.SET_NULL, related_name="vehicles"
    )
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["grid_code", "plate"]
        verbose_name = _("车辆")
        verbose_name_plural = pgettext_lazy("plural", "车辆")
        constraints = [models.UniqueConstraint(fields=["kind", "plate"], name="vehicle_unique_plate")]

    def __str__(self) -> str:
        return self.plate

    def clean(self) -> None:
        super().clean()
        self.plate = normalise_plate(self.plate)
        if self.kind in (VehicleKind.CAR, VehicleKind.MOTORCYCLE):
            _check_field("plate", validate_plate, self.plate, required=True)
        elif self.kind == VehicleKind.EBIKE:
            _check_field("plate", validate_ebike_plate, self.plate, required=True)
        if self.owner is not None and self.grid_id and self.owner.grid_code[:12] != self.grid.code[:12]:
            raise ValidationError({"owner": _("车主应是本社区登记的居民。")})
