"""POST requests.{json,xml}: an Open311 request becomes a case as a 随手拍 report does."""

from __future__ import annotations

import io

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from PIL import Image

from api.models import Open311Key, Open311Submission
from api.open311.keys import key_revoke
from api.tests.open311_helpers import BASE, as_json, as_xml, children, issue_key, json_errors, xml_errors
from cases.models import AttachmentKind, AttributeKind, Case, CategoryAttribute, Channel, HandlingLevel, Status
from cases.tests.intake_files import GRID_A_POINT, NOWHERE_POINT, jpeg_bytes, jpeg_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    caches["default"].clear()


@pytest.fixture
def key(cc) -> str:  # type: ignore[no-untyped-def]
    return issue_key(cc.cast.superuser)


def _data(key: str, point=GRID_A_POINT, **extra):  # type: ignore[no-untyped-def]
    data = {
        "api_key": key,
        "service_code": "t-clutter",
        "description": "5号楼楼道里堆了很多纸箱。",
        "address_string": "5号楼1单元",
        "first_name": "先生",
        "last_name": "王",
        "phone": "13912345678",
        "device_id": "device-1",
        "account_id": "acct-9",
        "email": "wang@example.org",
    }
    if point is not None:
        data["long"], data["lat"] = str(point[0]), str(point[1])
    data.update(extra)
    return data


