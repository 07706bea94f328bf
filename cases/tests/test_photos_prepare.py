"""Photos on the way in: only images, size and pixel limits, upright, re-encoded without metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.photos import prepare_photo, prepare_photos, read_gps
from cases.tests.intake_files import jpeg_bytes, jpeg_upload, png_upload, text_upload


def _open(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


def test_it_re_encodes_a_jpeg_without_exif_gps_or_comment():
    photo = prepare_photo(jpeg_upload(comment=b"Zhang San 13800138000"))
    image = _open(photo.content)
    assert image.format == "JPEG"
    assert (photo.width, photo.height) == image.size == (64, 48)
    assert len(image.getexif()) == 0
    assert "exif" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
    for secret in (b"Exif", b"TestCam", b"13800138000"):
        assert secret not in photo.content


def test_it_reads_the_gps_position_before_the_photo_is_stripped():
    upload = jpeg_upload()
    lng, lat = read_gps(upload)
    assert lng == pytest.approx(113.51) and lat == pytest.approx(34.72)
    photo = prepare_photo(upload)  # the same upload can still be prepared after reading
    assert read_gps(SimpleUploadedFile("stored.jpg", photo.content)) is None


def test_it_has_no_position_for_photos_without_gps_or_files_that_are_not_images():
    assert read_gps(jpeg_upload(gps=None)) is None
    assert read_gps(png_upload()) is None
    assert read_gps(text_upload()) is None


def test_it_ignores_the_zero_position_of_cameras_without_a_fix():
    assert read_gps(jpeg_upload(gps=((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)))) is None


def test_it_turns_the_photo_upright_by_its_exif_orientation():
    photo = prepare_photo(jpeg_upload(size=(64, 48), orientation=6))  # 6: rotate 90° clockwise to view
    assert (photo.width, photo.height) == (48, 64)


def test_it_scales_large_photos_down_to_the_longest_side_setting(settings):
    settings.CASES_PHOTO_MAX_SIDE = 32
    photo = prepare_photo(jpeg_upload(size=(64, 48)))
    assert (photo.width, photo.height) == (32, 24)


def test_it_puts_transparent_pngs_on_white():
    photo = prepare_photo(png_upload(alpha=True))
    image = _open(photo.content)
    assert image.format == "JPEG" and image.mode == "RGB"
    assert min(image.getpixel((20, 15))) > 240


def test_it_refuses_a_text_file_renamed_jpg_naming_the_file():
    with pytest.raises(ValidationError) as error:
        prepare_photo(text_upload("notes.jpg"))
    assert error.value.messages == ["“notes.jpg”不是可识别的图片（支持 JPEG、PNG、WebP 等格式）。"]


def test_it_refuses_image_formats_that_are_not_accepted():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PCX")
    with pytest.raises(ValidationError) as error:
        prepare_photo(SimpleUploadedFile("scan.pcx", buffer.getvalue()))
    assert "“scan.pcx”不是可识别的图片" in error.value.messages[0]


def test_it_refuses_a_damaged_jpeg():
    content = jpeg_bytes(size=(256, 256))
    with pytest.raises(ValidationError) as error:
        prepare_photo(SimpleUploadedFile("half.jpg", content[: len(content) // 2]))
    assert "“half.jpg”" in error.value.messages[0]


def test_it_refuses_files_over_the_size_limit(settings):
    settings.CASES_PHOTO_MAX_BYTES = 500
    with pytest.raises(ValidationError) as error:
        prepare_photo(jpeg_upload("big.jpg", size=(400, 400)))
    assert error.value.messages[0].startswith("“big.jpg”太大（")
    assert "每张照片不能超过 500\xa0字节" in error.value.messages[0]


def test_it_refuses_decompression_bombs_from_the_header(settings):
    settings.CASES_PHOTO_MAX_PIXELS = 1000
    with pytest.raises(ValidationError) as error:
        prepare_photo(jpeg_upload("bomb.jpg", size=(64, 48)))
    assert error.value.messages == ["“bomb.jpg”的像素太多（64×48），请换一张较小的照片。"]


def test_it_refuses_more_photos_than_the_limit():
    with pytest.raises(ValidationError) as error:
        prepare_photos([jpeg_upload(f"{index}.jpg") for index in range(6)], limit=5)
    assert error.value.messages == ["最多上传5张照片。"]


def test_it_reports_every_bad_file_at_once():
    with pytest.raises(ValidationError) as error:
        prepare_photos([text_upload("a.jpg"), jpeg_upload("ok.jpg"), text_upload("b.jpg")], limit=5)
    messages = error.value.messages
    assert len(messages) == 2 and "“a.jpg”" in messages[0] and "“b.jpg”" in messages[1]


def test_it_prepares_all_photos_when_all_are_fine():
    photos = prepare_photos([jpeg_upload("1.jpg"), png_upload("2.png")], limit=5)
    assert [(photo.width, photo.height) for photo in photos] == [(64, 48), (40, 30)]
