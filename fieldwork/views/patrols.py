"""The worker's day and a patrol on the phone: today, start, check in, findings, finish, route."""

from __future__ import annotations

import datetime
import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from areas.models import Area
from cases.workflow import ActionRefused
from fieldwork.care import due_visits, week_end
from fieldwork.forms import CheckInForm, FindingForm
from fieldwork.models import Answer, CheckInMethod, Patrol, PatrolPlan, PatrolWindow, PlanKind, PlanTarget
from fieldwork.patrols import (
    finding_category,
    finding_report,
    finding_resolve,
    patrol_check_in,
    patrol_finish,
    patrol_record_location,
    patrol_start,
)
from fieldwork.routes import day_routes, route_map_data
from fieldwork.schedule import today_slots
from fieldwork.selectors import campaigns, nearest_stops, patrol_checkins, patrol_grids, stops, visible_photos
from registry.models import Building


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _get_patrol_for_user(user: User, pk: int) -> Patrol:
    return get_object_or_404(Patrol.objects.visible_to(user).select_related("plan__checklist", "grid", "window",
                                                                             "worker"), pk=pk)


def _get_answer_for_user(user: User, pk: int) -> Answer:
    patrols = Patrol.objects.visible_to(user).values("pk")
    return get_object_or_404(Answer.objects.filter(checkin__patrol__in=patrols)
                             .select_related("checkin__patrol", "item"), pk=pk)


