"""The hand-off's rules without a second server (the client is replaced): which dispatch is a
hand-off, retries and giving up, 立即重试, one attempt at a time, closing, the panel and the admin.
The real HTTP path is ``test_handoff_end_to_end.py``."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, OrganisationMember
from accounts.testing import make_user
from api.handoff import client, operations
from api.handoff.client import Created, RequestState, UpstreamError
from api.handoff.operations import MAX_ATTEMPTS, attempt_send, hand_off, retry_now, run_handoff_pass
from api.models import HandoffState, UpstreamCategoryCode, UpstreamHandoff, UpstreamPlatform
from api.tests.handoff_helpers import at_district_desk, make_platform
from cases import transitions as t
from cases.followup import case_decide_cancel, case_request_cancel
from cases.models import Case, Status
from cases.testing import report
from cases.transitions import REPORTER, ActionRefused

pytestmark = pytest.mark.django_db

URL = "http://city.invalid/open311/v2/"


@pytest.fixture
def desk(cc):  # type: ignore[no-untyped-def]
    return make_platform(cc, URL, api_key="o311_secret")


@pytest.fixture
def upstream(monkeypatch):  # type: ignore[no-untyped-def]
    """A fake platform: records the POSTs, answers with ids, serves a status and updates."""

    class Fake:
        posts: list[dict[str, str]] = []
        down = False
        status = RequestState("open", "", "")
        updates: list[dict[str, Any]] = []

        def post(self, platform: Any, fields: dict[str, str]) -> Created:
            if self.down:
                raise UpstreamError("URLError: [Errno 111] Connection refused")
            self.posts.append(fields)
            return Created(f"C{len(self.posts)}", f"tok{len(self.posts)}")

    fake = Fake()
    fake.posts, fake.updates = [], []
    monkeypatch.setattr(client, "post_request", fake.post)
    monkeypatch.setattr(client, "get_request", lambda platform, request_id: fake.status)
    monkeypatch.setattr(client, "get_updates", lambda platform, start, end, page, size: fake.updates)
    return fake


def dispatch(case: Case, desk: Any, lead: Any = None) -> Case:
    return t.case_dispatch(case=case, actor=desk.district_dispatcher, lead=lead or desk.platform.organisation,
                           comment="上报市平台。")


def test_a_dispatch_to_the_platforms_unit_is_handed_off_once(cc, desk, upstream, django_capture_on_commit_callbacks):
    case = at_district_desk(cc, desk)
    with django_capture_on_commit_callbacks(execute=True):  # announced: the listener writes the hand-off
        dispatch(case, desk)
    handoff = UpstreamHandoff.objects.get(case=case)
    assert handoff.platform == desk.platform and handoff.state == HandoffState.SENT
    assert handoff.service_request_id == "C1" and handoff.token == "tok1"
    assert upstream.posts == [{"service_code": "t-building", "description": case.description,
                               "address_string": case.address, "device_id": f"wangge-{case.number}",
                               "lat": "34.720000", "long": "113.510000"}]
    assert Case.objects.get(pk=case.pk).status == Status.HANDLING
    operations.record_handoff(handoff.dispatch_event)  # the listener again: nothing new
    assert UpstreamHandoff.objects.count() == 1 and len(upstream.posts) == 1


def test_other_dispatches_are_not_handed_off(cc, desk, upstream, django_capture_on_commit_callbacks):
    case = at_district_desk(cc, desk)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(case, desk, lead=cc.enforcement)
    assert not UpstreamHandoff.objects.exists() and upstream.posts == []


def test_hand_off_writes_the_row_with_the_dispatch(cc, desk, upstream, django_capture_on_commit_callbacks):
    case = at_district_desk(cc, desk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        handoff = hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    assert handoff.state == HandoffState.PENDING and handoff.dispatch_event.verb == "dispatch"
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED
    assert upstream.posts == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert UpstreamHandoff.objects.get().state == HandoffState.SENT and len(upstream.posts) == 1


def test_hand_off_only_from_the_district_desk(cc, desk, upstream):
    case = report(cc)
    case = t.case_accept(case=case, actor=cc.community_staff)
    case = t.case_escalate(case=case, actor=cc.community_staff, reason="需要上级协调。")
    with pytest.raises(ActionRefused):
        hand_off(case=case, actor=cc.dispatcher, platform=desk.platform, reason="超出职权。")
    with pytest.raises(ValidationError) as error:
        hand_off(case=case, actor=cc.dispatcher, platform=desk.platform, reason=" ")
    assert "reason" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).status == Status.PENDING_DISPATCH
    assert not UpstreamHandoff.objects.exists()


def test_failures_back_off_then_fail_and_retry_now_starts_again(cc, desk, upstream):
    case = at_district_desk(cc, desk)
    UpstreamCategoryCode.objects.all().delete()  # no code for the category: a clear error
    handoff = hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    now = timezone.now()
    assert attempt_send(handoff.pk, now) == HandoffState.PENDING
    handoff.refresh_from_db()
    assert handoff.attempts == 1 and handoff.next_attempt_at == now + datetime.timedelta(minutes=1)
    assert handoff.last_error == "no service_code for category t-clutter in the code table"
    assert attempt_send(handoff.pk, now) == HandoffState.PENDING  # not due yet: no attempt
    assert UpstreamHandoff.objects.get().attempts == 1
    for _attempt in range(MAX_ATTEMPTS - 1):
        handoff.refresh_from_db()
        run_handoff_pass(now=handoff.next_attempt_at)
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.FAILED and handoff.attempts == MAX_ATTEMPTS
    assert handoff.next_attempt_at is None
    assert sum(operations.RETRY_DELAYS, datetime.timedelta()) > datetime.timedelta(days=4)  # a day down is nothing

    UpstreamCategoryCode.objects.create(platform=desk.platform, category=case.category, service_code="t-building")
    assert retry_now(handoff) is True
    assert run_handoff_pass().sent == 1
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.SENT and handoff.attempts == 1 and handoff.last_error == ""
    assert retry_now(handoff) is False  # sent: nothing to retry


def test_a_down_platform_is_retried_and_the_request_sent_once(cc, desk, upstream):
    case = at_district_desk(cc, desk)
    upstream.down = True
    handoff = hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    now = timezone.now()
    for hours in range(0, 24, 2):  # down for a day
        run_handoff_pass(now=now + datetime.timedelta(hours=hours))
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.PENDING and "Connection refused" in handoff.last_error
    upstream.down = False
    run_handoff_pass(now=now + datetime.timedelta(days=2))
    run_handoff_pass(now=now + datetime.timedelta(days=3))
    assert len(upstream.posts) == 1 and UpstreamHandoff.objects.get().state == HandoffState.SENT


def test_an_attempt_in_flight_is_not_taken_by_a_second_worker(cc, desk, upstream, monkeypatch):
    case = at_district_desk(cc, desk)
    handoff = hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    seen: list[str] = []
    original = client.post_request

    def slow_post(platform: Any, fields: dict[str, str]) -> Created:
        seen.append(attempt_send(handoff.pk))  # a second worker while the first is sending
        seen.append(str(run_handoff_pass().sent))
        seen.append(str(retry_now(handoff)))
        return original(platform, fields)

    monkeypatch.setattr(client, "post_request", slow_post)
    assert attempt_send(handoff.pk) == HandoffState.SENT
    assert seen == [HandoffState.PENDING, "0", "False"] and len(upstream.posts) == 1


def test_a_closed_request_feeds_the_case_back_once(cc, desk, upstream):
    case = at_district_desk(cc, desk)
    handoff = hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    run_handoff_pass()
    upstream.updates = [
        {"update_id": "7", "service_request_id": "C1", "status": "investigating", "description": "已受理"},
        {"update_id": "8", "service_request_id": "C1", "status": "fixed", "description": "已办结"},
        {"update_id": "9", "service_request_id": "OTHER", "status": "fixed", "description": "别的请求"},
    ]
    case = Case.objects.get(pk=case.pk)
    t.case_hold(case=case, actor=desk.district_dispatcher, reason="等待市平台。")
    upstream.status = RequestState("closed", "已拆除。", "")
    report_ = run_handoff_pass()
    assert report_.updates == 2 and report_.closed == 0  # on hold: no feedback yet
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.SENT and handoff.last_error.startswith("feedback:")
    t.case_resume(case=Case.objects.get(pk=case.pk), actor=desk.district_dispatcher)
    assert run_handoff_pass().closed == 1
    assert run_handoff_pass().closed == 0
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.PENDING_VERIFY
    assert list(case.events.filter(verb="upstream_update").values_list("comment", flat=True)) == ["已受理", "已办结"]
    assert case.events.get(verb="feedback").comment == "市平台已办结：已拆除。"
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.CLOSED and handoff.upstream_notes == "已拆除。"


def test_the_case_page_shows_the_panel_to_those_who_see_the_case(cc, desk, upstream, client):
    case = at_district_desk(cc, desk)
    upstream.down = True
    hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    run_handoff_pass()
    url = reverse("cases:case", args=[case.number])
    client.force_login(desk.district_dispatcher)
    page = client.get(url).content.decode()
    assert 'id="city-handoff"' in page and "市平台" in page and "Connection refused" in page
    client.force_login(cc.other_street_dispatcher)
    assert client.get(url).status_code == 404
    other = report(cc)
    client.force_login(cc.dispatcher)
    assert 'id="city-handoff"' not in client.get(reverse("cases:case", args=[other.number])).content.decode()


def test_the_admin_list_and_retry_are_for_superusers(cast, cc, desk, upstream, client):
    case = at_district_desk(cc, desk)
    upstream.down = True
    handoff = hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    for _attempt in range(MAX_ATTEMPTS):
        UpstreamHandoff.objects.filter(pk=handoff.pk).update(next_attempt_at=None, last_attempt_at=None)
        attempt_send(handoff.pk)
    assert UpstreamHandoff.objects.get().state == HandoffState.FAILED
    listing = reverse("admin:api_upstreamhandoff_changelist")
    client.force_login(cast.district_admin)
    assert client.get(listing).status_code == 403
    client.force_login(cast.superuser)
    page = client.get(listing).content.decode()
    assert case.number in page and "Connection refused" in page
    upstream.down = False
    response = client.post(listing, {"action": "retry", "_selected_action": [str(handoff.pk)]})
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.PENDING and handoff.attempts == 0
    run_handoff_pass()
    assert UpstreamHandoff.objects.get().state == HandoffState.SENT


def test_superusers_configure_a_platform_in_the_admin(cast, cc, client):
    unit = Organisation.objects.create(name="市平台单位", kind=OrganisationKind.OTHER, home_area=cast.district)
    member = make_user("city_member", "department_handler", cast.district)
    OrganisationMember.objects.create(organisation=unit, user=member)
    add = reverse("admin:api_upstreamplatform_add")
    form = {
        "name": "市平台", "base_url": "https://city.example.cn/open311/v2/", "new_api_key": "o311_abc_secret",
        "jurisdiction_id": "city.example.cn", "organisation": str(unit.pk), "service_user": str(cc.dispatcher.pk),
        "is_active": "on", "codes-TOTAL_FORMS": "1", "codes-INITIAL_FORMS": "0", "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "1000", "codes-0-category": str(cc.category("t-clutter").pk),
        "codes-0-service_code": "street-clutter",
    }
    client.force_login(cast.district_admin)
    assert client.get(add).status_code == 403
    client.force_login(cast.superuser)
    response = client.post(add, form)
    assert response.status_code == 200 and "代办账号必须是对应单位的成员。" in response.content.decode()
    assert not UpstreamPlatform.objects.exists()
    response = client.post(add, {**form, "service_user": str(member.pk)})
    assert response.status_code == 302
    platform = UpstreamPlatform.objects.get()
    assert platform.api_key == "o311_abc_secret" and platform.codes.get().service_code == "street-clutter"
    change = reverse("admin:api_upstreamplatform_change", args=[platform.pk])
    page = client.get(change).content.decode()
    assert "o311_abc_secret" not in page  # the key is write-only
    code = platform.codes.get()
    response = client.post(change, {**form, "service_user": str(member.pk), "new_api_key": "", "name": "市平台二",
                                    "codes-INITIAL_FORMS": "1", "codes-0-id": str(code.pk),
                                    "codes-0-platform": str(platform.pk)})
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.name == "市平台二" and platform.api_key == "o311_abc_secret"  # kept when left empty


def test_a_disabled_platform_waits_and_a_cancelled_case_is_not_sent(cc, desk, upstream):
    case = at_district_desk(cc, desk)
    handoff = hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    desk.platform.is_active = False
    desk.platform.save()
    assert run_handoff_pass().sent == 0 and attempt_send(handoff.pk) == HandoffState.PENDING
    handoff.refresh_from_db()
    assert handoff.attempts == 0 and upstream.posts == []  # waiting uses up no attempt
    case = case_request_cancel(case=Case.objects.get(pk=case.pk), actor=REPORTER, reason="已自行解决。")
    case_decide_cancel(case=case, actor=desk.district_dispatcher, approve=True)
    desk.platform.is_active = True
    desk.platform.save()
    run_handoff_pass()
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.CLOSED and handoff.last_error == "not sent: the case is cancelled"
    assert upstream.posts == []
