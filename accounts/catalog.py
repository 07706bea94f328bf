"""The default role catalog. Roles are data: administrators edit them; this only fills gaps.

``ensure_default_roles`` runs after every ``migrate`` and creates the roles that are missing,
with their default permissions; it never changes a role that already exists.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.db import transaction

from accounts.default_roles import DEFAULT_ROLES
from accounts.models import Role

__all__ = ["DEFAULT_ROLES", "ensure_default_roles", "grant_app_permissions", "on_post_migrate"]


def _permission_map(names: list[str]) -> dict[str, Permission]:
    """The permissions named ``app_label.codename``, by name, read in one query."""
    if not names:
        return {}
    rows = Permission.objects.filter(codename__in={name.partition(".")[2] for name in names}).select_related(
        "content_type"
    )
    found = {f"{row.content_type.app_label}.{row.codename}": row for row in rows}
    missing = [name for name in names if name not in found]
    if missing:
        raise Permission.DoesNotExist(f"No permission {', '.join(missing)} (is its app installed and migrated?)")
    return {name: found[name] for name in names}


def _permissions(names: list[str]) -> list[Permission]:
    """The permissions named ``app_label.codename``, in the order given, read in one query."""
    by_name = _permission_map(names)
    return [by_name[name] for name in names]


def ensure_default_roles() -> int:
    """Create missing default roles; returns how many were created.

    Runs after every ``migrate`` and after each flush of a test database, so a catalog that is
    complete costs one query; the permissions of every app are created first only when a role
    has to be made (this runs for the accounts app, before later apps have theirs).
    """
    existing = set(Role.objects.filter(code__in=[role[0] for role in DEFAULT_ROLES]).values_list("code", flat=True))
    missing = [(order, role) for order, role in enumerate(DEFAULT_ROLES) if role[0] not in existing]
    if not missing:
        return 0
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    by_name = _permission_map(sorted({perm for _order, role in missing for perm in role[3]}))
    created = 0
    for order, (code, name, description, permissions) in missing:
        role, was_created = Role.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order * 10}
        )
        if was_created:
            role.permissions.add(*(by_name[perm] for perm in permissions))
            created += 1
    return created


def grant_app_permissions(app_label: str) -> int:
    """Give each default role the catalog's ``app_label`` permissions if it holds none of them yet.

    ``ensure_default_roles`` never touches a role that exists, so an installation whose roles
    predate an app (the cases app arriving in a release) would leave every role without its
    permissions. A role holding any permission of the app is left exactly as it is: that is
    the catalog's or an administrator's choice. Returns how many roles were given permissions.
    """
    wanted = {
        code: [perm for perm in permissions if perm.startswith(f"{app_label}.")]
        for code, _name, _description, permissions in DEFAULT_ROLES
    }
    wanted = {code: names for code, names in wanted.items() if names}
    if not wanted:
        return 0
    roles = list(Role.objects.filter(code__in=wanted).exclude(permissions__content_type__app_label=app_label))
    if not roles:
        return 0
    by_name = _permission_map(sorted({name for role in roles for name in wanted[role.code]}))
    for role in roles:
        role.permissions.add(*(by_name[name] for name in wanted[role.code]))
    return len(roles)


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """After migrate (and after a test database flush, which also sends post_migrate)."""
    if sender.name == "accounts":
        with transaction.atomic():  # one commit, not one per row
            ensure_default_roles()
