"""结对帮扶 page of a grid: its care-tagged residents' pairings, pair a resident, end a pairing."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from areas.models import Area
from cases.workflow import ActionRefused
from core.forms import BoundedDateField
from fieldwork.care import care_residents
from fieldwork.models import HelperKind, Pairing
from fieldwork.pairings import PAIRING_PERMISSION, pairing_create, pairing_end
from fieldwork.selectors import colleagues


class PairingForm(forms.Form):
    resident = forms.ModelChoiceField(
        label=gettext_lazy("帮扶对象"),
        queryset=Pairing.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    helper = forms.ModelChoiceField(
        label=gettext_lazy("帮扶人（用户）"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    helper_name = forms.CharField(
        label=gettext_lazy("帮扶人姓名"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    helper_kind = forms.ChoiceField(
        label=gettext_lazy("帮扶人身份"),
        choices=HelperKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    starts_on = BoundedDateField(
        label=gettext_lazy("开始日期"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, grid: Area, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = care_residents(user, grid).order_by("name")  # type: ignore[attr-defined]
        self.fields["helper"].queryset = colleagues(grid, user) | User.objects.filter(pk=user.pk)  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _grid_for_user(user: User, code: str) -> Area:
    grid = get_object_or_404(Area.objects.visible_to(user), code=code)
    if not grid.is_grid or not user.has_perm(PAIRING_PERMISSION, grid):
        raise Http404
    return grid


@login_required
def pairings(request: HttpRequest, code: str) -> HttpResponse:
    """结对帮扶 of a grid (网格长, 社区工作人员): the active pairings and the form to pair a resident."""
    user = _user(request)
    grid = _grid_for_user(user, code)
    form = PairingForm(request.POST or None, grid=grid, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pairing_create(
                actor=user,
                resident=data["resident"],
                helper=data["helper"],
                helper_name=data["helper_name"],
                helper_kind=data["helper_kind"],
                starts_on=data["starts_on"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("已安排结对帮扶。"))
            return redirect("fieldwork:pairings", code=grid.code)
    active = (
        Pairing.objects.visible_to(user)
        .active()
        .filter(grid_code__startswith=grid.code)
        .select_related("resident", "helper")
        .order_by("resident__name", "pk")
    )
    return render(
        request,
        "fieldwork/pairings.html",
        {"grid": grid, "form": form, "pairings": active},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def pairing_stop(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    pairing = get_object_or_404(Pairing.objects.visible_to(user).select_related("grid"), pk=pk)
    try:
        pairing_end(
            actor=user,
            pairing=pairing,
            ends_on=timezone.localdate() - datetime.timedelta(days=1)
            if pairing.starts_on < timezone.localdate()
            else timezone.localdate(),
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已结束结对。"))
    return redirect("fieldwork:pairings", code=pairing.grid.code)


urlpatterns: list[URLPattern] = [
    path("pairings/<str:code>/", pairings, name="pairings"),
    path("pairings/end/<int:pk>/", pairing_stop, name="pairing_end"),
]
