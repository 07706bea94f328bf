"""Helpers of the Open311 tests: a key, the prefix, reading both formats."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from accounts.models import User
from api.open311.keys import key_issue

BASE = "/open311/v2"


def issue_key(actor: User, name: str = "某某小程序") -> str:
    _key, secret = key_issue(name=name, actor=actor, owner="张工 0371-12345678")
    return secret


def as_json(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def as_xml(response: Any) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    return ElementTree.fromstring(response.content)


def children(element: ElementTree.Element) -> list[str]:
    return [child.tag for child in element]


def xml_errors(response: Any) -> list[tuple[str, str]]:
    root = as_xml(response)
    assert root.tag == "errors" and set(children(root)) == {"error"}
    return [(error.findtext("code") or "", error.findtext("description") or "") for error in root]


def json_errors(response: Any) -> list[dict[str, Any]]:
    rows = as_json(response)
    assert isinstance(rows, list) and rows and all(set(row) == {"code", "description"} for row in rows)
    return rows


def found(element: ElementTree.Element | None, path: str) -> ElementTree.Element:
    """The child at ``path`` (which must be there)."""
    assert element is not None
    child = element.find(path)
    assert child is not None, path
    return child
