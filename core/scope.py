"""The hook through which lower apps ask the scope rule without importing it.

Scope (who may see which areas) is decided in ``accounts.scope``, which sits above ``areas``
and ``audit`` in the layers. Models of those lower apps still need ``visible_to(user)``; they
call ``restrict`` and ``covers`` here, and ``AccountsConfig.ready`` installs the real rule with
``install``. Imports keep pointing down; the rule stays in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models

QS = TypeVar("QS", bound=models.QuerySet[Any])


class ScopeRule(Protocol):
    """What ``accounts.scope`` provides (see there for the meaning)."""

    def restrict(self, queryset: Any, user: Any, code_field: str, narrow: Callable[..., Any] | None = None) -> Any: ...

    def covers(self, user: Any, area_code: str) -> bool: ...


_installed: list[ScopeRule] = []


def install(rule: ScopeRule) -> None:
    """Make ``rule`` the scope of every ``visible_to`` (called once, by ``AccountsConfig.ready``)."""
    _installed[:] = [rule]


def _rule() -> ScopeRule:
    if not _installed:
        raise ImproperlyConfigured("No scope rule installed: is 'accounts' in INSTALLED_APPS?")
    return _installed[0]


def restrict(queryset: QS, user: Any, code_field: str) -> QS:
    """``queryset`` filtered to rows whose area code at ``code_field`` lies in the user's scope."""
    restricted: QS = _rule().restrict(queryset, user, code_field)
    return restricted


def covers(user: Any, area_code: str) -> bool:
    """Whether the area with this code lies in the user's scope."""
    return _rule().covers(user, area_code)
