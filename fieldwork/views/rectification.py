"""整改清单 pages: the lists a user may see with their progress, one list worked through item by item
(phone cards for the unit's handler, printable for the office), and the verbs on them."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import OrganisationMember, User
from areas.models import Area
from cases.forms.photofields import PhotoForm, PhotosField
from cases.workflow import ActionRefused
from core.forms import BoundedDateField
from fieldwork.models import Patrol, PatrolPlan, RectificationItem, RectificationList, RectificationPhoto
from fieldwork.rectification import (
    MANAGE_PERMISSION,
    Compiled,
    rectification_create_from_campaign,
    rectification_create_from_patrol,
    rectification_item_done,
    rectification_item_reopen,
    rectification_send,
)
from fieldwork.selectors import grid_progress, list_progress, visible_rectification_photos

LATEST = 100


class CompileForm(forms.Form):
    deadline = BoundedDateField(label=gettext_lazy("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))


class DoneForm(PhotoForm):
    note = forms.CharField(
        label=gettext_lazy("整改情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    after_photos = PhotosField(label=gettext_lazy("整改后照片"), limit=3, required=True)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("退回原因"), max_length=1000)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _is_handler(user: User) -> bool:
    return OrganisationMember.objects.acting().filter(user=user).exists()


def _get_list_for_user(user: User, pk: int) -> RectificationList:
    return get_object_or_404(
        RectificationList.objects.visible_to(user).select_related("organisation", "patrol", "plan"), pk=pk
    )


def _get_item_for_user(user: User, pk: int) -> RectificationItem:
    lists = RectificationList.objects.visible_to(user).values("pk")
    return get_object_or_404(
        RectificationItem.objects.filter(rectification__in=lists).select_related("rectification"), pk=pk
    )


@login_required
def rectification_lists(request: HttpRequest) -> HttpResponse:
    """整改清单: the lists the user sees, latest first, and the progress of sent lists per grid."""
    user = _user(request)
    if not user.has_perm("fieldwork.view_rectificationlist") and not _is_handler(user):
        raise PermissionDenied(_("您没有查看整改清单的权限。"))
    today = timezone.localdate()
    visible = RectificationList.objects.visible_to(user)
    lists = list(visible.select_related("organisation")[:LATEST])
    progress = list_progress(visible, today)
    by_grid = grid_progress(visible, today) if user.has_perm("fieldwork.view_rectificationlist") else []
    names = dict(Area.objects.filter(code__in=[code for code, _row in by_grid]).values_list("code", "name"))
    return render(
        request,
        "fieldwork/rectification_lists.html",
        {
            "rows": [(row, progress.get(row.pk)) for row in lists],
            "today": today,
            "by_grid": [(code, names.get(code, code), row) for code, row in by_grid],
        },
    )


def _page(
    request: HttpRequest,
    rectification: RectificationList,
    *,
    done_forms: dict[int, DoneForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    photos = Prefetch("photos", queryset=RectificationPhoto.objects.order_by("stage", "pk"))
    items = list(rectification.items.select_related("case").prefetch_related(photos))
    today = timezone.localdate()
    area = Area.objects.filter(code=rectification.area_code).first()
    may_manage = area is not None and user.has_perm(MANAGE_PERMISSION, area)
    is_handler = (
        rectification.is_sent
        and OrganisationMember.objects.acting()
        .filter(user=user, organisation_id=rectification.organisation_id)
        .exists()
    )
    done_forms = done_forms or {}
    cards = [
        {
            "item": item,
            "done": item.is_done,
            "overdue": not item.is_done and rectification.deadline < today,
            "done_form": done_forms.get(item.pk) or DoneForm(prefix=f"item{item.pk}"),
        }
        for item in items
    ]
    return render(
        request,
        "fieldwork/rectification.html",
        {
            "rectification": rectification,
            "cards": cards,
            "progress": list_progress(RectificationList.objects.filter(pk=rectification.pk), today).get(
                rectification.pk
            ),
            "may_manage": may_manage,
            "is_handler": is_handler,
            "reopen_form": ReopenForm(),
            "area": area,
        },
        status=status,
    )


@login_required
def rectification_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _get_list_for_user(_user(request), pk))


def _compiled_message(request: HttpRequest, compiled: Compiled) -> None:
    compiled_count, left_out = len(compiled.lists), len(compiled.unassigned)
    messages.success(request, _("已编制 %(count)s 份整改清单（草稿），请核对后发送。") % {"count": compiled_count})
    if left_out:
        messages.warning(request, _("%(count)s 个问题无法确定整改单位，未列入清单。") % {"count": left_out})


def _compile(
    request: HttpRequest, back: str, back_pk: int | str, make: Callable[[datetime.date], Compiled]
) -> HttpResponse:
    form = CompileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的整改期限。"))
        return redirect(back, back_pk)
    try:
        compiled = make(form.cleaned_data["deadline"])
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(back, back_pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back, back_pk)
    _compiled_message(request, compiled)
    first: RectificationList = compiled.lists[0]
    return (
        redirect("fieldwork:rectification", first.pk)
        if len(compiled.lists) == 1
        else redirect("fieldwork:rectifications")
    )


@login_required
@require_POST
def compile_patrol(request: HttpRequest, pk: int) -> HttpResponse:
    """编制整改清单 from a patrol's open problems."""
    user = _user(request)
    patrol = get_object_or_404(Patrol.objects.visible_to(user).select_related("plan", "grid"), pk=pk)

    def make(deadline: datetime.date) -> Compiled:
        return rectification_create_from_patrol(patrol=patrol, actor=user, deadline=deadline)

    return _compile(request, "fieldwork:patrol", patrol.pk, make)


