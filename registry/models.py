"""基础信息: the registry of 人、地、物、组织 — buildings, dwellings, households, residents,
registered units (实有单位), public facilities (部件) and vehicles.

Every record belongs to a grid (or micro-grid) and keeps that grid's code in ``grid_code``, a
denormalised column so that "everything under street X" is one indexed prefix filter, the
same rule as the area tree. ID numbers and phone numbers are encrypted at rest
(``EncryptedCharField``) and found by exact search through keyed blind indexes
(``<field>_index``); see ``registry.pii``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation, Role
from areas.models import Area
from core.models import TimeStampedModel
from registry.catalog import translated_catalog_name
from registry.fields import EncryptedCharField, document_index, index_value
from registry.normalise import normalise_credit_code, normalise_phone, normalise_plate
from registry.validators import (
    validate_credit_code,
    validate_ebike_plate,
    validate_phone,
    validate_plate,
)


class VerificationState(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    DOUBTFUL = "doubtful", _("有疑问")


class GridScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> GridScopedQuerySet:
        """Records in the user's areas; a 楼栋长 sees only what lies in the buildings they head."""
        from accounts.scope import restrict

        def narrow(prefixes: list[str]) -> Q:
            headed = Building.objects.filter(heads=user).filter(_code_in(prefixes)).values("pk")
            return self.model.in_buildings(headed)

        return restrict(self, user, "grid_code", narrow)