@login_required
def today(request: HttpRequest) -> HttpResponse:
    """今日工作: today's windows and campaigns per grid, the active patrol, visits due this week."""
    user = _user(request)
    if not user.has_perm("fieldwork.view_patrol") and not user.has_perm("fieldwork.view_visit"):
        raise PermissionDenied(_("您没有巡查走访的权限。"))
    now = timezone.now()
    day = timezone.localdate(now)
    grids = [{"grid": grid, "slots": today_slots(grid, now), "campaigns": campaigns(grid, day)}
             for grid in patrol_grids(user)]
    due = due_visits(user, today=day, until=week_end(day)) if user.has_perm("fieldwork.add_visit") else []
    active = Patrol.objects.active().filter(worker=user).select_related("plan", "grid").first()
    return render(request, "fieldwork/today.html", {
        "grids": grids, "active": active, "due": due, "overdue": sum(row.overdue for row in due), "day": day,
        "tracking": settings.FIELDWORK_ROUTE_TRACKING,
    })


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Start a patrol from the today page (plan, grid and, for 日常巡查, the window)."""
    user = _user(request)
    grid = get_object_or_404(Area.objects.visible_to(user), code=request.POST.get("grid", ""))
    plan = get_object_or_404(PatrolPlan.objects.visible_to(user), pk=_int(request.POST.get("plan")))
    window = PatrolWindow.objects.filter(plan=plan, pk=_int(request.POST.get("window"))).first()
    try:
        patrol = patrol_start(actor=user, plan=plan, grid=grid, window=window,
                              consent=request.POST.get("consent") == "1")
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("fieldwork:today")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("fieldwork:today")
    return redirect("fieldwork:patrol", pk=patrol.pk)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


@login_required
def patrol_page(request: HttpRequest, pk: int) -> HttpResponse:
    """巡查中 (or the record of a finished patrol): targets to check in at, findings, finish."""
    user = _user(request)
    patrol = _get_patrol_for_user(user, pk)
    is_worker = patrol.worker_id == user.pk and patrol.is_active
    checkins = list(patrol_checkins(patrol))
    return render(request, "fieldwork/patrol.html", {
        "patrol": patrol, "is_worker": is_worker, "stops": stops(patrol, user) if is_worker else [],
        "checkins": checkins, "may_see_route": user.has_perm("fieldwork.view_route", patrol.grid),
        "may_rectify": user.has_perm("fieldwork.add_rectificationlist", patrol.grid)
        and any(answer.is_problem for checkin in checkins for answer in checkin.answers.all()),
        "tracking": is_worker and patrol.location_consent and settings.FIELDWORK_ROUTE_TRACKING,
        "route_interval": settings.FIELDWORK_ROUTE_INTERVAL_SECONDS,
        "finding_form": FindingForm(),
    })


def _stop(patrol: Patrol, user: User, kind: str, pk: int) -> tuple[PlanTarget | None, Building | None]:
    if kind == "target":
        return get_object_or_404(PlanTarget.objects.visible_to(user).filter(plan=patrol.plan), pk=pk), None
    if kind == "building":
        return None, get_object_or_404(Building.objects.visible_to(user), pk=pk)
    raise ValidationError(_("请选择签到的目标。"))


@login_required
def check_in(request: HttpRequest, pk: int, kind: str, target: int) -> HttpResponse:
    """签到 at one target: the checklist form; saved through ``patrol_check_in``."""
    user = _user(request)
    patrol = _get_patrol_for_user(user, pk)
    if patrol.worker_id != user.pk or not patrol.is_active:
        refusal = _("这次巡查已经结束。") if not patrol.is_active else _("只有巡查人本人可以操作这次巡查。")
        messages.error(request, refusal)
        return redirect("fieldwork:patrol", pk=patrol.pk)
    plan_target, building = _stop(patrol, user, kind, target)
    version = patrol.plan.checklist.current_version() if patrol.plan.checklist else None
    items = list(version.items.all()) if version else []
    via = request.GET.get("via", "")
    method = via if via in CheckInMethod.values else CheckInMethod.TAP
    form = CheckInForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            patrol_check_in(patrol=patrol, actor=user, target=plan_target, building=building, method=method,
                            answers=form.answers(), photos=form.photos(), note=form.cleaned_data["note"])
        except ValidationError as error:
            form.apply_errors(error)
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("fieldwork:patrol", pk=patrol.pk)
        else:
            messages.success(request, _("已签到：%(place)s") % {"place": plan_target or building})
            return redirect("fieldwork:patrol", pk=patrol.pk)
    return render(request, "fieldwork/check_in.html", {
        "patrol": patrol, "place": plan_target or building, "form": form, "version": version,
    }, status=400 if request.method == "POST" else 200)


@login_required
def building_label(request: HttpRequest, pk: int) -> HttpResponse:
    """The address of a building's QR label: check in there during the user's active patrol."""
    user = _user(request)
    building = get_object_or_404(Building.objects.visible_to(user), pk=pk)
    patrol = Patrol.objects.visible_to(user).active().filter(worker=user).select_related("plan").first()
    if patrol is None:
        messages.info(request, _("请先开始巡查，再扫码签到。"))
        return redirect("fieldwork:today")
    if building.grid_code != patrol.grid_code:
        messages.error(request, _("这个楼栋不在本次巡查的网格。"))
        return redirect("fieldwork:patrol", pk=patrol.pk)
    target = patrol.plan.targets.filter(building=building).first()
    kind, target_pk = ("target", target.pk) if target else ("building", building.pk)
    if patrol.plan.kind == PlanKind.SPECIAL and target is None:
        messages.error(request, _("这个楼栋不是本次专项巡查的目标。"))
        return redirect("fieldwork:patrol", pk=patrol.pk)
    url = reverse("fieldwork:check_in", kwargs={"pk": patrol.pk, "kind": kind, "target": target_pk})
    return redirect(f"{url}?via={CheckInMethod.QR}")


@login_required
def building_labels(request: HttpRequest, code: str) -> HttpResponse:
    """Printable QR labels (巡查签到码) of a grid's buildings, each pointing at its check-in address."""
    user = _user(request)
    grid = get_object_or_404(Area.objects.visible_to(user), code=code)
    if not user.has_perm("fieldwork.add_patrol", grid) and not user.has_perm("fieldwork.view_compliance", grid):
        raise PermissionDenied(_("您没有巡查走访的权限。"))
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    labels = []
    for building in Building.objects.visible_to(user).filter(grid_code__startswith=grid.code).order_by(
            "grid_code", "estate", "name")[:200]:
        path_ = reverse("fieldwork:building_label", args=[building.pk])
        labels.append((building, f"{base}{path_}" if base else request.build_absolute_uri(path_)))
    return render(request, "fieldwork/labels.html", {"grid": grid, "labels": labels})


@login_required
@require_POST
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    patrol = _get_patrol_for_user(user, pk)
    try:
        patrol_finish(patrol=patrol, actor=user, note=request.POST.get("note", ""))
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("fieldwork:patrol", pk=patrol.pk)
    messages.success(request, _("巡查已结束。"))
    return redirect("fieldwork:today")


