"""Hostile input on the staff forms: decompression bombs on /cases/report/ and in the case page's
photo actions (the same limits as 随手拍, photos opened last), numbers that are not finite."""

import pytest
from PIL import ImageFile

from cases import photos
from cases.models import AttachmentKind, Case, Status
from cases.testing import advance, report
from cases.tests.case_actions import act
from cases.tests.intake_files import GRID_A_POINT, crafted_png_upload, jpeg_upload

URL = "/cases/report/"


@pytest.fixture
def no_decoding(monkeypatch):  # type: ignore[no-untyped-def]
    """Fail if this process decodes an image or the decoder is started."""

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("an image was decoded")

    monkeypatch.setattr(photos, "decode", refuse, raising=False)
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def _data(cc, **extra):  # type: ignore[no-untyped-def]
    data = {"category": cc.category("t-clutter").pk, "description": "3号楼2单元楼道堆放纸箱，堵塞通道。",
            "system": "WGS84", "longitude": GRID_A_POINT[0], "latitude": GRID_A_POINT[1]}
    data.update(extra)
    return data


def _bomb(name: str = "bomb.png"):  # type: ignore[no-untyped-def]
    return crafted_png_upload(name, (10950, 10950), complete=False)


def test_it_refuses_a_decompression_bomb_in_either_photo_field_naming_it(cc, login, no_decoding):
    client = login(cc.cast.grid_worker_a)
    response = client.post(URL, _data(cc, photos=[_bomb()]))
    assert response.status_code == 400
    assert "现场照片：“bomb.png”的像素太多，请换一张较小的照片。" in response.content.decode()
    response = client.post(URL, _data(cc, resolved="on", note="已当场清理。", after_photos=[_bomb("after.png")]))
    assert response.status_code == 400
    assert "处理后照片：“after.png”的像素太多，请换一张较小的照片。" in response.content.decode()
    assert not Case.objects.exists()


def test_the_submission_limit_counts_both_photo_fields_together(cc, login, settings):
    settings.CASES_PHOTO_MAX_REQUEST_PIXELS = 8000  # two 64×48 photos, not three
    client = login(cc.cast.grid_worker_a)
    response = client.post(URL, _data(cc, resolved="on", note="已当场清理。",
                                      photos=[jpeg_upload("1.jpg"), jpeg_upload("2.jpg")],
                                      after_photos=[jpeg_upload("3.jpg")]))
    assert response.status_code == 400
    assert "处理后照片：这些照片合计像素太多，请少选几张或换用较小的照片。" in response.content.decode()
    assert not Case.objects.exists()


def test_it_checks_the_other_fields_before_opening_any_photo(cc, login, monkeypatch):
    monkeypatch.setattr(photos, "read_header", lambda upload: pytest.fail("a photo was opened"), raising=False)
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, description="", photos=[_bomb()]))
    content = response.content.decode()
    assert response.status_code == 400 and "问题描述：请填写问题描述。" in content
    assert "现场照片：" not in content  # no word about the photo: it was never opened


@pytest.mark.parametrize(("value", "message"), [("nan", "请填写数字。"), ("Infinity", "数值超出范围。"),
                                              ("-inf", "数值超出范围。"), ("1e999", "数值超出范围。")])
def test_it_refuses_numbers_that_are_not_finite_naming_the_question(cc, login, value, message):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, category=cc.category("t-building").pk,
                                                            attr_area=value))
    assert response.status_code == 400
    assert f"搭建面积（平方米）：{message}" in response.content.decode()
    assert not Case.objects.exists()


def test_a_finite_number_is_kept(cc, login):
    response = login(cc.cast.grid_worker_a).post(URL, _data(cc, category=cc.category("t-building").pk,
                                                            attr_area="12.5"))
    assert response.status_code == 302 and Case.objects.get().attributes == {"area": 12.5}


def test_the_case_page_refuses_a_decompression_bomb_in_the_feedback_photos(cc, client, no_decoding):
    case = advance(report(cc), Status.HANDLING, cc)
    response = act(client, cc.property_handler, case, "feedback", comment="已清理完毕。", before_photos=[_bomb()])
    assert response.status_code == 400 and "“bomb.png”的像素太多，请换一张较小的照片。" in response.content.decode()
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.HANDLING and not case.attachments.exists()


def test_the_case_page_still_takes_feedback_photos(cc, client):
    case = advance(report(cc), Status.HANDLING, cc)
    act(client, cc.property_handler, case, "feedback", comment="已清理完毕。", after_photos=[jpeg_upload("after.jpg")])
    attachment = Case.objects.get(pk=case.pk).attachments.get()
    assert attachment.kind == AttachmentKind.AFTER and b"Exif" not in attachment.image.read()
