"""Pages for residents without an account (under /s/): 随手拍 and the tracking page (查询进度).

* ``/s/report/`` — a public category, a description, up to five photos (their EXIF position
  places the report when no pin is given; the stored copies carry no EXIF), a point inside
  some grid, anonymous or with a phone. Rate-limited per address and per phone, failed
  submissions included (``cases.ratelimit``), CSRF-protected, with a honeypot field; photos are
  opened only once everything else is valid. The answer is the tracking code (the browser keeps
  its last few codes in a signed cookie for ``/s/report/done/`` and the lookup page, not in the
  session: an anonymous report touches no session row).
* ``/s/track/`` and ``/s/track/<code>/`` — the case's status, the public timeline entries
  (``CaseEvent.public``) with only their reply to the reporter (``CaseEvent.reply``; staff notes
  never leave the desk) and public photos, and what the reporter may do now
  (``may(case, REPORTER, verb)``): cancel (or ask to, once dispatched), confirm the fix (核查) or
  rate (also replacing a call-back's rating within the window). Unknown codes count against the
  address (brute force) and answer a friendly 404.

The code is the reporter's only key: photos are served through a view that checks it, never
from ``MEDIA_URL``, and the pages are neither cached nor indexed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from areas.models import Area, Level
from areas.outlines import grid_surroundings
from cases import followup, ratelimit, transitions
from cases.forms.intake import (
    AttributeFieldsForm,
    PublicReportForm,
    ReporterCancelForm,
    ReporterRateForm,
    ReporterVerifyForm,
    TrackLookupForm,
    looks_like_code,
    normalise_code,
)
from cases.models import Case, CaseAttachment, Category, RatingSource, Status
from cases.public_report import submit_public_report
from cases.rules import rating_window_ends
from cases.tracking import entry_detail as _detail
from cases.tracking import entry_title as _title
from cases.tracking import public_photos
from cases.tracking import public_text as _public_text
from cases.views.intake import locate_query, map_config, outlines_json, photo_response, where_json
from cases.workflow import REPORTER, ActionRefused

# The reporter's latest tracking codes, newest first, in a signed cookie (not the database session:
# an anonymous report then neither reads nor writes ``django_session``). Signed, not encrypted:
# the codes are readable on the device that reported them, as on the confirmation page itself.
CODES_COOKIE = "wg_codes"
CODES_SALT = "cases.views.public.codes"
CODES_KEPT = 5
CODES_SECONDS = 2 * 60 * 60
ROBOTS = "noindex, nofollow"


# ----- reporting ---------------------------------------------------------------------------------

def _public_areas() -> Any:
    """Areas whose outline and name anyone may see: the active ones down to micro-grids."""
    return Area.objects.active()


def _public_grids() -> Any:
    return _public_areas().filter(level__in=[Level.GRID, Level.MICROGRID])


def _render_report(request: HttpRequest, form: PublicReportForm, status: int = 200, refusal: str = "") -> HttpResponse:
    grid = form.chosen_grid
    # Only public facts of the QR's grid and its surroundings: outlines and names (as on /g/ pages).
    focus = grid_surroundings(grid, _public_areas()) if grid is not None else None
    context = {
        "form": form, "refusal": refusal, "chosen_grid": grid,
        "map_config": map_config(_public_grids(), reverse("public_cases:where"), reverse("public_cases:outlines"),
                                 focus=focus),
    }
    return render(request, "cases/public/report.html", context, status=status)


def _initial(request: HttpRequest) -> dict[str, Any]:
    """``?grid=<code>`` from a grid's QR code (its public page): the grid, when it is an active one."""
    code = str(request.GET.get("grid", "")).strip()
    return {"grid": code} if code.isdigit() and _public_grids().filter(code=code).exists() else {}


def _remembered(request: HttpRequest) -> list[str]:
    """The codes this browser reported lately, newest first; none when the cookie is missing,
    expired or tampered with."""
    value = request.get_signed_cookie(CODES_COOKIE, default="", salt=CODES_SALT, max_age=CODES_SECONDS)
    return [code for code in (value or "").split(".") if looks_like_code(code)][:CODES_KEPT]


