"""Admin of the fieldwork catalog and plans. Patrols and visits are recorded through the pages.

Checklists are global settings (``GlobalSettingsAdminMixin``). A version that has been answered
is read-only: "复制为新版本" starts the next version from it, so past records never change.
Plans belong to an area and are scoped like the pages (``ScopedAdminMixin``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.installation import GlobalSettingsAdminMixin
from areas.admin_scope import ScopedAdminMixin, ScopedInlineMixin
from fieldwork.checklists import checklist_copy_version
from fieldwork.models import (
    Checklist,
    ChecklistItem,
    ChecklistVersion,
    Pairing,
    PatrolPlan,
    PatrolWindow,
    PlanTarget,
)


class ChecklistItemInline(GlobalSettingsAdminMixin, admin.TabularInline[ChecklistItem, ChecklistVersion]):
    model = ChecklistItem
    extra = 0
    fields = ("position", "label", "kind", "required", "options", "problem_answers", "min_ok", "max_ok",
              "category_code")

    def _frozen(self, obj: Any) -> bool:
        return isinstance(obj, ChecklistVersion) and obj.is_frozen

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Checklist)
class ChecklistAdmin(GlobalSettingsAdminMixin, admin.ModelAdmin[Checklist]):
    list_display = ("name", "code", "is_active")
    search_fields = ("name", "code")


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(GlobalSettingsAdminMixin, admin.ModelAdmin[ChecklistVersion]):
    list_display = ("__str__", "checklist", "number", "created_at")
    list_filter = ("checklist",)
    readonly_fields = ("created_at", "created_by")
    inlines = (ChecklistItemInline,)
    actions = ("copy_as_new_version",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return ("checklist", "number", "created_at", "created_by")
        return self.readonly_fields

    @admin.action(description=_("复制为新版本"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[ChecklistVersion]) -> None:
        for version in queryset:
            copy = checklist_copy_version(version=version, actor=request.user)
            self.message_user(request, gettext("已创建 %(version)s。") % {"version": copy}, messages.SUCCESS)


class PatrolWindowInline(ScopedInlineMixin, admin.TabularInline[PatrolWindow, PatrolPlan]):
    model = PatrolWindow
    extra = 0
    scope_area_path = "plan__area"
    parent_area_path = "area"


@admin.register(PatrolPlan)
class PatrolPlanAdmin(ScopedAdminMixin, admin.ModelAdmin[PatrolPlan]):
    scope_area_path = "area"
    list_display = ("name", "area", "kind", "days", "starts_on", "ends_on", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("area",)
    search_fields = ("name", "area__name")
    autocomplete_fields = ("area",)
    inlines = (PatrolWindowInline,)


@admin.register(PlanTarget)
class PlanTargetAdmin(ScopedAdminMixin, admin.ModelAdmin[PlanTarget]):
    scope_area_path = "grid"
    list_display = ("name", "plan", "kind", "grid")
    list_filter = ("kind", "plan")
    list_select_related = ("plan", "grid")
    search_fields = ("name",)
    raw_id_fields = ("building", "establishment", "facility")
    autocomplete_fields = ("grid",)


@admin.register(Pairing)
class PairingAdmin(ScopedAdminMixin, admin.ModelAdmin[Pairing]):
    """结对帮扶, edited by the 网格长 and community staff (``fieldwork.add_pairing``/``change_pairing``)."""

    scope_area_path = "grid"
    list_display = ("resident", "helper", "helper_name", "helper_kind", "starts_on", "ends_on")
    list_filter = ("helper_kind",)
    list_select_related = ("resident", "helper")
    search_fields = ("resident__name", "helper_name", "helper__full_name")
    raw_id_fields = ("resident", "helper")

    def save_model(self, request: HttpRequest, obj: Pairing, form: Any, change: bool) -> None:
        obj.grid = obj.resident.grid  # the write scope is checked on the resident's grid
        super().save_model(request, obj, form, change)
