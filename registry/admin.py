"""Admin of the registry: scoped like the pages, personal data masked, the access log read-only.

Rows come from ``Model.objects.visible_to(user)`` (so a 楼栋长 sees only their buildings), object
permissions are asked about the record's grid, and writes are re-checked in the transaction
(``core.admin.ScopedAdminMixin``). ID numbers and phones are never put into an admin form or
list in clear: lists show them masked and the resident form leaves them out (they are edited
on the registry pages, where unmasking is logged); of the birth date only the year is shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from areas.admin_scope import ScopedAdminMixin, ScopedInlineMixin
from audit.models import AccessLogEntry
from core.admin import ScopedQuerysetMixin
from registry.lookups import field_labels
from registry.models import (
    Building,
    BuildingUnit,
    CareTag,
    Dwelling,
    Establishment,
    Facility,
    FacilityCategory,
    Household,
    HouseholdMember,
    Resident,
    Vehicle,
)
from registry.pii import mask_phone, masked_resident


class GridScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A registry model's admin: visible rows only, object permissions in the record's grid."""

    scope_area_path = "grid"

    def scope_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset.visible_to(request.user)  # type: ignore[attr-defined,no-any-return]


class BuildingUnitInline(ScopedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = BuildingUnit
    scope_area_path = "building__grid"
    parent_area_path = "grid"
    extra = 0


@admin.register(Building)
class BuildingAdmin(GridScopedAdmin):
    list_select_related = ("grid",)
    readonly_fields = ("verified_at", "verified_by")
    list_display = ("__str__", "address", "grid", "kind", "floors", "unit_count", "verification_state")
    list_filter = ("kind", "verification_state")
    search_fields = ("name", "estate", "address", "^grid_code")
    inlines = [BuildingUnitInline]
    filter_horizontal = ("heads",)


@admin.register(Dwelling)
class DwellingAdmin(GridScopedAdmin):
    list_display = ("__str__", "floor", "use", "grid", "verification_state")
    list_filter = ("use", "verification_state")
    list_select_related = ("grid", "building", "unit")
    search_fields = ("room", "building__name", "building__estate", "^grid_code")
    raw_id_fields = ("building", "unit", "owner")
    readonly_fields = ("verified_at", "verified_by")


class HouseholdMemberInline(ScopedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = HouseholdMember
    scope_area_path = "household__grid"
    parent_area_path = "grid"
    raw_id_fields = ("resident",)
    extra = 0


@admin.register(Household)
class HouseholdAdmin(GridScopedAdmin):
    list_display = ("__str__", "head", "grid", "verification_state")
    list_select_related = ("grid", "head", "dwelling__building", "dwelling__unit")
    list_filter = ("verification_state",)
    search_fields = ("dwelling__building__name", "dwelling__room", "^grid_code")
    raw_id_fields = ("dwelling", "head")
    readonly_fields = ("verified_at", "verified_by")
    inlines = [HouseholdMemberInline]


@admin.register(Resident)
class ResidentAdmin(GridScopedAdmin):
    """Residents with masked identifiers; the encrypted fields are not editable here."""

    list_display = ("name", "gender", "birth_year", "masked_id_number", "masked_phone", "residency_type", "grid",
                    "verification_state")
    list_filter = ("residency_type", "status", "verification_state", "gender")
    list_select_related = ("grid",)
    search_fields = ("name", "^grid_code")
    # The birth date of an ID card holder is part of the number: the year only, as on the pages.
    exclude = ("id_number", "phone", "birth_date")
    readonly_fields = ("birth_year", "masked_id_number", "masked_phone", "verified_at", "verified_by")
    filter_horizontal = ("care_tags",)

    @admin.display(description=_("出生年份"))
    def birth_year(self, obj: Resident) -> int | None:
        return masked_resident(obj).birth_year

    @admin.display(description=_("证件号码"))
    def masked_id_number(self, obj: Resident) -> str:
        return masked_resident(obj).document

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Resident) -> str:
        return masked_resident(obj).phone


@admin.register(Establishment)
class EstablishmentAdmin(GridScopedAdmin):
    list_display = ("name", "kind", "credit_code", "masked_contact_phone", "grid", "verification_state")
    list_filter = ("kind", "verification_state")
    list_select_related = ("grid",)
    search_fields = ("name", "=credit_code", "address", "^grid_code")
    exclude = ("contact_phone",)
    readonly_fields = ("masked_contact_phone", "verified_at", "verified_by")
    raw_id_fields = ("building",)

    @admin.display(description=_("联系电话"))
    def masked_contact_phone(self, obj: Establishment) -> str:
        return mask_phone(obj.contact_phone)


@admin.register(Facility)
class FacilityAdmin(GridScopedAdmin):
    list_display = ("code", "name", "category", "state", "grid")
    list_filter = ("state", "category")
    list_select_related = ("grid", "category")
    search_fields = ("=code", "name", "address", "^grid_code")
    readonly_fields = ("verified_at", "verified_by")


@admin.register(Vehicle)
class VehicleAdmin(GridScopedAdmin):
    list_display = ("plate", "kind", "owner", "grid")
    list_filter = ("kind",)
    list_select_related = ("grid", "owner")
    search_fields = ("plate", "^grid_code")
    raw_id_fields = ("owner",)
    readonly_fields = ("verified_at", "verified_by")


@admin.register(CareTag)
class CareTagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The care-tag catalog (data): which tags are sensitive and which roles may see them."""

    list_display = ("name", "code", "is_sensitive", "visit_interval_days", "sort_order")
    list_filter = ("is_sensitive",)
    filter_horizontal = ("visible_to_roles",)
    search_fields = ("name", "code")


@admin.register(FacilityCategory)
class FacilityCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "parent")
    list_select_related = ("parent",)
    search_fields = ("=code", "name")


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ScopedQuerysetMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The access log, read-only: who looked at whose personal data in clear, and why."""

    scope_code_field = "area_code"
    list_display = ("time", "user_name", "object_repr", "field_names", "reason", "area_code", "request_id")
    list_filter = ("content_type",)
    list_select_related = ("content_type",)
    search_fields = ("object_repr", "=object_id", "=request_id", "^area_code", "user_name", "reason")
    date_hierarchy = "time"
    fields = ("time", "user_name", "user", "request_id", "remote_addr", "content_type", "object_id", "object_repr",
              "area_code", "field_names", "reason")
    readonly_fields = fields

    @admin.display(description=_("查看的字段"))
    def field_names(self, obj: AccessLogEntry) -> str:
        """The looked-at fields in words (证件号码、联系电话), not their codes."""
        return field_labels(obj.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLogEntry | None = None) -> bool:
        return False
