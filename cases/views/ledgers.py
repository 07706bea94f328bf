"""The ledgers (台账): 事件台账 and 矛盾纠纷台账, as paginated pages and as .xlsx downloads.

Both need ``cases.export_case`` (in some area) and cover ``Case.objects.visible_to(user)``
narrowed by the shared filter; an export repeats the page's filter (``form.querystring()``).
An export asked with a bad filter goes back to the page, which names the bad fields.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import ledgers
from cases.filters import CaseFilterForm
from cases.forms.disputes import DisputeFilterForm
from cases.models import Case

PAGE_SIZE = 50


def _require_export(request: HttpRequest) -> None:
    if not request.user.has_perm("cases.export_case"):
        raise PermissionDenied(_("您没有查看台账的权限。"))


def _filtered(form: CaseFilterForm, request: HttpRequest) -> QuerySet[Case]:
    return form.apply(Case.objects.visible_to(request.user))


def _back_with_errors(name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(name)}?{request.GET.urlencode()}")


@login_required
@require_GET
def case_ledger(request: HttpRequest) -> HttpResponse:
    """事件台账: every case in scope and in the filter, newest first, 50 a page."""
    _require_export(request)
    form = CaseFilterForm(request.GET or None, user=request.user)
    page = Paginator(ledgers.ledger_cases(_filtered(form, request)), PAGE_SIZE).get_page(request.GET.get("page"))
    names = ledgers.AreaNames()
    names.load(page.object_list)
    context = {
        "form": form,
        "page_obj": page,
        "rows": [(case, names[case.community_code], ledgers.lead_unit(case)) for case in page.object_list],
        "query_string": form.querystring(),
    }
    return render(request, "cases/ledgers/cases.html", context)


@login_required
@require_GET
def case_ledger_export(request: HttpRequest) -> HttpResponseBase:
    """事件台账 as .xlsx, with the page's filter."""
    _require_export(request)
    form = CaseFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return _back_with_errors("cases:ledger", request)
    return ledgers.export_cases(_filtered(form, request))


@login_required
@require_GET
def dispute_ledger(request: HttpRequest) -> HttpResponse:
    """矛盾纠纷台账: the disputes among the cases in scope and in the filter."""
    _require_export(request)
    form = DisputeFilterForm(request.GET or None, user=request.user)
    disputes = ledgers.ledger_disputes(_filtered(form, request))
    page = Paginator(disputes, PAGE_SIZE).get_page(request.GET.get("page"))
    names = ledgers.AreaNames()
    names.load(dispute.case for dispute in page.object_list)
    rows = [
        {
            "dispute": dispute, "case": dispute.case, "community": names[dispute.case.community_code],
            "parties": [ledgers.party_text(party) for party in dispute.parties.all()],
            "mediators": ledgers.mediator_text(dispute),
        }
        for dispute in page.object_list
    ]
    context = {"form": form, "page_obj": page, "rows": rows, "query_string": form.querystring()}
    return render(request, "cases/ledgers/disputes.html", context)


@login_required
@require_GET
def dispute_ledger_export(request: HttpRequest) -> HttpResponseBase:
    """矛盾纠纷台账 as .xlsx, with the page's filter."""
    _require_export(request)
    form = DisputeFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return _back_with_errors("cases:dispute_ledger", request)
    return ledgers.export_disputes(_filtered(form, request))


urlpatterns: list[URLPattern | URLResolver] = [
    path("ledger/", case_ledger, name="ledger"),
    path("ledger/export/", case_ledger_export, name="ledger_export"),
    path("disputes/ledger/", dispute_ledger, name="dispute_ledger"),
    path("disputes/ledger/export/", dispute_ledger_export, name="dispute_ledger_export"),
]
