"""The Open311 GeoReport v2 methods (docs/open311.md), each in JSON and XML by the URL's suffix.

GETs are public and show only what the anonymous tracking page shows (``selectors``); ``POST
requests`` needs a valid api key (403 otherwise). Every refusal is the spec's error document:
400 for a bad parameter (naming it), 403 for the key, 404 for an unknown service, request,
token or jurisdiction, 429 for the rate limit of public reports.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db.models import Exists, Max, OuterRef, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from api.base import requested_language
from api.models import Open311Submission
from api.open311 import intake, params
from api.open311.documents import document, errors
from api.open311.keys import key_for_secret, key_touch
from api.open311.params import Open311Error, bad
from api.open311.selectors import (
    public_cases,
    public_categories,
    public_updates,
    request_row,
    service_notice,
    update_row,
)
from cases.models import FINAL_STATUSES, OPEN_STATUSES, AttributeKind, CaseAttachment, CategoryAttribute
from cases.models.catalog import translated_catalog_text
from cases.views.intake import photo_response
from core.request_context import client_address

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DATATYPES = {
    AttributeKind.TEXT: "string",
    AttributeKind.NUMBER: "number",
    AttributeKind.DATE: "datetime",
    AttributeKind.CHOICE: "singlevaluelist",
    AttributeKind.MULTIPLE: "multivaluelist",
}
Open311View = Callable[..., HttpResponse]


def _params(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def open311(methods: tuple[str, ...] = ("GET", "HEAD")) -> Callable[[Open311View], Open311View]:
    """The frame of every method: the language (``Accept-Language``), the allowed methods, the
    ``jurisdiction_id`` check, and every refusal as the spec's error document."""

    def decorate(view: Open311View) -> Open311View:
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            language = requested_language(request)
            with translation.override(language or translation.get_language()):
                response = _answer(view, request, fmt, methods, **kwargs)
                if language:
                    response["Content-Language"] = language
            return response

        return wrapper

    return decorate


def _answer(view: Open311View, request: HttpRequest, fmt: str, methods: tuple[str, ...], **kwargs: Any) -> HttpResponse:
    if request.method not in methods:
        response = errors(fmt, 405, [(405, _("不支持这个请求方法。"))])
        response["Allow"] = ", ".join(methods)
        return response
    try:
        params.refuse_nul(request.GET)
        params.refuse_nul(_params(request))
        params.check_jurisdiction(_params(request))
        return view(request, fmt, **kwargs)
    except Open311Error as error:
        return errors(fmt, error.status, error.problems)
    except Http404:
        return errors(fmt, 404, [(404, _("没有找到。"))])
    except (SuspiciousOperation, MultiPartParserError, BadRequest):
        return errors(fmt, 400, [(400, _("请求格式有误，无法读取。"))])


