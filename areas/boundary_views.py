"""Boundary import/export pages and the locator endpoint.

* ``/areas/import/`` — administrators (``areas.manage_boundaries`` in some area) upload a
  GeoJSON file and get the validation report or the summary of what was saved.
* ``/areas/<code>/boundaries.geojson`` — download a subtree (or one level of it) as GeoJSON.
* ``/areas/locate/?lat=&lng=&crs=`` — JSON: the grid or micro-grid at a point, within the
  user's scope.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from areas import locator
from areas.boundaries import LEVEL_KEYWORDS, MANAGE_PERMISSION, import_boundaries, parse_level
from areas.boundary_export import export_boundaries
from areas.geo import CoordinateSystem
from areas.models import Area

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
COORDINATE_SYSTEM_CHOICES = [
    ("", gettext_lazy("按文件中的声明（未声明时为 WGS-84）")),
    (CoordinateSystem.WGS84.value, gettext_lazy("WGS-84（GPS、天地图）")),
    (CoordinateSystem.GCJ02.value, gettext_lazy("GCJ-02（高德、腾讯地图）")),
    (CoordinateSystem.BD09.value, gettext_lazy("BD-09（百度地图）")),
]


SAVE_ACTION = "save"


class BoundaryImportForm(forms.Form):
    """The upload: a GeoJSON file and its coordinate system.

    Checking is the default: the file is saved only when the user pressed 检查并保存
    (``action=save``); any other submission, Enter in a field included, is a dry run.
    """

    file = forms.FileField(label=gettext_lazy("GeoJSON 文件"))
    coordinate_system = forms.ChoiceField(
        label=gettext_lazy("坐标系"), choices=COORDINATE_SYSTEM_CHOICES, required=False
    )
    action = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件太大：最大 %(mb)d MB。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload

    @property
    def saves(self) -> bool:
        return self.cleaned_data.get("action") == SAVE_ACTION


@login_required
@require_http_methods(["GET", "POST"])
def boundary_import(request: HttpRequest) -> HttpResponse:
    """Upload form and report; the import itself re-checks the permission for every area."""
    if not request.user.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied
    report = None
    form = BoundaryImportForm(request.POST, request.FILES) if request.method == "POST" else BoundaryImportForm()
    if form.is_bound and form.is_valid():
        report = import_boundaries(
            form.cleaned_data["file"].read(),
            actor=request.user,
            coordinate_system=form.cleaned_data["coordinate_system"] or None,
            dry_run=not form.saves,
        )
    return render(request, "areas/boundary_import.html", {"form": form, "report": report})


@login_required
@require_GET
def boundary_export(request: HttpRequest, code: str) -> HttpResponse:
    """The area's active subtree as GeoJSON; ``?level=grid`` for one level, ``?crs=GCJ02|BD09``."""
    area = get_object_or_404(Area.objects.visible_to(request.user), code=code)
    try:
        level = parse_level(request.GET["level"]) if request.GET.get("level") else None
        system = CoordinateSystem.parse(request.GET.get("crs"))
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    collection = export_boundaries(area, level=level, coordinate_system=system)
    response = JsonResponse(
        collection, content_type="application/geo+json; charset=utf-8", json_dumps_params={"ensure_ascii": False}
    )
    suffix = f"-{LEVEL_KEYWORDS[level]}" if level is not None else ""
    response["Content-Disposition"] = f'attachment; filename="{area.code}{suffix}-boundaries.geojson"'
    return response


def _coordinate(query: QueryDict, name: str, label: str) -> float:
    text = query.get(name, "").strip()
    if not text:
        raise ValueError(_("缺少参数 %(name)s（%(label)s）。") % {"name": name, "label": label})
    try:
        return float(text)
    except ValueError:
        raise ValueError(_("参数 %(name)s（%(label)s）必须是数字。") % {"name": name, "label": label}) from None


@require_GET
def locate(request: HttpRequest) -> JsonResponse:
    """JSON: the innermost grid at ``lat``/``lng`` (``crs`` WGS84, GCJ02 or BD09) that the user may see.

    Points outside every grid, and grids outside the user's scope, answer ``found: false``.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("请先登录。")}, status=401, json_dumps_params={"ensure_ascii": False})
    try:
        lat = _coordinate(request.GET, "lat", _("纬度"))
        lng = _coordinate(request.GET, "lng", _("经度"))
        system = CoordinateSystem.parse(request.GET.get("crs"))
        result = locator.locate(lat, lng, system, user=request.user)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(_locate_json(result, system), json_dumps_params={"ensure_ascii": False})


def _locate_json(result: locator.LocateResult, system: CoordinateSystem) -> dict[str, Any]:
    return {
        "found": result.found,
        "message": result.message,
        "point": {"lat": result.lat, "lng": result.lng, "crs": CoordinateSystem.WGS84.value, "input_crs": system.value},
        "area": result.area.as_json() if result.area else None,
        "parents": [place.as_json() for place in result.parents],
    }
