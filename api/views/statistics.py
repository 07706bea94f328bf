"""事件统计 through the API: the same figures, definitions and filters as the statistics page
(``cases.views.stats.page_figures``: the rollups, or live for unit-only users), as JSON."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView
from api.errors import invalid
from api.models import Scope
from cases.statistics import Figures
from cases.views.stats import STATISTICS_PERMISSIONS, StatisticsForm, page_figures

PARAMETERS = (*StatisticsForm.filtering, "period")
RATES = ("completion_rate", "on_time_rate", "satisfaction_rate", "self_satisfaction_rate",
         "callback_satisfaction_rate", "duplicate_rate")
COUNTS = ("reported", "accepted", "closed", "on_time", "overdue", "rated", "satisfied", "dissatisfied", "unrated",
          "self_rated", "self_satisfied", "callback_rated", "callback_satisfied", "duplicates", "merged_unaccepted")
FIGURES = inline_serializer("Figures", {
    **{name: serializers.IntegerField() for name in COUNTS},
    **{name: serializers.FloatField(allow_null=True, help_text="A share from 0 to 1 (null without a denominator).")
       for name in RATES},
    "mean_hours": serializers.FloatField(allow_null=True),
    "median_hours": serializers.FloatField(allow_null=True),
    "median_estimated": serializers.BooleanField(help_text="The median is read from a histogram (within 19 %)."),
})
TABLE = inline_serializer("StatisticsTable", {
    "key": serializers.CharField(help_text="area, category, channel, unit or period"),
    "title": serializers.CharField(),
    "rows": serializers.ListField(child=serializers.DictField()),
}, many=True)


def figures_data(figures: Figures) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(figures, name) for name in COUNTS}
    data.update({name: getattr(figures, name) for name in RATES})
    data.update(mean_hours=figures.mean_hours, median_hours=figures.median_hours,
                median_estimated=figures.median_estimated)
    return data


class Statistics(ApiView):
    read_scope = Scope.CASES_READ

    @extend_schema(
        operation_id="statistics_retrieve",
        summary="Case figures of the statistics page: the headline and the tables by area, category, channel, "
                "unit and period",
        parameters=[OpenApiParameter(name, str, description=f"The statistics page's filter `{name}`.")
                    for name in PARAMETERS],
        responses=inline_serializer("Statistics", {"overall": FIGURES, "tables": TABLE}),
    )
    def get(self, request: Request) -> Response:
        user = self.user()
        if not any(user.has_perm(permission) for permission in STATISTICS_PERMISSIONS):
            raise exceptions.PermissionDenied(_("您没有查看事件统计的权限。"))
        data = QueryDict(mutable=True)
        for name in PARAMETERS:
            if name in request.query_params:
                data.setlist(name, request.query_params.getlist(name)[-1:])
        form = StatisticsForm(data, user=user)
        if not form.is_valid():
            raise invalid({name: [str(message) for message in messages] for name, messages in form.errors.items()})
        overall, tables = page_figures(user, form, timezone.now())  # API reads go to a replica (ApiView)
        return Response({
            "overall": figures_data(overall),
            "tables": [{"key": table.key, "title": str(table.title), "rows": [
                {"key": row.key, "label": str(row.label), **figures_data(row.figures)} for row in table.rows
            ]} for table in tables],
        })