def _endpoint_url(request: HttpRequest) -> str:
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    path = reverse("open311:discovery", kwargs={"fmt": "xml"}).rsplit("/", 1)[0]
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@open311()
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """The service discovery document: where the v2 endpoint is, its formats, how to get a key."""
    changed = public_categories().aggregate(latest=Max("updated_at"))["latest"]
    changeset = changed.strftime("%Y-%m-%d %H:%M") if changed else ""
    content = {
        "changeset": changeset,
        "contact": str(getattr(settings, "OPEN311_CONTACT", "") or _("请联系本平台管理员。")),
        "key_service": str(getattr(settings, "OPEN311_KEY_SERVICE", "") or _("api_key 由平台管理员在系统管理中签发。")),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _endpoint_url(request),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return document("discovery", content, fmt)


@open311()
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service List: the public categories."""
    questions = CategoryAttribute.objects.filter(category=OuterRef("pk"))
    rows = [
        {
            "service_code": category.code,
            "service_name": category.display_name,
            "description": category.description,
            "metadata": category.has_questions,
            "type": "realtime",
            "keywords": ", ".join(word for word in (category.display_name, category.gbt_code) if word),
            "group": category.parent.display_name if category.parent else "",
        }
        for category in public_categories().select_related("parent").annotate(has_questions=Exists(questions))
    ]
    return document("services", rows, fmt)


def _attribute(attribute: CategoryAttribute, order: int) -> dict[str, Any]:
    datatype = DATATYPES.get(AttributeKind(attribute.kind), "string")
    row: dict[str, Any] = {
        "variable": True,
        "code": attribute.code,
        "datatype": datatype,
        "required": attribute.required,
        "datatype_description": _datatype_description(datatype),
        "order": order,
        "description": attribute.display_label,
    }
    if datatype in ("singlevaluelist", "multivaluelist"):
        row["values"] = [{"key": option, "name": translated_catalog_text(option)} for option in attribute.option_list]
    return row


def _datatype_description(datatype: str) -> str | None:
    return {
        "number": _("数字，如 12.5"),
        "datetime": _("日期，如 2026-10-01，或 W3C 日期时间"),
        "multivaluelist": _("可多选：attribute[代码][]=值"),
    }.get(datatype)


@open311()
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    """GET Service Definition: a public category's extra questions."""
    category = public_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code：没有这个服务“%(code)s”。") % {"code": code[:60]})
    attributes = [_attribute(attribute, order) for order, attribute in enumerate(category.attributes.all(), start=1)]
    return document("service_definition", {"service_code": category.code, "attributes": attributes}, fmt)


@csrf_exempt
@open311(methods=("GET", "HEAD", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service Requests (the public feed) and POST Service Request (a new case)."""
    if request.method == "POST":
        return _create(request, fmt)
    query = request.GET
    extensions = params.flag(query, "extensions")
    page = params.page(query)
    rows = public_cases()
    ids = params.id_list("service_request_id", query.get("service_request_id", ""))
    if ids:  # overrides every other argument, as the spec says
        rows = rows.filter(number__in=ids)
    else:
        window = params.window(query)
        rows = rows.filter(reported_at__gte=window.start, reported_at__lte=window.end)
        codes = params.id_list("service_code", query.get("service_code", ""))
        if codes:
            rows = rows.filter(category__code__in=codes)
        wanted = params.statuses(query.get("status", ""))
        if wanted == {"open"}:
            rows = rows.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            rows = rows.filter(status__in=FINAL_STATUSES)
    # The page's ids first (an index range with its offset), then the reply, time and photo
    # subqueries for those rows only: over a plain slice PostgreSQL computed them for every row
    # it skipped (2,000 rows × 52 timeline partitions on page 40 of 1 M cases).
    page_ids = rows.order_by("-reported_at", "-id").values("pk")[page.offset : page.offset + page.size]
    cases = public_cases().filter(pk__in=page_ids).order_by("-reported_at", "-id")
    return document("service_requests", [request_row(case, request, extensions=extensions) for case in cases], fmt)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = key_for_secret(str(request.POST.get("api_key", "") or request.GET.get("api_key", "")))
    if key is None:
        raise Open311Error(403, _("api_key 缺失、无效或已撤销，不能提交请求。"))
    key_touch(key, client_address(request))
    code = str(request.POST.get("service_code", "")).strip()
    if not code:
        raise bad("service_code", _("请提供 service_code。"))
    category = public_categories().prefetch_related("attributes").filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code：没有这个服务“%(code)s”。") % {"code": code[:60]})
    submission, record = intake.submit(request, key, category)
    if submission.limited:
        return errors(fmt, 429, [(429, submission.refusal)])
    if submission.case is None or record is None:
        return errors(fmt, 400, intake.form_errors(submission.form))
    case = submission.case
    row = {
        "service_request_id": case.number,
        "token": record.token,
        "service_notice": service_notice(category),
        "account_id": record.account_id or None,
    }
    return document("service_requests", [row], fmt)


@open311()
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    """GET Service Request: one case of the feed by its number."""
    case = public_cases().filter(number=request_id).first()
    if case is None:
        raise Open311Error(404, _("service_request_id：没有这条请求“%(id)s”。") % {"id": request_id[:40]})
    row = request_row(case, request, extensions=params.flag(request.GET, "extensions"))
    return document("service_requests", [row], fmt)


@open311()
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """GET service_request_id from a token (given with every Open311 request Wangge took)."""
    record = Open311Submission.objects.select_related("case").filter(token=token).first()
    if record is None:
        raise Open311Error(404, _("token：没有这个令牌。"))
    return document("service_requests", [{"service_request_id": record.case.number, "token": record.token}], fmt)


@open311()
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """mySociety's GET Service Request Updates: the public timeline entries in a time range."""
    query = request.GET
    window = params.window(query)
    page = params.page(query)
    extensions = params.flag(query, "extensions")
    events = public_updates().filter(time__gte=window.start, time__lte=window.end).order_by("time", "pk")
    rows = [
        update_row(event, request, extensions=extensions) for event in events[page.offset : page.offset + page.size]
    ]
    return document("service_request_updates", rows, fmt)


def media(request: HttpRequest, token: uuid.UUID) -> HttpResponse | FileResponse:
    """A public photo of a case in the feed (``media_url``), by its random token."""
    attachment = (
        CaseAttachment.objects.filter(
            token=token, public=True, case__category__public=True, case__category__is_dispute=False
        )
        .filter(Q(event__isnull=True) | Q(event__public=True))
        .first()
    )
    if attachment is None:
        return errors("xml", 404, [(404, _("没有找到。"))])
    return photo_response(attachment, "public, max-age=3600")


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /open311/v2/: the spec's 404, in the format the path asks for."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    return errors(fmt, 404, [(404, _("没有这个方法。请查看 discovery.xml。"))])
