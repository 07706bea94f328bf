"""Panels of the apps above cases on the case page (e.g. the hand-off to a city platform).

``cases`` cannot import those apps, so each registers a function here from its
``AppConfig.ready`` (``register_case_panel``); the function answers, for a case the reading user
may see (the page has checked scope), the HTML of its panel (rendered from its own template,
escaped as usual) or an empty string.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

from cases.models import Case

PanelSource = Callable[[Case, Any], SafeString | str]

_SOURCES: list[PanelSource] = []


def register_case_panel(source: PanelSource) -> None:
    """Add a panel (once, however often ``ready`` runs)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def case_panels(case: Case, user: Any) -> list[SafeString | str]:
    return [html for source in _SOURCES if (html := source(case, user))]
