"""Sessions end after SESSION_IDLE_TIMEOUT without a request, not after two weeks (core.sessions)."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session

from accounts.testing import PASSWORD

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
AREA_PAGE = "/areas/"


def log_in(client, user):  # type: ignore[no-untyped-def]
    """Through the real login form, as a person would."""
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_session_idle_for_longer_than_the_timeout_is_logged_out(cast, client):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, cast.grid_worker_a)
        assert client.get(AREA_PAGE).status_code == 200

        clock.shift(datetime.timedelta(hours=2, minutes=1))
        response = client.get(AREA_PAGE)

    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Session.objects.filter(expire_date__gt=START + datetime.timedelta(hours=2, minutes=1)).count() == 0


def test_an_active_session_lasts_longer_than_the_timeout(cast, client):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, cast.grid_worker_a)
        for _ in range(6):  # nine hours of work, a request every hour and a half
            clock.shift(datetime.timedelta(minutes=90))
            assert client.get(AREA_PAGE).status_code == 200


def test_the_login_cookie_lasts_only_the_idle_timeout(cast, client):
    response = log_in(client, cast.grid_worker_a)

    assert response.cookies["sessionid"]["max-age"] == 2 * 60 * 60


def test_the_timeout_is_a_setting(cast, client, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, cast.grid_worker_a)
        clock.shift(datetime.timedelta(minutes=14))
        assert client.get(AREA_PAGE).status_code == 200
        clock.shift(datetime.timedelta(minutes=16))
        assert client.get(AREA_PAGE).status_code == 302


def test_a_session_store_that_keeps_stale_sessions_is_still_logged_out(cast, client, settings):
    # Signed-cookie sessions carry no per-session expiry the store would enforce.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, cast.grid_worker_a)
        assert client.get(AREA_PAGE).status_code == 200
        clock.shift(datetime.timedelta(hours=3))
        assert client.get(AREA_PAGE).status_code == 302