def _remember(request: HttpRequest, response: HttpResponseBase, code: str) -> None:
    codes = [code, *_remembered(request)][:CODES_KEPT]
    response.set_signed_cookie(CODES_COOKIE, ".".join(codes), salt=CODES_SALT, max_age=CODES_SECONDS,
                               httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def _typed(request: HttpRequest) -> PublicReportForm:
    """What was typed, without the photos: showing it again opens no image."""
    return PublicReportForm(request.POST)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """随手拍: a resident reports a problem; the answer is the tracking code."""
    if request.method != "POST":
        return _render_report(request, PublicReportForm(initial=_initial(request)))
    # The limit first (saved and failed reports), then the honeypot, then the fields; the photos
    # are opened only when all of that passed (``PhotoForm``). Every failure counts.
    submission = submit_public_report(
        key=ratelimit.source_key(request), phone=str(request.POST.get("reporter_phone", "")),
        make_form=lambda files: PublicReportForm(request.POST, request.FILES) if files else _typed(request),
    )
    if submission.limited:
        return _render_report(request, submission.form, status=429, refusal=submission.refusal)
    if submission.case is not None:
        response = redirect("public_cases:done")
        _remember(request, response, submission.case.tracking_code)
        return response
    return _render_report(request, submission.form, status=400)


@require_GET
def report_attributes(request: HttpRequest) -> HttpResponse:
    """The extra questions of a public category (htmx swap)."""
    raw = str(request.GET.get("category", ""))
    category = Category.objects.public().filter(pk=raw).first() if raw.isdigit() else None
    form = AttributeFieldsForm(category=category)
    return render(request, "cases/intake/_attributes.html", {"attribute_fields": list(form)})


@require_GET
def where(request: HttpRequest) -> HttpResponse:
    """JSON: the grid under the pin (grid names are public, like the /g/ pages)."""
    try:
        return where_json(locate_query(request))
    except ValueError as error:
        return where_json(None, str(error))


@require_GET
def outlines(request: HttpRequest) -> HttpResponse:
    """JSON: outlines and names of the areas in the map's view (public, like the /g/ pages)."""
    return outlines_json(request, _public_areas())


@never_cache
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    """The confirmation: the tracking code, shown big, with the link to the tracking page."""
    codes = _remembered(request)
    if not codes:
        return redirect("public_cases:report")
    response = render(request, "cases/public/done.html", {"code": codes[0]})
    response["X-Robots-Tag"] = ROBOTS
    return response


# ----- finding a case by its code ------------------------------------------------------------------

class _Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


def _case_for_code(request: HttpRequest, code: str) -> Case:
    """The case with this code; unknown codes are counted per address and answer a friendly 404."""
    key = ratelimit.source_key(request)
    if ratelimit.lookups_blocked(key):
        raise _Refused(render(request, "cases/public/limited.html", {"message": ratelimit.lookup_refusal()},
                              status=429))
    normalised = normalise_code(code)
    case = None
    if looks_like_code(normalised):
        case = Case.objects.select_related("category", "duplicate_of").filter(tracking_code=normalised).first()
    if case is None:
        ratelimit.count_failed_lookup(key)
        raise _Refused(render(request, "cases/public/not_found.html", {"lookup": TrackLookupForm()}, status=404))
    return case


CaseView = Callable[..., HttpResponseBase]


def with_case(view: CaseView) -> CaseView:
    """Resolve ``code`` to the case (or answer 404/429) and pass it on; responses are private."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            case = _case_for_code(request, code)
        except _Refused as refused:
            return refused.response
        response = view(request, case, *args, **kwargs)
        response["X-Robots-Tag"] = ROBOTS
        response.setdefault("Cache-Control", "private, no-store")
        return response

    return wrapper


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    """查询进度: enter the code."""
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("public_cases:track", code=form.cleaned_data["code"])
    return render(request, "cases/public/lookup.html", {"form": form, "recent": _remembered(request)})


# ----- the tracking page ---------------------------------------------------------------------------

STEPS = [pgettext_lazy("tracking step", "提交"), pgettext_lazy("tracking step", "受理"),
         pgettext_lazy("tracking step", "处置"), pgettext_lazy("tracking step", "核查"),
         pgettext_lazy("tracking step", "办结")]
STEP_OF_STATUS = {
    Status.REPORTED: 0, Status.PENDING_DISPATCH: 1, Status.DISPATCHED: 2, Status.HANDLING: 2, Status.ON_HOLD: 2,
    Status.PENDING_VERIFY: 3, Status.VERIFIED: 3, Status.CLOSED: 4,
}


@dataclass
class PublicEntry:
    """One line of the public timeline."""

    time: Any
    title: str
    detail: str
    comment: str
    photos: list[CaseAttachment] = field(default_factory=list)


def public_timeline(case: Case) -> list[PublicEntry]:
    """The public entries of the timeline, with their public photos (two queries)."""
    events = list(case.events.filter(public=True).order_by("time", "pk"))
    photos: dict[int | None, list[CaseAttachment]] = {}
    for attachment in public_photos(case):
        photos.setdefault(attachment.event_id, []).append(attachment)
    return [PublicEntry(time=event.time, title=_title(event.verb), detail=_detail(event),
                        comment=_public_text(event), photos=photos.get(event.pk, []))
            for event in events]


def _steps(case: Case) -> list[tuple[str, str]]:
    current = STEP_OF_STATUS.get(Status(case.status))
    if current is None:
        return []
    return [(str(label), "done" if index < current or case.status == Status.CLOSED
             else "current" if index == current else "todo") for index, label in enumerate(STEPS)]


def _action_forms(case: Case, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for verb, form_class in ACTION_FORMS.items():
        if transitions.may(case, REPORTER, verb):
            forms[verb] = (bound or {}).get(verb) or form_class(prefix=verb)
    return forms


def _render_track(request: HttpRequest, case: Case, bound: dict[str, Any] | None = None,
                  status: int = 200) -> HttpResponse:
    context = {
        "case": case, "steps": _steps(case), "timeline": public_timeline(case),
        "actions": _action_forms(case, bound), "code": case.tracking_code,
        "merged_into": case.duplicate_of if case.status == Status.MERGED else None,
        "rated_by_callback": case.rating_source == RatingSource.CALLBACK,
        "rating_window_ends": rating_window_ends(case),
    }
    return render(request, "cases/public/track.html", context, status=status)


@require_GET
@with_case
def track(request: HttpRequest, case: Case) -> HttpResponseBase:
    """The tracking page of one case."""
    if request.resolver_match and request.resolver_match.kwargs.get("code") != case.tracking_code:
        return redirect("public_cases:track", code=case.tracking_code)
    return _render_track(request, case)


def _perform(case: Case, verb: str, form: Any) -> Case:
    cleaned = form.cleaned_data
    if verb == "cancel":
        return transitions.case_cancel(case=case, actor=REPORTER, reason=cleaned.get("reason", ""))
    if verb == "request_cancel":
        return followup.case_request_cancel(case=case, actor=REPORTER, reason=cleaned.get("reason", ""))
    if verb == "verify":
        return transitions.case_verify(case=case, actor=REPORTER, passed=cleaned["passed"],
                                       comment=cleaned.get("comment", ""))
    return transitions.case_rate(case=case, actor=REPORTER, rating=cleaned["rating"],
                                 comment=cleaned.get("comment", ""))


DONE_MESSAGES = {
    "cancel": gettext_lazy("您的反映已撤销。"),
    "request_cancel": gettext_lazy("撤销申请已提交，工作人员会尽快处理。"),
    "verify": gettext_lazy("感谢您的确认。"),
    "rate": gettext_lazy("感谢您的评价。"),
}
ACTION_FORMS: dict[str, Any] = {"cancel": ReporterCancelForm, "request_cancel": ReporterCancelForm,
                                "verify": ReporterVerifyForm, "rate": ReporterRateForm}


@require_http_methods(["GET", "POST"])
@with_case
def track_action(request: HttpRequest, case: Case, verb: str) -> HttpResponseBase:
    """撤销 / 核查 / 评价 by the reporter, through the transitions (a GET, a reload of a page
    with errors, goes back to the tracking page)."""
    if request.method != "POST":
        return redirect("public_cases:track", code=case.tracking_code)
    if verb not in ACTION_FORMS:
        return render(request, "cases/public/not_found.html", {"lookup": TrackLookupForm()}, status=404)
    form = ACTION_FORMS[verb](request.POST, prefix=verb)
    if form.is_valid():
        try:
            _perform(case, verb, form)
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("public_cases:track", code=case.tracking_code)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, str(DONE_MESSAGES[verb]))
            return redirect("public_cases:track", code=case.tracking_code)
    return _render_track(request, case, bound={verb: form}, status=400)


@require_GET
@with_case
def photo(request: HttpRequest, case: Case, token: uuid.UUID) -> FileResponse:
    """A public photo of the case with this code (addressed by its random token)."""
    attachment = get_object_or_404(public_photos(case), token=token)
    return photo_response(attachment, "private, no-store")


urlpatterns: list[URLPattern | URLResolver] = [
    path("report/", report, name="report"),
    path("report/attributes/", report_attributes, name="attributes"),
    path("report/where/", where, name="where"),
    path("report/outlines/", outlines, name="outlines"),
    path("report/done/", done, name="done"),
    path("track/", track_lookup, name="track_lookup"),
    path("track/<str:code>/", track, name="track"),
    path("track/<str:code>/photo/<uuid:token>/", photo, name="photo"),
    path("track/<str:code>/<str:verb>/", track_action, name="track_action"),
]
