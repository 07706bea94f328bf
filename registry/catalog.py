"""Default catalogs of the registry: care tags and facility classes. Administrators edit them; this only fills gaps.

The catalogs are data in ``registry.default_catalogs``. ``ensure_default_catalogs`` runs after every
``migrate`` and adds what is missing; it never changes rows administrators have edited.
"""

from __future__ import annotations

from typing import Any

from accounts.catalog import ensure_default_roles
from accounts.models import Role
from registry.default_catalogs import DEFAULT_CARE_TAGS, DEFAULT_FACILITY_CLASSES
from registry.models import CareTag, FacilityCategory

__all__ = ["DEFAULT_CARE_TAGS", "DEFAULT_FACILITY_CLASSES", "ensure_default_catalogs", "on_post_migrate"]


def ensure_default_catalogs() -> int:
    """Create missing care tags and facility classes; returns how many rows were created."""
    created = 0
    for order, (code, name, sensitive, roles, interval) in enumerate(DEFAULT_CARE_TAGS):
        tag, was_created = CareTag.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "is_sensitive": sensitive, "visit_interval_days": interval, "sort_order": order * 10,
            },
        )
        if was_created:
            tag.visible_to_roles.set(Role.objects.filter(code__in=roles))
            created += 1
    for major_code, major_name, minors in DEFAULT_FACILITY_CLASSES:
        major, was_created = FacilityCategory.objects.get_or_create(code=major_code, defaults={"name": major_name})
        created += was_created
        for code, name in minors:
            created += FacilityCategory.objects.get_or_create(code=code, defaults={"name": name, "parent": major})[1]
    return created


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    if sender.name == "registry":
        ensure_default_roles()
        ensure_default_catalogs()
