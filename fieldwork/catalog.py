"""The default checklists, created after ``migrate`` when missing; never overwritten.

A checklist is matched by its code; its first version and items are created only together with
it, so an administrator's revision stays as it is. Also gives the default roles the fieldwork
permissions when their roles predate the app (``accounts.catalog.grant_app_permissions``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.catalog import grant_app_permissions
from fieldwork.default_checklists import DEFAULT_CHECKLIST_TEXTS, DEFAULT_CHECKLISTS, ChecklistSpec
from fieldwork.models import Checklist, ChecklistItem, ChecklistVersion

__all__ = ["DEFAULT_CHECKLISTS", "DEFAULT_CHECKLIST_TEXTS", "ensure_default_checklists", "on_post_migrate"]


def _create(spec: ChecklistSpec) -> None:
    checklist = Checklist.objects.create(code=spec.code, name=spec.name, description=spec.description)
    version = ChecklistVersion.objects.create(checklist=checklist, number=1)
    for position, item in enumerate(spec.items):
        ChecklistItem.objects.create(
            version=version, position=position * 10, label=item.label, kind=item.kind, required=item.required,
            options=list(item.options), problem_answers=list(item.problem_answers), min_ok=item.min_ok,
            max_ok=item.max_ok, category_code=item.category_code,
        )


def ensure_default_checklists() -> int:
    """Create the missing default checklists; returns how many were created."""
    existing = set(Checklist.objects.values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        for spec in DEFAULT_CHECKLISTS:
            if spec.code not in existing:
                _create(spec)
                created += 1
    return created


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    if sender.name != "fieldwork":
        return
    with transaction.atomic():  # one commit, not one per row
        grant_app_permissions("fieldwork")
        ensure_default_checklists()
