"""Decoding case photos in a child process whose memory and time are bounded (照片解码子进程).

``cases.photos`` checks every upload from its header first (format, pixels, mode) and then runs
this file as a script, ``python -I cases/photodecoder.py``, once per form submission. Before it
decodes anything the child caps its own address space (``RLIMIT_AS``) and CPU time
(``RLIMIT_CPU``), and the parent kills it after a timeout, so a hostile image can exhaust only
this short-lived process, never the web worker that waits for it. The script imports nothing but
the standard library and Pillow (``-I`` keeps the project's modules and environment out of it).

The child decodes each photo the cheapest way that still gives the stored size — a JPEG at
1/2, 1/4 or 1/8 scale (Pillow's draft mode) when that is still at least as large as the stored
copy —, scales it to at most ``side`` pixels on the longer side, puts transparent parts on
white, turns it upright by its EXIF orientation and writes a fresh JPEG without any metadata.

Protocol. stdin: one JSON object ``{"files": [path, …], "formats": […], "side": …, "quality": …,
"max_pixels": …, "max_pixels_deep": …, "memory_bytes": …, "cpu_seconds": …}``. stdout: one JSON
line ``{"results": [{"ok": true, "width": …, "height": …, "length": …} | {"ok": false, "error":
code}, …]}`` followed by the JPEG bytes of the successful results in order. Error codes: see
``ERRORS``. The parent trusts nothing it reads back without checking it.

The header helpers (``target_size``, ``is_deep``) are also imported by ``cases.photos``, so the
parent's checks and the child's decoding agree on what an image costs.
"""

from __future__ import annotations

import io
import json
import math
import sys
from collections.abc import Mapping
from typing import Any

from PIL import ExifTags, Image

try:
    import resource
except ImportError:  # not on POSIX
    resource = None  # type: ignore[assignment]

# Formats Pillow decodes itself. EPS (Ghostscript) and other formats that call out to a program
# are never opened.
ACCEPTED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF")
DRAFT_FORMATS = ("JPEG", "MPO")
# Modes whose samples are wider than 8 bits or that carry an alpha channel: they cost more to
# decode and to convert, so they have their own, tighter pixel limit.
DEEP_MODES = frozenset({"I", "F", "I;16", "I;16B", "I;16L", "I;16N", "RGBA", "RGBa", "LA", "La", "PA"})
DEEP_RAWMODE_ENDINGS = (";16B", ";16L", ";16N")
# What a failure means; ``cases.photos`` turns each into a message naming the file.
ERRORS = ("format", "pixels", "damaged", "memory")

ORIENTATION_METHODS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PhotoError(Exception):
    """One photo could not be decoded; ``code`` is one of ``ERRORS``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# ----- header facts, shared with the parent ---------------------------------------------------------

def target_size(size: tuple[int, int], side: int) -> tuple[int, int] | None:
    """The stored copy's size for an image of ``size`` (None when it is small enough already)."""
    width, height = size
    if max(width, height) <= side:
        return None
    scale = side / max(width, height)
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def is_deep(image: Image.Image) -> bool:
    """Whether the image has 16-bit samples or an alpha channel (from its header, not decoded)."""
    if image.mode in DEEP_MODES or "transparency" in image.info:
        return True
    for tile in getattr(image, "tile", None) or []:
        rawmode = tile.args[0] if isinstance(tile.args, tuple) and tile.args else tile.args
        if isinstance(rawmode, str) and rawmode.endswith(DEEP_RAWMODE_ENDINGS):
            return True
    return False


def draft(image: Image.Image, side: int) -> None:
    """Ask a JPEG to decode at the smallest scale that still covers the stored size (no decoding)."""
    target = target_size(image.size, side)
    if target is not None and image.format in DRAFT_FORMATS:
        image.draft("RGB", target)


# ----- in the child ----------------------------------------------------------------------------

def limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time; write no files, dump no core."""
    if resource is None:  # not on POSIX: the parent's timeout still applies
        return
    for limit, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, cpu_seconds),
                         (resource.RLIMIT_FSIZE, 0), (resource.RLIMIT_CORE, 0)):
        hard = value + 1 if limit == resource.RLIMIT_CPU else value
        resource.setrlimit(limit, (value, hard))


def _check_header(image: Image.Image, job: Mapping[str, Any]) -> None:
    width, height = image.size
    limit = job["max_pixels_deep"] if is_deep(image) else job["max_pixels"]
    if width * height > limit:
        raise PhotoError("pixels")


def _working_copy(image: Image.Image) -> Image.Image:
    """RGB, L, RGBA or LA: what scaling handles well (alpha is kept until after scaling)."""
    if image.mode in ("RGB", "L", "RGBA", "LA"):
        return image
    if image.mode.startswith("I;16") or image.mode == "I":
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("PA", "RGBa", "La") or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")


def _on_white(image: Image.Image) -> Image.Image:
    """RGB, with transparent parts on white (a JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _reencode(image: Image.Image, job: Mapping[str, Any]) -> tuple[bytes, int, int]:
    side = int(job["side"])
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    draft(image, side)
    working = _working_copy(image)
    working.thumbnail((side, side), Image.Resampling.LANCZOS)
    rgb = _on_white(working)
    if orientation in ORIENTATION_METHODS:
        rgb = rgb.transpose(ORIENTATION_METHODS[orientation])
    # A fresh image carries no ``info`` (Pillow would copy a JPEG comment from it).
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=int(job["quality"]), optimize=True)
    return buffer.getvalue(), clean.width, clean.height


def decode(path: str, job: Mapping[str, Any]) -> tuple[bytes, int, int]:
    """One photo as a fresh JPEG (content, width, height); PhotoError when it cannot be."""
    try:
        with Image.open(path, formats=list(job["formats"])) as image:
            _check_header(image, job)
            return _reencode(image, job)
    except PhotoError:
        raise
    except Image.DecompressionBombError:
        raise PhotoError("pixels") from None
    except Image.UnidentifiedImageError:
        raise PhotoError("format") from None
    except MemoryError:
        raise PhotoError("memory") from None
    except Exception:  # Pillow raises many kinds of error on hostile or damaged files
        raise PhotoError("damaged") from None


def run(job: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[bytes]]:
    """Decode every file of the job, in order: the result rows and the JPEGs of the good ones."""
    Image.MAX_IMAGE_PIXELS = int(job["max_pixels"])
    results: list[dict[str, Any]] = []
    blobs: list[bytes] = []
    for path in job["files"]:
        try:
            content, width, height = decode(path, job)
        except PhotoError as error:
            results.append({"ok": False, "error": error.code})
            continue
        results.append({"ok": True, "width": width, "height": height, "length": len(content)})
        blobs.append(content)
    return results, blobs


def main() -> int:
    job = json.loads(sys.stdin.buffer.read(1_000_000))
    limit_resources(int(job["memory_bytes"]), int(job["cpu_seconds"]))
    results, blobs = run(job)
    out = sys.stdout.buffer
    out.write(json.dumps({"results": results}).encode() + b"\n")
    for blob in blobs:
        out.write(blob)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
