"""The one place that decides which areas a user may see.

A user sees everything under the areas of their active role assignments. Every page, API
endpoint and admin list filters its queryset through ``restrict`` (usually via a model's
``visible_to(user)`` queryset method) and answers 404 for anything outside it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from areas.models import code_prefix

QS = TypeVar("QS", bound=models.QuerySet[Any])

_CACHE_ATTRIBUTE = "_wangge_scope_prefixes"


def scope_prefixes(user: Any) -> list[str] | None:
    """Code prefixes of the subtrees the user may see; None means everything (superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached: list[str] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        from accounts.models import RoleAssignment

        rows = RoleAssignment.objects.active().filter(user=user).values_list("area__code", "area__level")
        cached = minimal_prefixes(code_prefix(code, level) for code, level in rows)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def minimal_prefixes(prefixes: Any) -> list[str]:
    """Drop prefixes already covered by a shorter one: ['1101', '110105'] -> ['1101']."""
    result: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(kept) for kept in result):
            result.append(prefix)
    return sorted(result)


def forget_scope(user: Any) -> None:
    """Drop the per-request cache (after assignments change)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def restrict(queryset: QS, user: Any, code_field: str) -> QS:
    """Filter ``queryset`` to rows whose area code (at ``code_field``) lies in the user's scope."""
    prefixes = scope_prefixes(user)
    if prefixes is None:
        return queryset
    if not prefixes:
        return queryset.none()
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{code_field}__startswith": prefix})
    return queryset.filter(condition)


def covers(user: Any, area_code: str) -> bool:
    """Whether the area with this code lies in the user's scope."""
    prefixes = scope_prefixes(user)
    return prefixes is None or any(area_code.startswith(prefix) for prefix in prefixes)
