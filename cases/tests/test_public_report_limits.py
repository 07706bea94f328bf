"""随手拍 (/s/report/) under abuse: decompression bombs, failing submissions repeated, numbers
that are not numbers. The limit and the cheap fields are checked before any photo is opened."""

import io

import pytest
from django.core.cache import caches
from PIL import Image, ImageFile

from cases import photos
from cases.models import Case
from cases.tests.intake_files import GRID_A_POINT, NOWHERE_POINT, crafted_png_upload, jpeg_upload

URL = "/s/report/"
LIMITED = "同一网络每小时最多提交2条反映，请稍后再试；紧急情况请拨打110，其他问题可拨打12345政务服务便民热线。"


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def photos_untouched(monkeypatch):  # type: ignore[no-untyped-def]
    """Fail if any photo's header is read or any image decoded."""

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a photo was opened")

    monkeypatch.setattr(photos, "read_header", refuse, raising=False)
    monkeypatch.setattr(photos, "decode", refuse, raising=False)
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def _data(cc, point=GRID_A_POINT, **extra):  # type: ignore[no-untyped-def]
    data = {"category": cc.category("t-clutter").pk, "description": "5号楼楼道里堆了很多纸箱。", "system": "WGS84",
            "reporter_phone": "13912345678"}
    if point is not None:
        data["longitude"], data["latitude"] = point
    data.update(extra)
    return data


def _bomb():  # type: ignore[no-untyped-def]
    return crafted_png_upload("bomb.png", (10950, 10950), complete=False)


def test_it_refuses_a_decompression_bomb_naming_the_photo_field_without_decoding_it(cc, client, monkeypatch):
    monkeypatch.setattr(photos, "decode", lambda uploads: pytest.fail("decoded"))
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: pytest.fail("decoded in the web process"))
    response = client.post(URL, _data(cc, photos=[jpeg_upload("scene.jpg"), _bomb()]))
    assert response.status_code == 400
    assert "现场照片：“bomb.png”的像素太多，请换一张较小的照片。" in response.content.decode()
    assert not Case.objects.exists()


def test_it_checks_the_cheap_fields_before_opening_any_photo(cc, client, photos_untouched):
    for bad in ({"description": ""}, {"reporter_phone": "1391234"}, {"category": "999999"},
                {"homepage": "http://spam.example"}):
        response = client.post(URL, _data(cc, photos=[_bomb()], **bad))
        assert response.status_code == 400
        assert "现场照片：" not in response.content.decode()  # no word about the photo: it was never opened
    assert not Case.objects.exists()


def test_failing_submissions_use_up_the_limit_of_their_address(cc, client, settings):
    settings.CASES_PUBLIC_REPORTS_PER_IP_HOUR = 2
    address = {"REMOTE_ADDR": "198.51.100.40"}
    assert client.post(URL, _data(cc, reporter_phone="1391234"), **address).status_code == 400
    assert client.post(URL, _data(cc, point=NOWHERE_POINT), **address).status_code == 400
    response = client.post(URL, _data(cc), **address)
    assert response.status_code == 429 and LIMITED in response.content.decode()
    assert not Case.objects.exists()
    assert client.post(URL, _data(cc), REMOTE_ADDR="198.51.100.41").status_code == 302


def test_refused_photos_use_up_the_limit_too(cc, client, settings):
    settings.CASES_PUBLIC_REPORTS_PER_IP_HOUR = 2
    address = {"REMOTE_ADDR": "198.51.100.42"}
    for _ in range(2):
        assert client.post(URL, _data(cc, photos=[_bomb()]), **address).status_code == 400
    response = client.post(URL, _data(cc, photos=[_bomb()]), **address)
    assert response.status_code == 429 and LIMITED in response.content.decode()


def test_a_limited_address_is_refused_before_any_photo_is_opened(cc, client, settings, monkeypatch):
    settings.CASES_PUBLIC_REPORTS_PER_IP_HOUR = 2
    address = {"REMOTE_ADDR": "198.51.100.43"}
    for _ in range(2):
        client.post(URL, _data(cc, description=""), **address)
    for name in ("read_header", "decode"):
        monkeypatch.setattr(photos, name, lambda *args: pytest.fail("a photo was opened"))
    response = client.post(URL, _data(cc, photos=[_bomb()] * 5), **address)
    assert response.status_code == 429 and LIMITED in response.content.decode()
    assert "5号楼楼道里堆了很多纸箱。" in response.content.decode()  # what was typed is kept


def test_failing_submissions_use_up_the_limit_of_their_phone(cc, client, settings):
    settings.CASES_PUBLIC_REPORTS_PER_PHONE_HOUR = 1
    assert client.post(URL, _data(cc, point=NOWHERE_POINT), REMOTE_ADDR="198.51.100.44").status_code == 400
    response = client.post(URL, _data(cc, reporter_phone="139 1234 5678"), REMOTE_ADDR="198.51.100.45")
    assert response.status_code == 429 and "同一手机号每小时最多提交1条反映" in response.content.decode()


def test_a_normal_photo_is_still_taken_and_stored_without_exif(cc, client):
    response = client.post(URL, _data(cc, point=None, photos=[jpeg_upload("scene.jpg", size=(3000, 2000))]))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.longitude, case.latitude) == pytest.approx(GRID_A_POINT)  # read from the EXIF before stripping
    with case.attachments.get().image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert image.format == "JPEG" and image.size == (2048, 1365) and len(image.getexif()) == 0


@pytest.mark.parametrize(("value", "message"), [("nan", "请填写数字。"), ("NaN", "请填写数字。"),
                                              ("Infinity", "数值超出范围。"), ("-inf", "数值超出范围。"),
                                              ("1e999", "数值超出范围。")])
def test_it_refuses_numbers_that_are_not_finite_naming_the_question(cc, client, value, message):
    response = client.post(URL, _data(cc, category=cc.category("t-building").pk, attr_area=value))
    assert response.status_code == 400
    assert f"搭建面积（平方米）：{message}" in response.content.decode()
    assert not Case.objects.exists()
