"""Records of the apps above fieldwork made from a visit, shown on the visit's page.

A wish (微心愿, ``participation``) recorded on a visit keeps the visit as its source; the visit
page lists it and offers to record one. ``fieldwork`` cannot import those apps, so each
registers a function here from its ``AppConfig.ready`` (``register_visit_links``); the function
answers, for a visit and the reading user, the (kind, text, address) rows the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fieldwork.models import Visit

VisitLink = tuple[str, str, str]
LinkSource = Callable[[Visit, Any], list[VisitLink]]

_SOURCES: list[LinkSource] = []


def register_visit_links(source: LinkSource) -> None:
    """Add a source of links (once, however often ``ready`` runs)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def visit_links(visit: Visit, user: Any) -> list[VisitLink]:
    return [link for source in _SOURCES for link in source(visit, user)]
