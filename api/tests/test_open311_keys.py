"""Open311 api keys: issued in the admin by superusers (shown once, stored hashed), revoked there."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from api.models import Open311Key
from api.open311.keys import key_for_secret, key_issue, key_revoke
from audit.models import ChangeLogEntry

pytestmark = pytest.mark.django_db
ADD = "/admin/api/open311key/add/"
LIST = "/admin/api/open311key/"


def test_a_superuser_issues_a_key_that_is_shown_once(cast, client: Client) -> None:
    client.force_login(cast.superuser)
    response = client.post(ADD, {"name": "12345热线", "owner": "张工"}, follow=True)
    key = Open311Key.objects.get()
    [message] = [str(message) for message in response.context["messages"] if "o311_" in str(message)]
    secret = message.rsplit("：", 1)[1]
    assert secret.startswith(f"o311_{key.prefix}_") and key.is_usable and key.created_by == cast.superuser
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(Open311Key.objects.values().get())
    assert secret not in client.get(f"{LIST}{key.pk}/change/").content.decode()
    assert key_for_secret(secret) == key


def test_a_superuser_revokes_keys_in_the_admin(cast, client: Client) -> None:
    key, secret = key_issue(name="小程序", actor=cast.superuser)
    client.force_login(cast.superuser)
    client.post(LIST, {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None and not key.is_active and key_for_secret(secret) is None
    entries = ChangeLogEntry.objects.filter(content_type__model="open311key", object_id=str(key.pk))
    assert [entry.action for entry in entries.order_by("pk")] == ["create", "update"]
    assert all("secret_hash" not in (entry.after or {}) for entry in entries)


def test_only_superusers_see_the_keys(cast, client: Client) -> None:
    key_issue(name="小程序", actor=cast.superuser)
    client.force_login(cast.district_admin)
    assert client.get(LIST).status_code == 403
    assert client.get(ADD).status_code == 403


def test_a_key_needs_a_name(cast) -> None:
    with pytest.raises(ValidationError):
        key_issue(name=" ", actor=cast.superuser)


def test_revoking_twice_changes_nothing(cast) -> None:
    key, _secret = key_issue(name="小程序", actor=cast.superuser)
    first = key_revoke(key=key, actor=cast.superuser).revoked_at
    assert key_revoke(key=key, actor=cast.superuser).revoked_at == first
    assert key_for_secret("o311_nothing") is None and key_for_secret("wg_x_y") is None
