"""Queue counts kept between requests, for as long as no case in the user's areas changes.

The workbench's tabs and the home page's 我的待办 count the user's queues in one statement
(``selectors.workbench_queues``). At a million cases that statement was a third of the page
(docs/performance.md, "The fourth session"), and a dispatcher reloads the same
page many times between two changes in their street. So the counts are kept in the cache under a
key made of:

* what is counted: the user and their permissions by area (which decide their queues), the SQL
  of their cases in scope with the filter and search applied, the queues shown, the cap;
* a **stamp** for each area prefix the user sees (``view_case``; ``""`` for a superuser).

Every timeline entry (``CaseEvent``: each operation on a case, 上报 included, and each rung the
supervision issues) and every deleted case gives the prefixes of its grid, from the province down
to the grid, a new stamp **when its transaction commits**: counts read before the commit are
kept under a stamp nobody reads after it, and the next request counts again. Counts
also expire after ``CASES_QUEUE_COUNT_SECONDS`` seconds: the 即将超期 and 已超期 tabs move with
the clock, and bulk writes without a timeline entry (``generate_city``) stamp nothing.

Users who work for a unit (``UNIT_WORK_PERMISSION``) see cases by assignment, not by area: their
counts are not kept. The stamps must be seen by every web process, so the setting is 0 (off)
unless the cache is shared (``CACHE_URL``, Redis): with each process's own memory, a change
made through one process would not reach another's counts.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from accounts.backends import RoleBackend
from accounts.models import UNIT_WORK_PERMISSION
from accounts.scope import permission_prefixes
from areas.models import PREFIX_LENGTH
from cases.models import Case, CaseEvent

STAMP = "cases:queue-stamp:"
COUNTS = "cases:queue-counts:"
LENGTHS = sorted(set(PREFIX_LENGTH.values()))


def lifetime() -> int:
    """Seconds counts are kept (``CASES_QUEUE_COUNT_SECONDS``); 0: counted on every request."""
    return max(0, int(getattr(settings, "CASES_QUEUE_COUNT_SECONDS", 0)))


def prefixes_of(grid_code: str) -> list[str]:
    """The prefixes a user's scope can have that cover this grid: the root, then each level's."""
    return ["", *(grid_code[:length] for length in LENGTHS if length <= len(grid_code))]


def touch(grid_codes: Iterable[str]) -> None:
    """New stamps for the areas of these grids once the transaction commits (at once outside one).

    Counts taken before the commit are kept under the old stamps, which nobody reads after it;
    counts taken between the commit and the new stamps are already the new ones."""
    keys = {STAMP + prefix for code in grid_codes if code for prefix in prefixes_of(code)}
    if keys and lifetime():
        transaction.on_commit(lambda: cache.set_many(dict.fromkeys(keys, uuid.uuid4().hex), None))


def _stamps(prefixes: Sequence[str]) -> list[str]:
    """The current stamp of each prefix; a missing one (never touched, or evicted) is made now, so
    that no count kept before an eviction is found again."""
    keys = [STAMP + prefix for prefix in prefixes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
    return [str(found[key]) for key in keys]


def _view_prefixes(user: Any) -> list[str] | None:
    """The area prefixes the user's counts depend on; None when they are not kept for this user."""
    if user.is_superuser:
        return [""]
    if user.has_perm(UNIT_WORK_PERMISSION):
        return None
    return sorted(permission_prefixes(user, "cases").get("view_case", []))


def remembered(user: Any, cases: QuerySet[Case], kind: str, compute: Callable[[], dict[str, int]],
               ) -> dict[str, int]:
    """``compute()`` (counts by queue key), or what it gave for the same question since the last
    change in the user's areas. ``kind`` names what else decides the answer (the queues, the cap)."""
    seconds = lifetime()
    prefixes = _view_prefixes(user) if seconds else None
    if not prefixes:
        return compute()
    try:
        sql, params = cases.order_by().values("pk").query.sql_with_params()  # the conditions are what counts
    except EmptyResultSet:  # nothing can match (an empty scope or filter): nothing to keep
        return compute()
    held = sorted(f"{prefix}:{permission}" for prefix, permission in RoleBackend().role_permissions(user))
    question = "\x1f".join([str(user.pk), kind, sql, repr(params), *held, *prefixes, *_stamps(prefixes)])
    key = COUNTS + hashlib.blake2b(question.encode(), digest_size=16).hexdigest()
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        counts = compute()
        cache.set(key, counts, seconds)
    return counts


def _event_written(instance: CaseEvent, created: bool, **kwargs: Any) -> None:
    if created:
        touch([instance.area_code])


def _case_deleted(instance: Case, **kwargs: Any) -> None:
    touch([instance.grid_code])


def connect() -> None:
    """Stamp the areas of every change (``CasesConfig.ready``)."""
    post_save.connect(_event_written, sender=CaseEvent, dispatch_uid="cases-queue-counts-event")
    post_delete.connect(_case_deleted, sender=Case, dispatch_uid="cases-queue-counts-case-deleted")
