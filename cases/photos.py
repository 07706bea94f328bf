"""Case photos on the way in (事件照片): check the upload, read its GPS position, re-encode it.

Every photo a case stores went through ``prepare_photo``: the upload must be an image Pillow
opens by itself (JPEG, PNG, WebP, GIF, BMP, TIFF, MPO; AVIF where Pillow was built with it) —
never a format that needs an outside program —, no larger than ``CASES_PHOTO_MAX_BYTES`` and
``CASES_PHOTO_MAX_PIXELS`` (decompression bombs are refused from the header, before decoding).
It is turned upright by its EXIF orientation, scaled to at most ``CASES_PHOTO_MAX_SIDE`` pixels
on its longer side and written as a fresh JPEG: no EXIF, GPS, comment, XMP or ICC profile
survives in any stored copy.

``read_gps`` reads the position a phone camera wrote into the EXIF block (WGS-84, as GPS
receivers give it) before the photo is stripped, so a resident's photo can place the report.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import ExifTags, Image, ImageOps

from cases.workflow import Photo

# Formats Pillow decodes itself. EPS (Ghostscript) and other formats that call out to a program
# are never opened.
ACCEPTED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF")
JPEG_QUALITY = 85


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return _setting("CASES_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


def max_pixels() -> int:
    return _setting("CASES_PHOTO_MAX_PIXELS", 120_000_000)


def max_side() -> int:
    return _setting("CASES_PHOTO_MAX_SIDE", 2048)


def _name(upload: UploadedFile) -> str:
    return str(getattr(upload, "name", "") or _("照片"))


def _rewind(upload: IO[bytes] | UploadedFile) -> None:
    upload.seek(0)


def _formats() -> list[str]:
    """The accepted formats this Pillow build can open (registering every plugin once)."""
    Image.init()
    return [name for name in ACCEPTED_FORMATS if name in Image.OPEN]


def _open(upload: UploadedFile) -> Image.Image:
    _rewind(upload)
    return Image.open(upload, formats=_formats())  # type: ignore[arg-type]


def _refuse(upload: UploadedFile, message: str) -> ValidationError:
    return ValidationError(message % {"name": _name(upload)}, code="photo")


def _check_size(upload: UploadedFile) -> None:
    size = upload.size or 0
    if size > max_bytes():
        raise ValidationError(
            _("“%(name)s”太大（%(size)s），每张照片不能超过 %(limit)s。")
            % {"name": _name(upload), "size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            code="photo_size",
        )
    if size == 0:
        raise _refuse(upload, _("“%(name)s”是空文件。"))


def _check_image(upload: UploadedFile) -> None:
    """The file is a whole image of an accepted format within the pixel limit (header checks)."""
    try:
        with _open(upload) as image:
            width, height = image.size
            if width * height > max_pixels():
                raise ValidationError(
                    _("“%(name)s”的像素太多（%(width)s×%(height)s），请换一张较小的照片。")
                    % {"name": _name(upload), "width": width, "height": height},
                    code="photo_pixels",
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _refuse(upload, _("“%(name)s”的像素太多，请换一张较小的照片。")) from None
    except Exception:  # Pillow raises many kinds of error on hostile or damaged files
        raise _refuse(upload, _("“%(name)s”不是可识别的图片（支持 JPEG、PNG、WebP 等格式）。")) from None


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with transparent parts on white (a JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _reencode(upload: UploadedFile) -> Photo:
    side = max_side()
    with _open(upload) as image:
        image.draft("RGB", (side, side))  # JPEG decodes at 1/2, 1/4 or 1/8 scale when that suffices
        upright = ImageOps.exif_transpose(image)
        rgb = _flatten(upright)
    rgb.thumbnail((side, side), Image.Resampling.LANCZOS)
    # A fresh image carries no ``info`` (Pillow would copy a JPEG comment from it).
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Photo(content=buffer.getvalue(), width=clean.width, height=clean.height)


def prepare_photo(upload: UploadedFile) -> Photo:
    """The upload checked and re-encoded as a JPEG without metadata; ValidationError naming the file."""
    _check_size(upload)
    _check_image(upload)
    try:
        return _reencode(upload)
    except Image.DecompressionBombError:
        raise _refuse(upload, _("“%(name)s”的像素太多，请换一张较小的照片。")) from None
    except Exception:
        raise _refuse(upload, _("“%(name)s”已损坏，无法读取。")) from None
    finally:
        _rewind(upload)


def prepare_photos(uploads: Sequence[UploadedFile], *, limit: int) -> list[Photo]:
    """Several uploads at once: every problem reported together, nothing returned unless all pass."""
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > limit:
        raise ValidationError(
            ngettext("最多上传%(limit)d张照片。", "最多上传%(limit)d张照片。", limit) % {"limit": limit},
            code="photo_count",
        )
    photos: list[Photo] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            photos.append(prepare_photo(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return photos


# ----- GPS position from EXIF ----------------------------------------------------------------

def _degrees(value: Any) -> float:
    """EXIF degrees, minutes, seconds (three rationals) as decimal degrees; NaN when unreadable."""
    try:
        parts = [float(part) for part in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return math.nan
    if len(parts) != 3:
        return math.nan
    return parts[0] + parts[1] / 60 + parts[2] / 3600


def _gps_point(gps: dict[int, Any]) -> tuple[float, float] | None:
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude))
    lng = _degrees(gps.get(ExifTags.GPS.GPSLongitude))
    if str(gps.get(ExifTags.GPS.GPSLatitudeRef, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(ExifTags.GPS.GPSLongitudeRef, "E")).upper().startswith("W"):
        lng = -lng
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    if lat == 0 and lng == 0:  # cameras without a fix write zeros
        return None
    return (round(lng, 7), round(lat, 7))


def read_gps(upload: UploadedFile) -> tuple[float, float] | None:
    """(longitude, latitude) in WGS-84 from the photo's EXIF GPS block, or None.

    Reads the header only; call it before ``prepare_photo`` strips the metadata. Files that are
    not images, or are too large, simply have no position.
    """
    if (upload.size or 0) > max_bytes():
        return None
    try:
        with _open(upload) as image:
            gps = dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:
        return None
    finally:
        _rewind(upload)
    return _gps_point(gps) if gps else None


def first_gps(uploads: Sequence[UploadedFile]) -> tuple[float, float] | None:
    """The position of the first photo that has one."""
    for upload in uploads:
        point = read_gps(upload)
        if point is not None:
            return point
    return None
