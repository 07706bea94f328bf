"""Registry import pages: templates, upload, the dry-run report with progress, commit, rejected rows.

* ``/registry/import/`` — choose kind and area, upload .xlsx/.csv; lists recent jobs.
* ``/registry/import/template/<kind>.xlsx`` — the import template of a kind.
* ``/registry/import/<id>/`` — one job: progress bar (htmx polls ``status/`` every second while
  the task runs), then the report (every rejected row, ``?page=`` 50 at a time; unknown values
  per column; merged duplicate lines; buildings and rooms to create) and the 确认导入 button with
  the tick that creates those places, then the result.
* ``/registry/import/<id>/commit/`` (POST) — run the real import of a checked job.
* ``/registry/import/<id>/rejected.xlsx`` — the rejected rows with a reason column.

Files are kept ``REGISTRY_IMPORT_RETENTION_DAYS`` days (``registry/imports/retention.py``); a job
whose files are gone keeps its report, and its page says so instead of linking to them.

A job is visible to whoever uploaded it and to users who may import that kind in its area,
within their scope; anyone else gets 404. The rejected-rows workbook holds the uploaded cells
unmasked (it is the uploader's own file, handed back for correction), hence the narrow access.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from areas.models import Area, Level
from registry.imports.importer import may_import
from registry.imports.retention import files_purged
from registry.imports.templates import template_workbook
from registry.models import ImportJob, ImportKind, ImportStatus
from registry.tasks import run_import

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
REJECTED_PER_PAGE = 50
AREA_CHOICES_LIMIT = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAMES = {
    ImportKind.RESIDENTS: "居民导入模板.xlsx",
    ImportKind.HOUSEHOLDS: "住户导入模板.xlsx",
    ImportKind.BUILDINGS: "楼栋房屋导入模板.xlsx",
    ImportKind.ORGANISATIONS: "实有单位导入模板.xlsx",
}


def importable_areas(user: Any) -> list[Area]:
    """Communities, grids and micro-grids in the user's scope where they may import something."""
    areas = (
        Area.objects.visible_to(user).active()
        .filter(level__in=(Level.STREET, Level.COMMUNITY, Level.GRID, Level.MICROGRID))
        .order_by("code")[:AREA_CHOICES_LIMIT]
    )
    return [area for area in areas if any(may_import(user, kind, area) for kind in ImportKind.values)]


