"""Cached choices of the case filter (``cases.filters``): the category tree, the areas in a
user's scope, and the units that lead cases in a user's areas, so that a list page does not read
the case table (or the area tree) to fill a menu;
and the public categories with their questions, so that a 随手拍 report does not read them.

Each family has a version number in the cache; the entries' keys carry it, and a change that can
alter the answer (``connect``: a category or one of its questions saved or deleted; an area
saved or deleted; an
assignment, a membership or a case deleted, a case created with a lead unit) bumps it, which
orphans every entry at once. Entries also expire after ``CHOICES_TTL`` seconds, the longest a
per-process cache (several web workers without a shared ``CACHE_URL``) can lag behind another
worker's change. A unit that stopped
leading a case (a returned dispatch) may stay offered until then: a filter that finds nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts.models import UNIT_WORK_PERMISSION, OrganisationMember
from accounts.scope import permission_prefixes, scope_prefixes
from areas.models import Area
from cases.models import Case, CaseAssignment, Category, CategoryAttribute

CHOICES_TTL = 300
CATEGORIES = "categories"
AREAS = "areas"
LEAD_UNITS = "lead-units"


def _version(family: str) -> int:
    return int(cache.get_or_set(f"cases:choices:{family}:version", 1, None) or 1)


def bump(family: str) -> None:
    """Orphan every cached entry of ``family`` (the next read asks the database)."""
    key = f"cases:choices:{family}:version"
    try:
        cache.incr(key)
    except ValueError:  # not there (expired or another process's locmem): any new value will do
        cache.set(key, 2, None)


def category_rows() -> list[tuple[int, str, int | None]]:
    """(id, name, parent id) of every category in catalog order (a catalog of dozens of rows)."""
    key = f"cases:choices:{CATEGORIES}:{_version(CATEGORIES)}"
    rows: list[tuple[int, str, int | None]] | None = cache.get(key)
    if rows is None:
        rows = list(Category.objects.order_by("sort_order", "code").values_list("pk", "name", "parent_id"))
        cache.set(key, rows, CHOICES_TTL)
    return rows


def public_category(pk: int) -> Category | None:
    """The active public category ``pk`` with its questions prefetched (the 随手拍 form's), cached
    with the category menu (a category or a question saved or deleted bumps its version)."""
    key = f"cases:choices:{CATEGORIES}:{_version(CATEGORIES)}:public:{pk}"
    category: Category | None = cache.get(key)
    if category is None:
        try:
            category = Category.objects.public().prefetch_related("attributes").get(pk=pk)
        except Category.DoesNotExist:
            return None
        cache.set(key, category, CHOICES_TTL)
    return category


def area_rows(user: Any, levels: Q, variant: str) -> list[tuple[str, str, int]]:
    """(code, name, level) of the areas at ``levels`` the user sees and that are active today, in
    code order; ``variant`` names ``levels`` in the key (the filter asks a few fixed shapes)."""
    prefixes = scope_prefixes(user)
    scope = "*" if prefixes is None else "|".join(prefixes)
    day = timezone.localdate().isoformat()  # an area's end date arrives without a save
    digest = hashlib.blake2b(f"{scope}\x1f{variant}\x1f{day}".encode(), digest_size=12).hexdigest()
    key = f"cases:choices:{AREAS}:{_version(AREAS)}:{digest}"
    rows: list[tuple[str, str, int]] | None = cache.get(key)
    if rows is None:
        found = Area.objects.visible_to(user).active().filter(levels).order_by("code")
        rows = list(found.values_list("code", "name", "level"))
        cache.set(key, rows, CHOICES_TTL)
    return rows


def _scope_signature(user: Any) -> str:
    """What decides which cases the user sees (``Case.objects.visible_to``), as a short key."""
    if user.is_superuser:
        parts = ["all"]
    else:
        parts = sorted(permission_prefixes(user, "cases").get("view_case", []))
        if user.has_perm(UNIT_WORK_PERMISSION):
            parts.append(f"member:{user.pk}")
    return hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


def leading_unit_ids(user: Any) -> list[int]:
    """Ids of the units that lead cases the user sees (for the 主办单位 menu)."""
    key = f"cases:choices:{LEAD_UNITS}:{_version(LEAD_UNITS)}:{_scope_signature(user)}"
    found: list[int] | None = cache.get(key)
    if found is None:
        leading = Case.objects.visible_to(user).filter(lead_organisation__isnull=False).order_by()
        found = sorted(leading.values_list("lead_organisation_id", flat=True).distinct())
        cache.set(key, found, CHOICES_TTL)
    return found


def _category_changed(**kwargs: Any) -> None:
    bump(CATEGORIES)


def _lead_units_changed(**kwargs: Any) -> None:
    bump(LEAD_UNITS)


def _areas_changed(**kwargs: Any) -> None:
    # Again after the commit: a request may have read (and cached) the areas as they were meanwhile.
    bump(AREAS)
    transaction.on_commit(lambda: bump(AREAS))


def _case_saved(instance: Case, created: bool, **kwargs: Any) -> None:
    # A dispatch writes an assignment (caught below); a case created with its lead unit already
    # set (an import, a split) is the other way a unit starts leading a case.
    if created and instance.lead_organisation_id is not None:
        bump(LEAD_UNITS)


def connect() -> None:
    """Keep the cached choices in step with the catalog and the cases (``CasesConfig.ready``)."""
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_category_changed, sender=Category, dispatch_uid=f"cases-choices-category-{name}")
        signal.connect(_category_changed, sender=CategoryAttribute,
                       dispatch_uid=f"cases-choices-category-attribute-{name}")
        signal.connect(_lead_units_changed, sender=CaseAssignment, dispatch_uid=f"cases-choices-assignment-{name}")
        signal.connect(_lead_units_changed, sender=OrganisationMember, dispatch_uid=f"cases-choices-member-{name}")
        signal.connect(_areas_changed, sender=Area, dispatch_uid=f"cases-choices-area-{name}")
    post_save.connect(_case_saved, sender=Case, dispatch_uid="cases-choices-case-saved")
    post_delete.connect(_lead_units_changed, sender=Case, dispatch_uid="cases-choices-case-deleted")
