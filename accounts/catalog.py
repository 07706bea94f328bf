"""The default role catalog. Roles are data: administrators edit them; this only fills gaps.

``ensure_default_roles`` runs after every ``migrate`` and creates the roles that are missing,
with their default permissions; it never changes a role that already exists.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission

from accounts.default_roles import DEFAULT_ROLES
from accounts.models import Role

__all__ = ["DEFAULT_ROLES", "ensure_default_roles", "grant_app_permissions", "on_post_migrate"]


def _permissions(names: list[str]) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def ensure_default_roles() -> int:
    """Create missing default roles; returns how many were created."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    created = 0
    for order, (code, name, description, permissions) in enumerate(DEFAULT_ROLES):
        role, was_created = Role.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order * 10}
        )
        if was_created:
            role.permissions.set(_permissions(permissions))
            created += 1
    return created


def grant_app_permissions(app_label: str) -> int:
    """Give each default role the catalog's ``app_label`` permissions if it holds none of them yet.

    ``ensure_default_roles`` never touches a role that exists, so an installation whose roles
    predate an app (the cases app arriving in a release) would leave every role without its
    permissions. A role holding any permission of the app is left exactly as it is: that is
    the catalog's or an administrator's choice. Returns how many roles were given permissions.
    """
    granted = 0
    for code, _name, _description, permissions in DEFAULT_ROLES:
        wanted = [perm for perm in permissions if perm.startswith(f"{app_label}.")]
        role = Role.objects.filter(code=code).first()
        if role is None or not wanted or role.permissions.filter(content_type__app_label=app_label).exists():
            continue
        role.permissions.add(*_permissions(wanted))
        granted += 1
    return granted


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """After migrate (and after a test database flush, which also sends post_migrate)."""
    if sender.name == "accounts":
        ensure_default_roles()
