"""Case photos on the way in (事件照片): check the upload, read its GPS position, re-encode it.

Every photo a case stores went through ``prepare_photo_groups`` (or its one-field forms
``prepare_photos``/``prepare_photo``), in this order, each step only when the one before passed:

1. **Cheap checks** (``check_uploads``, what a form field does): how many files, each no larger
   than ``CASES_PHOTO_MAX_BYTES``. No image is opened. Forms prepare photos only after every
   other field is valid (``cases.forms.photofields``), so a submission with a bad phone or a
   missing description never touches an image.
2. **Header checks** in this process: the file must be an image Pillow opens by itself (JPEG,
   PNG, WebP, GIF, BMP, TIFF, MPO; AVIF where Pillow was built with it) — never a format that
   needs an outside program. Pillow's lazy ``Image.open`` reads size and mode from the header
   without decoding; each image may have at most ``CASES_PHOTO_MAX_PIXELS`` pixels, or
   ``CASES_PHOTO_MAX_PIXELS_DEEP`` for 16-bit samples or an alpha channel, and all photos of one
   submission together at most ``CASES_PHOTO_MAX_REQUEST_PIXELS`` *decoded* pixels (a large JPEG
   counts at the reduced scale it will be decoded at). ``configure_pillow`` also sets
   ``Image.MAX_IMAGE_PIXELS``, so Pillow itself refuses bombs anywhere in the process.
3. **Decoding** in a child process (``cases.photodecoder``) whose address space and CPU time are
   capped and which is killed after ``CASES_PHOTO_DECODE_TIMEOUT`` seconds: turned upright by
   its EXIF orientation, scaled to at most ``CASES_PHOTO_MAX_SIDE`` pixels on its longer side and
   written as a fresh JPEG: no EXIF, GPS, comment, XMP or ICC profile survives in any stored
   copy. The web process never decodes an uploaded image.

``read_gps`` reads the position a phone camera wrote into the EXIF block (WGS-84, as GPS
receivers give it) from the header, before the photo is stripped, so a resident's photo can
place the report.
"""

from __future__ import annotations

import io
import json
import logging
import math
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import ExifTags, Image

from cases import photodecoder
from cases.photodecoder import ACCEPTED_FORMATS
from cases.workflow import Photo

logger = logging.getLogger(__name__)

