"""Every named URL pattern of the project, for the generated tests (scope matrix, fuzz test)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# The admin's own scope (lists filtered, other objects 404, writes re-checked) lives in
# core/admin.py and areas/admin_scope.py and is tested model by model in each app's test_admin.py.
EXCLUDED_NAMESPACES = frozenset({"admin"})


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" as reverse() takes it
    route: str  # the pattern, for messages
    keywords: tuple[str, ...]  # the keyword arguments the pattern takes


def _walk(patterns: list[URLPattern | URLResolver], namespace: str, prefix: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        else:
            keywords = tuple(pattern.pattern.regex.groupindex)
            yield Route(f"{namespace}{pattern.name}", prefix + str(pattern.pattern), keywords)


def named_routes() -> list[Route]:
    """Every named pattern outside the admin, once each (a name reached by two routes counts once)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", "/"):
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda route: route.name)