def _check_field(name: str, validator: Any, value: str, *, required: bool = False) -> None:
    """Run a registry validator on one field, naming the field in the error."""
    if not value and not required:
        return
    try:
        validator(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from error


def _code_in(prefixes: list[str]) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(grid_code__startswith=prefix)
    return condition


class GridScoped(TimeStampedModel):
    """A record that lives in one grid or micro-grid; ``grid_code`` mirrors ``grid.code``."""

    grid = models.ForeignKey(Area, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("网格编码"), max_length=18, db_index=True, editable=False)
    verification_state = models.CharField(
        _("核实状态"), max_length=10, choices=VerificationState.choices, default=VerificationState.PENDING
    )
    verified_at = models.DateTimeField(_("最近核实时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核实人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def scope_area(self) -> Area:
        return self.grid

    @classmethod
    def in_buildings(cls, buildings: models.QuerySet[Any]) -> Q:
        """The condition for records of this kind in these buildings (for building-limited roles)."""
        return Q(pk__in=[])

    def clean(self) -> None:
        super().clean()
        if self.grid_id and not self.grid.is_grid:
            raise ValidationError({"grid": _("只能登记在网格或微网格下。")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.grid_id:
            self.grid_code = self.grid.code
        super().save(*args, **kwargs)


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
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    unit_count = models.PositiveSmallIntegerField(_("单元数"), default=1)
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
    floor = models.SmallIntegerField(_("楼层"))
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

    @classmethod
    def in_buildings(cls, buildings: models.QuerySet[Any]) -> Q:
        return Q(building__in=buildings)

    def clean(self) -> None:
        if self.building_id:
            self.grid = self.building.grid
            if self.floor > self.building.floors:
                raise ValidationError({"floor": _("楼层不能高于楼栋的层数。")})
            if self.unit_id and self.unit and self.unit.building_id != self.building_id:
                raise ValidationError({"unit": _("单元不属于该楼栋。")})
        super().clean()


class Household(GridScoped):
    """户: the people living together at a dwelling, with a head (户主)."""

    dwelling = models.ForeignKey(Dwelling, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="households")
    head = models.ForeignKey(
        "Resident", verbose_name=_("户主"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["grid_code", "dwelling"]
        verbose_name = _("户")
        verbose_name_plural = pgettext_lazy("plural", "户")

    def __str__(self) -> str:
        return str(self.dwelling)

    @classmethod
    def in_buildings(cls, buildings: models.QuerySet[Any]) -> Q:
        return Q(dwelling__building__in=buildings)

    def clean(self) -> None:
        if self.dwelling_id:
            self.grid = self.dwelling.grid
        super().clean()


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class DocumentType(models.TextChoices):
    ID_CARD = "id_card", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAU = "hk_macau", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    PERMANENT_RESIDENCE = "permanent_residence", _("外国人永久居留身份证")
    OTHER = "other", _("其他证件")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("群众")
    PARTY_MEMBER = "party_member", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE_MEMBER = "league_member", _("共青团员")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
    NON_PARTISAN = "non_partisan", _("无党派人士")


class ResidencyType(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    PERMANENT = "permanent", _("常住人口")
    FLOATING = "floating", _("流动人口")
    OVERSEAS = "overseas", _("境外人员")


class ResidentStatus(models.TextChoices):
    PRESENT = "present", _("在册")
    MOVED_AWAY = "moved_away", _("已迁出")
    DECEASED = "deceased", _("已故")


class CareTag(models.Model):
    """关爱标签 (独居老人, 残疾人, 低保户…): catalog data with who may see it and a visit interval."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    description = models.TextField(_("说明"), blank=True)
    is_sensitive = models.BooleanField(
        _("敏感"), default=False, help_text=_("敏感标签只对下面选中的角色可见。")
    )
    visible_to_roles = models.ManyToManyField(Role, verbose_name=_("可见角色"), blank=True, related_name="+")
    visit_interval_days = models.PositiveSmallIntegerField(
        _("关爱走访周期(天)"), null=True, blank=True, help_text=_("空表示不需要定期走访。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("关爱标签")
        verbose_name_plural = pgettext_lazy("plural", "关爱标签")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language: a default tag's name is translated, a custom one shown as stored."""
        return translated_catalog_name(self.name)


class Resident(GridScoped):
    """人: a person registered in a grid; one row per person (the ID number is unique)."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    document_type = models.CharField(
        _("证件类型"), max_length=24, choices=DocumentType.choices, default=DocumentType.ID_CARD
    )
    id_number = EncryptedCharField(_("证件号码"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    residency_type = models.CharField(
        _("人口类型"), max_length=20, choices=ResidencyType.choices, default=ResidencyType.REGISTERED
    )
    workplace = models.CharField(_("工作单位或学校"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ResidentStatus.choices, default=ResidentStatus.PRESENT)
    care_tags = models.ManyToManyField(CareTag, verbose_name=_("关爱标签"), blank=True, related_name="residents")
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["grid_code", "name", "id"]
        verbose_name = _("居民")
        verbose_name_plural = pgettext_lazy("plural", "居民")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], condition=~Q(id_number_index=""), name="resident_unique_document"
            ),
        ]
        permissions = [("unmask_resident", _("可以查看居民完整证件号码和电话"))]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def in_buildings(cls, buildings: models.QuerySet[Any]) -> Q:
        stays = HouseholdMember.objects.current().filter(household__dwelling__building__in=buildings)
        return Q(pk__in=stays.values("resident"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_number_index = document_index(self.document_type, self.id_number)
        self.phone_index = index_value("phone", self.phone)
        super().save(*args, **kwargs)


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    TENANT = "tenant", _("租户")
    OTHER = "other", _("其他")


class HouseholdMemberQuerySet(models.QuerySet["HouseholdMember"]):
    def current(self) -> HouseholdMemberQuerySet:
        return self.filter(moved_out_on__isnull=True)

    def visible_to(self, user: Any) -> HouseholdMemberQuerySet:
        from accounts.scope import restrict

        def narrow(prefixes: list[str]) -> Q:
            headed = Building.objects.filter(heads=user).filter(_code_in(prefixes)).values("pk")
            return Q(household__dwelling__building__in=headed)

        return restrict(self, user, "household__grid_code", narrow)


class HouseholdMember(TimeStampedModel):
    """A resident's stay in a household (and so at its dwelling): moving ends it, keeping history."""

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="members")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="stays")
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)
    moved_in_on = models.DateField(_("入住日期"), default=timezone.localdate)
    moved_out_on = models.DateField(_("迁出日期"), null=True, blank=True)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        ordering = ["household", "moved_in_on", "id"]
        verbose_name = _("家庭成员")
        verbose_name_plural = pgettext_lazy("plural", "家庭成员")
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=Q(moved_out_on__isnull=True), name="resident_one_current_stay"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.resident} ({self.get_relation_display()})"

    def clean(self) -> None:
        if self.moved_out_on and self.moved_out_on < self.moved_in_on:
            raise ValidationError({"moved_out_on": _("迁出日期不能早于入住日期。")})


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
    contact_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
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


class ImportKind(models.TextChoices):
    RESIDENTS = "residents", pgettext_lazy("plural", "居民")
    HOUSEHOLDS = "households", pgettext_lazy("plural", "住户")
    BUILDINGS = "buildings", pgettext_lazy("plural", "楼栋与房屋")
    ORGANISATIONS = "organisations", pgettext_lazy("plural", "实有单位")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    VALIDATING = "validating", _("正在检查")
    VALIDATED = "validated", _("检查完成")
    COMMITTING = "committing", _("正在导入")
    DONE = "done", _("导入完成")
    FAILED = "failed", _("失败")


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        """Jobs for areas in the user's scope (the rows of a job are the area's registry data)."""
        from accounts.scope import restrict

        return restrict(self, user, "area_code")


class ImportJob(TimeStampedModel):
    """导入任务: one uploaded roster (Excel/CSV) checked in a dry run, then committed as a whole.

    The file is read twice by a background task: the dry run (``dry_run`` true) counts what
    would be created, updated, merged and rejected; the commit re-checks every row and saves
    the accepted ones in one transaction. Rejected rows come back as a workbook.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("导入区域"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区域编码"), max_length=18, db_index=True, editable=False)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_filename = models.CharField(_("原文件名"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    dry_run = models.BooleanField(_("仅检查"), default=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    merged_count = models.PositiveIntegerField(_("合并"), default=0)
    rejected_count = models.PositiveIntegerField(_("拒绝"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    report = models.JSONField(_("报告"), default=dict, blank=True)
    rejected_file = models.FileField(_("被拒绝的行"), upload_to="imports/rejected/%Y/%m/", blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = pgettext_lazy("plural", "导入任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_filename}"

    @property
    def scope_area(self) -> Area:
        return self.area

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)

    @property
    def percent(self) -> int:
        """Progress of the current pass, 0–100."""
        if self.status in (ImportStatus.VALIDATED, ImportStatus.DONE):
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.area_id:
            self.area_code = self.area.code
        super().save(*args, **kwargs)
