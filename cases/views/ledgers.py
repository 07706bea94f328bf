"""The ledgers (台账): 事件台账 and 矛盾纠纷台账, as paginated pages and as .xlsx downloads.

Both need ``cases.export_case`` (in some area) and cover ``Case.objects.visible_to(user)``
narrowed by the shared filter; an export repeats the page's filter (``form.querystring()``).
An export asked with a bad filter goes back to the page, which names the bad fields.

An export of up to ``CASES_LEDGER_BACKGROUND_ROWS`` rows is streamed in the response; a larger
one is written by the task worker (``cases.ledger_exports``): the user is sent to
``/cases/ledger/exports/<id>/``, whose progress bar htmx polls, and downloads the file there.
Only the owner sees an export (others get 404), and only while their scope still covers it.
Files are named in the user's language, like the import templates: "事件台账_林山寨街道_…xlsx"
(RFC 5987 ``filename*``, with an ASCII ``filename`` for old clients).
"""

from __future__ import annotations

import tempfile
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import ledger_exports, ledgers
from cases.filters import CaseFilterForm
from cases.forms.disputes import DisputeFilterForm
from cases.models import Case, LedgerExport
from cases.tasks import export_ledger_task
from core.dbrouter import replica_reads
from registry.exports import XLSX

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
@replica_reads
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
@replica_reads
def case_ledger_export(request: HttpRequest) -> HttpResponseBase:
    """事件台账 as .xlsx, with the page's filter."""
    return _export(request, ledgers.LEDGERS[ledgers.CASES])


@login_required
@require_GET
@replica_reads
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
@replica_reads
def dispute_ledger_export(request: HttpRequest) -> HttpResponseBase:
    """矛盾纠纷台账 as .xlsx, with the page's filter."""
    return _export(request, ledgers.LEDGERS[ledgers.DISPUTES])


def _export(request: HttpRequest, ledger: ledgers.Ledger) -> HttpResponseBase:
    """The file now (small exports), or a background export and its page (large ones)."""
    _require_export(request)
    form = ledger.form_class(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return _back_with_errors(ledger.page, request)
    cases = _filtered(form, request)
    total = ledger.count(cases)
    if ledger_exports.runs_in_background(total):
        export = ledger_exports.ledger_export_start(ledger=ledger, query=form.querystring(), user=request.user,
                                                    total=total)
        transaction.on_commit(lambda: export_ledger_task.enqueue(str(export.pk)))
        return redirect("cases:ledger_export_job", export_id=export.pk)
    head = ledgers.heading(ledger, form)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it when the response ends
    ledgers.write(ledger, spool, cases, head)
    spool.seek(0)
    return _attachment(FileResponse(spool, content_type=XLSX), head.filename(), ledger.slug)


def _attachment(response: FileResponse, name: str, slug: str) -> FileResponse:
    """Content-Disposition with the Chinese name (RFC 5987) and an ASCII one for old clients."""
    stamp = name.rsplit("_", 1)[-1]
    response["Content-Disposition"] = f"attachment; filename=\"{slug}-{stamp}\"; filename*=UTF-8''{quote(name)}"
    return response


def _get_export_for_user(request: HttpRequest, export_id: Any) -> LedgerExport:
    """The user's own export while they may still download it; 404 for anyone else."""
    export = get_object_or_404(LedgerExport.objects.visible_to(request.user), pk=export_id)
    if not ledger_exports.may_download(export, request.user):
        raise Http404
    return export


def _export_context(export: LedgerExport) -> dict[str, Any]:
    ledger = ledgers.LEDGERS[export.kind]
    return {"export": export, "ledger": ledger, "retention_days": settings.CASES_LEDGER_EXPORT_RETENTION_DAYS}


@login_required
@require_GET
def ledger_export_job(request: HttpRequest, export_id: Any) -> HttpResponse:
    """A background export: its progress bar, then the download."""
    export = _get_export_for_user(request, export_id)
    return render(request, "cases/ledgers/export.html", _export_context(export))


@login_required
@require_GET
def ledger_export_status(request: HttpRequest, export_id: Any) -> HttpResponse:
    """The fragment the export page polls while the task runs."""
    export = _get_export_for_user(request, export_id)
    return render(request, "cases/ledgers/_export_status.html", _export_context(export))


@login_required
@require_GET
def ledger_export_download(request: HttpRequest, export_id: Any) -> FileResponse:
    export = _get_export_for_user(request, export_id)
    if not export.file:
        raise Http404
    response = FileResponse(export.file.open("rb"), content_type=XLSX)
    return _attachment(response, export.filename, ledgers.LEDGERS[export.kind].slug)


urlpatterns: list[URLPattern | URLResolver] = [
    path("ledger/", case_ledger, name="ledger"),
    path("ledger/export/", case_ledger_export, name="ledger_export"),
    path("disputes/ledger/", dispute_ledger, name="dispute_ledger"),
    path("disputes/ledger/export/", dispute_ledger_export, name="dispute_ledger_export"),
    path("ledger/exports/<uuid:export_id>/", ledger_export_job, name="ledger_export_job"),
    path("ledger/exports/<uuid:export_id>/status/", ledger_export_status, name="ledger_export_status"),
    path("ledger/exports/<uuid:export_id>/download/", ledger_export_download, name="ledger_export_download"),
]
