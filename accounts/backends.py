"""Permissions from roles: a user has a role's permissions over the area it is assigned to.

``user.has_perm(perm)`` asks "in some area"; ``user.has_perm(perm, area)`` asks about that
area (an Area, or any object with a ``scope_area`` attribute), checking the assignments
whose subtree contains it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import RoleAssignment
from areas.models import Area, code_prefix

SCOPE_ROWS = "_wangge_scope_rows"  # the attribute ``scope_rows`` reads, set on the user object


def _area_of(obj: Any) -> Area | None:
    if obj is None:
        return None
    if isinstance(obj, Area):
        return obj
    area = getattr(obj, "scope_area", None)
    return area if isinstance(area, Area) else None


class RoleBackend(ModelBackend):
    """Username/password login plus role-based permissions scoped by area."""

    def role_permissions(self, user_obj: Any) -> list[tuple[str, str]]:
        """(area prefix, 'app_label.codename') for each active assignment, cached per user.

        The same query leaves (area prefix, role code) of each active assignment on the user for
        ``accounts.scope`` (``SCOPE_ROWS``), so a request reads the user's roles once."""
        cached: list[tuple[str, str]] | None = getattr(user_obj, "_wangge_role_perms", None)
        if cached is None:
            rows = list(
                RoleAssignment.objects.active()
                .filter(user=user_obj)
                .values_list(
                    "area__code", "area__level", "area__parent_id", "role__code",
                    "role__permissions__content_type__app_label", "role__permissions__codename",
                )
            )
            cached = [
                (code_prefix(code, level), f"{app}.{codename}")
                for code, level, _parent, _role, app, codename in rows
                if codename
            ]
            user_obj._wangge_role_perms = cached
            user_obj._wangge_top_level_perms = [
                (code, f"{app}.{codename}") for code, _level, parent, _role, app, codename in rows
                if codename and parent is None
            ]
            # A role without permissions still scopes (a LEFT JOIN row with no codename).
            setattr(user_obj, SCOPE_ROWS, list(dict.fromkeys(
                (code_prefix(code, level), role) for code, level, _parent, role, _app, _codename in rows)))
        return cached

    def scope_rows(self, user_obj: Any) -> list[tuple[str, str]]:
        """(area prefix, role code) of each active assignment, from ``role_permissions``' query."""
        self.role_permissions(user_obj)
        found: list[tuple[str, str]] = getattr(user_obj, SCOPE_ROWS)
        return found

    @staticmethod
    def forget(user_obj: Any) -> None:
        """Drop what ``role_permissions`` cached on the user (after their assignments change)."""
        for name in ("_wangge_role_perms", "_wangge_top_level_perms", SCOPE_ROWS):
            if hasattr(user_obj, name):
                delattr(user_obj, name)

    def top_level_permissions(self, user_obj: Any) -> list[tuple[str, str]]:
        """(area code, 'app_label.codename') held through active assignments on top-level areas
        (no parent), from the same cached query as ``role_permissions``."""
        self.role_permissions(user_obj)
        found: list[tuple[str, str]] = user_obj._wangge_top_level_perms
        return found

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj)
        area = _area_of(obj)
        if obj is not None and area is None:
            return set()
        return {
            perm
            for prefix, perm in self.role_permissions(user_obj)
            if area is None or area.code.startswith(prefix)
        }

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if user_obj.is_active and user_obj.is_superuser:
            return True
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if user_obj.is_active and user_obj.is_superuser:
            return True
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
