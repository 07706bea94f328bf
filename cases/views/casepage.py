"""The case page (事件详情) and its actions: one POST endpoint per verb.

The page shows a case in the user's scope (404 otherwise) and offers only the actions
``allowed_verbs(case, user)`` allows now, each as a small form. Each POST calls the verb's
transition: ``ActionRefused`` becomes a message banner (nothing changed), ``ValidationError``
re-shows the page with that form open and its field errors.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from areas.geo import from_wgs84
from areas.models import Area
from areas.outlines import grid_surroundings, outline_collection
from cases import selectors
from cases.forms.actions import ACTION_FORMS, ActionForm
from cases.links import case_links
from cases.models import AttachmentKind, Case, CaseAttachment, ExtensionState
from cases.panels import case_panels
from cases.rules import allowed_verbs, begin
from cases.workflow import TRANSITIONS, ActionRefused
from registry.pii import mask_name, mask_phone


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are behind ``login_required``)."""
    assert isinstance(request.user, User)
    return request.user


def _get_case_for_user(request: HttpRequest, number: str) -> Case:
    """The case with this number if the user may see it; 404 otherwise (unknown or out of scope).

    ``selectors.case_for_page`` reads through ``selectors.page_cases``, the check the photo view shares.
    """
    case = selectors.case_for_page(request.user, number)
    if case is None:
        raise Http404(_("没有找到这个事件。"))
    return case


def photo_url(attachment: CaseAttachment) -> str:
    """Photos are served by the protected photo view (which checks scope), never from MEDIA_URL,
    at the photo's random token (never its sequential id)."""
    return reverse("cases:photo", args=[attachment.token])


def _map_config(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The point (if any) in the tiles' coordinate system, the grid's outline with the grids around
    it that the user may see, and the tile settings, for case-page.js. None without either."""
    grid = case.grid
    outlines = grid_surroundings(grid, Area.objects.visible_to(request.user)) if grid and grid.boundary else []
    if (case.longitude is None or case.latitude is None) and not outlines:
        return None
    lng = lat = None
    if case.longitude is not None and case.latitude is not None:
        lng, lat = from_wgs84(case.longitude, case.latitude, settings.MAP_TILE_CRS)
    return {"lng": lng, "lat": lat, "tileUrl": settings.MAP_TILE_URL, "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
            "tileSubdomains": settings.MAP_TILE_SUBDOMAINS,
            "outlines": outline_collection(outlines) if outlines else None}


def _registry_links(request: HttpRequest, case: Case) -> list[tuple[str, str, str | None]]:
    """(kind, shown text, link or None) for the building, household and resident of the case."""
    user, links = request.user, []
    if case.building_id:
        url = reverse("registry:building", args=[case.building_id]) \
            if user.has_perm("registry.view_building", case.grid) else None
        links.append((_("楼栋"), str(case.building), url))
    if case.household_id:
        url = reverse("registry:household", args=[case.household_id]) \
            if user.has_perm("registry.view_household", case.grid) else None
        links.append((_("户"), str(case.household), url))
    if case.resident_id and case.resident is not None:
        url = reverse("registry:resident", args=[case.resident_id]) \
            if user.has_perm("registry.view_resident", case.grid) else None
        links.append((_("人员"), mask_name(case.resident.name), url))
    return links


def _reporter(case: Case) -> dict[str, Any]:
    if case.anonymous:
        return {"name": _("匿名"), "phone": ""}
    name = case.reporter_name or (str(case.reporter) if case.reporter_id else "")
    return {"name": name, "phone": mask_phone(case.reporter_phone) if case.reporter_phone else ""}


def _action_forms(request: HttpRequest, case: Case, bound: ActionForm | None) -> list[ActionForm]:
    """A form for every verb allowed now; the bound one (with errors) in its place."""
    forms = []
    for verb in allowed_verbs(case, _user(request)):
        if bound is not None and bound.verb == verb:
            forms.append(bound)
        elif verb in ACTION_FORMS:
            forms.append(ACTION_FORMS[verb](case=case, user=request.user))
    return forms


def _page(request: HttpRequest, case: Case, bound: ActionForm | None = None, status: int = 200) -> HttpResponse:
    now = timezone.now()
    attachments = list(case.attachments.all())
    entries = selectors.timeline(case)
    for photo in [*attachments, *(photo for entry in entries for photo in entry.event.attachments.all())]:
        photo.page_url = photo_url(photo)  # type: ignore[attr-defined]
    context = {
        "case": case,
        "lamp": selectors.running_lamp(case, now),
        "clocks": selectors.stage_clocks(case, now),
        "attributes": selectors.attribute_rows(case),
        "timeline": entries,
        "report_photos": [a for a in attachments if a.kind == AttachmentKind.REPORT],
        "assignments": selectors.unit_clocks(case, now),
        "extensions": list(case.extensions.all()),
        "pending_state": ExtensionState.PENDING,
        "supervisions": list(case.supervisions.all()),
        "children": list(case.children.all()),
        "duplicates": list(case.duplicates.all()),
        "dispute_url": reverse("cases:dispute", args=[case.number]) if getattr(case, "dispute", None) else None,
        "map_config": _map_config(request, case),
        "registry_links": _registry_links(request, case) + case_links(case, request.user),
        "panels": case_panels(case, request.user),
        "reporter": _reporter(case),
        "actions": _action_forms(request, case, bound),
        "open_verb": bound.verb if bound is not None else "",
    }
    return render(request, "cases/case/detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """事件详情: facts, deadlines, map, photos, timeline and the actions allowed now."""
    return _page(request, _get_case_for_user(request, number))


def _refusal(case: Case, user: Any, verb: str) -> str:
    """Why the user may not apply ``verb`` now, in the transitions' own words."""
    try:
        with transaction.atomic():
            begin(case, user, verb)
    except ActionRefused as refused:
        return refused.message
    return _("现在不能对这个事件执行这项操作，请刷新页面后再试。")


@login_required
@require_http_methods(["GET", "POST"])
def case_action(request: HttpRequest, number: str, verb: str) -> HttpResponse:
    """One action on the case: validate the form, call the transition, report the outcome.

    A page with form errors is shown at this address; reloading it (or switching the language
    there) asks with GET, which goes back to the case page.
    """
    case = _get_case_for_user(request, number)
    if request.method != "POST":
        return redirect("cases:case", number=case.number)
    if verb not in TRANSITIONS:
        raise Http404
    if verb not in allowed_verbs(case, _user(request)):
        messages.error(request, _refusal(case, request.user, verb))
        return redirect("cases:case", number=case.number)
    form_class = ACTION_FORMS.get(verb)
    if form_class is None:  # a verb only the reporter applies (评价, 申请撤销): never allowed here
        raise Http404
    form = form_class(request.POST, request.FILES, case=case, user=request.user)
    if form.is_valid():
        try:
            result = form.perform()
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("cases:case", number=case.number)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, form.success_message(result))
            return redirect("cases:case", number=case.number)
    return _page(request, case, bound=form, status=400)


# Case numbers are digits only, so these never shadow the app's other pages (report/, stats/…).
urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^(?P<number>[0-9]{8,20})/$", case_detail, name="case"),
    re_path(r"^(?P<number>[0-9]{8,20})/do/(?P<verb>[a-z_]+)/$", case_action, name="case_action"),
]
