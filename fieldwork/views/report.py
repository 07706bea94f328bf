"""上报事件 in the worker's web app: the cases report form, usable without signal.

The page is the cases app's report page (``cases.views.intake.report_page``, the same form and
the same save) rendered in the worker's shell: under ``/fieldwork/`` the service worker caches
it, and its form is marked ``data-offline="case"``, so a report made without signal is queued on
the phone with its photos and sent through ``/fieldwork/sync/`` (``fieldwork.sync``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from cases.views.intake import report_page


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The report form (GET), or the report sent online (POST): the new case's page, like ``/cases/report/``."""
    return report_page(request, "fieldwork/report.html")


urlpatterns: list[URLPattern] = [
    path("report/", report, name="report"),
]
