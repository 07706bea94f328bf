"""GET requests.{json,xml} and requests/{id}: the public feed, as the anonymous tracking page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.open311.states import detailed_state, open311_status
from api.tests.open311_helpers import BASE, as_json, as_xml, children, found, json_errors, xml_errors
from cases import transitions as t
from cases.models import Case, Status
from cases.testing import advance, report, tiny_photo
from cases.workflow import REPORTER

pytestmark = pytest.mark.django_db

FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "lat",
    "long",
    "media_url",
]
EXPECTED_STATUS: dict[str, tuple[str, str]] = {
    Status.REPORTED: ("open", "open"),
    Status.PENDING_DISPATCH: ("open", "investigating"),
    Status.DISPATCHED: ("open", "action_scheduled"),
    Status.HANDLING: ("open", "in_progress"),
    Status.ON_HOLD: ("open", "in_progress"),
    Status.PENDING_VERIFY: ("open", "in_progress"),
    Status.VERIFIED: ("open", "fixed"),
    Status.CLOSED: ("closed", "fixed"),
    Status.REJECTED: ("closed", "not_councils_responsibility"),
    Status.CANCELLED: ("closed", "closed"),
    Status.MERGED: ("closed", "duplicate"),
    Status.SPLIT: ("closed", "closed"),
}


def _public_case(cc, **extra):  # type: ignore[no-untyped-def]
    values = {"reporter_name": "王先生", "reporter_phone": "13912345678", "longitude": 113.51, "latitude": 34.72}
    values.update(extra)
    return report(cc, **values)


def test_the_table_covers_every_wangge_status() -> None:
    assert set(EXPECTED_STATUS) == set(Status)


@pytest.mark.parametrize("status", list(Status))
def test_each_state_is_mapped(cc, client: Client, status: str) -> None:
    case = advance(_public_case(cc), status, cc)
    case.refresh_from_db()
    [row] = as_json(client.get(f"{BASE}/requests/{case.number}.json?extensions=true"))
    assert row["status"] == EXPECTED_STATUS[status][0] == open311_status(status)
    extended = row["extended_attributes"]
    assert extended["wangge_status"] == status and extended["detailed_status"] == EXPECTED_STATUS[status][1]
    assert extended["wangge_status_name"] == str(Status(status).label)
    assert detailed_state(status, case.outcome) == EXPECTED_STATUS[status][1]


def test_a_request_in_json_has_the_specs_fields_and_nothing_personal(cc, client: Client) -> None:
    case = advance(_public_case(cc), Status.DISPATCHED, cc)
    case.refresh_from_db()
    response = client.get(f"{BASE}/requests/{case.number}.json")
    [row] = as_json(response)
    assert response.status_code == 200 and list(row) == FIELDS
    assert row["service_request_id"] == case.number and row["service_code"] == "t-clutter"
    assert row["service_name"] == "楼道堆物" and row["status"] == "open"
    assert row["agency_responsible"] == "百花物业"  # the lead unit
    assert row["expected_datetime"] == timezone.localtime(case.handle_due_at).replace(microsecond=0).isoformat()
    assert row["requested_datetime"].endswith("+08:00") and row["lat"] == 34.72 and row["long"] == 113.51
    assert row["address"] == "百花小区3号楼2单元" and row["media_url"] is None
    text = response.content.decode()
    assert "王先生" not in text and "13912345678" not in text and case.tracking_code not in text


def test_a_request_in_xml_uses_the_specs_element_names(cc, client: Client) -> None:
    case = _public_case(cc)
    root = as_xml(client.get(f"{BASE}/requests/{case.number}.xml?extensions=true"))
    assert root.tag == "service_requests" and children(root) == ["request"]
    assert children(root[0]) == [*FIELDS, "extended_attributes"]
    assert root[0].findtext("status") == "open" and root[0].findtext("extended_attributes/wangge_status") == "reported"
    assert root[0].find("status_notes") is not None and root[0].findtext("status_notes") == ""


def test_status_notes_are_the_public_reply_never_the_internal_note(cc, client: Client) -> None:
    case = _public_case(cc)
    t.case_accept(
        case=case, actor=cc.dispatcher, comment="内部：请物业尽快处理，别告诉反映人", reply="已受理，将尽快处理。"
    )
    [row] = as_json(client.get(f"{BASE}/requests/{case.number}.json"))
    assert row["status_notes"] == "已受理，将尽快处理。"
    assert "内部" not in str(as_json(client.get(f"{BASE}/requests.json")))


def test_media_url_is_a_public_photo_that_anyone_can_open(cc, client: Client) -> None:
    case = _public_case(cc, photos=[tiny_photo()])
    [row] = as_json(client.get(f"{BASE}/requests/{case.number}.json"))
    assert row["media_url"].startswith("http://testserver/open311/v2/media/")
    photo = client.get(row["media_url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    case.attachments.update(public=False)  # what the tracking page would not show
    [row] = as_json(client.get(f"{BASE}/requests/{case.number}.json"))
    assert row["media_url"] is None
    assert client.get(photo.wsgi_request.path).status_code == 404


def test_cases_of_internal_categories_are_not_in_the_feed(cc, client: Client) -> None:
    dispute = report(cc, category="t-dispute")
    response = client.get(f"{BASE}/requests/{dispute.number}.xml")
    assert response.status_code == 404 and xml_errors(response)[0][0] == "404"
    assert as_json(client.get(f"{BASE}/requests.json")) == []


def test_the_list_filters_by_status_code_ids_and_dates(cc, client: Client) -> None:
    now = timezone.now()
    old = _public_case(cc, now=now - datetime.timedelta(days=120))
    recent = _public_case(cc)
    closed = advance(_public_case(cc, category="t-building"), Status.CLOSED, cc)
    numbers = lambda url: [row["service_request_id"] for row in as_json(client.get(url))]  # noqa: E731
    assert numbers(f"{BASE}/requests.json") == [closed.number, recent.number]  # last 90 days, newest first
    assert numbers(f"{BASE}/requests.json?status=open") == [recent.number]
    assert numbers(f"{BASE}/requests.json?status=closed") == [closed.number]
    assert numbers(f"{BASE}/requests.json?service_code=t-building,t-fire-exit") == [closed.number]
    start = (now - datetime.timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - datetime.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(f"{BASE}/requests.json?start_date={start}&end_date={end}") == [old.number]
    # service_request_id overrides every other argument
    assert numbers(f"{BASE}/requests.json?service_request_id={old.number},{recent.number}&status=closed") == [
        recent.number,
        old.number,
    ]


def test_pages_with_page_and_page_size(cc, client: Client) -> None:
    cases = [_public_case(cc) for _n in range(5)]
    newest_first = [case.number for case in reversed(cases)]
    first = as_json(client.get(f"{BASE}/requests.json?page_size=2"))
    third = as_json(client.get(f"{BASE}/requests.xml?page_size=2&page=3".replace(".xml", ".json")))
    assert [row["service_request_id"] for row in first] == newest_first[:2]
    assert [row["service_request_id"] for row in third] == newest_first[4:]


@pytest.mark.parametrize(
    "query, name",
    [
        ("start_date=yesterday", "start_date"),
        ("end_date=2026-13-45T00:00:00Z", "end_date"),
        ("start_date=1800-01-01T00:00:00Z", "start_date"),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z", "end_date"),
        ("start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", "end_date"),
        ("status=pending", "status"),
        ("page=0", "page"),
        ("page_size=5000", "page_size"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_parameters_are_a_400_naming_them(cc, client: Client, query: str, name: str, fmt: str) -> None:
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    if fmt == "json":
        assert json_errors(response)[0]["description"].startswith(f"{name}:")
    else:
        assert xml_errors(response)[0][1].startswith(f"{name}:")


def test_an_unknown_request_is_the_specs_404(cc, client: Client) -> None:
    response = client.get(f"{BASE}/requests/20260101999999.json")
    assert response.status_code == 404 and json_errors(response)[0]["code"] == 404


def test_the_list_costs_the_same_queries_whatever_its_size(cc, client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(12):
        case = _public_case(cc, photos=[tiny_photo()] if n % 2 else ())
        if n % 3 == 0:
            advance(case, Status.DISPATCHED, cc)
    with django_assert_num_queries(1):
        small = as_json(client.get(f"{BASE}/requests.json?page_size=2&extensions=true"))
    with django_assert_num_queries(1):
        large = as_json(client.get(f"{BASE}/requests.json?page_size=12&extensions=true"))
    assert len(small) == 2 and len(large) == 12


def test_a_cancelled_report_reads_closed_with_the_reporters_words(cc, client: Client) -> None:
    case = _public_case(cc)
    t.case_cancel(case=case, actor=REPORTER, reason="已自行解决。")
    [row] = as_json(client.get(f"{BASE}/requests/{case.number}.json"))
    assert row["status"] == "closed" and Case.objects.get(pk=case.pk).status == Status.CANCELLED


def test_characters_xml_cannot_carry_are_left_out(cc, client: Client) -> None:
    case = _public_case(cc, description="楼道\x0b堆物\x1f。")
    root = as_xml(client.get(f"{BASE}/requests/{case.number}.xml"))
    assert found(root, "request").findtext("description") == "楼道堆物。"
    assert as_json(client.get(f"{BASE}/requests/{case.number}.json"))[0]["description"] == "楼道\x0b堆物\x1f。"