@login_required
@require_POST
def compile_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """编制整改清单 from a whole campaign's open problems (back to the compliance page of its area)."""
    user = _user(request)
    plan = get_object_or_404(PatrolPlan.objects.visible_to(user).select_related("area"), pk=pk)

    def make(deadline: datetime.date) -> Compiled:
        return rectification_create_from_campaign(plan=plan, actor=user, deadline=deadline)

    return _compile(request, "fieldwork:compliance", plan.area.code, make)


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    rectification = _get_list_for_user(user, pk)
    try:
        rectification_send(rectification=rectification, actor=user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("整改清单已发送给%(unit)s。") % {"unit": rectification.organisation})
    return redirect("fieldwork:rectification", rectification.pk)


@login_required
@require_POST
def item_done(request: HttpRequest, pk: int) -> HttpResponse:
    """整改完成 of one item, with the after photo and a note (the unit's handler)."""
    user = _user(request)
    item = _get_item_for_user(user, pk)
    rectification = item.rectification
    acting = OrganisationMember.objects.acting().filter(user=user, organisation_id=rectification.organisation_id)
    if not rectification.is_sent or not acting.exists():
        messages.error(request, _("只有整改单位的处置人员可以标记整改完成。"))
        return redirect("fieldwork:rectification", rectification.pk)
    form = DoneForm(request.POST, request.FILES, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            rectification_item_done(
                item=item, actor=user, note=form.cleaned_data["note"], after_photos=form.cleaned_data["after_photos"]
            )
        except ActionRefused as refused:
            messages.error(request, refused.message)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("已标记整改完成：%(place)s") % {"place": item.place})
            return redirect(f"{_list_url(rectification)}#item-{item.pk}")
        if not form.errors:
            return redirect("fieldwork:rectification", rectification.pk)
    return _page(request, _get_list_for_user(user, rectification.pk), done_forms={item.pk: form}, status=400)


def _list_url(rectification: RectificationList) -> str:
    return reverse("fieldwork:rectification", args=[rectification.pk])


@login_required
@require_POST
def item_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """退回 a fix the community finds wanting."""
    user = _user(request)
    item = _get_item_for_user(user, pk)
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        rectification_item_reopen(item=item, actor=user, reason=reason)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已退回：%(place)s") % {"place": item.place})
    return redirect("fieldwork:rectification", item.rectification_id)


@login_required
def photo(request: HttpRequest, token: uuid.UUID) -> FileResponse:
    """A before or after photo of an item, for users who see its list (404 otherwise)."""
    row = get_object_or_404(visible_rectification_photos(_user(request)), token=token)
    try:
        handle = row.image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path("rectification/", rectification_lists, name="rectifications"),
    path("rectification/<int:pk>/", rectification_page, name="rectification"),
    path("rectification/<int:pk>/send/", send, name="rectification_send"),
    path("rectification/items/<int:pk>/done/", item_done, name="rectification_done"),
    path("rectification/items/<int:pk>/reopen/", item_reopen, name="rectification_reopen"),
    path("rectification/photo/<uuid:token>/", photo, name="rectification_photo"),
    path("patrols/<int:pk>/rectification/", compile_patrol, name="rectification_from_patrol"),
    path("plans/<int:pk>/rectification/", compile_campaign, name="rectification_from_campaign"),
]
