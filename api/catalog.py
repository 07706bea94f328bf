"""Give the default roles the api permissions (``api.manage_webhook``) on installations whose
roles predate the webhooks."""

from __future__ import annotations

from typing import Any

from accounts.catalog import grant_app_permissions


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    if sender.name == "api":
        grant_app_permissions("api")
