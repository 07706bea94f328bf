"""Links from the case page to records of the apps above cases that point at the case.

A patrol finding or a home visit reported as a case (``fieldwork``) keeps the case; the case
page shows the way back. ``cases`` cannot import those apps, so each registers a function here
from its ``AppConfig.ready`` (``register_case_links``); the function answers, for a case and the
reading user, the (kind, text, address or None) rows the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cases.models import Case

CaseLink = tuple[str, str, str | None]
LinkSource = Callable[[Case, Any], list[CaseLink]]

_SOURCES: list[LinkSource] = []


def register_case_links(source: LinkSource) -> None:
    """Add a source of links (once, however often ``ready`` runs)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def case_links(case: Case, user: Any) -> list[CaseLink]:
    return [link for source in _SOURCES for link in source(case, user)]
