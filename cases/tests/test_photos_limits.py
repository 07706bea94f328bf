"""Decompression bombs (cases/photos.py): photos are refused from their header, within limits per
image (tighter for 16-bit and transparent images) and per submission, and decoded only in a
child process whose memory and time are bounded — never in the web process."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageFile

from cases import photos
from cases.photos import prepare_photo, prepare_photos
from cases.tests.intake_files import crafted_png, crafted_png_upload, jpeg_upload, png_upload


@pytest.fixture
def no_decoding(monkeypatch):  # type: ignore[no-untyped-def]
    """Fail if this process decodes an image or the decoder is started."""

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("an image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(photos, "decode", refuse, raising=False)


def test_it_refuses_a_small_png_of_huge_dimensions_from_its_header_without_decoding(no_decoding):
    upload = crafted_png_upload("bomb.png", (10950, 10950), complete=False)
    assert upload.size < 2000  # a few bytes claiming 120 million pixels (1.4 GB decoded)
    with pytest.raises(ValidationError) as error:
        prepare_photo(upload)
    assert error.value.messages == ["“bomb.png”的像素太多，请换一张较小的照片。"]


def test_pillow_itself_refuses_images_over_twice_the_limit_anywhere_in_the_process():
    assert Image.MAX_IMAGE_PIXELS == photos.max_pixels() == 24_000_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(crafted_png((8000, 6001), complete=False)))


def test_it_names_the_size_of_an_image_just_over_the_limit(no_decoding):
    with pytest.raises(ValidationError) as error, pytest.warns(Image.DecompressionBombWarning):
        prepare_photo(crafted_png_upload("wide.png", (6000, 4001), complete=False))
    assert error.value.messages == ["“wide.png”的像素太多（6000×4001），请换一张较小的照片。"]


def test_it_gives_16_bit_and_transparent_images_a_tighter_limit(settings):
    settings.CASES_PHOTO_MAX_PIXELS, settings.CASES_PHOTO_MAX_PIXELS_DEEP = 4000, 2000
    assert prepare_photo(crafted_png_upload("plain.png", (64, 48))).width == 64
    for upload in (png_upload("alpha.png", size=(64, 48)),
                   crafted_png_upload("deep.png", (64, 48), depth=16),
                   crafted_png_upload("grey.png", (64, 48), colour="L", depth=16),
                   crafted_png_upload("deep-alpha.png", (64, 48), colour="RGBA", depth=16)):
        with pytest.raises(ValidationError) as error:
            prepare_photo(upload)
        assert error.value.messages == [
            f"“{upload.name}”是16位或带透明背景的图片，像素太多（64×48），请换一张较小的照片。"]
    photo = prepare_photo(crafted_png_upload("small-deep.png", (40, 30), colour="RGBA", depth=16))
    assert (photo.width, photo.height) == (40, 30) and Image.open(io.BytesIO(photo.content)).mode == "RGB"


def test_it_limits_the_decoded_pixels_of_all_photos_of_one_submission(settings, monkeypatch):
    settings.CASES_PHOTO_MAX_REQUEST_PIXELS = 8000  # two 64×48 photos (6,144 pixels), not three
    assert len(prepare_photos([jpeg_upload("1.jpg"), jpeg_upload("2.jpg")], limit=5)) == 2
    monkeypatch.setattr(photos, "decode", lambda uploads: pytest.fail("decoded"))
    with pytest.raises(ValidationError) as error:
        prepare_photos([jpeg_upload(f"{index}.jpg") for index in range(3)], limit=5)
    assert error.value.messages == ["这些照片合计像素太多，请少选几张或换用较小的照片。"]


def test_it_counts_a_large_jpeg_at_the_reduced_scale_it_is_decoded_at(settings):
    settings.CASES_PHOTO_MAX_SIDE, settings.CASES_PHOTO_MAX_REQUEST_PIXELS = 32, 4000
    jpegs = prepare_photos([jpeg_upload(f"{index}.jpg", size=(256, 192)) for index in range(5)], limit=5)
    assert [(photo.width, photo.height) for photo in jpegs] == [(32, 24)] * 5  # decoded at 1/8: 5 × 768 pixels
    with pytest.raises(ValidationError) as error:  # a PNG has no reduced scale: 49,152 pixels
        prepare_photos([crafted_png_upload("full.png", (256, 192))], limit=5)
    assert error.value.messages == ["这些照片合计像素太多，请少选几张或换用较小的照片。"]


def test_the_web_process_never_decodes_a_photo(monkeypatch):
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: pytest.fail("decoded in the web process"))
    photo = prepare_photo(jpeg_upload(comment=b"Zhang San 13800138000", orientation=6))
    assert (photo.width, photo.height) == (48, 64)  # upright
    monkeypatch.undo()
    image = Image.open(io.BytesIO(photo.content))
    assert image.format == "JPEG" and len(image.getexif()) == 0 and "comment" not in image.info
    assert b"13800138000" not in photo.content and b"Exif" not in photo.content


def test_a_photo_too_large_for_the_decoders_memory_is_refused_and_the_web_process_carries_on(settings):
    settings.CASES_PHOTO_DECODE_MEMORY_MB = 64  # the decoder's whole address space
    with pytest.raises(ValidationError) as error:
        prepare_photo(crafted_png_upload("huge.png", (4000, 3000)))  # 48 MB once decoded
    assert error.value.messages == ["“huge.png”太大，无法处理，请换一张较小的照片。"]
    settings.CASES_PHOTO_DECODE_MEMORY_MB = 768
    assert prepare_photo(crafted_png_upload("huge.png", (4000, 3000))).width == 2048


def test_a_decoder_that_runs_out_of_time_is_stopped_and_the_photos_refused(settings, caplog):
    settings.CASES_PHOTO_DECODE_TIMEOUT = 0.001
    with pytest.raises(ValidationError) as error:
        prepare_photos([jpeg_upload("1.jpg"), jpeg_upload("2.jpg")], limit=5)
    assert error.value.messages == ["照片处理失败，请换用较小的照片后重试。"]
    assert "Photo decoder failed" in caplog.text
