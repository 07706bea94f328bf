"""``rollup_statistics.SumStatement``: the sums the ORM's ``values().annotate(**SUMS)`` gives,
from a statement written once (grouped, not grouped, filtered to nothing, or joined)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import DateField, F, Q
from django.db.models.functions import Substr, Trunc

from cases.models import CaseRollup, Category, Status
from cases.rollup_statistics import SUMS, SumStatement
from cases.rollups import COUNT_FIELDS
from cases.testing import CaseCast, advance, report


def orm_rows(rows: Any, group: Any) -> dict[Any, dict[str, int]]:
    grouped = rows.values(group_key=group).annotate(**SUMS).order_by()
    return {row["group_key"]: {name: int(row[name] or 0) for name in COUNT_FIELDS} for row in grouped}


def written_rows(rows: Any, group: Any) -> dict[Any, dict[str, int]]:
    return {row["group_key"]: {name: int(row[name] or 0) for name in COUNT_FIELDS}
            for row in SumStatement(rows, group).rows()}


def some_cases(cc: CaseCast) -> None:
    report(cc)
    report(cc, category="t-fire-exit")
    advance(report(cc), Status.CLOSED, cc)
    report(cc, grid=cc.cast.grid_c, actor=cc.cast.superuser)


def test_grouped_sums_equal_the_orms(cc: CaseCast) -> None:
    some_cases(cc)
    rows = CaseRollup.objects.all()
    month = Trunc("day", "month", output_field=DateField())
    groups = (Substr("grid_code", 1, 9), F("category_id"), F("channel"), month)
    for group in groups:
        written = written_rows(rows, group)
        assert written == orm_rows(rows, group), group
        assert sum(counts["reported"] for counts in written.values()) == 4
    by_month = written_rows(rows, Trunc("day", "month", output_field=DateField()))
    assert all(isinstance(key, datetime.date) for key in by_month)


def test_filtered_and_ungrouped_sums(cc: CaseCast) -> None:
    some_cases(cc)
    street = CaseRollup.objects.filter(grid_code__startswith="410102001")
    [total] = SumStatement(street).rows()
    expected = street.aggregate(**SUMS)
    assert {name: int(total[name] or 0) for name in COUNT_FIELDS} == {
        name: int(expected[name] or 0) for name in COUNT_FIELDS}
    assert int(total["reported"]) == 3 and int(total["closed"]) == 1


def test_a_filter_that_leaves_nothing(cc: CaseCast) -> None:
    some_cases(cc)
    nothing = CaseRollup.objects.filter(Q(pk__in=[]))
    assert SumStatement(nothing, F("channel")).rows() == []
    [total] = SumStatement(nothing).rows()
    assert all(not total[name] for name in COUNT_FIELDS)


def test_a_subquery_in_the_filter_is_written_with_it(cc: CaseCast) -> None:
    some_cases(cc)
    fire = CaseRollup.objects.filter(category_id__in=Category.objects.filter(code="t-fire-exit").values("pk"))
    statement = SumStatement(fire, F("channel"))
    assert statement.statement is not None
    assert written_rows(fire, F("channel")) == orm_rows(fire, F("channel"))
    assert sum(counts["reported"] for counts in written_rows(fire, F("channel")).values()) == 1


def test_a_query_set_it_cannot_write_takes_the_orm_path(cc: CaseCast) -> None:
    some_cases(cc)
    distinct = CaseRollup.objects.distinct()
    statement = SumStatement(distinct, F("channel"))
    assert statement.statement is None
    assert written_rows(distinct, F("channel")) == orm_rows(distinct, F("channel"))
    assert "DISTINCT" in statement.key
    [total] = SumStatement(distinct).rows()  # not grouped: the ORM's aggregate
    assert int(total["reported"]) == 4 and "DISTINCT" in SumStatement(distinct).key
