"""Open311 answers in both formats, chosen by the URL's suffix (``.json`` or ``.xml``).

A document is a root name and its content: a list of rows (``services``, ``service_requests``,
``errors``…) or one object (``discovery``, ``service_definition``). XML follows the spec's
element names: a list is an element holding one child per item, named by ``ITEM_NAMES``
(``<service_requests><request>…``); ``None`` is an empty element, booleans are ``true``/``false``.
JSON is the Spark-convention mapping of the same XML: lists are arrays, the root name disappears.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
}


def w3c(moment: datetime.datetime | None) -> str | None:
    """A time as the spec writes it: ISO 8601 with the offset, in Wangge's zone, to the second."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# Characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _append(parent: ElementTree.Element, name: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: ElementTree.Element, name: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _append(element, str(key), item)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        item_name = ITEM_NAMES.get(name, "item")
        for item in value:
            _append(element, item_name, item)
    else:
        element.text = _text(value)


def to_xml(root: str, content: Any) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, root, content)
    return XML_DECLARATION + ElementTree.tostring(element, encoding="unicode").encode()


def to_json(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def document(root: str, content: Any, fmt: str, status: int = 200) -> HttpResponse:
    """The answer in the requested format (``fmt`` is ``json`` or ``xml``, from the URL)."""
    body = to_json(content) if fmt == "json" else to_xml(root, content)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, problems: Sequence[tuple[int | str, str]]) -> HttpResponse:
    """The spec's error answer: an array of ``code`` + ``description`` (several problems at once)."""
    rows = [{"code": code, "description": description} for code, description in problems]
    return document("errors", rows, fmt, status=status)
