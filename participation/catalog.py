"""Give the default roles the participation permissions on installations older than this app.

The deliberation permissions (议事) arrived after the first slice: a role that holds none of them
gets the catalog's, even if it already holds wish or ballot permissions.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission

from accounts.catalog import grant_app_permissions
from accounts.default_roles import DEFAULT_ROLES
from accounts.models import Role

DELIBERATION = ("view_proposal", "add_proposal", "decide_proposal", "view_meeting", "add_meeting")


def grant_deliberation_permissions() -> int:
    granted = 0
    for code, _name, _description, permissions in DEFAULT_ROLES:
        wanted = [name.split(".")[1] for name in permissions
                  if name.startswith("participation.") and name.split(".")[1] in DELIBERATION]
        role = Role.objects.filter(code=code).first()
        if role is None or not wanted or role.permissions.filter(
                content_type__app_label="participation", codename__in=DELIBERATION).exists():
            continue
        role.permissions.add(*Permission.objects.filter(content_type__app_label="participation",
                                                        codename__in=wanted))
        granted += 1
    return granted


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    if sender.name == "participation":
        grant_app_permissions("participation")
        grant_deliberation_permissions()
