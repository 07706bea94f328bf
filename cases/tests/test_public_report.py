"""随手拍 (/s/report/): a resident reports without an account and gets a tracking code."""

import io

import pytest
from django.core.cache import caches
from django.test import Client
from PIL import Image

from cases import ratelimit
from cases.models import AttachmentKind, Case, Channel, HandlingLevel, Status
from cases.tests.intake_files import GRID_A_POINT, NOWHERE_POINT, jpeg_upload, text_upload

URL = "/s/report/"


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    caches["default"].clear()



def _data(cc, point=GRID_A_POINT, **extra):  # type: ignore[no-untyped-def]
    data = {"category": cc.category("t-clutter").pk, "description": "5号楼楼道里堆了很多纸箱。", "system": "WGS84",
            "address": "5号楼1单元", "reporter_name": "王先生", "reporter_phone": "13912345678"}
    if point is not None:
        data["longitude"], data["latitude"] = point
    data.update(extra)
    return data


def test_it_shows_public_categories_without_the_staff_navigation(cc, client):
    response = client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "楼道堆物" in content and "违章搭建" in content and "邻里纠纷" not in content
    assert "事件办理" not in content and "退出" not in content and "上报事件" not in content
    assert "使用我的位置" in content and 'name="homepage"' in content and "csrfmiddlewaretoken" in content
    assert 'hx-get="/s/report/attributes/"' in content


def test_it_takes_a_report_and_answers_with_the_tracking_code(cc, client):
    response = client.post(URL, _data(cc, photos=[jpeg_upload("scene.jpg")]), REMOTE_ADDR="198.51.100.20")
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == "/s/report/done/"
    assert case.channel == Channel.RESIDENT and case.reporter is None and case.status == Status.REPORTED
    assert case.grid == cc.cast.grid_a and case.level == HandlingLevel.GRID
    assert case.reporter_name == "王先生" and case.reporter_phone == "13912345678" and not case.anonymous
    assert case.source_key and "198.51.100.20" not in case.source_key
    attachment = case.attachments.get()
    assert attachment.kind == AttachmentKind.REPORT and attachment.public
    with attachment.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert len(image.getexif()) == 0
    done = client.get("/s/report/done/")
    assert done.status_code == 200
    assert case.tracking_code in done.content.decode()
    assert f"/s/track/{case.tracking_code}/" in done.content.decode()


def test_it_uses_the_photos_location_when_no_pin_is_given(cc, client):
    response = client.post(URL, _data(cc, point=None, photos=[jpeg_upload()]))
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.longitude, case.latitude) == pytest.approx(GRID_A_POINT)


def test_it_needs_a_location(cc, client):
    response = client.post(URL, _data(cc, point=None, photos=[jpeg_upload(gps=None)]))
    assert response.status_code == 400
    assert "位置：请在地图上点选问题位置，或点“使用我的位置”。" in response.content.decode()
    assert not Case.objects.exists()


def test_it_needs_a_location_inside_some_grid(cc, client):
    response = client.post(URL, _data(cc, point=NOWHERE_POINT))
    assert response.status_code == 400
    assert "位置：该位置不在任何网格内。" in response.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_categories_residents_may_not_report(cc, client):
    response = client.post(URL, _data(cc, category=cc.category("t-dispute").pk))
    assert response.status_code == 400
    assert "事件类别：请选择有效的事件类别。" in response.content.decode()
    assert not Case.objects.exists()


def test_it_needs_a_phone_unless_anonymous_and_checks_it(cc, client):
    response = client.post(URL, _data(cc, reporter_phone=""))
    assert "手机号码：请填写手机号码，或选择匿名反映。" in response.content.decode()
    response = client.post(URL, _data(cc, reporter_phone="1391234"))
    assert response.status_code == 400
    assert "手机号码：" in response.content.decode() and "11位" in response.content.decode()
    assert not Case.objects.exists()


