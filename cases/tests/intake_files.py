"""Upload files for the intake tests: photos with EXIF GPS, PNGs, things that are not images."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

# 34°43'12"N 113°30'36"E = (113.51, 34.72): inside grid A of the test cast.
GRID_A_GPS = ((113.0, 30.0, 36.0), (34.0, 43.0, 12.0))
GRID_A_POINT = (113.51, 34.72)
GRID_B_POINT = (113.53, 34.72)
GRID_C_POINT = (113.62, 34.72)
NOWHERE_POINT = (100.0, 30.0)


def jpeg_bytes(size: tuple[int, int] = (64, 48), *, gps: tuple | None = GRID_A_GPS, orientation: int = 1,
               comment: bytes = b"Zhang San 13800138000") -> bytes:
    """A JPEG with EXIF (camera, orientation, GPS when given) and a comment: everything to strip."""
    image = Image.new("RGB", size, (10, 120, 200))
    image.paste((250, 250, 0), (0, 0, size[0] // 2, size[1] // 4))  # a mark to see the rotation
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Orientation] = orientation
    if gps is not None:
        lng, lat = gps
        block = exif.get_ifd(ExifTags.IFD.GPSInfo)
        block[ExifTags.GPS.GPSLatitudeRef] = "N"
        block[ExifTags.GPS.GPSLatitude] = lat
        block[ExifTags.GPS.GPSLongitudeRef] = "E"
        block[ExifTags.GPS.GPSLongitude] = lng
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=comment)
    return buffer.getvalue()


def jpeg_upload(name: str = "photo.jpg", **kwargs: object) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")  # type: ignore[arg-type]


def png_upload(name: str = "screen.png", size: tuple[int, int] = (40, 30), alpha: bool = True) -> SimpleUploadedFile:
    image = Image.new("RGBA" if alpha else "RGB", size, (0, 0, 0, 0) if alpha else (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_upload(name: str = "notes.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "这不是图片，只是改了扩展名。".encode(), content_type="image/jpeg")
