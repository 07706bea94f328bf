"""The home page's work list (我的待办): what waits for the user, counted, from every app that has work.

``accounts`` knows no case, patrol or visit. An app above it registers a *work provider* from its
``AppConfig.ready``::

    register_work("cases", case_work)

and the home page asks every provider, in the order they registered, for the user's items. A
provider returns nothing for a user it has no work for (the home page then sends the user to
their area, as before), and must be cheap: a constant number of COUNT queries on indexed
conditions, whatever the number of records. Each item links to the list it counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorkItem:
    """One line of the work list: a label, how many, and the list behind it.

    ``key`` is unique across providers (``"cases:to_verify"``); ``urgent`` marks counts that are
    late (已超期), shown in red when not zero.
    """

    key: str
    label: str
    count: int
    url: str
    urgent: bool = False


WorkProvider = Callable[[Any], Sequence[WorkItem]]

_PROVIDERS: dict[str, WorkProvider] = {}


def register_work(name: str, provider: WorkProvider) -> None:
    """Add (or replace, when ``ready`` runs again) the provider called ``name``."""
    _PROVIDERS[name] = provider


def unregister_work(name: str) -> None:
    _PROVIDERS.pop(name, None)


def work_for(user: Any) -> list[WorkItem]:
    """Every provider's items for ``user``, providers in registration order."""
    return [item for provider in list(_PROVIDERS.values()) for item in provider(user)]
