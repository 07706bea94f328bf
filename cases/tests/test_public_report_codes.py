"""The reporter's tracking codes after 随手拍: a signed cookie for the confirmation and lookup pages.

The codes live in the browser (``wg_codes``, signed, HttpOnly, SameSite=Lax, two hours), not in
the database session, so an anonymous report writes no ``django_session`` row.
"""

import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.signing import b62_encode, get_cookie_signer

from cases.models import Case
from cases.tests.intake_files import GRID_A_POINT
from cases.views.public import CODES_COOKIE, CODES_SALT, CODES_SECONDS

URL = "/s/report/"
DONE = "/s/report/done/"
LOOKUP = "/s/track/"


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    caches["default"].clear()


def _report(cc, client, phone: str = "13912345678") -> Case:  # type: ignore[no-untyped-def]
    longitude, latitude = GRID_A_POINT
    response = client.post(URL, {
        "category": cc.category("t-clutter").pk, "description": "5号楼楼道里堆了很多纸箱。", "system": "WGS84",
        "address": "5号楼1单元", "reporter_phone": phone, "longitude": longitude, "latitude": latitude,
    })
    assert response.status_code == 302 and response["Location"] == DONE
    return Case.objects.latest("pk")


def _recent(client) -> list[str]:  # type: ignore[no-untyped-def]
    content = client.get(LOOKUP).content.decode()
    if "本机最近提交的反映：" not in content:
        return []
    return [code for code in Case.objects.values_list("tracking_code", flat=True) if f"/s/track/{code}/" in content]


def test_it_shows_the_code_of_the_report_just_made(cc, client):
    case = _report(cc, client)
    done = client.get(DONE)
    assert done.status_code == 200
    content = done.content.decode()
    assert case.tracking_code in content and f'href="/s/track/{case.tracking_code}/"' in content


def test_it_keeps_the_codes_in_a_signed_http_only_cookie_and_no_session(cc, client):
    response = client.post(URL, {"category": cc.category("t-clutter").pk, "description": "5号楼楼道里堆了很多纸箱。",
                                 "system": "WGS84", "address": "5号楼1单元", "reporter_phone": "13912345678",
                                 "longitude": GRID_A_POINT[0], "latitude": GRID_A_POINT[1]})
    cookie = response.cookies[CODES_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == CODES_SECONDS
    assert Case.objects.get().tracking_code in cookie.value and ":" in cookie.value  # value:timestamp:signature
    assert "sessionid" not in response.cookies
    assert client.get(DONE).status_code == 200
    assert client.get(LOOKUP).status_code == 200
    assert not Session.objects.exists()


def test_the_cookie_is_secure_in_production(cc, client, settings):
    settings.SESSION_COOKIE_SECURE = True
    _report(cc, client)
    assert client.cookies[CODES_COOKIE]["secure"]


def test_the_lookup_page_lists_the_last_five_codes_newest_first(cc, client, settings):
    settings.CASES_PUBLIC_REPORTS_PER_IP_HOUR = 10
    cases = [_report(cc, client, phone=f"1391234567{index}") for index in range(6)]
    content = client.get(LOOKUP).content.decode()
    positions = [content.find(f"/s/track/{case.tracking_code}/") for case in cases]
    assert positions[0] == -1  # the oldest one fell off
    assert all(position > 0 for position in positions[1:])
    assert positions[1:] == sorted(positions[1:], reverse=True)
    assert cases[-1].tracking_code in client.get(DONE).content.decode()


def test_a_tampered_cookie_shows_nothing(cc, client):
    case = _report(cc, client)
    other = _report(cc, client, phone="13912345670")
    signed = client.cookies[CODES_COOKIE].value
    client.cookies[CODES_COOKIE] = signed.replace(other.tracking_code, case.tracking_code)
    response = client.get(DONE)
    assert response.status_code == 302 and response["Location"] == URL
    assert _recent(client) == []
    client.cookies[CODES_COOKIE] = f"{case.tracking_code}"  # unsigned
    assert client.get(DONE).status_code == 302 and _recent(client) == []


def test_an_expired_cookie_shows_nothing(cc, client):
    case = _report(cc, client)
    client.cookies[CODES_COOKIE] = _signed_at(case.tracking_code, time.time() - CODES_SECONDS + 60)
    assert client.get(DONE).status_code == 200
    client.cookies[CODES_COOKIE] = _signed_at(case.tracking_code, time.time() - CODES_SECONDS - 60)
    assert client.get(DONE).status_code == 302 and _recent(client) == []


def _signed_at(value: str, moment: float) -> str:
    """The cookie as ``set_signed_cookie`` would have written it at ``moment``."""
    signer = get_cookie_signer(salt=CODES_COOKIE + CODES_SALT)
    signer.timestamp = lambda: b62_encode(int(moment))  # type: ignore[method-assign]
    return str(signer.sign(value))
