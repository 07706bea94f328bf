"""Registry pages: building lists and grid, dwelling/household/resident profiles, edit forms,
unmasking personal data and the access log (the resident search is in ``search.py``).

Every object is fetched through ``visible_to(request.user)``: outside the user's scope it is a
404. Reading needs the model's view permission in the object's area, writing its add/change
permission (403 otherwise); ``registry.services`` re-checks inside the transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AccessLogEntry
from registry import exports, lookups, selectors, services
from registry.forms import (
    AccessLogFilterForm,
    AddMemberForm,
    BuildingForm,
    BuildingSearchForm,
    DwellingForm,
    MoveOutForm,
    ResidentForm,
    UnmaskForm,
)
from registry.models import (
    Building,
    Dwelling,
    DwellingUse,
    Household,
    HouseholdMember,
    Resident,
    VerificationState,
)
from registry.pii import masked_resident

PAGE_SIZE = selectors.PAGE_SIZE


def _page(request: HttpRequest, items: Any) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _visible(model: type[Model], request: HttpRequest, pk: int, *related: str) -> Any:
    queryset = model.objects.visible_to(request.user)  # type: ignore[attr-defined]
    return get_object_or_404(queryset.select_related(*related), pk=pk)


def _query_string(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- search and lists ------------------------------------------------------------------------


def _building_search(request: HttpRequest) -> tuple[BuildingSearchForm, QuerySet[Building]]:
    form = BuildingSearchForm(request.GET or None, user=request.user)
    text, grid = "", None
    if form.is_valid():
        text, grid = form.cleaned_data["q"], form.cleaned_data["grid"]
    return form, selectors.building_rows(request.user, text, grid)


@login_required
@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    """楼栋: the buildings in scope, with the number of dwellings."""
    _require(request, "registry.view_building")
    form, buildings = _building_search(request)
    context = {"form": form, "page_obj": _page(request, buildings), "query_string": _query_string(request)}
    return render(request, "registry/building_list.html", context)


@login_required
@require_GET
def export_buildings(request: HttpRequest) -> HttpResponseBase:
    _require(request, "registry.view_building")
    _form, buildings = _building_search(request)
    return exports.export_buildings(buildings)


# --- buildings -------------------------------------------------------------------------------


@login_required
@require_GET
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """楼栋视图: floors × rooms coloured by use and marked by verification state."""
    building = _visible(Building, request, pk, "grid")
    _require(request, "registry.view_building", building)
    dwellings = list(selectors.building_dwellings(request.user, building))
    context = {
        "building": building,
        "grid": selectors.building_grid(dwellings, building.floors),
        "dwelling_count": len(dwellings),
        "uses": DwellingUse.choices,
        "states": VerificationState.choices,
        "can_change": request.user.has_perm("registry.change_building", building),
        "can_add_dwelling": request.user.has_perm("registry.add_dwelling", building),
    }
    return render(request, "registry/building_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def building_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or edit a building."""
    building = _visible(Building, request, pk, "grid") if pk else None
    _require(request, "registry.change_building" if building else "registry.add_building", building)
    form = BuildingForm(request.POST or None, instance=building, user=request.user)
    if request.method == "POST" and form.is_valid():
        previous = building.verification_state if building else None
        try:
            saved = services.building_save(building=form.save(commit=False), actor=request.user,
                                           previous_state=previous)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("楼栋已保存。"))
            return redirect("registry:building", pk=saved.pk)
    return render(request, "registry/form.html", {"form": form, "title": _("编辑楼栋") if pk else _("新建楼栋")})


# --- dwellings -------------------------------------------------------------------------------


