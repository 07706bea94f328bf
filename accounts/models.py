"""Users, the role catalog, area-scoped role assignments, organisations and grid teams."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractUser, Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.default_roles import DEFAULT_ROLE_TEXTS
from areas.models import Area
from core import scope
from core.models import TimeStampedModel


class User(AbstractUser):
    """A person who logs in: grid worker, community staff, dispatcher, handler, administrator."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def active_assignments(self, on: datetime.date | None = None) -> models.QuerySet[RoleAssignment]:
        return RoleAssignment.objects.active(on).filter(user=self).select_related("role", "area")


class Role(models.Model):
    """A role from the catalog (网格员, 网格长, 社区工作人员, 街道调度员…) with its permissions."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.TextField(_("说明"), blank=True)
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("角色")
        verbose_name_plural = pgettext_lazy("plural", "角色")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language: a default role's name is translated, a custom one shown as stored."""
        return _translated_role_text(self.name)

    @property
    def display_description(self) -> str:
        """The description in the active language, like ``display_name``."""
        return _translated_role_text(self.description)


def _translated_role_text(text: str) -> str:
    """A default role's name or description in the active language; any other text unchanged.

    Only the default catalog's texts are looked up, so a custom role that happens to share a
    word with the interface (say 网格) keeps the name an administrator gave it.
    """
    return gettext(text) if text in DEFAULT_ROLE_TEXTS else text


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self, on: datetime.date | None = None) -> RoleAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))

    def holding(self, permission: str) -> RoleAssignmentQuerySet:
        """Assignments whose role holds ``permission`` (``"app_label.codename"``)."""
        app_label, _dot, codename = permission.partition(".")
        return self.filter(role__permissions__content_type__app_label=app_label,
                           role__permissions__codename=codename)


def on_duty(on: datetime.date | None = None) -> Q:
    """A condition on ``User``: active users holding a role assignment valid on ``on`` (today), or superusers.

    Who may be told of work: a user whose every assignment has ended hears of nothing.
    """
    holders = RoleAssignment.objects.active(on).values("user_id")
    return Q(is_active=True) & (Q(is_superuser=True) | Q(pk__in=holders))


