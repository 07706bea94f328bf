"""No input causes a server error: a property-based fuzz test over every form and every filter.

The pages come from the URL conf through the scope matrix's table (``tests/test_scope_matrix.py``
fills each pattern's arguments), so a new page is fuzzed as soon as it has its matrix entry.
Each page is opened as a superuser; every ``<form>`` on it (its action, method, fields, the
choices of its selects) is then submitted with odd values — dates at the ends of the calendar,
non-finite and huge numbers, NUL and control characters, long and unusual Unicode text, random
bytes as files — by one of a few roles, and no response may be a server error (5xx; an
exception in a view fails the test with its traceback). Filters are GET forms, so their query
parameters are fuzzed the same way.

Deterministic (``derandomize``) and bounded: ``EXAMPLES`` submissions per form, each in a
savepoint rolled back afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cases.testing import tiny_photo
from tests.test_scope_matrix import KWARGS, TABLE
from tests.world import World

EXAMPLES = 6
ROLES = ("superuser", "area_admin", "grid_worker", "street_dispatcher", "property_handler", "anonymous")

ODD_TEXT = [
    "", " ", "\x00", "a\x00b", "\x1b[31m", "\u202e", "\ufeff", "𠀀𠀁", "１２３", "0", "-1", "1e999", "-1e999",
    "nan", "NaN", "Infinity", "-inf", "1" * 40, "9" * 400, "0.1", "-0", "0001-01-01", "9999-12-31",
    "2026-02-30", "99999-01-01", "0001-01-01T00:00", "9999-12-31T23:59", "2026-13-01T25:61", "<script>x</script>",
    "' OR 1=1 --", "%00", "%s%n", "../../etc/passwd", "[]", "{}", "null", "true", "x" * 5000,
]
# The explicit examples every form gets first: every field at once at an edge of its kind (selects
# keep a real choice so that the form goes as deep as it can).
EDGES: list[dict[str, str]] = [
    {"date": "0001-01-01", "datetime-local": "0001-01-01T00:00", "number": "nan", "text": "\x00"},
    {"date": "9999-12-31", "datetime-local": "9999-12-31T23:59", "number": "1e999", "text": "x" * 5000},
    {"date": "2026-02-30", "datetime-local": "2100-12-31T23:59", "number": "-Infinity", "text": "𠀀\u202e<b>"},
    {"date": "1900-01-01", "datetime-local": "2026-10-01T08:00", "number": "9" * 40, "text": "-1"},
]
ODD_FILES = [b"", b"\x00" * 16, b"\xff\xd8\xff\xe0", b"{}", b"[" * 5000,
             json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature"}]}).encode()]


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "textarea"
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return self.method, self.action, tuple(sorted(self.fields))


class FormParser(HTMLParser):
    """The forms of a page: action, method, and each named field with its type and choices."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urlsplit(values.get("action") or self.page).path or self.page
            self._form = Form(action, (values.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "select", "textarea", "button"} and values.get("name"):
            self._field(tag, values)
        elif tag == "option" and self._select is not None:
            self._select.options.append(values.get("value", ""))

    def _field(self, tag: str, values: dict[str, str]) -> None:
        assert self._form is not None
        name = values["name"]
        kind = tag if tag in {"select", "textarea"} else values.get("type", "text").lower()
        if kind in {"submit", "button", "hidden"} and tag != "select":
            kind = "fixed"
        found = self._form.fields.setdefault(name, FormField(name, kind, multiple="multiple" in values))
        if kind in {"radio", "checkbox", "fixed"}:
            found.options.append(values.get("value", "on"))
            found.multiple = found.multiple or kind == "checkbox"
        if tag == "select":
            self._select = found

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def odd_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=30))


def value_strategy(form_field: FormField) -> st.SearchStrategy[Any]:
    kind = form_field.kind
    if kind == "file":
        contents = st.one_of(st.sampled_from([*ODD_FILES, tiny_photo().content]), st.binary(max_size=64))
        return contents.map(lambda content: SimpleUploadedFile("upload.bin", content))
    if kind in {"date", "datetime-local"}:
        day = st.dates().map(lambda value: value.isoformat() + ("T08:00" if kind != "date" else ""))
        one: st.SearchStrategy[Any] = st.one_of(day, odd_text())
    elif kind == "numbers":  # comma-separated, like a bounding box
        numbers = st.lists(st.floats(allow_nan=True, allow_infinity=True).map(repr), max_size=5).map(",".join)
        one = st.one_of(numbers, odd_text())
    elif kind == "number":
        number = st.one_of(st.integers().map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr))
        one = st.one_of(number, odd_text())
    elif form_field.options:
        one = st.one_of(st.sampled_from(form_field.options), odd_text())
    else:
        one = odd_text()
    if form_field.multiple:
        return st.lists(one, max_size=3)
    return one


