"""Global settings: what is one for the whole installation, and who may change it.

The working-day calendar, the case categories and the supervision ladder apply in every area.
A role assignment covers its area's subtree, so a street's area administrator who holds, say,
``cases.change_category`` holds it for their street only: that is not enough to change what
every district lives by. **May edit global settings** = a superuser, or the permission held
through an active assignment on a *top-level* area (one with no parent: a district).
``may_edit_global`` is the one question every page, admin and menu asks.

Changes of global settings are audited with the actor's area (``actor_top_area_code``: the
top-level area of the assignment that allowed the change), so the district administrators
see them in the change log, not only superusers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from accounts.backends import RoleBackend
from core.request_context import current

if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object

ACTIONS = ("add", "change", "delete")


def top_level_codes(user: Any, permission: str) -> list[str]:
    """Codes of the top-level areas where ``user`` holds ``permission`` through an active assignment.

    Read from the role backend's per-request cache (the query behind ``user.has_perm``), so the
    menu, the admin's app list and the audit entry ask no query of their own.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    rows = RoleBackend().top_level_permissions(user)
    return sorted({code for code, held in rows if held == permission})


def may_edit_global(user: Any, permission: str) -> bool:
    """Whether ``user`` may use ``permission`` ("app_label.codename") on a global setting."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or top_level_codes(user, permission))


def model_permissions(model: type[models.Model]) -> list[str]:
    """The add, change and delete permissions of ``model``."""
    opts = model._meta
    return [f"{opts.app_label}.{action}_{opts.model_name}" for action in ACTIONS]


def actor_top_area_code(instance: models.Model) -> str:
    """The audit area of a change to a global setting: the acting user's top-level area.

    Of the areas where the actor (the request context's user) may add, change or delete this
    kind of record, the first by code; empty for an actor without one (a superuser without an
    assignment, a management command), whose entries only superusers see.
    """
    user = current().user
    codes = {code for permission in model_permissions(type(instance)) for code in top_level_codes(user, permission)}
    return min(codes) if codes else ""


class GlobalSettingsAdminMixin(_AdminBase):
    """Admin of a global setting: adding, changing and deleting need ``may_edit_global``.

    Viewing stays with the model's view permission, so an area administrator of a street still
    reads the catalog (read-only) but cannot change it.
    """

    def _may(self, request: HttpRequest, action: str) -> bool:
        opts = self.model._meta
        return may_edit_global(request.user, f"{opts.app_label}.{action}_{opts.model_name}")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and self._may(request, "add")  # type: ignore[call-arg]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may(request, "delete")
