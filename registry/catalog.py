"""Default catalogs of the registry: care tags and facility classes. Administrators edit them; this only fills gaps.

The catalogs are data in ``registry.default_catalogs``. ``ensure_default_catalogs`` runs after every
``migrate`` and adds what is missing; it never changes rows administrators have edited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.catalog import ensure_default_roles
from accounts.models import Role
from registry.default_catalogs import DEFAULT_CARE_TAGS, DEFAULT_FACILITY_CLASSES
from registry.models import CareTag, FacilityCategory

__all__ = ["DEFAULT_CARE_TAGS", "DEFAULT_FACILITY_CLASSES", "ensure_default_catalogs", "on_post_migrate"]


def ensure_default_catalogs() -> int:
    """Create missing care tags and facility classes; returns how many rows were created.

    Runs after every ``migrate`` and after each flush of a test database: the codes already
    there are read in one query per catalog, and only the missing rows are written.
    """
    created = 0
    tags = set(CareTag.objects.filter(code__in=[tag[0] for tag in DEFAULT_CARE_TAGS]).values_list("code", flat=True))
    for order, (code, name, sensitive, roles, interval) in enumerate(DEFAULT_CARE_TAGS):
        if code in tags:
            continue
        tag, was_created = CareTag.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "is_sensitive": sensitive, "visit_interval_days": interval, "sort_order": order * 10,
            },
        )
        if was_created:
            tag.visible_to_roles.set(Role.objects.filter(code__in=roles))
            created += 1
    codes = [major[0] for major in DEFAULT_FACILITY_CLASSES] + [
        minor[0] for major in DEFAULT_FACILITY_CLASSES for minor in major[2]
    ]
    classes = {row.code: row for row in FacilityCategory.objects.filter(code__in=codes)}
    for major_code, major_name, minors in DEFAULT_FACILITY_CLASSES:
        major = classes.get(major_code)
        if major is None:
            major, was_created = FacilityCategory.objects.get_or_create(code=major_code, defaults={"name": major_name})
            created += was_created
        for code, name in minors:
            if code not in classes:
                defaults = {"name": name, "parent": major}
                created += FacilityCategory.objects.get_or_create(code=code, defaults=defaults)[1]
    return created


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    if sender.name == "registry":
        with transaction.atomic():  # one commit, not one per row
            ensure_default_roles()
            ensure_default_catalogs()
