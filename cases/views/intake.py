"""The staff report page (事件上报) and the protected photo view of case pages.

``/cases/report/`` serves grid workers in the field (phone first: category with its extra
questions, description, photos, the place by geolocation, map pin or grid, optional registry
links, 当场解决) and desk staff recording hotline, WeChat-group, walk-in, leader and platform
reports (channel and the reporter's contact). Everything is saved by ``case_report`` or
``case_report_resolved``; their errors are shown next to the field they name.

``/cases/photo/<token>/`` serves a case photo to a user who may open the case's page
(``selectors.page_cases``, the case page's own check); the address carries the photo's random
token, never its sequential id, and media files are never linked through ``MEDIA_URL``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Min, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from areas.geo import CoordinateSystem, from_wgs84
from areas.locator import LocateResult, locate
from areas.models import Area
from areas.outlines import box_from_tiles, outline_collection, outlines_in_box
from cases import transitions
from cases.forms.intake import AttributeFieldsForm, StaffReportForm, staff_photo_limit
from cases.models import Case, CaseAttachment, Category, Status
from cases.selectors import page_cases
from cases.workflow import ActionRefused
from core.validators import without_control_characters
from registry.selectors import ResidentFilter, building_rows, resident_row, search_residents

LINK_RESULTS = 8


# ----- shared with the public pages -------------------------------------------------------------

def map_config(
    grids: QuerySet[Area], where_url: str, outlines_url: str, focus: list[tuple[Area, str]] | None = None,
) -> dict[str, Any]:
    """What case-report.js needs: tiles, their coordinate system, the area to show, the locate URL.

    ``outlinesUrl`` answers the outlines in the map's view as it pans; ``focus`` (a grid and its
    surroundings, drawn at once and framed) comes with a report opened from a grid's QR code.
    """
    tile_crs = CoordinateSystem.parse(settings.MAP_TILE_CRS)
    if focus:
        grids = Area.objects.filter(pk=focus[0][0].pk)
    box = grids.aggregate(west=Min("min_lng"), south=Min("min_lat"), east=Max("max_lng"), north=Max("max_lat"))
    bounds = None
    if None not in box.values():
        west, south = from_wgs84(box["west"], box["south"], tile_crs)
        east, north = from_wgs84(box["east"], box["north"], tile_crs)
        bounds = [[south, west], [north, east]]
    return {
        "tileUrl": settings.MAP_TILE_URL, "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "tileSubdomains": settings.MAP_TILE_SUBDOMAINS, "tileCrs": tile_crs.value, "bounds": bounds,
        "whereUrl": where_url, "outlinesUrl": outlines_url,
        "outlines": outline_collection(focus) if focus else None,
    }


def outlines_json(request: HttpRequest, areas: QuerySet[Area]) -> JsonResponse:
    """The outlines in ``bbox`` (west,south,east,north in the tiles' system) among ``areas``."""
    try:
        west, south, east, north = (float(part) for part in str(request.GET.get("bbox", "")).split(","))
    except ValueError:
        return JsonResponse({"error": _("参数 bbox 应为四个数字：西,南,东,北。")}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    rows = outlines_in_box(areas, box_from_tiles(west, south, east, north))
    collection = outline_collection([(row, "area") for row in rows])
    response = JsonResponse(collection, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=300"
    return response


def where_json(result: LocateResult | None, message: str = "") -> JsonResponse:
    """The locate answer the map shows under the pin: the grid's name, or why there is none."""
    found = result is not None and result.area is not None and not message
    body: dict[str, Any] = {"found": found, "message": message or (result.message if result else "")}
    if found and result is not None and result.area is not None:
        names = [place.name for place in (result.community, result.grid, result.microgrid) if place is not None]
        grid_names = [place.name for place in (result.grid, result.microgrid) if place is not None]
        body["area"] = {"code": result.area.code, "name": result.area.name, "path": " · ".join(names),
                        "grid": " · ".join(grid_names) or result.area.name}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def locate_query(request: HttpRequest) -> LocateResult:
    """Locate ``lng``/``lat`` in ``crs`` from the query string; ValueError with a message when unreadable."""
    try:
        lng, lat = float(request.GET.get("lng", "")), float(request.GET.get("lat", ""))
    except ValueError:
        raise ValueError(_("坐标必须是数字。")) from None
    return locate(lat, lng, CoordinateSystem.parse(request.GET.get("crs")))


def photo_response(attachment: CaseAttachment, cache: str) -> FileResponse:
    try:
        handle = attachment.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{attachment.token}.jpg"'
    return response


# ----- the report page ------------------------------------------------------------------------

def _require_reporter(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm("cases.report_case"):
        raise PermissionDenied(_("您没有上报事件的权限。"))
    return user


def case_url(case: Case) -> str:
    """The new case's page (another part of the app); the report page until that exists."""
    try:
        return reverse("cases:case", kwargs={"number": case.number})
    except NoReverseMatch:
        return reverse("cases:report")


def _initial(request: HttpRequest) -> dict[str, Any]:
    """Links and choices passed in the address (``?resident=12`` from a registry page)."""
    return {name: request.GET[name] for name in ("category", "grid", "building", "household", "resident")
            if request.GET.get(name, "").isdigit()}


def _submit(form: StaffReportForm, user: User) -> Case | None:
    """Save through the transitions; on refusal or bad input the errors land on the form."""
    values = form.report_kwargs()
    try:
        if form.wants_resolved:
            photos = values.pop("photos")
            return transitions.case_report_resolved(
                actor=user, note=form.cleaned_data["note"], photos=photos,
                after_photos=form.cleaned_data.get("after_photos", []), **values,
            )
        return transitions.case_report(actor=user, **values)
    except ValidationError as error:
        form.apply_errors(error)
    except ActionRefused as refused:
        form.add_error(None, refused.message)
    return None


def _render_report(
    request: HttpRequest, form: StaffReportForm, status: int = 200, template: str = "cases/intake/report.html",
) -> HttpResponse:
    context = {
        "form": form,
        "links": form.linked_records(),
        "photo_limit": staff_photo_limit(),
        "map_config": map_config(form.grids, reverse("cases:report_where"), reverse("cases:report_outlines")),
        "may_search_links": form.user.has_perm("registry.view_resident") or form.user.has_perm(
            "registry.view_building"),
    }
    return render(request, template, context, status=status)


def report_page(request: HttpRequest, template: str = "cases/intake/report.html") -> HttpResponse:
    """The report form in ``template``: GET shows it, POST saves and opens the new case.

    ``template`` extends ``cases/intake/report.html``; the grid worker's offline-capable copy
    of the page (``/fieldwork/report/``) passes its own."""
    user = _require_reporter(request)
    if request.method != "POST":
        return _render_report(request, StaffReportForm(initial=_initial(request), user=user), template=template)
    form = StaffReportForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        case = _submit(form, user)
        if case is not None:
            text = _("事件已当场解决并办结，编号 %(number)s。") if case.status == Status.CLOSED \
                else _("事件已上报，编号 %(number)s。")
            messages.success(request, text % {"number": case.number})
            return redirect(case_url(case))
    return _render_report(request, form, status=400, template=template)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """上报事件: the grid worker's and the desk's report form."""
    return report_page(request)


@login_required
@require_GET
def report_attributes(request: HttpRequest) -> HttpResponse:
    """The extra questions of the chosen category (swapped in by htmx when the category changes)."""
    _require_reporter(request)
    category = Category.objects.active().filter(pk=request.GET.get("category") or 0).first() \
        if str(request.GET.get("category", "")).isdigit() else None
    form = AttributeFieldsForm(category=category)
    return render(request, "cases/intake/_attributes.html", {"attribute_fields": list(form)})


@login_required
@require_POST
def report_links(request: HttpRequest) -> HttpResponse:
    """Buildings and residents matching a search, to link to the report (masked, in scope)."""
    user = _require_reporter(request)
    text = without_control_characters(str(request.POST.get("link_q", ""))).strip()[:100]
    buildings: list[Any] = []
    residents: list[Any] = []
    if text:
        if user.has_perm("registry.view_building"):
            buildings = list(building_rows(user, text)[:LINK_RESULTS])
        if user.has_perm("registry.view_resident"):
            rows = search_residents(user, ResidentFilter(q=text))[:LINK_RESULTS]
            residents = [resident_row(user, resident) for resident in rows]
    context = {"query": text, "buildings": buildings, "residents": residents}
    return render(request, "cases/intake/_links.html", context)


@login_required
@require_GET
def report_where(request: HttpRequest) -> JsonResponse:
    """JSON: the grid at the pin, if the user may report there."""
    user = _require_reporter(request)
    try:
        result = locate_query(request)
    except ValueError as error:
        return where_json(None, str(error))
    if result.area is None:
        return where_json(result)
    area = Area.objects.filter(code=result.area.code).first()
    if area is None or not user.has_perm("cases.report_case", area):
        return where_json(result, _("这个位置不在您负责的网格内。"))
    return where_json(result)


@login_required
@require_GET
def report_outlines(request: HttpRequest) -> JsonResponse:
    """JSON: the outlines of the areas the user may see in the map's view (orientation without tiles)."""
    user = _require_reporter(request)
    return outlines_json(request, Area.objects.visible_to(user))


# ----- photos -----------------------------------------------------------------------------------

@login_required
@require_GET
def photo(request: HttpRequest, token: uuid.UUID) -> FileResponse:
    """A case photo, for users who may open the case's page (404 otherwise)."""
    pages = page_cases(request.user).values("pk")
    attachment = get_object_or_404(CaseAttachment.objects.filter(case__in=pages), token=token)
    return photo_response(attachment, "private, max-age=3600")


urlpatterns: list[URLPattern | URLResolver] = [
    path("report/", report, name="report"),
    path("report/attributes/", report_attributes, name="report_attributes"),
    path("report/links/", report_links, name="report_links"),
    path("report/where/", report_where, name="report_where"),
    path("report/outlines/", report_outlines, name="report_outlines"),
    path("photo/<uuid:token>/", photo, name="photo"),
]
