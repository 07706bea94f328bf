"""Home visits on the phone: my visits due this week, the visit form, a visit and its finding as a case."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from cases.workflow import ActionRefused
from fieldwork.care import due_visits, week_end
from fieldwork.forms import VisitFindingForm, VisitForm
from fieldwork.models import Visit
from fieldwork.selectors import colleagues
from fieldwork.visit_links import visit_links
from fieldwork.visit_registry import (
    NEWCOMER_RELATION,
    Newcomer,
    visit_household,
    visit_register_member,
    visit_registry_update,
)
from fieldwork.visits import visit_record, visit_report_finding
from registry.forms import AddMemberForm
from registry.models import HouseholdMember, Resident
from registry.selectors import visible_care_tags

RECENT = 20


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("您没有巡查走访的权限。"))


def _get_visit_for_user(user: User, pk: int) -> Visit:
    return get_object_or_404(Visit.objects.visible_to(user).select_related("resident", "household", "grid", "case",
                                                                           "recorded_by"), pk=pk)


@login_required
def visits_due(request: HttpRequest) -> HttpResponse:
    """本周待走访: care-tagged residents due or overdue, and the latest visits the user may see."""
    user = _user(request)
    _require(user, "fieldwork.view_visit")
    day = timezone.localdate()
    due = due_visits(user, today=day, until=week_end(day)) if user.has_perm("fieldwork.add_visit") else []
    recent = (Visit.objects.visible_to(user).select_related("resident", "household__dwelling", "grid")
              .prefetch_related("workers")[:RECENT])
    return render(request, "fieldwork/visits_due.html", {"due": due, "recent": recent, "day": day})


@login_required
def visit_new(request: HttpRequest, resident: int) -> HttpResponse:
    """记录走访 of one resident (the care list's button leads here)."""
    user = _user(request)
    person = get_object_or_404(Resident.objects.visible_to(user).select_related("grid"), pk=resident)
    _require(user, "fieldwork.add_visit")
    form = VisitForm(request.POST or None, colleagues=colleagues(person.grid, user))
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            visit = visit_record(
                actor=user, resident=person, workers=list(data["workers"]), visited_at=data["visited_at"],
                method=data["method"], purpose=data["purpose"], met=data["met"], retry_on=data["retry_on"],
                findings=data["findings"], opinions=data["opinions"], follow_up=data["follow_up"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("走访已记录。"))
            return redirect("fieldwork:visit", pk=visit.pk)
    return render(request, "fieldwork/visit_form.html", {
        "form": form, "resident": person, "tags": visible_care_tags(user, person),
    }, status=400 if request.method == "POST" else 200)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    visit = _get_visit_for_user(user, pk)  # visible only where the user holds fieldwork.view_visit
    may_report = (not visit.case_id and bool(visit.findings) and user.has_perm("cases.report_case", visit.grid))
    record = visit.resident or visit.household
    may_update = record is not None and user.has_perm(
        "registry.change_resident" if visit.resident else "registry.change_household", record.grid)
    stay = (HouseholdMember.objects.current().filter(resident=visit.resident).first()
            if may_update and visit.resident else None)
    return render(request, "fieldwork/visit.html", {
        "visit": visit, "workers": list(visit.workers.all()), "may_report": may_report,
        "registered": list(visit.registered.all()), "newcomers": Newcomer.choices,
        "finding_form": VisitFindingForm() if may_report else None, "may_update": may_update,
        "household_id": stay.household_id if stay else visit.household_id, "today": timezone.localdate(),
        "links": visit_links(visit, user),
    })


@login_required
@require_POST
def visit_registry(request: HttpRequest, pk: int) -> HttpResponse:
    """登记信息 from the visit: confirmed, a new phone, or moved out; the record marked 已核实."""
    user = _user(request)
    visit = _get_visit_for_user(user, pk)
    moved_out_on = None
    if request.POST.get("moved_out_on"):
        try:
            moved_out_on = datetime.date.fromisoformat(request.POST["moved_out_on"])
        except ValueError:
            messages.error(request, _("迁出日期：日期无效。"))
            return redirect("fieldwork:visit", pk=visit.pk)
    try:
        visit_registry_update(visit=visit, actor=user, change=request.POST.get("change", ""),
                              phone=request.POST.get("phone", "")[:30], moved_out_on=moved_out_on)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        labels = {"phone": _("电话"), "change": _("登记信息"), "moved_out_on": _("迁出日期")}
        for name, errors in error.message_dict.items():
            messages.error(request, f"{labels.get(name, name)}：{'；'.join(errors)}")
    else:
        messages.success(request, _("登记信息已更新并标记为已核实。"))
    return redirect("fieldwork:visit", pk=visit.pk)


@login_required
@require_POST
def visit_report(request: HttpRequest, pk: int) -> HttpResponse:
    """发现问题 → 上报事件 in one tap from the visit page."""
    user = _user(request)
    visit = _get_visit_for_user(user, pk)
    form = VisitFindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择有效的事件类别。"))
        return redirect("fieldwork:visit", pk=visit.pk)
    try:
        case = visit_report_finding(visit=visit, actor=user, category=form.cleaned_data["category"])
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已上报事件 %(number)s。") % {"number": case.number})
    return redirect("fieldwork:visit", pk=visit.pk)


@login_required
def visit_newcomer(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """新生儿、新租户: the registry's 添加家庭成员 form for the visited household, saved with the visit as source."""
    user = _user(request)
    visit = _get_visit_for_user(user, pk)
    household = visit_household(visit)
    # Only for those who may add members to the household: the visit page offers it to no one else.
    if kind not in Newcomer.values or household is None or not user.has_perm(
            "registry.add_householdmember", household.grid):
        raise Http404
    newcomer = Newcomer(kind)
    initial = {"relation": NEWCOMER_RELATION[newcomer], "moved_in_on": timezone.localdate()}
    form = AddMemberForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resident = visit_register_member(visit=visit, actor=user, newcomer=kind, data=form.cleaned_data,
                                             existing=form.existing)
        except ValidationError as error:
            for name, errors in (error.message_dict.items() if hasattr(error, "error_dict")
                                 else [(None, error.messages)]):
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("已登记到本户：%(name)s，并标记为已核实。") % {"name": resident.name})
            return redirect("fieldwork:visit", pk=visit.pk)
    return render(request, "fieldwork/visit_newcomer.html", {
        "visit": visit, "household": household, "newcomer": newcomer, "form": form,
    }, status=400 if request.method == "POST" else 200)


urlpatterns: list[URLPattern] = [
    path("visits/", visits_due, name="visits_due"),
    path("visits/new/<int:resident>/", visit_new, name="visit_new"),
    path("visits/<int:pk>/", visit_detail, name="visit"),
    path("visits/<int:pk>/report/", visit_report, name="visit_report"),
    path("visits/<int:pk>/registry/", visit_registry, name="visit_registry"),
    path("visits/<int:pk>/newcomer/<str:kind>/", visit_newcomer, name="visit_newcomer"),
]