@login_required
@require_POST
def finding(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One tap on a problem: 上报事件 (``report``) or 当场解决 (``resolve``)."""
    if verb not in ("report", "resolve"):
        raise Http404
    user = _user(request)
    answer = _get_answer_for_user(user, pk)
    form = FindingForm(request.POST)
    patrol_pk = answer.checkin.patrol_id
    if not form.is_valid():
        messages.error(request, _("请选择有效的事件类别。"))
        return redirect("fieldwork:patrol", pk=patrol_pk)
    category = form.cleaned_data["category"] or finding_category(answer)
    try:
        if verb == "resolve":
            case = finding_resolve(answer=answer, actor=user, note=form.cleaned_data["note"], category=category)
        else:
            case = finding_report(answer=answer, actor=user, category=category)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = _("已当场解决，事件 %(number)s 等待他人核查。") if verb == "resolve" else _("已上报事件 %(number)s。")
        messages.success(request, done % {"number": case.number})
    return redirect("fieldwork:patrol", pk=patrol_pk)


@login_required
@require_POST
def location(request: HttpRequest, pk: int) -> JsonResponse:
    """A route point sent by the patrol page's script (only with consent, only while active)."""
    user = _user(request)
    patrol = _get_patrol_for_user(user, pk)
    try:
        body = json.loads(request.body or b"{}")
        patrol_record_location(patrol=patrol, actor=user, longitude=float(body["lng"]), latitude=float(body["lat"]),
                               accuracy=float(body["accuracy"]) if body.get("accuracy") is not None else None)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("位置无效。")}, status=400)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    except ActionRefused as refused:
        return JsonResponse({"error": refused.message}, status=409)
    return JsonResponse({"ok": True})


@login_required
def nearest(request: HttpRequest, pk: int) -> JsonResponse:
    """The stops nearest to the browser's position (WGS-84), for the patrol page's 按位置推荐 button."""
    user = _user(request)
    patrol = _get_patrol_for_user(user, pk)
    try:
        longitude, latitude = float(request.GET["lng"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return JsonResponse({"error": _("位置无效。")}, status=400)
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90) or patrol.worker_id != user.pk:
        return JsonResponse({"error": _("位置无效。")}, status=400)
    found = nearest_stops(patrol, user, longitude, latitude)
    return JsonResponse({"stops": [
        {"label": stop.label, "checked": stop.checked,
         "url": reverse("fieldwork:check_in", args=[patrol.pk, stop.kind, stop.pk]) + f"?via={CheckInMethod.LOCATION}"}
        for stop in found
    ]})


@login_required
def route(request: HttpRequest, pk: int) -> JsonResponse:
    """The patrol's route as GeoJSON, for the 网格长 and 督导员 only (``fieldwork.view_route``)."""
    user = _user(request)
    patrol = _get_patrol_for_user(user, pk)
    if not user.has_perm("fieldwork.view_route", patrol.grid):
        raise Http404  # routes are for the 网格长 and 督导员 only; to others they do not exist
    points = [[point.lng, point.lat] for point in patrol.route.all()]
    return JsonResponse({"type": "Feature", "properties": {"patrol": patrol.pk},
                         "geometry": {"type": "LineString", "coordinates": points}})


@login_required
def route_map(request: HttpRequest, code: str) -> HttpResponse:
    """The day's patrol routes drawn on the grid's map, for the 网格长 and 督导员 only (404 to others)."""
    user = _user(request)
    grid = get_object_or_404(Area.objects.visible_to(user), code=code)
    if not grid.is_grid or not user.has_perm("fieldwork.view_route", grid):
        raise Http404  # to others, routes do not exist
    day = _day(request.GET.get("day")) or timezone.localdate()
    patrols = day_routes(user, grid, day)
    return render(request, "fieldwork/routes.html", {
        "grid": grid, "day": day, "patrols": patrols, "map_data": route_map_data(user, grid, patrols),
        "highlight": _int(request.GET.get("patrol")),
    })


def _day(text: str | None) -> datetime.date | None:
    try:
        return parse_date(text or "")
    except ValueError:
        return None


@login_required
def photo(request: HttpRequest, token: uuid.UUID) -> FileResponse:
    """A check-in photo, for users who may see the patrol (404 otherwise)."""
    row = get_object_or_404(visible_photos(_user(request)), token=token)
    try:
        handle = row.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path("", today, name="today"),
    path("patrols/start/", start, name="start"),
    path("patrols/<int:pk>/", patrol_page, name="patrol"),
    path("patrols/<int:pk>/check-in/<str:kind>/<int:target>/", check_in, name="check_in"),
    path("patrols/<int:pk>/finish/", finish, name="finish"),
    path("patrols/<int:pk>/location/", location, name="location"),
    path("patrols/<int:pk>/route/", route, name="route"),
    path("patrols/<int:pk>/nearest/", nearest, name="nearest"),
    path("findings/<int:pk>/<str:verb>/", finding, name="finding"),
    path("b/<int:pk>/", building_label, name="building_label"),
    path("labels/<str:code>/", building_labels, name="building_labels"),
    path("photo/<uuid:token>/", photo, name="photo"),
    path("routes/<str:code>/", route_map, name="route_map"),
]
