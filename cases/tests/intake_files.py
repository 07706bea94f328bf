"""Upload files for the intake tests: photos with EXIF GPS, PNGs, things that are not images."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

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


PNG_COLOURS = {"L": (0, 1), "RGB": (2, 3), "LA": (4, 2), "RGBA": (6, 4)}


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def crafted_png(size: tuple[int, int], *, colour: str = "RGB", depth: int = 8, complete: bool = True) -> bytes:
    """A PNG written byte by byte: bit depths Pillow does not write (16-bit colour), and, with
    ``complete=False``, a "bomb" whose header claims ``size`` over a few bytes of pixel data."""
    width, height = size
    colour_type, channels = PNG_COLOURS[colour]
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    compressor = zlib.compressobj(1)
    if complete:
        row = bytes(1 + width * channels * depth // 8)  # filter byte 0, black pixels
        pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    else:
        pixels = compressor.compress(bytes(1000)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels)
            + _png_chunk(b"IEND", b""))


def crafted_png_upload(name: str, size: tuple[int, int], **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, crafted_png(size, **kwargs), content_type="image/png")
