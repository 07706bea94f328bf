"""Admin for users, the role catalog, role assignments, organisations and grid teams.

An area administrator (区域管理员) works only inside the subtrees of their assignments: they
see the users who hold an assignment there (and users with no assignment yet), assign roles
only in areas they see and only roles whose permissions they hold themselves, and can never
make anyone a superuser. Only superusers edit the permissions of a role.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationMember, Role, RoleAssignment, TeamMember, User
from accounts.scope import covers, restrict, scope_prefixes
from areas.admin import AreaAdmin
from areas.admin_scope import ScopedAdminMixin, ScopedInlineMixin
from areas.models import Area

# Roles replace Django's groups (RoleBackend ignores group permissions): hide them.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


def role_permission_names(role: Role) -> set[str]:
    """The role's permissions as 'app_label.codename' strings."""
    return {
        f"{app_label}.{codename}"
        for app_label, codename in role.permissions.values_list("content_type__app_label", "codename")
    }


def grantable_roles(user: Any) -> models.QuerySet[Role]:
    """Roles the user may hand out: those whose every permission the user holds somewhere."""
    if user.is_superuser:
        return Role.objects.all()
    held = user.get_all_permissions()
    roles = Role.objects.prefetch_related("permissions__content_type")
    allowed = [
        role.pk
        for role in roles
        if {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()} <= held
    ]
    return Role.objects.filter(pk__in=allowed)


def users_visible_to(user: Any, queryset: models.QuerySet[User]) -> models.QuerySet[User]:
    """Users an administrator sees: an assignment in their scope, or no assignment at all.

    Superusers are never shown to anyone but superusers.
    """
    if scope_prefixes(user) is None:
        return queryset
    in_scope = restrict(RoleAssignment.objects.all(), user, "area__code").values("user_id")
    has_any = Exists(RoleAssignment.objects.filter(user=OuterRef("pk")))
    return queryset.filter(is_superuser=False).filter(Q(pk__in=in_scope) | ~has_any)


class CurrentFilter(admin.SimpleListFilter):
    """当前有效 / 已失效: whether an assignment holds today."""

    title = _("有效期")
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("当前有效")), ("no", gettext("未生效或已失效"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        current = RoleAssignment.objects.active().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=current)
        if self.value() == "no":
            return queryset.exclude(pk__in=current)
        return queryset


class RoleGrantMixin(ScopedAdminMixin):
    """Assigning a role: the area must be in scope and the role no stronger than the actor."""

    scope_area_path = "area"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            kwargs.setdefault("queryset", grantable_roles(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def check_write_scope(self, request: HttpRequest, obj: models.Model, action: str) -> None:
        super().check_write_scope(request, obj, action)
        if action == "delete" or request.user.is_superuser or not isinstance(obj, RoleAssignment):
            return
        if not all(request.user.has_perm(perm, obj.area) for perm in role_permission_names(obj.role)):
            raise PermissionDenied(gettext("不能分配权限超出自己的角色。"))


class RoleAssignmentInline(RoleGrantMixin, ScopedInlineMixin, admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    fk_name = "user"
    parent_area_path = None
    extra = 0
    fields = ("role", "area", "valid_from", "valid_until")
    autocomplete_fields = ("area",)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "phone", "usable_password",
                                                 "password1", "password2")}),
    )
    list_display = ("username", "full_name", "phone", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("username", "full_name", "phone", "email")
    ordering = ("username",)
    filter_horizontal = ()
    inlines = (RoleAssignmentInline,)

    def scope_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return users_visible_to(request.user, queryset)

    def scope_area_of(self, obj: Any) -> Area | None:
        return None

    def get_inlines(self, request: HttpRequest, obj: User | None) -> Any:
        # Assignments are added on the change page, after the account exists.
        return self.inlines if obj is not None else ()

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "last_login", "date_joined")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, None):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return not obj.is_superuser and all(
            covers(request.user, area.code) and request.user.has_perm("accounts.change_user", area)
            for area in _current_areas(obj)
        )

    def check_write_scope(self, request: HttpRequest, obj: models.Model, action: str) -> None:
        if request.user.is_superuser:
            return
        if not isinstance(obj, User) or obj.is_superuser:
            raise PermissionDenied
        if action == "add":
            allowed = self.has_add_permission(request)
        elif action == "change":
            allowed = self.has_change_permission(request, obj)
        else:
            allowed = self.has_delete_permission(request, obj) and self.has_change_permission(request, obj)
        if not allowed:
            raise PermissionDenied


