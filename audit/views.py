"""The change log browser (变更日志): who changed what, when, in which request.

Entries are filtered through ``ChangeLogEntry.objects.visible_to(user)``: a user sees the
changes of records in their areas; only superusers see entries without an area (users,
roles, catalogs).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.display import EntryFormatter
from audit.models import Action, ChangeLogEntry
from audit.registry import is_audited
from core.forms import BoundedDateField

PAGE_SIZE = 50


def audited_content_types() -> list[ContentType]:
    """Content types of every audited model, in a stable order."""
    audited = [model for model in apps.get_models() if is_audited(model)]
    found = ContentType.objects.get_for_models(*audited)
    return sorted(found.values(), key=lambda ct: (ct.app_label, ct.model))


def _content_type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChangeLogFilterForm(forms.Form):
    """The filters of the log page; every field is optional."""

    date_from = BoundedDateField(label=_("开始日期"), required=False, widget=DATE_WIDGET)
    date_to = BoundedDateField(label=_("结束日期"), required=False, widget=DATE_WIDGET)
    user = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    object_type = forms.TypedChoiceField(label=_("对象类型"), required=False, coerce=int, empty_value=None)
    area_code = forms.CharField(
        label=_("区域编码前缀"), required=False, max_length=18,
        validators=[RegexValidator(r"^\d+$", _("区域编码只能由数字组成。"))],
    )
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    request_id = forms.CharField(label=_("请求编号"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[Any, Any]] = [("", _("全部"))]
        action_field = self.fields["action"]
        type_field = self.fields["object_type"]
        assert isinstance(action_field, forms.ChoiceField) and isinstance(type_field, forms.ChoiceField)
        action_field.choices = everything + list(Action.choices)
        type_field.choices = everything + [
            (ct.pk, _content_type_label(ct)) for ct in audited_content_types()
        ]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if is_select else "form-control form-control-sm"
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned

    def apply(self, queryset: models.QuerySet[ChangeLogEntry]) -> models.QuerySet[ChangeLogEntry]:
        """Narrow ``queryset`` by the valid filters (call after ``is_valid``)."""
        data = self.cleaned_data
        if data.get("date_from"):
            queryset = queryset.filter(time__gte=_start_of_day(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(time__lt=_start_of_day(data["date_to"] + datetime.timedelta(days=1)))
        if data.get("user"):
            queryset = queryset.filter(Q(user_name__icontains=data["user"]) | Q(user__username=data["user"]))
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("object_type"):
            queryset = queryset.filter(content_type_id=data["object_type"])
        if data.get("area_code"):
            queryset = queryset.filter(area_code__startswith=data["area_code"])
        if data.get("object_id"):
            queryset = queryset.filter(object_id=data["object_id"].strip())
        if data.get("request_id"):
            queryset = queryset.filter(request_id=data["request_id"].strip())
        return queryset


def _start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the site's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@login_required
@permission_required("audit.view_changelogentry", raise_exception=True)
def changelog_list(request: HttpRequest) -> HttpResponse:
    """The filterable, paginated change log of the records in the user's scope."""
    form = ChangeLogFilterForm(request.GET or None)
    entries: models.QuerySet[ChangeLogEntry] = ChangeLogEntry.objects.visible_to(request.user)
    entries = entries.select_related("content_type")
    if form.is_bound and form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": EntryFormatter(page.object_list, request.user).rows(),
        "query": query.urlencode(),
    }
    return render(request, "audit/changelog_list.html", context)
