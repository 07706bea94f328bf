"""居民查询: the resident search page and its export.

Names, addresses and the filters travel in the address bar (a search by name is bookmarkable).
An ID number, document number or phone never does: the form posts, the lookup is limited and
logged (``registry.lookups``), and the results page's address carries the number sealed as
``qe``. A clear number typed into the address bar by hand is not searched for.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from areas.models import Area
from core.dbrouter import replica_reads, use_replica
from core.paging import BoundedPaginator
from registry import exports, lookups, selectors
from registry.forms import ResidentSearchForm
from registry.models import Resident

FILTERS = ("tag", "grid", "residency_type", "verification_state", "area")
LOGGED_MATCHES = 20


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("registry.view_resident"):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _hide_number(form: ResidentSearchForm, number: str) -> None:
    """Never echo a clear ID number or phone into the page: an empty box showing it masked."""
    form.data = {**form.data, "q": ""}
    form.fields["q"].widget.attrs["placeholder"] = selectors.mask_query(number)


def _chosen_area(request: HttpRequest, code: str) -> Area | None:
    """The area of ``?area=<code>`` (the care-tag chips of an area page link here with it), if the
    user may see it."""
    return Area.objects.visible_to(request.user).filter(code=code).first() if code else None


def _resident_search(request: HttpRequest) -> tuple[ResidentSearchForm, Any, list[str], Area | None]:
    """The GET side: bind the filters, open a sealed number; returns form, residents, notes and
    the area the list is limited to (``?area=<code>``, any level)."""
    data = request.GET.copy()
    notes: list[str] = []
    code = data.pop("area", [""])[-1]
    area = _chosen_area(request, code)
    if code and area is None:
        notes.append(_("区域不存在，或不在您的管辖范围内。"))
        return ResidentSearchForm(data or None, user=request.user), Resident.objects.none(), notes, None
    token = data.pop("qe", [""])[-1]
    number = lookups.unseal(request.user, token) if token else ""
    if token and not number:
        notes.append(_("这次按号码查询已过期，请重新输入号码查询。"))
    typed = data.get("q", "")
    if lookups.is_partial_number(number or typed):
        notes.append(_("证件号码和电话只能按完整号码查询（身份证18位，手机11位，固定电话含区号），不能只输入其中几位。"))
    form = ResidentSearchForm(data or None, user=request.user)
    wanted = selectors.ResidentFilter(identifier=number)
    if form.is_valid():
        cleaned = form.cleaned_data
        wanted = selectors.ResidentFilter(
            q=cleaned["q"], identifier=number, tag=cleaned["tag"], grid=cleaned["grid"],
            residency_type=cleaned["residency_type"], verification_state=cleaned["verification_state"],
        )
    if number:
        _hide_number(form, number)
    residents = selectors.search_residents(request.user, wanted)
    if area is not None:
        residents = residents.filter(grid_code__startswith=area.prefix)
    return form, residents, notes, area


def _render(request: HttpRequest, form: ResidentSearchForm, residents: Any, notes: list[str],
            status: int = 200, area: Area | None = None) -> HttpResponse:
    number = request.GET.get("page")
    page = BoundedPaginator(residents, selectors.PAGE_SIZE, number=number).get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page_obj": page, "notes": notes, "query_string": query.urlencode(),
        "sealed": query.get("qe", "") if request.method == "GET" else "",
        "area": area, "without_area": _without(query, "area"),
        "rows": [selectors.resident_row(request.user, resident) for resident in page.object_list],
    }
    return render(request, "registry/search.html", context, status=status)


def _without(query: QueryDict, name: str) -> str:
    rest = query.copy()
    rest.pop(name, None)
    return rest.urlencode()


def _post_search(request: HttpRequest) -> HttpResponse:
    """Look a number up (limited, logged) or carry the filters over, then redirect to the results."""
    form = ResidentSearchForm(request.POST, user=request.user)
    if not form.is_valid():
        typed = str(request.POST.get("q", ""))
        if selectors.looks_like_identifier(typed):
            _hide_number(form, typed)
        return _render(request, form, Resident.objects.none(), [], status=400)
    text = form.cleaned_data["q"]
    query = QueryDict(mutable=True)
    for name in FILTERS:
        if request.POST.get(name):
            query[name] = request.POST[name]
    if selectors.looks_like_identifier(text):
        refusal = lookups.lookup_refusal(request.user)
        if refusal:
            _hide_number(form, text)
            return _render(request, form, Resident.objects.none(), [refusal], status=429)
        matches = Resident.objects.visible_to(request.user).filter(selectors.identifier_condition(text))
        found = list(matches.select_related("grid").order_by("pk")[:LOGGED_MATCHES])
        lookups.record_lookup(actor=request.user, purpose=lookups.SEARCH, number=text, found=found)
        query["qe"] = lookups.seal(request.user, text)
    elif text:
        query["q"] = text
    elif lookups.unseal(request.user, request.POST.get("qe", "")):
        query["qe"] = request.POST["qe"]  # the filters changed, the number searched for stays
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


def _drop_typed_number(request: HttpRequest) -> HttpResponse | None:
    """A clear number typed into the address (or an old bookmark) is not looked up: back to the
    search page without it, so it is not echoed into the page (the language switch's ``next``)."""
    if not selectors.looks_like_identifier(request.GET.get("q", "")):
        return None
    query = request.GET.copy()
    query.pop("q")
    query.pop("page", None)
    messages.warning(request, _("按证件号码或电话查询请在查询框中输入后点击“查询”。"))
    return redirect(reverse("registry:search") + (f"?{query.urlencode()}" if query else ""))


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """居民查询: residents by name, address, exact ID or phone, tag, grid, type and state."""
    _require_view(request)
    if request.method == "POST":
        return _post_search(request)
    dropped = _drop_typed_number(request)
    if dropped is not None:
        return dropped
    with use_replica():
        form, residents, notes, area = _resident_search(request)
        return _render(request, form, residents, notes, area=area)


@login_required
@require_GET
@replica_reads
def export_residents(request: HttpRequest) -> HttpResponseBase:
    """The search page's list as .xlsx (masked, scoped, visible tags only)."""
    _require_view(request)
    dropped = _drop_typed_number(request)
    if dropped is not None:
        return dropped
    _form, residents, _notes, _area = _resident_search(request)
    return exports.export_residents(request.user, residents)


urlpatterns: list[URLPattern | URLResolver] = [
    path("", search, name="search"),
    path("export/residents.xlsx", export_residents, name="export_residents"),
]