def data_strategy(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """Every field present or left out, each with an odd or a plausible value."""
    return st.fixed_dictionaries({}, optional={name: value_strategy(f) for name, f in form.fields.items()})


# Query parameters pages read without a form (JSON endpoints, paging, tabs), by the kind of value.
POINT = {"lng": "number", "lat": "number", "crs": "text"}
QUERY_PARAMETERS: dict[str, dict[str, str]] = {
    "areas:locate": POINT, "cases:report_where": POINT, "public_cases:where": POINT,
    "cases:report_outlines": {"bbox": "numbers"}, "public_cases:outlines": {"bbox": "numbers"},
    "areas:export": {"level": "text", "crs": "text"},
    "areas:index": {"q": "text", "page": "number"},
    "cases:workbench": {"queue": "text", "sort": "text", "page": "number", "after": "text", "before": "text"},
    "cases:inbox": {"unread": "text", "page": "number"},
    "cases:calendar": {"day": "date"},
    "cases:report": dict.fromkeys(("category", "grid", "building", "household", "resident"), "number"),
    "cases:report_attributes": {"category": "number"}, "public_cases:attributes": {"category": "number"},
    "registry:coverage": {"gap": "text", "page": "number"},
    "registry:search": {"q": "text", "page": "number"},
    "audit:changelog": {"page": "number"},
}


def query_forms(name: str, page: str) -> list[Form]:
    parameters = QUERY_PARAMETERS.get(name, {})
    if not parameters:
        return []
    return [Form(page, "get", {key: FormField(key, kind) for key, kind in parameters.items()})]


def edge_data(form: Form, edge: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, form_field in form.fields.items():
        if form_field.kind == "file":
            data[name] = SimpleUploadedFile("upload.bin", b"\x00" * 16)
        elif form_field.options:
            real = [option for option in form_field.options if option] or form_field.options
            data[name] = real[:2] if form_field.multiple else real[0]
        else:
            data[name] = edge.get(form_field.kind, edge["text"]) if form_field.kind != "numbers" else ",".join(
                [edge["number"]] * 4)
    return data


def _pages(world: World, name: str) -> list[str]:
    entry = TABLE[name]
    if entry.method != "get":
        return []
    if name == "cases:case":
        cases = [world.sites["in"].case, *world.cases_by_status.values()]
        return [reverse(name, kwargs={"number": case.number}) for case in cases]
    return [reverse(name, kwargs=KWARGS[entry.kind](world.sites["in"]) if entry.kind else {})]


def _forms(client: Client, page: str) -> list[Form]:
    response = client.get(page)
    if response.status_code >= 400 or "html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser(page)
    parser.feed(response.content.decode())
    return parser.forms


SEEN: set[tuple[str, str, tuple[str, ...]]] = set()  # a form on many pages (the menu's) is fuzzed once


def _fuzz(world: World, form: Form) -> None:
    users = world.users()
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        user = users[role]
        if user is not None:
            clients[role].force_login(user)

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(role=st.sampled_from(ROLES), data=data_strategy(form))
    def submit(role: str, data: dict[str, Any]) -> None:
        cache.clear()
        client = clients[role]
        with transaction.atomic():
            send = client.post if form.method == "post" else client.get
            response = send(form.action, data)
            transaction.set_rollback(True)
        assert response.status_code < 500, (role, form.method, form.action, data)

    for edge in EDGES:
        submit = example(role="superuser", data=edge_data(form, edge))(submit)
    submit()


@pytest.mark.parametrize("name", sorted(TABLE))
def test_no_form_or_filter_gives_a_server_error(world: World, db: None, name: str) -> None:
    viewers = []
    # The superuser sees every desk's forms; the lead unit's handler those of the unit (feedback…).
    for user in (world.cast.superuser, world.cc.property_handler):
        viewers.append(Client())
        viewers[-1].force_login(user)
    for page, client in ((page, client) for page in _pages(world, name) for client in viewers):
        for form in [*_forms(client, page), *query_forms(name, page)]:
            if form.key() in SEEN or not form.fields or form.action == reverse("logout"):
                continue
            SEEN.add(form.key())
            _fuzz(world, form)
