"""``POST requests``: an Open311 request becomes a case exactly as a 随手拍 report does.

The Open311 parameters are turned into the public report form's fields (``PublicReportForm``)
and go through ``cases.public_report.submit_public_report``: the same rate limits, honeypot-free
form, photo checks and re-encoding without EXIF, the locator and ``case_report`` as the
reporter, with channel ``open311``. The api key and what the client says about its user are
recorded with the case (``Open311Submission``) in the same transaction.

The rate limits count per source as on the page; an Open311 client reports for many people from
one server, so its source is the key plus the user's ``device_id`` or ``account_id`` (else the
client's address): one busy app does not block its other users, one user cannot flood the desks.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from api.models import Open311Key, Open311Submission
from api.open311.params import Open311Error, bad, parse_w3c
from cases import ratelimit
from cases.forms.intake import PublicReportForm
from cases.models import AttributeKind, Case, Category, Channel
from cases.public_report import Submission, submit_public_report
from core.request_context import client_address

# The form's fields by the Open311 parameter that filled them (errors name the parameter).
PARAMETERS = {
    "category": "service_code",
    "description": "description",
    "address": "address_string",
    "longitude": "long",
    "latitude": "lat",
    "location": "lat",
    "system": "lat",
    "grid": "lat",
    "reporter_phone": "phone",
    "reporter_name": "first_name",
    "photos": "media",
    "__all__": "request",
}
SHORT_TEXT = 100


class Open311ReportForm(PublicReportForm):
    """The public report form, with the words an Open311 client needs when the place is missing;
    its category is the service the request named (already read, with its questions)."""

    def __init__(self, *args: Any, service: Category, **kwargs: Any) -> None:
        self.service = service
        super().__init__(*args, **kwargs)

    def read_category(self, categories: QuerySet[Category], pk: int) -> Category | None:
        return self.service if pk == self.service.pk else super().read_category(categories, pk)

    @property
    def missing_place(self) -> str:
        return _("请提供 lat 和 long（WGS-84 坐标）；仅凭 address_string 无法确定所在网格。")


def _attribute_values(post: Mapping[str, Any], category: Category) -> dict[str, list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v1&…`` as the form's ``attr_<code>`` values."""
    values: dict[str, list[str]] = {}
    kinds = {attribute.code: attribute.kind for attribute in category.attributes.all()}
    for name in post:
        if not name.startswith("attribute[") or "]" not in name:
            continue
        code = name[len("attribute[") : name.index("]")]
        if code not in kinds:
            continue
        given = [str(value) for value in post.getlist(name)] if isinstance(post, QueryDict) else [str(post[name])]
        if kinds[code] == AttributeKind.DATE:
            given = [_as_date(code, value) for value in given]
        values.setdefault(f"attr_{code}", []).extend(given)
    return values


def _as_date(code: str, value: str) -> str:
    """A ``datetime`` answer (the spec's type) for a date question: its day in Wangge's zone."""
    if "T" not in value.upper():
        return value  # a plain date, checked by the category's own rules
    moment = parse_w3c(f"attribute[{code}]", value)
    return timezone.localtime(moment).date().isoformat()


def form_data(post: QueryDict, category: Category) -> QueryDict:
    """The public report form's fields from the Open311 parameters."""
    data = QueryDict(mutable=True)
    data["category"] = str(category.pk)
    data["description"] = post.get("description", "")
    data["address"] = post.get("address_string", "")
    lat, lng = post.get("lat", "").strip(), post.get("long", "").strip()
    if lat or lng:
        data["latitude"], data["longitude"], data["system"] = lat, lng, "WGS84"
    phone = post.get("phone", "").strip()
    name = " ".join(part for part in (post.get("last_name", "").strip(), post.get("first_name", "").strip()) if part)
    if phone:
        data["reporter_phone"], data["reporter_name"] = phone, name
    else:
        data["anonymous"] = "on"  # no phone: nobody to text, as an anonymous report on the page
    for field, values in _attribute_values(post, category).items():
        data.setlist(field, values)
    return data


def _source(request: HttpRequest, key: Open311Key, post: QueryDict) -> str:
    who = post.get("device_id", "").strip() or post.get("account_id", "").strip() or client_address(request)
    return ratelimit.keyed_source(f"open311:{key.pk}:{who[:SHORT_TEXT]}")


def form_errors(form: PublicReportForm) -> list[tuple[int | str, str]]:
    """Each error as the spec's (code, description), naming the Open311 parameter."""
    problems: list[tuple[int | str, str]] = []
    for field, messages in form.errors.items():
        name = PARAMETERS.get(field) or (
            f"attribute[{field.removeprefix('attr_')}]" if field.startswith("attr_") else field
        )
        problems.extend((400, f"{name}: {message}") for message in messages)
    return problems


def submit(request: HttpRequest, key: Open311Key, category: Category) -> tuple[Submission, Open311Submission | None]:
    """The request as a case and its record (or the form with its errors, or the rate limit's
    refusal, and no record)."""
    post = request.POST
    for name in ("device_id", "account_id"):
        if len(post.get(name, "")) > SHORT_TEXT:
            raise bad(name, _("最多%(limit)s个字符。") % {"limit": SHORT_TEXT})
    media_url = post.get("media_url", "").strip()
    if len(media_url) > 500 or (media_url and not media_url.lower().startswith(("http://", "https://"))):
        raise bad("media_url", _("请填写以 http:// 或 https:// 开头的网址（最多500个字符）。"))
    data = form_data(post, category)
    files = MultiValueDict({"photos": request.FILES.getlist("media")})

    records: list[Open311Submission] = []

    def record(case: Case) -> None:
        records.append(
            Open311Submission.objects.create(
                case=case,
                key=key,
                token=secrets.token_hex(16),
                device_id=post.get("device_id", "").strip(),
                account_id=post.get("account_id", "").strip(),
                media_url=media_url,
            )
        )

    submission = submit_public_report(
        key=_source(request, key, post),
        phone=str(data.get("reporter_phone", "")),
        channel=Channel.OPEN311,
        make_form=lambda with_files: Open311ReportForm(data, files if with_files else None, service=category),
        saved=record,
    )
    return submission, (records[0] if submission.case is not None and records else None)


__all__ = ["Open311Error", "Open311ReportForm", "form_data", "form_errors", "submit"]