class ImportForm(forms.Form):
    """The upload: what the file holds, which area it is for, and the file."""

    kind = forms.ChoiceField(label=gettext_lazy("导入内容"), choices=ImportKind.choices)
    area = forms.ChoiceField(label=gettext_lazy("导入到区域"))
    file = forms.FileField(label=gettext_lazy("文件（.xlsx 或 .csv）"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.areas = {area.code: area for area in importable_areas(user)}
        area_field = self.fields["area"]
        assert isinstance(area_field, forms.ChoiceField)
        area_field.choices = [(code, str(area)) for code, area in self.areas.items()]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("只支持 .xlsx 和 .csv 文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件太大：最大 %(mb)d MB。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area = self.areas.get(data.get("area", ""))
        if area is not None and data.get("kind") and not may_import(self.user, data["kind"], area):
            raise forms.ValidationError(_("您没有在「%(area)s」导入%(kind)s的权限。") % {
                "area": area.name, "kind": ImportKind(data["kind"]).label,
            })
        data["area_object"] = area
        return data


def _get_job_for_user(request: HttpRequest, job_id: Any) -> ImportJob:
    """The job if the user may see it (404 otherwise): the uploader, or an importer of that area."""
    job = get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("area", "created_by"), pk=job_id
    )
    if job.created_by_id != request.user.pk and not may_import(request.user, job.kind, job.area):
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    """The upload form, the template downloads and the user's recent jobs."""
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob(
            kind=form.cleaned_data["kind"], area=form.cleaned_data["area_object"], file=upload,
            original_filename=Path(upload.name).name[:255], created_by=_user(request),
        )
        job.save()
        run_import.enqueue(str(job.pk), False)
        return redirect("registry:import_job", job_id=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).filter(created_by=_user(request)).select_related("area")[:20]
    templates = [(kind, label) for kind, label in ImportKind.choices]
    return render(request, "registry/import_index.html", {"form": form, "jobs": jobs, "templates": templates})


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(template_workbook(kind, request.user), content_type=XLSX)
    response["Content-Disposition"] = _attachment(TEMPLATE_NAMES[ImportKind(kind)], f"{kind}-template.xlsx")
    return response


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: Any) -> HttpResponse:
    job = _get_job_for_user(request, job_id)
    return render(request, "registry/import_job.html", _job_context(request, job))


@login_required
@require_GET
def import_status(request: HttpRequest, job_id: Any) -> HttpResponse:
    """The status fragment the job page polls while the task runs."""
    job = _get_job_for_user(request, job_id)
    return render(request, "registry/import_status.html", _job_context(request, job))


@login_required
@require_POST
def import_commit(request: HttpRequest, job_id: Any) -> HttpResponse:
    """Queue the real import of a checked job; a job already committing or done is left alone."""
    job = _get_job_for_user(request, job_id)
    if not may_import(request.user, job.kind, job.area):
        raise PermissionDenied
    if files_purged(job)["upload"]:  # the page no longer offers it; a stale form gets the page back
        return redirect("registry:import_job", job_id=job.pk)
    # The one tick of the report: create the buildings and rooms the roster names that do not exist yet.
    create_places = bool(request.POST.get("create_places") and (job.report or {}).get("new_places"))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).exclude(file="").update(
        status=ImportStatus.QUEUED, dry_run=False, processed_rows=0, create_places=create_places
    )
    if claimed:
        run_import.enqueue(str(job.pk), True)
    return redirect("registry:import_job", job_id=job.pk)


@login_required
@require_GET
def import_rejects(request: HttpRequest, job_id: Any) -> FileResponse:
    job = _get_job_for_user(request, job_id)
    if not job.rejected_file:
        raise Http404
    stem = Path(job.original_filename).stem
    # The uploaded file's name, then a suffix in the user's language (Chinese by default).
    suffix = pgettext("file name suffix", "被拒绝的行")
    return FileResponse(
        job.rejected_file.open("rb"), as_attachment=True, filename=f"{stem}-{suffix}.xlsx", content_type=XLSX
    )


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    report = job.report or {}
    samples = dict(report.get("samples", {}))
    # Every rejected row, a page at a time (reports written before this list existed have samples only).
    rejected_page = Paginator(report.get("rejected") or samples.get("rejected", []), REJECTED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    samples["rejected"] = list(rejected_page)
    sections = [
        ("created", _("新增"), job.created_count), ("merged", _("合并（同一人已登记，更新信息）"), job.merged_count),
        ("updated", _("更新"), job.updated_count), ("unchanged", _("无变化"), job.unchanged_count),
        ("rejected", _("拒绝"), job.rejected_count),
    ]
    purged = files_purged(job)
    return {
        "job": job,
        "report": report,
        "sections": [(key, label, count, samples.get(key, [])) for key, label, count in sections],
        "can_commit": job.status == ImportStatus.VALIDATED and not purged["upload"]
        and may_import(request.user, job.kind, job.area),
        "accepted": job.created_count + job.merged_count + job.updated_count,
        "purged": purged,
        "retention_days": settings.REGISTRY_IMPORT_RETENTION_DAYS,
        "rejected_page": rejected_page,
    }


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _attachment(name: str, fallback: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


urlpatterns: list[URLPattern | URLResolver] = [
    path("import/", import_index, name="import"),
    path("import/template/<str:kind>.xlsx", import_template, name="import_template"),
    path("import/<uuid:job_id>/", import_job, name="import_job"),
    path("import/<uuid:job_id>/status/", import_status, name="import_status"),
    path("import/<uuid:job_id>/commit/", import_commit, name="import_commit"),
    path("import/<uuid:job_id>/rejected.xlsx", import_rejects, name="import_rejects"),
]