@login_required
@require_GET
def dwelling_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """房屋: its households and their current members."""
    dwelling = _visible(Dwelling, request, pk, "building", "unit", "grid")
    _require(request, "registry.view_dwelling", dwelling)
    context = {
        "dwelling": dwelling,
        "households": list(selectors.dwelling_households(request.user, dwelling)),
        "can_change": request.user.has_perm("registry.change_dwelling", dwelling),
        "can_add_household": request.user.has_perm("registry.add_household", dwelling),
    }
    return render(request, "registry/dwelling_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dwelling_edit(request: HttpRequest, building_pk: int | None = None, pk: int | None = None) -> HttpResponse:
    """Create a dwelling in a building (building_pk) or edit one (pk)."""
    dwelling = _visible(Dwelling, request, pk, "building__grid") if pk else None
    building = dwelling.building if dwelling else _visible(Building, request, building_pk or 0, "grid")
    _require(request, "registry.change_dwelling" if dwelling else "registry.add_dwelling", building)
    form = DwellingForm(request.POST or None, instance=dwelling, building=building)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.dwelling_save(
                dwelling=form.save(commit=False), actor=request.user,
                previous_state=dwelling.verification_state if dwelling else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("房屋已保存。"))
            return redirect("registry:dwelling", pk=saved.pk)
    title = _("编辑房屋") if dwelling else _("新建房屋")
    return render(request, "registry/form.html", {"form": form, "title": f"{title} · {building}"})


@login_required
@require_POST
def household_create(request: HttpRequest, dwelling_pk: int) -> HttpResponse:
    dwelling = _visible(Dwelling, request, dwelling_pk, "grid")
    _require(request, "registry.add_household", dwelling)
    household = services.household_create(dwelling=dwelling, actor=request.user)
    messages.success(request, _("已新建户，请添加家庭成员。"))
    return redirect("registry:household", pk=household.pk)


# --- households ------------------------------------------------------------------------------


@login_required
@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """户: members with their relation, moving-in and moving-out dates (history kept)."""
    household = _visible(Household, request, pk, "dwelling__building", "dwelling__unit", "head", "grid")
    _require(request, "registry.view_household", household)
    members = list(selectors.household_members(household))
    context = {
        "household": household,
        "members": [(member, masked_resident(member.resident).document) for member in members],
        "history": selectors.change_log(household, limit=20),
        "can_add": request.user.has_perm("registry.add_householdmember", household),
        "can_move_out": request.user.has_perm("registry.change_householdmember", household),
    }
    return render(request, "registry/household_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_add_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a member: an already registered resident by exact ID number, or a new resident."""
    household = _visible(Household, request, pk, "grid", "dwelling")
    _require(request, "registry.add_householdmember", household)
    form = AddMemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resident = form.existing or services.household_register_member(
                household=household, actor=request.user, data=data)
            services.household_add_member(
                household=household, actor=request.user, resident=resident,
                relation=data["relation"], moved_in_on=data["moved_in_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已添加家庭成员：%(name)s。") % {"name": resident.name})
            return redirect("registry:household", pk=household.pk)
    title = _("添加家庭成员") + f" · {household}"
    return render(request, "registry/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def member_move_out(request: HttpRequest, pk: int) -> HttpResponse:
    """迁出: end a member's stay; the stay stays in the household's history."""
    members = HouseholdMember.objects.visible_to(request.user).select_related("household__grid", "resident")
    member = get_object_or_404(members, pk=pk)
    _require(request, "registry.change_householdmember", member.household)
    form = MoveOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_member_move_out(
                member=member, actor=request.user, moved_out_on=form.cleaned_data["moved_out_on"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s 已迁出。") % {"name": member.resident.name})
            return redirect("registry:household", pk=member.household_id)
    title = _("办理迁出") + f" · {member.resident.name}"
    return render(request, "registry/form.html", {"form": form, "title": title})


# --- residents -------------------------------------------------------------------------------


@login_required
@require_GET
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """居民档案: masked identifiers, visible tags, current home, stays, vehicles and the change log."""
    resident = _visible(Resident, request, pk, "grid", "verified_by")
    _require(request, "registry.view_resident", resident)
    context = {
        "resident": resident,
        **_masked_context(resident),
        "tags": selectors.visible_care_tags(request.user, resident),
        "stays": list(selectors.resident_history(resident)),
        "vehicles": list(resident.vehicles.all()),
        "history": selectors.change_log(resident),
        "can_change": request.user.has_perm("registry.change_resident", resident),
        "can_unmask": request.user.has_perm(services.UNMASK_PERMISSION, resident),
        "unmask_form": UnmaskForm(),
    }
    return render(request, "registry/resident_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resident_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Register (no pk) or edit a resident; clear identifiers are never put into the form."""
    resident = _visible(Resident, request, pk, "grid") if pk else None
    _require(request, "registry.change_resident" if resident else "registry.add_resident", resident)
    previous_state = resident.verification_state if resident else None
    form = ResidentForm(request.POST or None, instance=resident, user=request.user)
    if request.method == "POST" and form.is_valid():
        tags = [*form.cleaned_data["care_tags"], *form.kept_hidden_tags()]
        try:
            instance = form.save(commit=False)
            if resident:
                saved = services.resident_update(resident=instance, actor=request.user, care_tags=tags,
                                                 previous_state=previous_state)
            else:
                saved = services.resident_register(resident=instance, actor=request.user, care_tags=tags)
        except ValidationError as error:
            form.add_error("id_number" if hasattr(error, "error_dict") else None, error.messages)
        else:
            messages.success(request, _("居民信息已保存。"))
            return redirect("registry:resident", pk=saved.pk)
    title = _("编辑居民") if resident else _("登记居民")
    return render(request, "registry/form.html", {"form": form, "title": title})


@login_required
@require_POST
def resident_unmask(request: HttpRequest, pk: int) -> HttpResponse:
    """查看完整信息: the clear ID number and phone, once, after a reason is given; logged.

    Answers the fragment that htmx swaps in place of the masked values; without htmx the same
    fragment inside a page.
    """
    resident = _visible(Resident, request, pk, "grid")
    page = "registry/unmask_page.html"
    if not request.user.has_perm(services.UNMASK_PERMISSION, resident):
        context: dict[str, Any] = {"resident": resident, "fragment": "registry/_unmask_denied.html"}
        return render(request, "registry/_unmask_denied.html" if _is_htmx(request) else page, context, status=403)
    form = UnmaskForm(request.POST)
    if not form.is_valid():
        context = {
            "resident": resident, "unmask_form": form, "can_unmask": True, "fragment": "registry/_masked.html",
            **_masked_context(resident),
        }
        return render(request, "registry/_masked.html" if _is_htmx(request) else page, context)
    values = services.resident_unmask(resident=resident, actor=request.user, reason=form.cleaned_data["reason"])
    context = {"resident": resident, "values": values, "fragment": "registry/_unmasked.html"}
    response = render(request, "registry/_unmasked.html" if _is_htmx(request) else page, context)
    response["Cache-Control"] = "no-store"
    return response


def _masked_context(resident: Resident) -> dict[str, Any]:
    """What the profile shows by default: the masks and the birth year (``pii.masked_resident``)."""
    masked = masked_resident(resident)
    return {"masked_id": masked.document, "masked_phone": masked.phone, "birth_year": masked.birth_year}


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- access log ------------------------------------------------------------------------------


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """个人信息查看日志: who looked at whose personal data in clear, when and why."""
    _require(request, "audit.view_accesslogentry")
    entries = AccessLogEntry.objects.visible_to(request.user).select_related("content_type")
    form = AccessLogFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["date_from"]:
            entries = entries.filter(time__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(time__date__lte=data["date_to"])
        if data["user"]:
            entries = entries.filter(user_name__icontains=data["user"])
        if data["reason"]:
            entries = entries.filter(reason__icontains=data["reason"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
    page = _page(request, entries)
    for entry in page.object_list:
        entry.field_labels = lookups.field_labels(entry.fields)
    context = {"form": form, "page_obj": page, "query_string": _query_string(request)}
    return render(request, "registry/access_log.html", context)


urlpatterns: list[URLPattern | URLResolver] = [
    path("buildings/", building_list, name="buildings"),
    path("buildings/export.xlsx", export_buildings, name="export_buildings"),
    path("buildings/new/", building_edit, name="building_create"),
    path("buildings/<int:pk>/", building_detail, name="building"),
    path("buildings/<int:pk>/edit/", building_edit, name="building_edit"),
    path("buildings/<int:building_pk>/dwellings/new/", dwelling_edit, name="dwelling_create"),
    path("dwellings/<int:pk>/", dwelling_detail, name="dwelling"),
    path("dwellings/<int:pk>/edit/", dwelling_edit, name="dwelling_edit"),
    path("dwellings/<int:dwelling_pk>/households/new/", household_create, name="household_create"),
    path("households/<int:pk>/", household_detail, name="household"),
    path("households/<int:pk>/members/add/", household_add_member, name="household_add_member"),
    path("members/<int:pk>/move-out/", member_move_out, name="member_move_out"),
    path("residents/new/", resident_edit, name="resident_create"),
    path("residents/<int:pk>/", resident_detail, name="resident"),
    path("residents/<int:pk>/edit/", resident_edit, name="resident_edit"),
    path("residents/<int:pk>/unmask/", resident_unmask, name="resident_unmask"),
    path("access-log/", access_log, name="access_log"),
]