def test_it_makes_a_case_as_the_public_report_does(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.json", _data(key), REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 200
    [row] = as_json(response)
    case = Case.objects.get()
    assert set(row) == {"service_request_id", "token", "service_notice", "account_id"}
    assert row["service_request_id"] == case.number and row["account_id"] == "acct-9"
    assert case.channel == Channel.OPEN311 and case.status == Status.REPORTED and case.reporter is None
    assert case.grid == cc.cast.grid_a and case.level == HandlingLevel.GRID and case.accept_due_at
    assert case.reporter_name == "王 先生" and case.reporter_phone == "13912345678" and not case.anonymous
    assert case.address == "5号楼1单元" and case.source_key
    submission = Open311Submission.objects.get(case=case)
    assert submission.key == Open311Key.objects.get() and submission.token == row["token"]
    assert submission.device_id == "device-1" and submission.account_id == "acct-9"
    assert case.events.get().verb == "report"
    assert Open311Key.objects.get().last_used_from == "198.51.100.20"


def test_it_answers_in_xml_with_the_specs_elements(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.xml", _data(key))
    root = as_xml(response)
    assert response.status_code == 200 and root.tag == "service_requests" and children(root) == ["request"]
    assert children(root[0]) == ["service_request_id", "token", "service_notice", "account_id"]
    assert root[0].findtext("service_request_id") == Case.objects.get().number


def test_without_a_phone_the_report_is_anonymous(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.json", _data(key, phone="", account_id=""))
    case = Case.objects.get()
    assert response.status_code == 200 and as_json(response)[0]["account_id"] is None
    assert case.anonymous and case.reporter_name == "" and case.reporter_phone == ""


def test_multipart_media_is_stored_without_exif(cc, key, client: Client) -> None:
    assert Image.open(io.BytesIO(jpeg_bytes())).getexif()  # the upload carries EXIF and GPS
    response = client.post(f"{BASE}/requests.json", _data(key, point=None, media=jpeg_upload("scene.jpg")))
    assert response.status_code == 200, response.content
    case = Case.objects.get()
    assert case.grid == cc.cast.grid_a  # placed by the photo's GPS position, as on the page
    attachment = case.attachments.get()
    assert attachment.kind == AttachmentKind.REPORT and attachment.public
    with attachment.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert image.format == "JPEG" and len(image.getexif()) == 0 and "comment" not in image.info


def test_attributes_are_answered_with_attribute_code(cc, key, client: Client) -> None:
    response = client.post(
        f"{BASE}/requests.json", _data(key, service_code="t-building", **{"attribute[area]": "12.5"})
    )
    assert response.status_code == 200
    assert Case.objects.get().attributes == {"area": 12.5}


def test_a_bad_attribute_is_a_400_naming_it(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.json", _data(key, service_code="t-building", **{"attribute[area]": "x"}))
    assert response.status_code == 400 and not Case.objects.exists()
    assert any(row["description"].startswith("attribute[area]:") for row in json_errors(response))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_an_api_key_it_is_a_403(cc, client: Client, fmt: str) -> None:
    response = client.post(f"{BASE}/requests.{fmt}", _data(""))
    assert response.status_code == 403 and not Case.objects.exists()
    problems = json_errors(response) if fmt == "json" else xml_errors(response)
    assert "api_key" in str(problems)


def test_a_revoked_key_is_a_403(cc, key, client: Client) -> None:
    key_revoke(key=Open311Key.objects.get(), actor=cc.cast.superuser)
    response = client.post(f"{BASE}/requests.json", _data(key))
    assert response.status_code == 403 and json_errors(response)[0]["code"] == 403
    assert not Case.objects.exists()


def test_a_wrong_secret_with_a_real_prefix_is_a_403(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.json", _data(key[:-4] + "AAAA"))
    assert response.status_code == 403 and not Case.objects.exists()


@override_settings(OPEN311_JURISDICTION_ID="zz.example.gov.cn")
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_another_jurisdiction_is_a_404(cc, key, client: Client, fmt: str) -> None:
    response = client.post(f"{BASE}/requests.{fmt}", _data(key, jurisdiction_id="other.gov.cn"))
    assert response.status_code == 404 and not Case.objects.exists()
    problems = json_errors(response) if fmt == "json" else xml_errors(response)
    assert "jurisdiction_id" in str(problems)
    assert client.post(f"{BASE}/requests.json", _data(key, jurisdiction_id="zz.example.gov.cn")).status_code == 200


def test_an_unknown_or_internal_service_is_a_404(cc, key, client: Client) -> None:
    for code in ("nope", "t-dispute"):
        response = client.post(f"{BASE}/requests.json", _data(key, service_code=code))
        assert response.status_code == 404 and "service_code" in json_errors(response)[0]["description"]
    response = client.post(f"{BASE}/requests.json", _data(key, service_code=""))
    assert response.status_code == 400 and "service_code" in json_errors(response)[0]["description"]
    assert not Case.objects.exists()


def test_an_address_string_alone_cannot_be_placed(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.xml", _data(key, point=None))
    assert response.status_code == 400 and not Case.objects.exists()
    assert any(description.startswith("lat:") for _code, description in xml_errors(response))


def test_a_point_outside_every_grid_is_a_400_naming_lat(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.json", _data(key, point=NOWHERE_POINT))
    assert response.status_code == 400 and json_errors(response)[0]["description"].startswith("lat:")


def test_several_bad_parameters_are_each_named(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.json", _data(key, description="", phone="123", lat="north"))
    named = {row["description"].split(":")[0] for row in json_errors(response)}
    assert response.status_code == 400 and {"description", "phone", "lat"} <= named


def test_it_keeps_the_public_pages_rate_limit_per_device(cc, key, client: Client) -> None:
    with override_settings(CASES_PUBLIC_REPORTS_PER_IP_HOUR=2, CASES_PUBLIC_REPORTS_PER_PHONE_HOUR=10):
        for _n in range(2):
            assert client.post(f"{BASE}/requests.json", _data(key)).status_code == 200
        refused = client.post(f"{BASE}/requests.json", _data(key))
        assert refused.status_code == 429 and json_errors(refused)[0]["code"] == 429
        # Another user of the same app is not blocked by the first one.
        assert client.post(f"{BASE}/requests.json", _data(key, device_id="device-2")).status_code == 200
    assert Case.objects.count() == 3


def test_the_token_leads_to_the_request(cc, key, client: Client) -> None:
    token = as_json(client.post(f"{BASE}/requests.json", _data(key)))[0]["token"]
    [row] = as_json(client.get(f"{BASE}/tokens/{token}.json"))
    assert row == {"service_request_id": Case.objects.get().number, "token": token}
    root = as_xml(client.get(f"{BASE}/tokens/{token}.xml"))
    assert root.tag == "service_requests" and children(root[0]) == ["service_request_id", "token"]
    missing = client.get(f"{BASE}/tokens/nothing.json")
    assert missing.status_code == 404 and json_errors(missing)[0]["code"] == 404


def test_a_media_url_is_kept_but_never_fetched(cc, key, client: Client) -> None:
    response = client.post(f"{BASE}/requests.json", _data(key, media_url="https://img.example.org/a.jpg"))
    assert response.status_code == 200
    assert Open311Submission.objects.get().media_url == "https://img.example.org/a.jpg"
    assert not Case.objects.get().attachments.exists()
    bad = client.post(f"{BASE}/requests.json", _data(key, media_url="file:///etc/passwd"))
    assert bad.status_code == 400 and json_errors(bad)[0]["description"].startswith("media_url:")


def test_list_and_date_answers_in_the_specs_forms(cc, key, client: Client) -> None:
    category = cc.category("t-clutter")
    CategoryAttribute.objects.create(
        category=category, code="floors", label="楼层", kind=AttributeKind.MULTIPLE, options="一楼\n二楼\n三楼"
    )
    CategoryAttribute.objects.create(category=category, code="since", label="发现日期", kind=AttributeKind.DATE)
    data = _data(key, **{"attribute[floors][]": ["一楼", "三楼"], "attribute[since]": "2026-10-01T20:00:00Z"})
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 200, response.content
    assert Case.objects.get().attributes == {"floors": ["一楼", "三楼"], "since": "2026-10-02"}  # in +08:00
    bad = client.post(f"{BASE}/requests.json", _data(key, **{"attribute[floors][]": ["五楼"]}))
    assert bad.status_code == 400 and json_errors(bad)[0]["description"].startswith("attribute[floors]:")
