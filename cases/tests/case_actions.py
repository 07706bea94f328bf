"""Helpers of the case page action tests: post an action's form as a user, read its outcome."""

from __future__ import annotations

from typing import Any


def act(client: Any, user: Any, case: Any, verb: str, **fields: Any) -> Any:
    """Post the form of ``verb`` on the case page as ``user`` (fields without their prefix)."""
    client.force_login(user)
    data = {f"{verb}-{name}": value for name, value in fields.items()}
    return client.post(f"/cases/{case.number}/do/{verb}/", data, follow=True)


def done(response: Any, label: str) -> str:
    """The page after a successful action (its success message shown); fails otherwise."""
    html = str(response.content.decode())
    assert response.status_code == 200 and f"“{label}”已完成。" in html, html[:2000]
    return html
