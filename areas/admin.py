"""Admin for the area tree and the grid tag catalog.

Areas are never deleted (retire one by setting its 撤销日期); codes, levels and parents are
fixed once created; boundaries come from the import page, so the admin only shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from areas.admin_scope import ScopedAdminMixin
from areas.models import Area, GridTag


class ActiveFilter(admin.SimpleListFilter):
    """在用 / 已撤销: whether an area is retired (its end date has passed)."""

    title = _("状态")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("在用")), ("no", gettext("已撤销"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        active = Area.objects.active().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.exclude(pk__in=active)
        return queryset


@admin.register(Area)
class AreaAdmin(ScopedAdminMixin, admin.ModelAdmin[Area]):
    scope_area_path = ""
    list_display = ("code", "name", "level", "grid_kind", "parent", "household_target", "has_boundary", "active")
    list_filter = ("level", "grid_kind", ActiveFilter)
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("tags",)
    readonly_fields = ("boundary_summary",)
    list_per_page = 100
    fieldsets = (
        (None, {"fields": ("code", "name", "level", "parent")}),
        (_("网格"), {"fields": ("grid_kind", "served_unit", "tags", "household_target")}),
        (_("说明"), {"fields": ("address", "description")}),
        (_("边界"), {"fields": ("boundary_summary",)}),
        (_("启用与撤销"), {"fields": ("started_on", "ended_on")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Area | None = None) -> Any:
        # Codes never change; level and parent are written into the code.
        fixed = ("code", "level", "parent") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def get_form(self, request: HttpRequest, obj: Area | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and not request.user.is_superuser and "parent" in form.base_fields:
            # Only a superuser may start a new tree; everyone else adds under an area they see.
            form.base_fields["parent"].required = True
        return form

    def has_delete_permission(self, request: HttpRequest, obj: Area | None = None) -> bool:
        return False

    @admin.display(description=_("在用"), boolean=True)
    def active(self, obj: Area) -> bool:
        return obj.is_active

    @admin.display(description=_("有边界"), boolean=True)
    def has_boundary(self, obj: Area) -> bool:
        return obj.min_lng is not None

    @admin.display(description=_("边界"))
    def boundary_summary(self, obj: Area | None) -> str:
        import_link = format_html('<a href="{}">{}</a>', reverse("areas:import"), gettext("从 GeoJSON 导入边界"))
        if obj is None or obj.pk is None or obj.boundary is None:
            return format_html("{}<br>{}", gettext("尚无边界。"), import_link)
        updated = timezone.localtime(obj.boundary_updated_at) if obj.boundary_updated_at else None
        return format_html(
            "{} {}<br>{}: {}<br>{}: {}<br>"
            '<a href="{}">{}</a> | {}',
            gettext("类型"), obj.boundary.get("type", "?"),
            gettext("范围（经度, 纬度）"),
            _bounds_text(obj),
            gettext("更新时间"), f"{updated:%Y-%m-%d %H:%M}" if updated else "—",
            reverse("areas:export", kwargs={"code": obj.code}), gettext("导出边界（GeoJSON）"),
            import_link,
        )


def _bounds_text(area: Area) -> str:
    if area.min_lng is None or area.min_lat is None or area.max_lng is None or area.max_lat is None:
        return "—"
    return f"{area.min_lng:.6f}, {area.min_lat:.6f} — {area.max_lng:.6f}, {area.max_lat:.6f}"


@admin.register(GridTag)
class GridTagAdmin(admin.ModelAdmin[GridTag]):
    list_display = ("name", "code", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "code")
