"""The hand-off end to end, against a second Wangge instance acting as the city platform.

Design: two live servers of this codebase in one test, over real HTTP. ``live_server``
(pytest-django) is Wangge, the district's installation: the district dispatcher dispatches the
case to the platform's unit on the case page and reads the case page's panel there. A second
``LiveServerThread`` (``handoff_helpers.city_server``) is the city platform: its Open311 server
at ``/open311/v2/`` takes the POST and answers the polling. Both servers share the test
database (two databases are impractical here); the cases stay distinguishable: the city's case
is a distinct case created by its Open311 POST (channel ``open311``, its own number, an
``Open311Submission`` row), Wangge's case has the hand-off. The city's staff work their case
with the ordinary transitions. The city server is started only after the first attempt, on the
port the platform is configured with: before, the connection is refused.

The test database is committed for real (``transaction=True``): the servers' threads see it.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from api.handoff.operations import UPDATE_VERB, run_handoff_pass
from api.models import HandoffState, Open311Submission, UpstreamHandoff, UpstreamUpdate
from api.tests.handoff_helpers import at_district_desk, city_server, free_port, make_platform
from api.tests.open311_helpers import issue_key
from cases import transitions as t
from cases.models import Case, Channel, Outcome, Status

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """A signed-in user talking to a live server over HTTP (session cookie, CSRF token)."""

    def __init__(self, base: str, session_key: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.session_key = session_key

    def _request(self, path: str, data: dict[str, str] | None = None) -> str:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_key}"}
        csrf = next((cookie.value for cookie in self.jar if cookie.name == settings.CSRF_COOKIE_NAME), None)
        if csrf:
            headers["Cookie"] += f"; {settings.CSRF_COOKIE_NAME}={csrf}"
            headers["Referer"] = self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return str(response.read().decode())
        except urllib.error.HTTPError as error:  # show the page's errors in the failure
            raise AssertionError(re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]+)', error.read().decode())) \
                from error

    def get(self, path: str) -> str:
        return self._request(path)

    def post_form(self, path: str, page: str, fields: dict[str, str]) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        return self._request(path, {"csrfmiddlewaretoken": token.group(1), **fields})


def signed_in(client, live_server, user) -> Browser:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return Browser(live_server.url, client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_a_case_goes_to_the_city_platform_and_comes_back_for_verification(cast, cc, client, live_server, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    port = free_port()
    key = issue_key(cast.superuser, name="区网格化平台")  # the key the city issued to the district
    desk = make_platform(cc, f"http://127.0.0.1:{port}/open311/v2/", api_key=key)
    case = at_district_desk(cc, desk, reporter_name="张三", reporter_phone="13812345678")

    # The district dispatcher dispatches the case to the platform's unit on Wangge's case page.
    browser = signed_in(client, live_server, desk.district_dispatcher)
    page = browser.get(f"/cases/{case.number}/")
    browser.post_form(f"/cases/{case.number}/do/dispatch/", page, {
        "dispatch-lead": str(desk.platform.organisation_id), "dispatch-comment": "超出区级职权，上报市平台。",
    })

    # The city platform is down: the attempt failed, is kept and will be retried.
    handoff = UpstreamHandoff.objects.get(case=case)
    assert handoff.state == HandoffState.PENDING and handoff.attempts == 1
    assert "Connection refused" in handoff.last_error
    assert handoff.next_attempt_at is not None
    panel = browser.get(f"/cases/{case.number}/")
    assert 'id="city-handoff"' in panel and "Connection refused" in panel and "待发送" in panel
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED

    # A pass before the retry is due sends nothing.
    assert run_handoff_pass().sent == 0

    city = city_server(port)
    city.start()
    try:
        later = handoff.next_attempt_at + datetime.timedelta(seconds=1)
        assert run_handoff_pass(now=later).sent == 1
        assert run_handoff_pass(now=later + datetime.timedelta(minutes=1)).sent == 0  # sent exactly once

        handoff.refresh_from_db()
        assert handoff.state == HandoffState.SENT and handoff.attempts == 2 and handoff.last_error == ""
        submission = Open311Submission.objects.get()
        upstream = submission.case
        assert upstream.pk != case.pk and upstream.number == handoff.service_request_id
        assert submission.token == handoff.token and submission.device_id == f"wangge-{case.number}"
        assert upstream.channel == Channel.OPEN311 and upstream.category.code == "t-building"  # the code table
        assert upstream.description == case.description
        assert abs(upstream.latitude - 34.72) < 1e-6 and abs(upstream.longitude - 113.51) < 1e-6
        assert upstream.reporter_phone == "" and upstream.reporter_name == ""  # nothing about the reporter
        assert Case.objects.filter(channel=Channel.OPEN311).count() == 1
        wangge = Case.objects.get(pk=case.pk)
        assert wangge.status == Status.HANDLING  # signed for the platform by its service account
        assert wangge.events.filter(verb="sign", actor=desk.service_user).count() == 1

        # The city works its case; its public steps come back as updates, once each.
        upstream = t.case_accept(case=upstream, actor=cc.dispatcher)
        upstream = t.case_dispatch(case=upstream, actor=cc.dispatcher, lead=cc.enforcement,
                                   reply="已交执法中队处理。")
        later += datetime.timedelta(minutes=5)
        first = run_handoff_pass(now=later)
        assert first.updates == 2 and first.closed == 0  # 已受理, 已派单 (提交反映 came with the send)
        assert run_handoff_pass(now=later + datetime.timedelta(minutes=1)).updates == 0
        notes = list(Case.objects.get(pk=case.pk).events.filter(verb=UPDATE_VERB).order_by("pk")
                     .values_list("comment", flat=True))
        assert len(notes) == 3 == UpstreamUpdate.objects.filter(handoff=handoff).count()
        assert notes[0] == "提交反映" and "已交执法中队处理" in notes[2]

        upstream = t.case_sign(case=upstream, actor=cc.enforcement_handler)
        upstream = t.case_feedback(case=upstream, actor=cc.enforcement_handler, comment="已拆除。",
                                   reply="违章搭建已拆除。")
        upstream = t.case_verify(case=upstream, actor=cast.grid_worker_a, passed=True, comment="已核实。")
        t.case_close(case=upstream, actor=cc.dispatcher, outcome=Outcome.RESOLVED, note="已结案。",
                     reply="违章搭建已拆除，感谢反映。")
        later += datetime.timedelta(minutes=5)
        closing = run_handoff_pass(now=later)
        assert closing.closed == 1 and closing.updates >= 1
        assert run_handoff_pass(now=later + datetime.timedelta(minutes=1)).closed == 0
    finally:
        city.stop()

    wangge = Case.objects.get(pk=case.pk)
    assert wangge.status == Status.PENDING_VERIFY  # on to verification, like any unit's feedback
    feedback = wangge.events.get(verb="feedback")
    assert feedback.actor == desk.service_user and "违章搭建已拆除，感谢反映。" in feedback.comment
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.CLOSED and handoff.upstream_status == "closed"
    assert UpstreamUpdate.objects.filter(handoff=handoff).count() == wangge.events.filter(verb=UPDATE_VERB).count()
    assert wangge.events.filter(verb=UPDATE_VERB).count() == len(set(
        UpstreamUpdate.objects.filter(handoff=handoff).values_list("update_id", flat=True)))

    panel = browser.get(f"/cases/{case.number}/")
    assert "已办结" in panel and handoff.service_request_id in panel and "违章搭建已拆除，感谢反映。" in panel
    assert "市平台进展" in panel
