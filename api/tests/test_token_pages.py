"""The token page, the admin's tokens for service accounts, and throttling per token."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.models import AccessToken
from api.tests.conftest import make_token

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_secret_once_and_never_caches_it(cast, login):
    client = login(cast.grid_worker_a)
    response = client.post("/api/tokens/", {"name": "大屏", "scopes": ["cases:read"], "days": "30"})
    assert response.status_code == 200
    token = AccessToken.objects.get()
    html = response.content.decode()
    assert f"wg_{token.prefix}_" in html
    assert "no-store" in response["Cache-Control"]
    assert token.expires_at - timezone.now() > datetime.timedelta(days=29)
    again = client.get("/api/tokens/").content.decode()
    assert "大屏" in again and "token-secret" not in again


def test_bad_input_names_the_field_and_saves_nothing(cast, login):
    response = login(cast.grid_worker_a).post("/api/tokens/", {"name": "", "scopes": [], "days": "9999"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name", "scopes", "days"}
    assert not AccessToken.objects.exists()


def test_a_user_lists_only_their_own_tokens_and_cannot_revoke_others(cast, login):
    make_token(cast.grid_worker_b)
    other = AccessToken.objects.get()
    client = login(cast.grid_worker_a)
    assert "token-empty" in client.get("/api/tokens/").content.decode()
    assert client.post(f"/api/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_owner_revokes(cast, login):
    make_token(cast.grid_worker_a)
    token = AccessToken.objects.get()
    response = login(cast.grid_worker_a).post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_administrator_issues_a_token_for_a_service_account(cast, login):
    client = login(cast.superuser)
    expires = (timezone.localtime() + datetime.timedelta(days=30)).strftime("%Y-%m-%d")
    response = client.post("/admin/api/accesstoken/add/", {
        "user": cast.district_admin.pk, "name": "区大屏", "scopes": ["cases:read", "areas:read"],
        "expires_at_0": expires, "expires_at_1": "12:00:00",
    }, follow=True)
    assert response.status_code == 200
    token = AccessToken.objects.get()
    assert (token.user, token.created_by, token.scopes) == (cast.district_admin, cast.superuser,
                                                            ["areas:read", "cases:read"])
    assert f"wg_{token.prefix}_" in response.content.decode()


def test_the_admin_refuses_an_expiry_in_the_past(cast, login):
    response = login(cast.superuser).post("/admin/api/accesstoken/add/", {
        "user": cast.district_admin.pk, "name": "x", "scopes": ["cases:read"],
        "expires_at_0": "2020-01-01", "expires_at_1": "12:00:00",
    })
    assert response.status_code == 200
    assert "expires_at" in response.context["adminform"].form.errors
    assert not AccessToken.objects.exists()


def test_only_superusers_manage_tokens_in_the_admin(cast, login):
    cast.district_admin.is_staff = True
    cast.district_admin.save()
    assert login(cast.district_admin).get("/admin/api/accesstoken/").status_code == 403


def test_each_token_has_its_own_budget(cast, api, settings):
    settings.API_RATE_PER_MINUTE = 2
    first = api(cast.grid_worker_a)
    assert [first.get("/api/v1/areas/").status_code for _ in range(3)] == [200, 200, 429]
    body = first.get("/api/v1/areas/").json()
    assert body["status"] == 429 and body["code"] == "throttled"
    assert api(cast.grid_worker_a).get("/api/v1/areas/").status_code == 200  # another token


def test_an_administrator_revokes_from_the_list(cast, login):
    make_token(cast.district_admin)
    token = AccessToken.objects.get()
    response = login(cast.superuser).post("/admin/api/accesstoken/", {
        "action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_anonymous_requests_are_counted_by_the_real_address(client, settings):
    settings.API_RATE_PER_MINUTE = 1
    assert client.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    # A made-up X-Forwarded-For does not buy a fresh budget.
    assert client.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_the_token_page_is_linked_from_the_menu(cast, login):
    page = login(cast.grid_worker_a).get("/")
    assert 'href="/api/tokens/"' in page.content.decode()
