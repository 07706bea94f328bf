"""The life of a personal access token: shown once, stored hashed, expiry, revocation, scopes,
and its use noted."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import AccessToken
from api.tests.conftest import make_token
from api.tokens import token_create, token_for_secret, token_revoke
from audit.models import ChangeLogEntry

pytestmark = pytest.mark.django_db


def test_it_stores_only_a_hash_and_a_prefix(cast):
    secret = make_token(cast.grid_worker_a)
    token = AccessToken.objects.get()
    assert secret.startswith(f"wg_{token.prefix}_")
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(AccessToken.objects.values().get())
    assert token_for_secret(secret) == token


def test_it_logs_creation_and_revocation_without_the_hash(cast):
    make_token(cast.grid_worker_a)
    token = AccessToken.objects.get()
    token_revoke(token=token, actor=cast.grid_worker_a)
    entries = ChangeLogEntry.objects.filter(content_type__model="accesstoken", object_id=str(token.pk))
    assert [entry.action for entry in entries.order_by("pk")] == ["create", "update"]
    assert all("secret_hash" not in (entry.after or {}) for entry in entries)
    assert entries.order_by("pk").last().after["revoked_at"]


def test_it_refuses_a_wrong_secret_with_the_right_prefix(cast, client):
    secret = make_token(cast.grid_worker_a)
    forged = secret[:-4] + ("aaaa" if not secret.endswith("aaaa") else "bbbb")
    assert token_for_secret(forged) is None
    response = client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_refuses_an_expired_token(cast, client):
    secret = make_token(cast.grid_worker_a)
    AccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_it_refuses_a_revoked_token_at_once(cast, client):
    secret = make_token(cast.grid_worker_a)
    assert client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token_revoke(token=AccessToken.objects.get(), actor=cast.grid_worker_a)
    assert client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_it_refuses_the_token_of_an_inactive_user(cast, client):
    secret = make_token(cast.grid_worker_a)
    cast.grid_worker_a.is_active = False
    cast.grid_worker_a.save()
    assert client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_it_asks_for_credentials(client):
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


@pytest.mark.parametrize("problem, field", [
    ({"name": " "}, "name"),
    ({"scopes": []}, "scopes"),
    ({"scopes": ["cases:delete"]}, "scopes"),
    ({"days": -1}, "expires_at"),
    ({"days": 5000}, "expires_at"),
])
def test_it_refuses_bad_tokens_naming_the_field(cast, problem, field):
    values = {"name": "大屏", "scopes": ["cases:read"], "days": 30, **problem}
    with pytest.raises(ValidationError) as refused:
        token_create(user=cast.grid_worker_a, name=values["name"], scopes=values["scopes"],
                     expires_at=timezone.now() + datetime.timedelta(days=values["days"]), actor=cast.grid_worker_a)
    assert field in refused.value.message_dict
    assert not AccessToken.objects.exists()


def test_it_notes_when_and_from_where_a_token_was_used(cast, client):
    secret = make_token(cast.grid_worker_a)
    client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR="10.1.2.3")
    token = AccessToken.objects.get()
    assert token.last_used_at is not None
    assert token.last_used_from == "10.1.2.3"


def test_a_token_outside_its_scopes_sees_404(cast, api):
    client = api(cast.grid_worker_a, ["areas:read"])
    assert client.get("/api/v1/areas/").status_code == 200
    response = client.get("/api/v1/cases/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_read_only_token_cannot_act(cast, cc, api):
    from cases.testing import report

    case = report(cc)
    client = api(cc.dispatcher, ["cases:read"])
    assert client.get(f"/api/v1/cases/{case.number}/").status_code == 200
    assert client.post(f"/api/v1/cases/{case.number}/accept/", {}, content_type="application/json"
                       ).status_code == 404
    case.refresh_from_db()
    assert case.status == "reported"
