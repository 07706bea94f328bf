"""Registry pages: an area's coverage (覆盖情况) and the verification (核实) endpoint.

* ``/registry/areas/<code>/coverage/`` — the headline figures and the gap lists of an area,
  with a paginated sample of the records of one gap (``?gap=<key>``).
* ``/registry/areas/<code>/coverage/panel/`` — a compact card of the same figures, loaded by
  the area page with htmx (the areas app does not import registry code).
* ``/registry/verify/<kind>/<pk>/`` — POST a verification result (``state``, ``note``); htmx
  gets the updated badge back, a plain form post is redirected back with a message.

Areas are looked up through ``Area.objects.visible_to(user)`` and records through
``visible_to(user)``: anything outside the user's scope answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from areas.models import Area
from registry.coverage import GAPS, area_coverage, gap_records, missing_fields_of
from registry.models import GridScoped, Resident, VerificationState
from registry.verification import VERIFIABLE_KINDS, record_verify, verification_badge

GAP_PAGE_SIZE = 20
# Coverage counts people: reading it needs the permission to read residents in the area.
COVERAGE_PERMISSION = "registry.view_resident"


def _get_area_for_user(request: HttpRequest, code: str) -> Area:
    """The area with this code if the user may see it; 404 otherwise (unknown or outside scope)."""
    return get_object_or_404(Area.objects.visible_to(request.user), code=code)


def _may_read_coverage(request: HttpRequest, area: Area) -> bool:
    return request.user.has_perm(COVERAGE_PERMISSION, area)


@dataclass(frozen=True)
class GapRow:
    """One record of a gap list: what it is, where, its verification and what is missing."""

    label: str
    grid_name: str
    state: str
    state_label: str
    verified_at: datetime | None
    verifier_name: str
    detail: str
    url: str


def record_url(kind: str, pk: int) -> str:
    """The record's profile page (``registry:<kind>``), or "" while there is none (no link)."""
    try:
        return reverse(f"registry:{kind}", args=[pk])
    except NoReverseMatch:
        return ""


def _gap_row(kind: str, record: GridScoped) -> GapRow:
    detail = ""
    if isinstance(record, Resident):
        missing = missing_fields_of(record)
        detail = _("缺少：%(fields)s") % {"fields": pgettext("list separator", "、").join(missing)} if missing else ""
    elif kind == "dwelling":
        detail = record.get_use_display()  # type: ignore[attr-defined]
    verifier = record.verified_by
    return GapRow(
        label=str(record),
        grid_name=record.grid.name,
        state=record.verification_state,
        state_label=str(VerificationState(record.verification_state).label),
        verified_at=record.verified_at,
        verifier_name=str(verifier) if verifier else "",
        detail=detail,
        url=record_url(kind, record.pk),
    )


@login_required
@require_GET
def coverage_page(request: HttpRequest, code: str) -> HttpResponse:
    """The full coverage page of an area: figures, every gap's count, one gap's records."""
    area = _get_area_for_user(request, code)
    if not _may_read_coverage(request, area):
        raise PermissionDenied(_("您没有查看基础信息的权限。"))
    coverage = area_coverage(area, request.user)
    context: dict[str, Any] = {"area": area, "coverage": coverage, "gaps": coverage.gaps()}
    key = request.GET.get("gap", "")
    if key:
        if key not in GAPS:
            raise Http404
        gap = GAPS[key]
        page = Paginator(gap_records(key, area, request.user), GAP_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            gap_key=key, gap_label=gap.label, gap_page=page,
            gap_rows=[_gap_row(gap.kind, record) for record in page.object_list],
        )
    return render(request, "registry/coverage_page.html", context)


@login_required
@require_GET
def coverage_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The compact coverage card for the area page (an htmx fragment; empty for users who may not read it)."""
    area = _get_area_for_user(request, code)
    if not _may_read_coverage(request, area):
        return HttpResponse("")
    coverage = area_coverage(area, request.user)
    context = {"area": area, "coverage": coverage, "gaps": [gap for gap in coverage.gaps() if gap.count]}
    return render(request, "registry/coverage_panel.html", context)


@login_required
@require_POST
def verify(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Record a verification result for one building, dwelling, household or resident."""
    model = VERIFIABLE_KINDS.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    try:
        record = record_verify(
            record=record, actor=request.user, state=request.POST.get("state", ""), note=request.POST.get("note", "")
        )
    except ObjectDoesNotExist as error:
        raise Http404 from error
    except PermissionDenied as error:
        return _refusal(request, record, str(error), 403)
    except ValidationError as error:
        return _refusal(request, record, " ".join(error.messages), 400)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("已记录核实结果。"))
        return _back(request)
    badge = verification_badge(record=record, user=request.user)
    return render(request, "registry/coverage_verification.html", {"badge": badge, "next": _back_url(request)})


def _refusal(request: HttpRequest, record: GridScoped, message: str, status: int) -> HttpResponse:
    """Why a verification was refused: into the badge's feedback line (htmx) or as a message."""
    if not request.htmx:  # type: ignore[attr-defined]
        context = {"message": message, "back": _back_url(request)}
        return render(request, "registry/coverage_refusal.html", context, status=status)
    badge = verification_badge(record=record, user=request.user)
    response = HttpResponse(format_html('<span class="verify-error">{}</span>', message), status=status)
    response["HX-Retarget"] = f"#{badge.dom_id}-feedback"
    response["HX-Reswap"] = "innerHTML"
    return response


def _back_url(request: HttpRequest) -> str:
    """The page the form was on (``next`` or the referrer, if on this site), else the home page."""
    target = request.POST.get("next") or request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _back(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(_back_url(request))


urlpatterns: list[URLPattern | URLResolver] = [
    path("areas/<str:code>/coverage/", coverage_page, name="coverage"),
    path("areas/<str:code>/coverage/panel/", coverage_panel, name="coverage_panel"),
    path("verify/<str:kind>/<int:pk>/", verify, name="verify"),
]
