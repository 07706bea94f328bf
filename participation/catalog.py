"""Give the default roles the participation permissions on installations older than this app."""

from __future__ import annotations

from typing import Any

from accounts.catalog import grant_app_permissions


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    if sender.name == "participation":
        grant_app_permissions("participation")
