"""Admin of the case catalog, plus a read-only view of cases.

The catalog (categories with their attributes, the supervision ladder, the holiday calendar)
is one for the whole installation: editing it needs the model permission on a top-level area
(``accounts.installation.GlobalSettingsAdminMixin``); a street's administrator only reads it. Routing rules
belong to an area and are scoped like the pages (``core.admin.ScopedAdminMixin``): an area
administrator sees and writes only the rules of their subtree. Every change is in the change
log (the models are registered in ``cases.apps``).

Cases are listed and shown read-only, through ``Case.objects.visible_to(user)``: their state
changes only through ``cases.transitions`` (the case page), never by editing a row here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.installation import GlobalSettingsAdminMixin
from areas.admin_scope import ScopedAdminMixin
from cases.models import (
    CalendarDay,
    Case,
    Category,
    CategoryAttribute,
    RoutingRule,
    SupervisionStep,
)
from core.admin import ScopedQuerysetMixin
from registry.pii import mask_phone


class CategoryAttributeInline(GlobalSettingsAdminMixin, admin.TabularInline[CategoryAttribute, Category]):
    model = CategoryAttribute
    extra = 0
    fields = ("code", "label", "kind", "options", "required", "sort_order")


@admin.register(Category)
class CategoryAdmin(GlobalSettingsAdminMixin, admin.ModelAdmin[Category]):
    list_display = ("name", "code", "parent", "default_level", "priority", "public", "is_dispute", "accept_hours",
                    "dispatch_hours", "handle_amount", "handle_unit", "verify_hours", "close_hours", "gbt_code",
                    "is_active")
    list_filter = ("is_active", "public", "is_dispute", "default_level", "priority", "handle_unit")
    list_select_related = ("parent",)
    search_fields = ("name", "code", "gbt_code")
    ordering = ("sort_order", "code")
    fieldsets = (
        (None, {"fields": ("code", "name", "parent", "description", "gbt_code", "is_active", "sort_order")}),
        (_("办理"), {"fields": ("default_level", "skip_to_level", "priority", "public", "is_dispute")}),
        (_("时限"), {"fields": ("accept_hours", "dispatch_hours", "handle_amount", "handle_unit", "verify_hours",
                               "close_hours")}),
    )
    inlines = (CategoryAttributeInline,)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs.setdefault("queryset", Category.objects.order_by("sort_order", "code"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RoutingRule)
class RoutingRuleAdmin(ScopedAdminMixin, admin.ModelAdmin[RoutingRule]):
    scope_area_path = "area"
    list_display = ("category", "area", "organisation", "is_active")
    list_filter = ("is_active", "category")
    list_select_related = ("category", "area", "organisation")
    search_fields = ("category__name", "area__name", "^area__code", "organisation__name")
    autocomplete_fields = ("area", "organisation")


@admin.register(CalendarDay)
class CalendarDayAdmin(GlobalSettingsAdminMixin, admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "weekday", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name",)

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")


@admin.register(SupervisionStep)
class SupervisionStepAdmin(GlobalSettingsAdminMixin, admin.ModelAdmin[SupervisionStep]):
    list_display = ("rank", "kind", "percent")
    ordering = ("rank",)


@admin.register(Case)
class CaseAdmin(ScopedQuerysetMixin, admin.ModelAdmin[Case]):
    """Cases, read-only: state changes go through the case page (``cases.transitions``)."""

    list_display = ("__str__", "category", "status", "channel", "level", "grid", "reported_at", "stage_due_at",
                    "ever_overdue", "rating")
    list_filter = ("status", "channel", "level", "priority", "ever_overdue", "rating", "category")
    list_select_related = ("category", "grid")
    search_fields = ("number", "tracking_code", "^grid_code", "address")
    date_hierarchy = "reported_at"
    fieldsets = (
        (None, {"fields": ("case_page", "number", "tracking_code", "category", "description", "attributes",
                           "channel", "status", "priority", "level", "desk_area")}),
        (_("地点"), {"fields": ("grid", "address", "longitude", "latitude", "building", "household", "resident")}),
        (_("反映人"), {"fields": ("reporter", "reporter_name", "masked_phone", "anonymous")}),
        (_("处置"), {"fields": ("lead_organisation", "self_handled", "handler", "outcome", "closing_note")}),
        (_("时限"), {"fields": ("reported_at", "accept_due_at", "accepted_at", "accept_overdue",
                              "dispatch_due_at", "dispatch_overdue",
                              "handle_started_at", "handle_due_at", "handled_at", "handle_overdue",
                              "verify_due_at", "verified_at", "verify_overdue", "close_due_at", "closed_at",
                              "close_overdue", "stage",
                              "stage_due_at", "ever_overdue", "supervision_rank", "held_at", "hold_reason")}),
        (_("评价"), {"fields": ("rating", "rating_comment", "rated_at", "reopen_requested", "reopen_count",
                              "rework_count", "duplicate_of", "parent")}),
    )

    def scope_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset.filter(pk__in=Case.objects.visible_to(request.user).values("pk"))

    def get_readonly_fields(self, request: HttpRequest, obj: Case | None = None) -> Any:
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    @admin.display(description=_("事件页面"))
    def case_page(self, obj: Case) -> str:
        if not obj.number:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("cases:case", args=[obj.number]), obj.number)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Case) -> str:
        return mask_phone(obj.reporter_phone) if obj.reporter_phone else ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