def test_an_anonymous_report_keeps_no_contact(cc, client):
    client.post(URL, _data(cc, anonymous="on"))
    case = Case.objects.get()
    assert case.anonymous and case.reporter_name == "" and case.reporter_phone == ""


def test_it_refuses_more_than_five_photos_and_files_that_are_not_images(cc, client):
    response = client.post(URL, _data(cc, photos=[jpeg_upload(f"{index}.jpg") for index in range(6)]))
    assert "现场照片：最多上传5张照片。" in response.content.decode()
    response = client.post(URL, _data(cc, photos=[text_upload("notes.jpg")]))
    assert "现场照片：“notes.jpg”不是可识别的图片" in response.content.decode()
    assert not Case.objects.exists()


def test_it_turns_away_robots_that_fill_the_hidden_field(cc, client):
    response = client.post(URL, _data(cc, homepage="http://spam.example"))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_it_limits_reports_per_address(cc, client, settings):
    settings.CASES_PUBLIC_REPORTS_PER_IP_HOUR = 2
    for index in range(2):
        response = client.post(URL, _data(cc, reporter_phone=f"1391234567{index}"), REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 302
    response = client.post(URL, _data(cc, reporter_phone="13912345679"), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "同一网络每小时最多提交2条反映" in response.content.decode()
    assert "5号楼楼道里堆了很多纸箱。" in response.content.decode()  # what was typed is kept
    assert client.post(URL, _data(cc, reporter_phone="13912345679"), REMOTE_ADDR="198.51.100.8").status_code == 302
    assert Case.objects.count() == 3


def test_it_limits_reports_per_phone(cc, client, settings):
    settings.CASES_PUBLIC_REPORTS_PER_PHONE_HOUR = 1
    assert client.post(URL, _data(cc), REMOTE_ADDR="198.51.100.1").status_code == 302
    response = client.post(URL, _data(cc, reporter_phone="139-1234-5678"), REMOTE_ADDR="198.51.100.2")
    assert response.status_code == 429
    assert "同一手机号每小时最多提交1条反映" in response.content.decode()
    assert Case.objects.count() == 1


def test_it_counts_reports_from_the_hashed_address(cc, client):
    client.post(URL, _data(cc), REMOTE_ADDR="198.51.100.9")
    request = type("R", (), {"META": {"REMOTE_ADDR": "198.51.100.9"}})()
    assert Case.objects.get().source_key == ratelimit.source_key(request)


def test_it_is_csrf_protected(cc):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, _data(cc)).status_code == 403
    assert not Case.objects.exists()


def test_it_renders_the_questions_of_public_categories_only(cc, client):
    response = client.get("/s/report/attributes/", {"category": cc.category("t-building").pk})
    assert "搭建面积（平方米）" in response.content.decode()
    cc.category("t-building").public = False
    cc.category("t-building").save()
    response = client.get("/s/report/attributes/", {"category": cc.category("t-building").pk})
    assert response.content.decode().strip() == ""


def test_it_names_the_grid_under_the_pin(cc, client):
    answer = client.get("/s/report/where/", {"lng": GRID_A_POINT[0], "lat": GRID_A_POINT[1]}).json()
    assert answer["found"] and answer["area"]["path"] == "百花社区 · 百花社区第一网格"
    answer = client.get("/s/report/where/", {"lng": NOWHERE_POINT[0], "lat": NOWHERE_POINT[1]}).json()
    assert not answer["found"] and answer["message"] == "该位置不在任何网格内。"


def test_the_confirmation_needs_a_report_first(cc, client):
    response = client.get("/s/report/done/")
    assert response.status_code == 302 and response["Location"] == URL


def test_the_page_takes_a_bounded_number_of_queries(cc, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200


def test_it_asks_to_choose_the_photos_again_after_an_error(cc, client):
    response = client.post(URL, _data(cc, reporter_phone="", photos=[jpeg_upload()]))
    assert "页面刷新后照片需要重新选择。" in response.content.decode()
    response = client.post(URL, _data(cc, reporter_phone=""))
    assert "页面刷新后照片需要重新选择。" not in response.content.decode()
