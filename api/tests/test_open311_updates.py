"""mySociety's servicerequestupdates.{json,xml}: the public timeline entries as updates."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.tests.open311_helpers import BASE, as_json, as_xml, children, json_errors
from cases import transitions as t
from cases.models import CaseEvent, Outcome, Status
from cases.testing import advance, report, tiny_photo

pytestmark = pytest.mark.django_db

UPDATE_FIELDS = ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"]


def _case(cc):  # type: ignore[no-untyped-def]
    return report(cc, reporter_name="王先生", reporter_phone="13912345678", longitude=113.51, latitude=34.72)


def test_the_public_timeline_as_updates(cc, client: Client) -> None:
    case = _case(cc)
    t.case_accept(case=case, actor=cc.dispatcher, comment="内部备注：这家人常投诉", reply="已受理。")
    t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, assists=[])
    t.case_sign(case=case, actor=cc.property_handler)
    t.case_feedback(case=case, actor=cc.property_handler, comment="已清理。", after_photos=[tiny_photo()])
    t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True, comment="现场已清理。")
    t.case_close(
        case=case, actor=cc.dispatcher, outcome=Outcome.RESOLVED, note="内部：结案", reply="问题已解决，谢谢。"
    )
    response = client.get(f"{BASE}/servicerequestupdates.json")
    rows = as_json(response)
    public = list(CaseEvent.objects.filter(case=case, public=True).order_by("time", "pk"))
    assert response.status_code == 200 and [row["update_id"] for row in rows] == [str(event.pk) for event in public]
    assert all(list(row) == UPDATE_FIELDS for row in rows)
    assert all(row["service_request_id"] == case.number for row in rows)
    by_verb = {event.verb: row for event, row in zip(public, rows, strict=True)}
    assert by_verb["report"]["status"] == "open"
    assert by_verb["accept"]["status"] == "investigating" and by_verb["accept"]["description"].endswith("已受理。")
    assert by_verb["dispatch"]["status"] == "action_scheduled" and "百花物业" in by_verb["dispatch"]["description"]
    assert by_verb["close"]["status"] == "fixed" and "问题已解决，谢谢。" in by_verb["close"]["description"]
    text = response.content.decode()
    assert "内部" not in text and "王先生" not in text and "13912345678" not in text
    assert by_verb["report"]["updated_datetime"].endswith("+08:00")


def test_updates_in_xml(cc, client: Client) -> None:
    case = _case(cc)
    t.case_reject(case=case, actor=cc.dispatcher, reason="不属于受理范围。")
    root = as_xml(client.get(f"{BASE}/servicerequestupdates.xml?extensions=true"))
    assert root.tag == "service_request_updates" and set(children(root)) == {"request_update"}
    assert children(root[0]) == [*UPDATE_FIELDS, "extended_attributes"]
    assert root[-1].findtext("status") == "not_councils_responsibility"
    assert root[-1].findtext("extended_attributes/wangge_status") == Status.REJECTED
    assert root[-1].findtext("extended_attributes/open311_status") == "closed"


def test_the_window_and_its_errors(cc, client: Client) -> None:
    case = _case(cc)
    t.case_accept(case=case, actor=cc.dispatcher, now=timezone.now() + datetime.timedelta(minutes=1))
    later = (timezone.now() + datetime.timedelta(seconds=30)).isoformat()
    rows = as_json(client.get(f"{BASE}/servicerequestupdates.json", {"start_date": later}))
    assert [row["status"] for row in rows] == ["investigating"]
    response = client.get(f"{BASE}/servicerequestupdates.json?start_date=soon")
    assert response.status_code == 400 and json_errors(response)[0]["description"].startswith("start_date:")


def test_updates_of_internal_categories_are_not_shown(cc, client: Client) -> None:
    report(cc, category="t-dispute")
    assert as_json(client.get(f"{BASE}/servicerequestupdates.json")) == []


def test_a_photo_of_an_update_is_its_media_url(cc, client: Client) -> None:
    case = report(cc, photos=[tiny_photo()])
    [row] = as_json(client.get(f"{BASE}/servicerequestupdates.json"))
    assert row["media_url"].startswith("http://testserver/open311/v2/media/")
    assert client.get(row["media_url"]).status_code == 200
    assert case.attachments.count() == 1


def test_the_updates_cost_the_same_queries_whatever_their_number(
    cc,
    client: Client,  # type: ignore[no-untyped-def]
    django_assert_num_queries,
) -> None:
    for _n in range(6):
        advance(_case(cc), Status.HANDLING, cc)
    with django_assert_num_queries(1):
        assert len(as_json(client.get(f"{BASE}/servicerequestupdates.json?page_size=3"))) == 3
    with django_assert_num_queries(1):
        assert len(as_json(client.get(f"{BASE}/servicerequestupdates.json?page_size=20"))) == 20
