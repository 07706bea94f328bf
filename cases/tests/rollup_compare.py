"""The rollup figures against the live reference (``cases.statistics``), figure by figure.

Counts and rates must be identical, the mean equal to the microsecond rounding of the rollups'
milliseconds, the median within its histogram bucket (19 %, or 7.5 minutes near zero).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import QueryDict

from cases import statistics
from cases.models import Case
from cases.rollup_statistics import RollupStatistics
from cases.statistics import Figures
from cases.views.stats import StatisticsForm, area_length

EXACT = [
    name for name in Figures.__dataclass_fields__ if name not in ("mean_hours", "median_hours", "median_estimated")
]


def assert_close_figures(found: Figures, expected: Figures, where: str) -> None:
    assert [getattr(found, name) for name in EXACT] == [getattr(expected, name) for name in EXACT], where
    if expected.mean_hours is None:
        assert found.mean_hours is None, where
    else:
        assert found.mean_hours is not None and abs(found.mean_hours - expected.mean_hours) < 1e-5, where
    if expected.median_hours is None:
        assert found.median_hours is None, where
    else:
        assert found.median_hours is not None, where
        assert abs(found.median_hours - expected.median_hours) <= max(0.19 * expected.median_hours, 0.125), (
            where,
            found.median_hours,
            expected.median_hours,
        )


def assert_rollups_match(user: Any, query: dict[str, str], now: datetime.datetime) -> RollupStatistics:
    """Every figure of the page for ``user`` and filter ``query``, from the rollups and live."""
    data = QueryDict(mutable=True)
    data.update(query)
    form = StatisticsForm(data or None, user=user)
    length, period, category = area_length(form, user), form.chosen_period(), form.chosen_category()
    cases = form.apply(Case.objects.visible_to(user), now)
    rollup = RollupStatistics(user, form, now, area_length=length, period=period)
    assert_close_figures(rollup.headline(), statistics.headline(cases, now), f"headline {query}")
    live_tables = statistics.tables(cases, area_length=length, period=period, now=now, category=category)
    for found, expected in zip(rollup.tables(category=category), live_tables, strict=True):
        assert found.key == expected.key and found.title == expected.title
        found_rows = {row.key: row for row in found.rows}
        expected_rows = {row.key: row for row in expected.rows}
        assert sorted(found_rows) == sorted(expected_rows), (
            query,
            found.key,
            sorted(found_rows),
            sorted(expected_rows),
        )
        for key, row in expected_rows.items():
            assert found_rows[key].label == row.label, (query, found.key, key)
            assert_close_figures(found_rows[key].figures, row.figures, f"{found.key} {key} {query}")
    return rollup
