"""Read-only admin of the change log: entries can be browsed, never added, changed or deleted."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import ChangeLogEntry
from core.admin import ScopedQuerysetMixin


def _pretty(values: dict[str, Any] | None) -> str:
    if values is None:
        return "—"
    return format_html("<pre class=\"mb-0\">{}</pre>", json.dumps(values, ensure_ascii=False, indent=2))


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ScopedQuerysetMixin, admin.ModelAdmin[ChangeLogEntry]):
    scope_code_field = "area_code"
    list_display = ("time", "user_name", "action", "content_type", "object_repr", "area_code", "request_id")
    list_filter = ("action", "content_type")
    list_select_related = ("content_type",)
    search_fields = ("object_repr", "=object_id", "=request_id", "^area_code", "user_name")
    date_hierarchy = "time"
    fields = (
        "time", "user_name", "user", "request_id", "remote_addr", "action", "content_type", "object_id",
        "object_repr", "area_code", "before_pretty", "after_pretty",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ChangeLogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ChangeLogEntry | None = None) -> bool:
        return False

    @admin.display(description=_("修改前"))
    def before_pretty(self, obj: ChangeLogEntry) -> str:
        return _pretty(obj.before)

    @admin.display(description=_("修改后"))
    def after_pretty(self, obj: ChangeLogEntry) -> str:
        return _pretty(obj.after)
