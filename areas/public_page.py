"""What higher apps add to the public grid page (``/g/<code>/``), without ``areas`` importing them.

An app registers a context provider from its ``AppConfig.ready`` (the wish wall of
``participation`` adds ``wish_wall_url``); ``public_grid`` merges what every provider returns for
the grid, and the template shows a block only when its key is there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from areas.models import Area

ContextProvider = Callable[[Area], dict[str, Any]]

_providers: dict[str, ContextProvider] = {}


def register_context(name: str, provider: ContextProvider) -> None:
    """Add (or replace, by ``name``) a provider of extra context for the public grid page."""
    _providers[name] = provider


def extra_context(area: Area) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _providers.values():
        context.update(provider(area))
    return context