JPEG_QUALITY = 85
DECODER = Path(photodecoder.__file__).resolve()
# The child's environment: nothing of ours; few malloc arenas keep its address space small.
DECODER_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2", "LC_ALL": "C.UTF-8"}


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return _setting("CASES_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


def max_pixels() -> int:
    return _setting("CASES_PHOTO_MAX_PIXELS", 24_000_000)


def max_pixels_deep() -> int:
    return _setting("CASES_PHOTO_MAX_PIXELS_DEEP", 12_000_000)


def max_request_pixels() -> int:
    return _setting("CASES_PHOTO_MAX_REQUEST_PIXELS", 64_000_000)


def max_side() -> int:
    return _setting("CASES_PHOTO_MAX_SIDE", 2048)


def decode_memory_bytes() -> int:
    return _setting("CASES_PHOTO_DECODE_MEMORY_MB", 768) * 1024 * 1024


def decode_timeout() -> float:
    return float(getattr(settings, "CASES_PHOTO_DECODE_TIMEOUT", 30))


def configure_pillow() -> None:
    """Pillow refuses, anywhere in this process, images over twice the per-image limit (and
    warns above it), before any decoder allocates memory (called by ``CasesConfig.ready``)."""
    Image.MAX_IMAGE_PIXELS = max_pixels()


def _name(upload: UploadedFile) -> str:
    return str(getattr(upload, "name", "") or _("照片"))


def _rewind(upload: IO[bytes] | UploadedFile) -> None:
    upload.seek(0)


def _formats() -> list[str]:
    """The accepted formats this Pillow build can open (registering every plugin once)."""
    Image.init()
    return [name for name in ACCEPTED_FORMATS if name in Image.OPEN]


def _open(upload: UploadedFile) -> Image.Image:
    """The image, lazily: Pillow reads the header (size, mode) and decodes nothing yet."""
    _rewind(upload)
    return Image.open(upload, formats=_formats())  # type: ignore[arg-type]


def _refuse(upload: UploadedFile, message: str, code: str = "photo") -> ValidationError:
    return ValidationError(message % {"name": _name(upload)}, code=code)


def _too_many_pixels(upload: UploadedFile) -> ValidationError:
    return _refuse(upload, _("“%(name)s”的像素太多，请换一张较小的照片。"), "photo_pixels")


# ----- 1. cheap checks: no image is opened ----------------------------------------------------------

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


def check_uploads(uploads: Sequence[UploadedFile], *, limit: int) -> list[UploadedFile]:
    """The uploads of one field, counted and sized (every problem at once); no image is opened."""
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > limit:
        raise ValidationError(
            ngettext("最多上传%(limit)d张照片。", "最多上传%(limit)d张照片。", limit) % {"limit": limit},
            code="photo_count",
        )
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            _check_size(upload)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return uploads


# ----- 2. header checks: size and mode without decoding --------------------------------------------

@dataclass(frozen=True)
class Header:
    """What an upload's header says it costs."""

    upload: UploadedFile
    width: int
    height: int
    deep: bool
    decoded_pixels: int  # after JPEG draft mode: what decoding will really produce


def _pixel_refusal(upload: UploadedFile, width: int, height: int, deep: bool) -> ValidationError:
    values = {"name": _name(upload), "width": width, "height": height}
    if deep:
        return ValidationError(
            _("“%(name)s”是16位或带透明背景的图片，像素太多（%(width)s×%(height)s），请换一张较小的照片。") % values,
            code="photo_pixels")
    return ValidationError(_("“%(name)s”的像素太多（%(width)s×%(height)s），请换一张较小的照片。") % values,
                           code="photo_pixels")


def read_header(upload: UploadedFile) -> Header:
    """The upload's size and mode from its header, within the per-image limits (nothing decoded)."""
    try:
        with _open(upload) as image:
            width, height = image.size
            deep = photodecoder.is_deep(image)
            if width * height > (max_pixels_deep() if deep else max_pixels()):
                raise _pixel_refusal(upload, width, height, deep)
            photodecoder.draft(image, max_side())  # only changes what the decoder will be asked for
            return Header(upload=upload, width=width, height=height, deep=deep,
                          decoded_pixels=image.width * image.height)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(upload) from None
    except Exception:  # Pillow raises many kinds of error on hostile or damaged files
        raise _refuse(upload, _("“%(name)s”不是可识别的图片（支持 JPEG、PNG、WebP 等格式）。")) from None
    finally:
        _rewind(upload)


def _request_refusal(groups: Mapping[str, list[Header]]) -> dict[str, list[ValidationError]]:
    """The field whose photos take the submission over the decoded-pixel limit, if any."""
    total, limit = 0, max_request_pixels()
    for name, headers in groups.items():
        for header in headers:
            total += header.decoded_pixels
            if total > limit:
                return {name: [ValidationError(_("这些照片合计像素太多，请少选几张或换用较小的照片。"),
                                               code="photo_total")]}
    return {}


# ----- 3. decoding in a bounded child process ------------------------------------------------------

class DecoderFailed(Exception):
    """The child process died, timed out or answered nonsense (logged; the photos are refused)."""


def _input_path(upload: UploadedFile, folder: Path, index: int) -> str:
    """A file the child can read: Django's temporary file, or a copy of an in-memory upload."""
    temporary = getattr(upload, "temporary_file_path", None)
    if callable(temporary):
        return str(temporary())
    path = folder / f"{index}.upload"
    _rewind(upload)
    with path.open("wb") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
    _rewind(upload)
    return str(path)


def _job(paths: list[str]) -> dict[str, Any]:
    timeout = decode_timeout()
    return {"files": paths, "formats": _formats(), "side": max_side(), "quality": JPEG_QUALITY,
            "max_pixels": max_pixels(), "max_pixels_deep": max_pixels_deep(),
            "memory_bytes": decode_memory_bytes(), "cpu_seconds": max(1, math.ceil(timeout))}


def _run_decoder(uploads: Sequence[UploadedFile]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="wangge-photos-") as folder:
        paths = [_input_path(upload, Path(folder), index) for index, upload in enumerate(uploads)]
        try:
            completed = subprocess.run(
                [sys.executable, "-I", str(DECODER)], input=json.dumps(_job(paths)).encode(),
                capture_output=True, timeout=decode_timeout(), cwd=folder, env=DECODER_ENVIRONMENT, check=False,
            )
        except (subprocess.TimeoutExpired, OSError) as error:
            raise DecoderFailed(str(error)) from None
    if completed.returncode != 0:
        raise DecoderFailed(f"exit status {completed.returncode}: {completed.stderr[-2000:]!r}")
    return completed.stdout


def _checked_jpeg(content: bytes, row: Mapping[str, Any]) -> Photo:
    """A result of the child, trusted only once it is a JPEG of the size it claims."""
    with Image.open(io.BytesIO(content), formats=["JPEG"]) as image:
        size = image.size
    side = max_side()
    if size != (row.get("width"), row.get("height")) or max(size) > side:
        raise DecoderFailed(f"the decoder returned a {size} image")
    return Photo(content=content, width=size[0], height=size[1])


def _read_output(output: bytes, count: int) -> list[Photo | str]:
    """The child's answer: a Photo or an error code per upload, in order."""
    head, _separator, body = output.partition(b"\n")
    try:
        rows = json.loads(head)["results"]
        if len(rows) != count or sum(int(row["length"]) for row in rows if row["ok"]) != len(body):
            raise DecoderFailed("the decoder's answer does not add up")
        results: list[Photo | str] = []
        offset = 0
        for row in rows:
            if not row["ok"]:
                results.append(str(row["error"]) if row["error"] in photodecoder.ERRORS else "damaged")
                continue
            content = body[offset:offset + int(row["length"])]
            offset += len(content)
            results.append(_checked_jpeg(content, row))
        return results
    except DecoderFailed:
        raise
    except Exception as error:
        raise DecoderFailed(f"unreadable answer: {error!r}") from None


def decode(uploads: Sequence[UploadedFile]) -> list[Photo | str]:
    """Decode and re-encode the uploads in one bounded child process: a Photo or an error code each."""
    return _read_output(_run_decoder(uploads), len(uploads))


def _decode_refusal(upload: UploadedFile, code: str) -> ValidationError:
    messages = {
        "format": _("“%(name)s”不是可识别的图片（支持 JPEG、PNG、WebP 等格式）。"),
        "pixels": _("“%(name)s”的像素太多，请换一张较小的照片。"),
        "memory": _("“%(name)s”太大，无法处理，请换一张较小的照片。"),
    }
    return _refuse(upload, messages.get(code, _("“%(name)s”已损坏，无法读取。")))


# ----- the whole way --------------------------------------------------------------------------------

def _headers(groups: Mapping[str, Sequence[UploadedFile]]) -> dict[str, list[Header]]:
    """Every upload's header, per field; ValidationError keyed by field naming every bad file."""
    headers: dict[str, list[Header]] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, uploads in groups.items():
        headers[name] = []
        for upload in uploads:
            try:
                _check_size(upload)
                headers[name].append(read_header(upload))
            except ValidationError as error:
                errors.setdefault(name, []).append(error)
    errors = errors or _request_refusal(headers)
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return headers


def prepare_photo_groups(groups: Mapping[str, Sequence[UploadedFile]]) -> dict[str, list[Photo]]:
    """The photo fields of one submission, checked and re-encoded as JPEGs without metadata.

    Keyed by field name; ValidationError keyed the same way names every bad file. Nothing is
    decoded unless every header passes; then all photos are decoded in one child process.
    """
    headers = _headers({name: [upload for upload in uploads if upload] for name, uploads in groups.items()})
    uploads = [header.upload for rows in headers.values() for header in rows]
    if not uploads:
        return {name: [] for name in headers}
    try:
        results = decode(uploads)
    except DecoderFailed as failure:
        logger.warning("Photo decoder failed: %s", failure)
        message = _("照片处理失败，请换用较小的照片后重试。")
        raise ValidationError({name: [ValidationError(message, code="photo_decoder")]
                               for name, rows in headers.items() if rows}) from None
    prepared: dict[str, list[Photo]] = {}
    errors: dict[str, list[ValidationError]] = {}
    position = 0
    for name, rows in headers.items():
        prepared[name] = []
        for header in rows:
            result = results[position]
            position += 1
            if isinstance(result, Photo):
                prepared[name].append(result)
            else:
                errors.setdefault(name, []).append(_decode_refusal(header.upload, result))
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return prepared


def prepare_photos(uploads: Sequence[UploadedFile], *, limit: int) -> list[Photo]:
    """The uploads of one field: every problem reported together, nothing returned unless all pass."""
    uploads = check_uploads(uploads, limit=limit)
    try:
        return prepare_photo_groups({"photos": uploads})["photos"]
    except ValidationError as error:
        raise ValidationError(error.error_dict["photos"]) from None


def prepare_photo(upload: UploadedFile) -> Photo:
    """One upload checked and re-encoded as a JPEG without metadata; ValidationError naming the file."""
    return prepare_photos([upload], limit=1)[0]


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
    not images, or are too large, simply have no position. A PNG whose EXIF block is not in its
    header has none either: Pillow would decode the whole image to look for it after the pixels.
    """
    if (upload.size or 0) > max_bytes():
        return None
    try:
        with _open(upload) as image:
            if image.format == "PNG" and "exif" not in image.info:
                return None
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
