"""The one place that decides which areas a user may see.

A user sees everything under the areas of their active role assignments. Every page, API
endpoint and admin list filters its queryset through ``restrict`` (usually via a model's
``visible_to(user)`` queryset method) and answers 404 for anything outside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from accounts.backends import RoleBackend

QS = TypeVar("QS", bound=models.QuerySet[Any])

# Roles whose holders see the registry (people, dwellings) only in the buildings they head,
# not in their whole area: a 楼栋长 knows their building, not the grid.
BUILDING_LIMITED_ROLES = frozenset({"building_head"})

Narrow = Callable[[list[str]], Q]


def _assignment_rows(user: Any) -> list[tuple[str, str]]:
    """(area prefix, role code) of the user's active assignments, cached on the user object (read
    with their permissions: ``RoleBackend.role_permissions``)."""
    return RoleBackend().scope_rows(user)


def scope_prefixes(user: Any, *, full_only: bool = False) -> list[str] | None:
    """Code prefixes of the subtrees the user may see; None means everything (superuser).

    ``full_only`` leaves out assignments of building-limited roles (see ``restrict``).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    rows = _assignment_rows(user)
    return minimal_prefixes(
        prefix for prefix, role in rows if not (full_only and role in BUILDING_LIMITED_ROLES)
    )


def limited_prefixes(user: Any) -> list[str]:
    """Prefixes where the user holds only a building-limited role (not covered by a full one)."""
    full = scope_prefixes(user, full_only=True)
    if full is None:
        return []
    limited = minimal_prefixes(prefix for prefix, role in _assignment_rows(user) if role in BUILDING_LIMITED_ROLES)
    return [prefix for prefix in limited if not any(prefix.startswith(kept) for kept in full)]


def permission_prefixes(user: Any, app_label: str) -> dict[str, list[str]]:
    """Codename -> minimal area prefixes where the user holds that permission of ``app_label``.

    Read from the same cached rows as ``user.has_perm`` (``accounts.backends.RoleBackend``), so a
    page that lists by permission and one that checks it agree. Superusers are not special-cased
    here: callers treat them as holding everything everywhere.
    """
    grouped: dict[str, list[str]] = {}
    for prefix, perm in RoleBackend().role_permissions(user):
        app, _dot, codename = perm.partition(".")
        if app == app_label:
            grouped.setdefault(codename, []).append(prefix)
    return {codename: minimal_prefixes(found) for codename, found in grouped.items()}


def minimal_prefixes(prefixes: Any) -> list[str]:
    """Drop prefixes already covered by a shorter one: ['1101', '110105'] -> ['1101']."""
    result: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(kept) for kept in result):
            result.append(prefix)
    return sorted(result)


def forget_scope(user: Any) -> None:
    """Drop the per-request cache (after assignments change): the roles, which the permissions
    are read with (``RoleBackend.role_permissions``)."""
    RoleBackend.forget(user)


def _prefix_condition(code_field: str, prefixes: list[str]) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{code_field}__startswith": prefix})
    return condition


def restrict(queryset: QS, user: Any, code_field: str, narrow: Narrow | None = None) -> QS:
    """Filter ``queryset`` to rows whose area code (at ``code_field``) lies in the user's scope.

    ``narrow`` is for records that building-limited roles see only in part: given the prefixes
    where the user holds only such a role, it returns the condition for what they may see there
    (e.g. the dwellings of the buildings they head). Without it, every assignment counts fully.
    """
    if narrow is None:
        prefixes = scope_prefixes(user)
        if prefixes is None:
            return queryset
        return queryset.filter(_prefix_condition(code_field, prefixes)) if prefixes else queryset.none()
    full = scope_prefixes(user, full_only=True)
    if full is None:
        return queryset
    condition = _prefix_condition(code_field, full)
    limited = limited_prefixes(user)
    if limited:
        condition |= narrow(limited)
    return queryset.filter(condition)


def restrict_by_permission(queryset: QS, user: Any, code_field: str, permission: str) -> QS:
    """Rows in the areas where the user holds ``permission`` (``"app.codename"``), not all their areas.

    For records a role sees by what it may do rather than where it works: a 物业 handler's role
    sits on a community but sees only the cases assigned to its company (``Case.objects.visible_to``).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    app_label, _dot, codename = permission.partition(".")
    prefixes = permission_prefixes(user, app_label).get(codename, [])
    return queryset.filter(_prefix_condition(code_field, prefixes)) if prefixes else queryset.none()


def covers(user: Any, area_code: str) -> bool:
    """Whether the area with this code lies in the user's scope."""
    prefixes = scope_prefixes(user)
    return prefixes is None or any(area_code.startswith(prefix) for prefix in prefixes)
