"""A case's photos and its mediation record through the API: the same scope as the case page,
images served as JPEG whatever the client accepts, parties' phones masked."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cases.models import Dispute, DisputeParty
from cases.testing import advance, report

pytestmark = pytest.mark.django_db


def _jpeg(name: str) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 12), (0, 120, 0)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = name
    return buffer


@pytest.fixture
def case_with_photo(cc, api):
    case = advance(report(cc), "handling", cc)
    response = api(cc.property_handler).post(f"/api/v1/cases/{case.number}/feedback/",
                                             {"comment": "已清理", "after_photos": _jpeg("after.jpg")})
    assert response.status_code == 200, response.json()
    return case


def test_the_photo_list_links_to_each_image(cc, api, case_with_photo, settings, tmp_path):
    client = api(cc.dispatcher)
    body = client.get(f"/api/v1/cases/{case_with_photo.number}/photos/").json()
    assert len(body["results"]) == 1
    photo = body["results"][0]
    assert (photo["verb"], photo["width"], photo["height"]) == ("feedback", 20, 12)
    image = client.get(photo["url"], HTTP_ACCEPT="image/jpeg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (20, 12)
    # Whatever the client says it accepts, the answer is the image, not a 406.
    assert client.get(photo["url"], HTTP_ACCEPT="application/json").status_code == 200


def test_photos_outside_the_users_scope_are_404(cc, api, case_with_photo):
    url = f"/api/v1/cases/{case_with_photo.number}/photos/"
    token = api(cc.dispatcher).get(url).json()["results"][0]["token"]
    outsider = api(cc.other_street_dispatcher)
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"{url}{token}/").status_code == 404
    assert api(cc.dispatcher).get(f"{url}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api(cc.dispatcher).get(f"{url}------------------------------------/").status_code == 404


def test_the_mediation_record_masks_the_parties_phones(cc, api):
    case = report(cc, category="t-dispute")
    dispute, _created = Dispute.objects.get_or_create(case=case)
    DisputeParty.objects.create(dispute=dispute, role="applicant", name="张三", phone="13812345678")
    body = api(cc.dispatcher).get(f"/api/v1/cases/{case.number}/dispute/").json()
    assert body["case"] == case.number and body["parties"][0]["name"] == "张三"
    assert body["parties"][0]["phone"] != "13812345678" and body["parties"][0]["phone"].endswith("5678")
    assert "13812345678" not in str(body)
    assert api(cc.other_street_dispatcher).get(f"/api/v1/cases/{case.number}/dispute/").status_code == 404
    plain = report(cc)
    assert api(cc.dispatcher).get(f"/api/v1/cases/{plain.number}/dispute/").status_code == 404
