"""A grid (网格) or micro-grid by its code from the cache: the 随手拍 QR grid and the locator's answer
without a query.

``grid_by_code`` caches the ``Area`` row for at most ``GRID_TTL`` seconds and answers it only
while it is active on the day of the call (a retirement date that arrives needs no invalidation).
Saving or deleting an ``Area`` drops its entry at once and again after the commit (codes never
change, so the entry's key is the saved row's). With a per-process cache (no shared
``CACHE_URL``) another web process may use the old row until its entry expires, as with the
working calendar (``cases.calendar``). Unknown codes are not cached.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from areas.models import Area, Level

GRID_TTL = 300


def _key(code: str) -> str:
    return f"areas:grid:{code}"


def grid_by_code(code: str) -> Area | None:
    """The active grid or micro-grid with this code, or None (one cache read when cached)."""
    if not code.isdigit():
        return None
    grid: Area | None = cache.get(_key(code))
    if grid is None:
        grid = Area.objects.filter(code=code, level__in=[Level.GRID, Level.MICROGRID]).first()
        if grid is None:
            return None
        cache.set(_key(code), grid, GRID_TTL)
    return grid if grid.is_active else None


def _area_changed(instance: Area, **kwargs: Any) -> None:
    key = _key(instance.code)
    cache.delete(key)
    # Again after the commit: a request may have read (and cached) the old row meanwhile.
    transaction.on_commit(lambda: cache.delete(key))


def connect() -> None:
    """Keep the cached grids in step with ``Area`` (``AreasConfig.ready``: every process, the
    boundary import's too, so a shared cache hears of its changes)."""
    post_save.connect(_area_changed, sender=Area, dispatch_uid="areas-grid-cache-save")
    post_delete.connect(_area_changed, sender=Area, dispatch_uid="areas-grid-cache-delete")
