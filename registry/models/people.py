"""人: residents (居民), the households (户) they live in, their stays there and their care tags (关爱标签)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role
from accounts.scope import restrict
from core.models import TimeStampedModel
from registry.default_catalogs import translated_catalog_name
from registry.fields import EncryptedCharField, document_index, index_value
from registry.validators import validate_birth_date

from .base import ByteOrderCharField, GridScoped, _code_in
from .places import Building, Dwelling


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

    def get_absolute_url(self) -> str:
        return reverse("registry:household", args=[self.pk])

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
    LODGING = "lodging", _("寄住人口")
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

    # The scope's prefix filter and the address order read one index (``ByteOrderCharField``).
    grid_code = ByteOrderCharField(_("网格编码"), max_length=18, db_index=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True, validators=[validate_birth_date])
    document_type = models.CharField(
        _("证件类型"), max_length=24, choices=DocumentType.choices, default=DocumentType.ID_CARD
    )
    id_number = EncryptedCharField(_("证件号码"), blank=True)
    id_number_index = models.CharField(_("证件号码指纹"), max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    phone_index = models.CharField(_("联系电话指纹"), max_length=64, blank=True, db_index=True, editable=False)
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
    # The current address in natural order (楼栋-单元-房号), kept by ``registry.addresses``; "9": no address.
    address_sort_key = models.CharField(max_length=255, default="9", editable=False)

    class Meta:
        ordering = ["grid_code", "name", "id"]
        verbose_name = _("居民")
        verbose_name_plural = pgettext_lazy("plural", "居民")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], condition=~Q(id_number_index=""), name="resident_unique_document"
            ),
        ]
        indexes = [
            models.Index(fields=["grid_code", "address_sort_key", "name", "id"], name="resident_address_order"),
        ]
        permissions = [("unmask_resident", _("可以查看居民完整证件号码和电话"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:resident", args=[self.pk])

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


# Each relation's label per language, translated once (``HouseholdMember.relation_label``).
_relation_labels: dict[tuple[str, str | None], str] = {}


class HouseholdMemberQuerySet(models.QuerySet["HouseholdMember"]):
    def current(self) -> HouseholdMemberQuerySet:
        return self.filter(moved_out_on__isnull=True)

    def visible_to(self, user: Any) -> HouseholdMemberQuerySet:
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
        return f"{self.household} · {self.resident} ({self.relation_label})"

    @property
    def relation_label(self) -> str:
        """``get_relation_display()`` without rebuilding the whole choice list per call (bulk imports log thousands)."""
        key = (self.relation, translation.get_language())
        label = _relation_labels.get(key)
        if label is None:
            try:
                label = _relation_labels[key] = str(Relation(self.relation).label)
            except ValueError:
                return str(self.relation)
        return label

    def clean(self) -> None:
        if self.moved_out_on and self.moved_out_on < self.moved_in_on:
            raise ValidationError({"moved_out_on": _("迁出日期不能早于入住日期。")})
