"""The grid worker's report page (/cases/report/): category, description, photos, place, links, 当场解决."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from areas.geo import from_wgs84
from cases.models import AttachmentKind, AttributeKind, Case, CaseAttachment, CategoryAttribute, Channel, Status
from cases.tests.intake_files import (
    GRID_A_POINT,
    GRID_B_POINT,
    NOWHERE_POINT,
    jpeg_upload,
    text_upload,
)
from registry.models import Building, Dwelling, Household, HouseholdMember, Relation, Resident

URL = "/cases/report/"



def _data(cc, point=GRID_A_POINT, **extra):  # type: ignore[no-untyped-def]
    data = {"category": cc.category("t-clutter").pk, "description": "3号楼2单元楼道堆放纸箱，堵塞通道。",
            "address": "百花小区3号楼2单元", "system": "WGS84"}
    if point is not None:
        data["longitude"], data["latitude"] = point
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def _errors(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_it_is_the_report_url(cast):
    assert reverse("cases:report") == URL


def test_it_shows_the_form_with_the_workers_own_grid_only(cc, login):
    response = login(cc.cast.grid_worker_a).get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "楼道堆物" in content and "违章搭建" in content
    assert "百花社区第一网格" in content and "百花社区第二网格" not in content
    assert "使用我的位置" in content and "当场解决" in content
    assert 'name="channel"' not in content  # grid workers do not record channels
    assert 'hx-get="/cases/report/attributes/"' in content


def test_it_refuses_users_without_the_report_permission(cc, login, client):
    assert login(cc.cast.outsider).get(URL).status_code == 403
    assert login(cc.property_handler).get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_it_reports_a_case_at_a_map_point_with_a_photo_stripped_of_exif(cc, login):
    client = login(cc.cast.grid_worker_a)
    response = client.post(URL, _data(cc, photos=[jpeg_upload("scene.jpg")]))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.grid == cc.cast.grid_a and case.channel == Channel.GRID_WORKER
    assert case.reporter == cc.cast.grid_worker_a and case.status == Status.REPORTED
    assert (case.longitude, case.latitude) == pytest.approx(GRID_A_POINT)
    assert case.address == "百花小区3号楼2单元"
    attachment = CaseAttachment.objects.get(case=case)
    assert attachment.kind == AttachmentKind.REPORT
    with attachment.image.open("rb") as stored:
        content = stored.read()
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG" and len(image.getexif()) == 0 and "comment" not in image.info
    assert b"TestCam" not in content and b"13800138000" not in content


def test_it_converts_a_pin_on_gcj02_tiles_to_wgs84(cc, login):
    lng, lat = from_wgs84(*GRID_A_POINT, "GCJ02")
    login(cc.cast.grid_worker_a).post(URL, _data(cc, point=(lng, lat), system="GCJ02"))
    case = Case.objects.get()
    assert case.longitude == pytest.approx(GRID_A_POINT[0], abs=1e-6)
    assert case.latitude == pytest.approx(GRID_A_POINT[1], abs=1e-6)


def test_it_reports_in_the_chosen_grid_without_a_point(cc, login):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, point=None, grid=cc.cast.grid_a.pk))
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.grid == cc.cast.grid_a and case.longitude is None


def test_it_places_the_report_by_the_photos_gps_when_there_is_no_pin_or_grid(cc, login):
    login(cc.cast.grid_worker_a).post(URL, _data(cc, point=None, photos=[jpeg_upload()]))
    case = Case.objects.get()
    assert (case.longitude, case.latitude) == pytest.approx(GRID_A_POINT)


def test_it_asks_for_a_place_when_there_is_none(cc, login):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, point=None))
    assert response.status_code == 400
    assert "位置：请在地图上选择位置，或选择所在网格。" in _errors(response)
    assert not Case.objects.exists()


def test_it_refuses_a_point_outside_every_grid(cc, login):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, point=NOWHERE_POINT))
    assert response.status_code == 400
    assert "位置：该位置不在任何网格内。" in _errors(response)
    assert not Case.objects.exists()


def test_a_grid_worker_cannot_report_in_another_grid(cc, login):
    client = login(cc.cast.grid_worker_a)
    response = client.post(URL, _data(cc, point=GRID_B_POINT))
    assert response.status_code == 400
    assert "您没有权限在这个网格上报事件。" in _errors(response)
    response = client.post(URL, _data(cc, point=None, grid=cc.cast.grid_b.pk))
    assert response.status_code == 400
    assert "所在网格：请选择您负责的网格。" in _errors(response)
    assert not Case.objects.exists()


def test_it_names_the_field_of_each_bad_input(cc, login):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, category=999999, description="  "))
    content = _errors(response)
    assert response.status_code == 400
    assert "事件类别：请选择有效的事件类别。" in content
    assert "问题描述：请填写问题描述。" in content
    assert not Case.objects.exists()


def test_it_asks_the_categorys_required_questions(cc, login):
    category = cc.category("t-clutter")
    CategoryAttribute.objects.create(category=category, code="floor", label="楼层", kind=AttributeKind.NUMBER,
                                     required=True)
    client = login(cc.cast.grid_worker_a)
    response = client.post(URL, _data(cc))
    assert response.status_code == 400
    assert "楼层：请填写“楼层”。" in _errors(response)
    response = client.post(URL, _data(cc, attr_floor="三楼"))
    assert "楼层：请填写数字。" in _errors(response) and "楼层：楼层" not in _errors(response)
    assert not Case.objects.exists()
    client.post(URL, _data(cc, attr_floor="3"))
    assert Case.objects.get().attributes == {"floor": 3.0}


def test_it_renders_the_questions_of_the_chosen_category_for_htmx(cc, login):
    client = login(cc.cast.grid_worker_a)
    response = client.get("/cases/report/attributes/", {"category": cc.category("t-building").pk})
    assert response.status_code == 200
    assert "搭建面积（平方米）" in response.content.decode() and 'name="attr_area"' in response.content.decode()
    assert client.get("/cases/report/attributes/", {"category": "x"}).content.decode().strip() == ""


def test_it_refuses_bad_photos_and_too_many_naming_the_field(cc, login):
    client = login(cc.cast.grid_worker_a)
    response = client.post(URL, _data(cc, photos=[text_upload("notes.jpg")]))
    assert "现场照片：“notes.jpg”不是可识别的图片" in _errors(response)
    response = client.post(URL, _data(cc, photos=[jpeg_upload(f"{index}.jpg") for index in range(10)]))
    assert "现场照片：最多上传9张照片。" in _errors(response)
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_it_reports_a_case_solved_on_the_spot_for_someone_else_to_verify(cc, login):
    client = login(cc.cast.grid_worker_a)
    response = client.post(URL, _data(cc, resolved="on", note="已当场清理。", photos=[jpeg_upload("before.jpg")],
                                      after_photos=[jpeg_upload("after.jpg")]))
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.status == Status.PENDING_VERIFY and case.self_handled and case.handler == cc.cast.grid_worker_a
    assert case.events.get(verb="feedback").comment == "已当场清理。"
    kinds = sorted(case.attachments.values_list("kind", flat=True))
    assert kinds == [AttachmentKind.AFTER, AttachmentKind.REPORT]


def test_it_needs_a_note_to_close_on_the_spot(cc, login):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, resolved="on"))
    assert response.status_code == 400
    assert "处理情况：请说明处理情况。" in _errors(response)
    assert not Case.objects.exists()


@pytest.fixture
def homes(cc):  # type: ignore[no-untyped-def]
    """A building in grid A with a household and a resident; a building in grid C."""
    cast = cc.cast
    building = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="3号楼", address="百花路3号",
                                       floors=6, lng=113.512, lat=34.721)
    dwelling = Dwelling.objects.create(grid=cast.grid_a, building=building, floor=2, room="201")
    household = Household.objects.create(grid=cast.grid_a, dwelling=dwelling)
    resident = Resident.objects.create(grid=cast.grid_a, name="孙七", gender="F", phone="13912345678")
    HouseholdMember.objects.create(household=household, resident=resident, relation=Relation.HEAD,
                                   moved_in_on="2021-01-01")
    far = Building.objects.create(grid=cast.grid_c, estate="协作小区", name="9号楼", address="协作路9号", floors=3)
    return {"building": building, "household": household, "resident": resident, "far": far}


def test_it_links_a_resident_with_their_household_and_building(cc, homes, login):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, resident=homes["resident"].pk))
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.resident == homes["resident"] and case.household == homes["household"]
    assert case.building == homes["building"]


def test_it_places_a_report_at_the_linked_building(cc, homes, login):
    login(cc.cast.grid_worker_a).post(URL, _data(cc, point=None, building=homes["building"].pk))
    case = Case.objects.get()
    assert case.grid == cc.cast.grid_a and (case.longitude, case.latitude) == pytest.approx((113.512, 34.721))


def test_it_refuses_links_outside_the_users_scope(cc, homes, login):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, building=homes["far"].pk))
    assert response.status_code == 400
    assert "楼栋：找不到这条记录，或您无权查看。" in _errors(response)
    assert not Case.objects.exists()


def test_it_prefills_links_from_the_address_and_shows_them(cc, homes, login):
    response = login(cc.cast.grid_worker_a).get(URL, {"resident": homes["resident"].pk})
    content = response.content.decode()
    assert "人员：孙七" in content and f'name="resident" value="{homes["resident"].pk}"' in content


def test_it_searches_buildings_and_residents_to_link_masked_and_in_scope(cc, homes, login):
    response = login(cc.cast.grid_worker_a).post("/cases/report/links/", {"link_q": "孙七"})
    content = response.content.decode()
    assert "孙七" in content and "139****5678" in content and "13912345678" not in content
    response = login(cc.cast.grid_worker_a).post("/cases/report/links/", {"link_q": "号楼"})
    assert "3号楼" in response.content.decode() and "9号楼" not in response.content.decode()
    response = login(cc.cast.grid_worker_b).post("/cases/report/links/", {"link_q": "孙七"})
    assert 'data-link-kind="resident"' not in response.content.decode()
    assert "没有找到与“孙七”相关的楼栋或人员。" in response.content.decode()


def test_it_names_the_grid_under_the_pin_or_says_it_is_not_the_users(cc, login):
    client = login(cc.cast.grid_worker_a)
    answer = client.get("/cases/report/where/", {"lng": GRID_A_POINT[0], "lat": GRID_A_POINT[1]}).json()
    assert answer["found"] and answer["area"]["name"] == "百花社区第一网格"
    answer = client.get("/cases/report/where/", {"lng": GRID_B_POINT[0], "lat": GRID_B_POINT[1]}).json()
    assert not answer["found"] and answer["message"] == "这个位置不在您负责的网格内。"
    answer = client.get("/cases/report/where/", {"lng": "x", "lat": "1"}).json()
    assert not answer["found"] and answer["message"] == "坐标必须是数字。"


def test_the_form_page_takes_a_bounded_number_of_queries(cc, homes, login, django_assert_max_num_queries):
    client = login(cc.cast.grid_worker_a)
    with django_assert_max_num_queries(14):
        assert client.get(URL, {"resident": homes["resident"].pk}).status_code == 200


def test_registry_and_grid_pages_lead_to_a_report_linked_to_them(cc, homes, login):
    client = login(cc.cast.grid_worker_a)
    pages = {
        reverse("registry:building", args=[homes["building"].pk]): f"?building={homes['building'].pk}",
        reverse("registry:household", args=[homes["household"].pk]): f"?household={homes['household'].pk}",
        reverse("registry:resident", args=[homes["resident"].pk]): f"?resident={homes['resident'].pk}",
        reverse("areas:detail", args=[cc.cast.grid_a.code]): f"?grid={cc.cast.grid_a.pk}",
    }
    for page, query in pages.items():
        content = client.get(page).content.decode()
        link = re.search(r'id="report-case" href="([^"]+)"', content)
        assert link and link[1] == URL + query, page
    form = client.get(URL + pages[reverse("registry:resident", args=[homes["resident"].pk])]).content.decode()
    assert "孙七" in form  # the chip of the linked resident


def test_the_public_grid_page_offers_the_public_report(cc, client):
    content = client.get(reverse("public_grid", args=[cc.cast.grid_a.code])).content.decode()
    assert reverse("public_cases:report") in content and reverse("public_cases:track_lookup") in content