def _current_areas(user: User) -> list[Area]:
    """Areas of the user's assignments that have not ended (current or future)."""
    today = timezone.localdate()
    rows = RoleAssignment.objects.filter(user=user).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return [row.area for row in rows.select_related("area")]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    list_display = ("role_name", "code", "sort_order")
    search_fields = ("name", "code")
    filter_horizontal = ("permissions",)

    @admin.display(description=_("名称"), ordering="name")
    def role_name(self, obj: Role) -> str:
        return obj.display_name

    def get_readonly_fields(self, request: HttpRequest, obj: Role | None = None) -> Any:
        return () if request.user.is_superuser else ("permissions",)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "permissions":
            kwargs.setdefault("queryset", db_field.remote_field.model.objects.select_related("content_type"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(RoleGrantMixin, admin.ModelAdmin[RoleAssignment]):
    list_display = ("user", "role", "area", "valid_from", "valid_until")
    list_filter = ("role", CurrentFilter)
    list_select_related = ("user", "role", "area")
    search_fields = ("user__username", "user__full_name", "area__code", "area__name")
    autocomplete_fields = ("user", "area")


class OrganisationMemberInline(ScopedInlineMixin, admin.TabularInline[OrganisationMember, Organisation]):
    model = OrganisationMember
    scope_area_path = "organisation__home_area"
    parent_area_path = "home_area"
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdminMixin, admin.ModelAdmin[Organisation]):
    scope_area_path = "home_area"
    list_display = ("name", "kind", "home_area", "phone", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("home_area",)
    search_fields = ("name", "phone")
    autocomplete_fields = ("home_area", "service_areas")
    inlines = (OrganisationMemberInline,)


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(ScopedAdminMixin, admin.ModelAdmin[OrganisationMember]):
    scope_area_path = "organisation__home_area"
    list_display = ("user", "organisation", "title")
    list_select_related = ("user", "organisation")
    search_fields = ("user__username", "user__full_name", "organisation__name")
    autocomplete_fields = ("organisation", "user")


@admin.register(TeamMember)
class TeamMemberAdmin(ScopedAdminMixin, admin.ModelAdmin[TeamMember]):
    scope_area_path = "area"
    list_display = ("name", "duty", "area", "phone", "organisation", "since", "until")
    list_filter = ("duty", "is_party_member")
    list_select_related = ("area", "organisation")
    search_fields = ("name", "phone", "area__code", "area__name")
    autocomplete_fields = ("area", "user", "organisation")


class TeamMemberInline(ScopedInlineMixin, admin.TabularInline[TeamMember, Area]):
    """The grid's service team (网格服务团队), edited on the grid's page."""

    model = TeamMember
    scope_area_path = "area"
    extra = 0
    fields = (
        "duty", "name", "phone", "user", "organisation", "department", "responsibility",
        "is_party_member", "sort_order", "since", "until",
    )
    autocomplete_fields = ("user", "organisation")


# The area admin of ``areas`` knows nothing of teams (areas sits below accounts); the grid's
# service team is added here, as an inline on a grid's page.
admin.site.unregister(Area)


@admin.register(Area)
class AreaWithTeamAdmin(AreaAdmin):
    def get_inlines(self, request: HttpRequest, obj: Area | None) -> Any:
        return [TeamMemberInline] if obj is not None and obj.is_grid else []