class RoleAssignment(TimeStampedModel):
    """(user, role, area, from, until): the user holds the role over the area's whole subtree."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments")
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="assignments")
    valid_from = models.DateField(_("开始日期"), default=datetime.date.today)
    valid_until = models.DateField(_("结束日期"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "area__code"]
        verbose_name = _("角色分配")
        verbose_name_plural = pgettext_lazy("plural", "角色分配")
        indexes = [models.Index(fields=["user", "valid_from", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.area.name}"

    def clean(self) -> None:
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("结束日期不能早于开始日期。")})


class OrganisationKind(models.TextChoices):
    PROPERTY = "property", _("物业公司")
    ENFORCEMENT = "enforcement", _("综合执法中队")
    POWER = "power", _("供电")
    FIRE = "fire", _("消防")
    HOUSING = "housing", _("住建")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    POLICE = "police", _("派出所")
    URBAN_MANAGEMENT = "urban_management", _("城管")
    JUSTICE = "justice", _("司法所")
    HEALTH = "health", _("卫健")
    MARKET = "market", _("市场监管")
    WATER = "water", _("供水")
    GAS = "gas", _("燃气")
    STREET_OFFICE = "street_office", _("街道办事处")
    COMMUNITY = "community", _("社区居委会")
    OTHER = "other", _("其他")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        return scope.restrict(self, user, "home_area__code")


class Organisation(TimeStampedModel):
    """A unit that handles cases (物业公司, 综合执法中队, 供电, 派出所…) and the areas it serves."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=30, choices=OrganisationKind.choices)
    home_area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="home_organisations",
        help_text=_("管理这个单位的区域（通常是区或街道）。"),
    )
    service_areas = models.ManyToManyField(
        Area, verbose_name=_("服务区域"), blank=True, related_name="serving_organisations"
    )
    phone = models.CharField(_("值班电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("处置单位")
        verbose_name_plural = pgettext_lazy("plural", "处置单位")
        constraints = [
            models.UniqueConstraint(fields=["home_area", "name"], name="organisation_unique_name_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


# Membership of a unit grants nothing by itself: a member acts for the unit (sees the cases
# dispatched to it, is told of them, signs and handles them) only while they are an active user
# holding this permission through an active role assignment. The cases app owns the permission;
# it is named here so that every path asks the same question (``OrganisationMember.objects.acting``).
UNIT_WORK_PERMISSION = "cases.handle_case"


class OrganisationMemberQuerySet(models.QuerySet["OrganisationMember"]):
    def acting(self, on: datetime.date | None = None) -> OrganisationMemberQuerySet:
        """The memberships that count on ``on`` (today): active members of a unit.

        The user is active and holds ``UNIT_WORK_PERMISSION`` through an assignment valid that
        day (or is a superuser, who holds every permission). A handler whose role assignment
        ended keeps the membership row but no longer sees, hears of or acts on the unit's cases.
        """
        holders = RoleAssignment.objects.active(on).holding(UNIT_WORK_PERMISSION).values("user_id")
        return self.filter(user__is_active=True).filter(Q(user__is_superuser=True) | Q(user_id__in=holders))

    def unit_ids(self, user: Any, on: datetime.date | None = None) -> models.QuerySet[Any]:
        """The ids of the units ``user`` is an active member of, as a subquery (``values``)."""
        return self.acting(on).filter(user=user).values("organisation_id")


class OrganisationMember(models.Model):
    """A user who works for an organisation and handles its cases (see ``acting``)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    title = models.CharField(_("职务"), max_length=50, blank=True)

    objects = OrganisationMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = pgettext_lazy("plural", "单位成员")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="organisation_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.user}"


class Duty(models.TextChoices):
    """A seat in a grid's service team, in the order a 公示牌 lists them."""

    GRID_LEADER = "grid_leader", _("网格长")
    FULLTIME_WORKER = "fulltime_worker", _("专职网格员")
    PARTTIME_WORKER = "parttime_worker", _("兼职网格员")
    PARTY_GROUP_LEADER = "party_group_leader", _("网格党小组长")
    BUILDING_HEAD = "building_head", _("楼栋长")
    POLICE_OFFICER = "police_officer", _("民警")
    DEPARTMENT_ASSISTANT = "department_assistant", _("协管员")
    UNIT_LIAISON = "unit_liaison", _("辖区单位联络员")
    SUPERVISOR = "supervisor", _("督导员")


DUTY_ORDER = {duty: index for index, duty in enumerate(Duty.values)}


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def visible_to(self, user: Any) -> TeamMemberQuerySet:
        return scope.restrict(self, user, "area__code")

    def current(self, on: datetime.date | None = None) -> TeamMemberQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gte=day))

    def board(self) -> GridTeam:
        """The current members in 公示牌 order (by duty, then sort order), as a ``GridTeam``.

        Area pages ask a grid for ``area.team.board()``: the team reaches them through the
        relation, so ``areas`` needs no import of this app.
        """
        members = sorted(
            self.current().select_related("organisation"),
            key=lambda member: (DUTY_ORDER.get(member.duty, 99), member.sort_order, member.pk),
        )
        return GridTeam(members)


class TeamMember(TimeStampedModel):
    """A person on a grid's service team (网格服务团队), shown on the grid page and the 公示牌."""

    area = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="team")
    duty = models.CharField(_("岗位"), max_length=30, choices=Duty.choices)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    user = models.ForeignKey(
        User, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="team_seats"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("派出单位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="team_members",
    )
    department = models.CharField(
        _("所属部门"), max_length=50, blank=True, help_text=_("协管员、联络员的派出部门或单位。")
    )
    responsibility = models.CharField(_("负责范围"), max_length=100, blank=True)
    is_party_member = models.BooleanField(_("党员"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    since = models.DateField(_("上岗日期"), default=datetime.date.today)
    until = models.DateField(_("离岗日期"), null=True, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["area", "sort_order", "id"]
        verbose_name = _("网格团队成员")
        verbose_name_plural = pgettext_lazy("plural", "网格团队成员")

    def __str__(self) -> str:
        return f"{self.get_duty_display()} {self.name}"

    def clean(self) -> None:
        if self.area_id and not self.area.is_grid:
            raise ValidationError({"area": _("服务团队只能配置在网格或微网格上。")})

    @property
    def is_current(self) -> bool:
        return self.until is None or self.until >= timezone.localdate()

    @property
    def is_grid_leader(self) -> bool:
        return self.duty == Duty.GRID_LEADER


@dataclass
class GridTeam:
    """A grid's current service team in 公示牌 order, and the seats the printed board and card name."""

    members: list[TeamMember]

    def __iter__(self) -> Iterator[TeamMember]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    def first_of(self, *duties: Duty) -> TeamMember | None:
        """The first member holding one of ``duties`` (in the order given)."""
        for duty in duties:
            for member in self.members:
                if member.duty == duty:
                    return member
        return None

    @property
    def board_members(self) -> list[TeamMember]:
        """Everyone but the building heads, whom the board lists compactly in a block of their own."""
        return [member for member in self.members if member.duty != Duty.BUILDING_HEAD]

    @property
    def building_heads(self) -> list[TeamMember]:
        return [member for member in self.members if member.duty == Duty.BUILDING_HEAD]

    @property
    def grid_leader(self) -> TeamMember | None:
        return self.first_of(Duty.GRID_LEADER)

    @property
    def grid_workers(self) -> list[TeamMember]:
        """Up to two full-time grid workers, else up to two part-time ones (the contact card)."""
        fulltime = [member for member in self.members if member.duty == Duty.FULLTIME_WORKER]
        return fulltime[:2] or [member for member in self.members if member.duty == Duty.PARTTIME_WORKER][:2]

    @property
    def police_officer(self) -> TeamMember | None:
        return self.first_of(Duty.POLICE_OFFICER)
