"""Login throttling: failed logins lock an account and an address, with back-off, on the site's
login page and the admin's alike (accounts/throttle.py on django-axes)."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.utils import timezone

from accounts.testing import PASSWORD, Cast
from accounts.throttle import lockout_duration

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "登录失败次数过多，该账号或本机地址已被暂时锁定。"
OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


def attempt(client: Client, username: str, password: str = "wrong-password", *, url: str = LOGIN,
            address: str = OFFICE, **headers: str):  # type: ignore[no-untyped-def]
    meta: dict[str, Any] = {"REMOTE_ADDR": address, **headers}
    return client.post(url, {"username": username, "password": password}, **meta)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, **kwargs: str) -> list[int]:
    return [attempt(client, username, **kwargs).status_code for _ in range(times)]


def pass_time(minutes: int) -> None:
    """Move every recorded failure back in time: as if ``minutes`` had passed (no sleeping)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes))


def test_the_right_password_is_refused_after_too_many_failures(cast: Cast, client):
    assert fail(client, "grid_worker_a", 4) == [200] * 4  # the login page with its usual error
    locking = attempt(client, "grid_worker_a")
    assert locking.status_code == 429 and LOCKED in locking.content.decode()
    response = attempt(client, "grid_worker_a", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in html and "请在 15 分钟后再试" in html
    assert not logged_in(client)
    # Per account: another address gets no further with this username.
    assert attempt(Client(), "grid_worker_a", PASSWORD, address=ELSEWHERE).status_code == 429


def test_the_lockout_message_is_english_with_the_language_cookie(cast: Cast, client):
    fail(client, "grid_worker_a", 5)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = attempt(client, "grid_worker_a", PASSWORD).content.decode()
    assert "Too many failed logins" in html and "try again in 15 minutes" in html and LOCKED not in html


def test_another_account_from_the_same_address_is_refused_after_the_address_limit(cast: Cast, client):
    per_address = settings.LOGIN_FAILURES_PER_ADDRESS
    per_account = settings.LOGIN_FAILURES_PER_ACCOUNT - 1  # stay below each account's own limit
    names = [f"guess{number}" for number in range(per_address // per_account + 1)]
    codes = [code for name in names for code in fail(client, name, per_account)]
    assert codes[:per_address - 1] == [200] * (per_address - 1) and codes[per_address - 1] == 429
    response = attempt(client, "grid_worker_b", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not logged_in(client)
    other = Client()
    assert attempt(other, "grid_worker_b", PASSWORD, address=ELSEWHERE).status_code == 302
    assert logged_in(other)


def test_a_header_the_client_sets_does_not_change_its_address(cast: Cast, client):
    """Without CLIENT_IP_HEADER the address is REMOTE_ADDR: a forged X-Forwarded-For is ignored."""
    for number in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        attempt(client, f"guess{number}", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}", HTTP_X_REAL_IP=f"192.0.2.{number}")
    assert attempt(client, "grid_worker_b", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_the_configured_proxy_header_names_the_address(cast: Cast, client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for number in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        attempt(client, f"guess{number}", HTTP_X_REAL_IP=OFFICE)
    # The proxy's REMOTE_ADDR is shared by everyone; the header it sets tells clients apart.
    assert attempt(client, "grid_worker_b", PASSWORD, HTTP_X_REAL_IP=ELSEWHERE).status_code == 302
    assert attempt(Client(), "grid_worker_a", PASSWORD, HTTP_X_REAL_IP=OFFICE).status_code == 429


def test_the_admin_login_is_throttled(cast: Cast, client):
    codes = fail(client, "district_admin", settings.LOGIN_FAILURES_PER_ACCOUNT, url=ADMIN_LOGIN)
    assert codes[-1] == 429
    response = attempt(client, "district_admin", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not logged_in(client)
    assert attempt(client, "district_admin", PASSWORD).status_code == 429  # the same lock on the site's page


def test_login_works_again_after_the_cool_off(cast: Cast, client):
    fail(client, "grid_worker_a", settings.LOGIN_FAILURES_PER_ACCOUNT)
    pass_time(settings.LOGIN_LOCKOUT_MINUTES - 1)
    assert attempt(client, "grid_worker_a", PASSWORD).status_code == 429
    pass_time(2)
    assert attempt(client, "grid_worker_a", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lock_doubles_with_every_further_limit_of_failures(cast: Cast, client):
    limit = settings.LOGIN_FAILURES_PER_ACCOUNT
    assert lockout_duration(limit, limit) == datetime.timedelta(minutes=15)
    assert lockout_duration(2 * limit, limit) == datetime.timedelta(minutes=30)
    assert lockout_duration(3 * limit + 1, limit) == datetime.timedelta(minutes=60)
    assert lockout_duration(100 * limit, limit) == datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MAX_MINUTES)
    fail(client, "grid_worker_a", limit)
    pass_time(16)
    # After a lock, the next wrong password locks again at once.
    assert attempt(client, "grid_worker_a").status_code == 429
    AccessAttempt.objects.update(failures_since_start=2 * limit, attempt_time=timezone.now())
    pass_time(20)
    response = attempt(client, "grid_worker_a", PASSWORD)
    assert response.status_code == 429 and "请在 10 分钟后再试" in response.content.decode()
    pass_time(11)
    assert attempt(client, "grid_worker_a", PASSWORD).status_code == 302


def test_attempts_while_locked_are_not_counted(cast: Cast, client):
    fail(client, "grid_worker_a", settings.LOGIN_FAILURES_PER_ACCOUNT + 10)
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5
    pass_time(16)
    assert attempt(client, "grid_worker_a", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_accounts_failures_from_that_address(cast: Cast, client):
    limit = settings.LOGIN_FAILURES_PER_ACCOUNT
    fail(client, "grid_worker_a", limit - 1)
    assert attempt(client, "grid_worker_a", PASSWORD).status_code == 302
    client.logout()
    assert fail(client, "grid_worker_a", limit - 1) == [200] * (limit - 1)
    assert attempt(client, "grid_worker_a", PASSWORD).status_code == 302


def test_a_successful_login_keeps_what_other_addresses_tried(cast: Cast, client):
    """Logging in from the office does not wipe an attacker's failures against the account elsewhere."""
    limit = settings.LOGIN_FAILURES_PER_ACCOUNT
    fail(Client(), "grid_worker_a", limit - 1, address=ELSEWHERE)
    assert attempt(client, "grid_worker_a", PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "grid_worker_a").status_code == 429  # the account's limit, from both addresses


def test_lockouts_are_logged_and_listed_in_the_admin(cast: Cast, client, login, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.throttle"):
        fail(client, "grid_worker_a", settings.LOGIN_FAILURES_PER_ACCOUNT)
    assert any("Login locked (username)" in record.getMessage() for record in caplog.records)
    locking = AccessFailureLog.objects.get(locked_out=True)
    assert (locking.username, locking.ip_address) == ("grid_worker_a", OFFICE)
    admin = login(cast.superuser)
    listing = admin.get("/admin/axes/accessfailurelog/?locked_out__exact=1").content.decode()
    assert "grid_worker_a" in listing and OFFICE in listing
    assert "grid_worker_a" in admin.get("/admin/axes/accessattempt/").content.decode()
