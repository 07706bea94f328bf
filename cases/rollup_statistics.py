"""The statistics page's figures from the rollups (``CaseRollup``), not from the case table.

Same figures, groupings and definitions as ``cases.statistics`` (kept as the live reference the
tests compare against), read from sums over the rollup rows in scope and in the filter: one
query for the headline and one per table, whatever the number of cases.

* Counts, rates and the mean handling time are exact (durations are summed in milliseconds).
* The **median** is read from the histogram of handling times (four log-spaced buckets per
  doubling): the estimate lies in the same bucket as the true median, so it is within 19 % of it
  (under 7.5 minutes: within 7.5 minutes; from 341 days on: a lower bound). ``Figures`` says so
  (``median_estimated``) and the page shows it with "≈".
* **Overdue now** (超期数's "the running stage is past its deadline") depends on the clock, so it
  cannot be rolled up: one live query counts the open cases running late that were never overdue
  before, grouped by the rollup's dimensions; the rollups hold the frozen part (``ever_overdue``).
  That query reads only cases running late now (the ``case_status_due`` index), not history.
* Scope is the rollup rows under the areas where the user may view cases. A user who also sees
  cases through a unit (``Case.objects.visible_to``) outside those areas gets the live figures
  (``covers``): rollups have no assignment dimension.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, partial
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import Substr, Trunc, TruncDate
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationMember
from accounts.scope import permission_prefixes, restrict_by_permission
from areas.models import Area, code_prefix
from cases import statistics
from cases.filters import NO, UNRATED, YES, CaseFilterForm
from cases.models import OPEN_STATUSES, Case, CaseRollup, CaseRollupSlice, Category, Channel, SliceDimension, Status
from cases.models.catalog import translated_catalog_text
from cases.models.rollup import BUCKET_COUNT, BUCKET_FIELDS, bucket_edge
from cases.rollups import COUNT_FIELDS, SLICE_LEVELS, Counts, slices_generation, watermark
from cases.statistics import Figures, Row, Table

SUMS = {name: Sum(name) for name in COUNT_FIELDS}
# (reported, accepted, overdue) to add per case running late, by the overdue filter's value.
SLICE_AREA_LENGTH = max(SLICE_LEVELS)  # the finest slices are per community
COARSE_FILTERS = ("area", "date_from", "date_to")
LATE_WEIGHTS = {"": (0, 0, 1), YES: (1, 1, 1), NO: (-1, -1, 0)}
# How long sums of the slices are kept in the cache (their key changes when the slices do).
FROZEN_TTL = 3600
T = TypeVar("T")

LateRow = Any


def median_of_histogram(counts: Sequence[int]) -> float | None:
    """The median (hours) of the durations counted in ``counts`` (one count per bucket): the middle
    one, or the mean of the two middle ones, each placed within its bucket by its rank there."""
    total = sum(counts)
    if total <= 0:
        return None
    ranks = [(total + 1) // 2] if total % 2 else [total // 2, total // 2 + 1]
    return sum(_value_at(counts, rank) for rank in ranks) / len(ranks)


def _value_at(counts: Sequence[int], rank: int) -> float:
    below = 0
    for index, count in enumerate(counts):
        if count > 0 and below + count >= rank:
            share = (rank - below - 0.5) / count
            low = bucket_edge(index)
            if index == 0:
                return share * bucket_edge(1)
            if index == BUCKET_COUNT - 1:
                return low
            return float(low * (bucket_edge(index + 1) / low) ** share)
        below += max(count, 0)
    return bucket_edge(BUCKET_COUNT - 1)


def _figures(sums: dict[str, Any], late: tuple[int, int, int]) -> Figures:
    values = {name: int(sums.get(name) or 0) for name in COUNT_FIELDS}
    values["reported"] += late[0]
    values["accepted"] += late[1]
    values["overdue"] += late[2]
    counted = values["duration_count"]
    return Figures(
        **{
            name: values[name]
            for name in Figures.__dataclass_fields__
            if name not in ("mean_hours", "median_hours", "median_estimated")
        },
        mean_hours=values["duration_ms"] / counted / 3_600_000 if counted else None,
        median_hours=median_of_histogram([values[name] for name in BUCKET_FIELDS]),
        median_estimated=True,
    )


# --- scope and filter ------------------------------------------------------------------------------


def covers(user: Any) -> bool:
    """Whether the rollups can answer for ``user``: every case they see lies in the areas where
    they may view cases (no case seen only through a unit's assignment)."""
    if user.is_superuser:
        return True
    # Most who read statistics (leaders, dispatchers) belong to no unit: then nothing is seen
    # through one, and the scan of the cases below (30–60 ms at 20,000 cases) is not needed.
    units = list(OrganisationMember.objects.unit_ids(user).values_list("organisation_id", flat=True))
    if not units:
        return True
    in_areas = restrict_by_permission(Case.objects.all(), user, "grid_code", "cases.view_case")
    return (
        not Case.objects.filter(assignments__organisation_id__in=units).exclude(pk__in=in_areas.values("pk")).exists()
    )


def rollup_condition(form: CaseFilterForm) -> Q:
    """The filter's valid fields but 超期 as conditions on rollup rows."""
    if not form.is_bound:
        return Q()
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    condition = Q()
    for name in form.filtering:
        value = cleaned.get(name)
        if value not in (None, "") and name != "overdue":
            condition &= _condition(form, name, value)
    return condition


def _condition(form: CaseFilterForm, name: str, value: Any) -> Q:
    if name == "area":
        selected = form.selected_area()
        assert selected is not None
        return Q(grid_code__startswith=code_prefix(*selected))
    if name == "category":
        return Q(category_id__in=form.category_subtree(int(value)))
    if name == "organisation":
        return Q(unit_id=value.pk)
    if name == "date_from":
        return Q(day__gte=value)
    if name == "date_to":
        return Q(day__lte=value)
    if name == "rating":
        return Q(rating="") if value == UNRATED else Q(rating=value)
    if name == "kind":
        return Q(dispute=True)
    return Q(**{name: value})


def _overdue_choice(form: CaseFilterForm) -> str:
    if not form.is_bound:
        return ""
    form.is_valid()
    return str(getattr(form, "cleaned_data", {}).get("overdue") or "")


def _month_aligned(form: CaseFilterForm) -> bool:
    """Whether the filter leaves only the area and whole months (what the slices can answer)."""
    if not form.is_bound:
        return True
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    if any(cleaned.get(name) not in (None, "") for name in form.filtering if name not in COARSE_FILTERS):
        return False
    start, end = cleaned.get("date_from"), cleaned.get("date_to")
    return (start is None or start.day == 1) and (end is None or (end + datetime.timedelta(days=1)).day == 1)


def _summed(rows: Iterable[Any], remap: Callable[[Any], Any], found: dict[Any, Counts]) -> None:
    for row in rows:
        key = remap(row["group_key"])
        total = found.get(key)
        if total is None:
            found[key] = {name: int(row[name] or 0) for name in COUNT_FIELDS}
        else:
            for name in COUNT_FIELDS:
                total[name] += int(row[name] or 0)


class SumStatement:
    """``SUM`` of every count (``COUNT_FIELDS``) over ``rows`` (rollup rows or slices), grouped by
    ``group`` (an expression, as ``group_key``) or not at all: the statement's text is written
    once per model, and only the filter's ``WHERE`` and the group are compiled per query.

    The ORM's ``values(...).annotate(**SUMS)`` resolved and compiled some ninety aggregates for
    each of a page's ten queries, most of the statistics page's time (docs/performance.md).
    A query set that joins another table (none of this module's do) takes that path still.
    """

    def __init__(self, rows: QuerySet[Any], group: Any = None) -> None:
        self.queryset, self.group = rows, group
        self.database = rows.db
        self.statement = self._written()

    @property
    def key(self) -> str:
        """The statement with its parameters (what the slices' cache keys are made of)."""
        if self.statement is None:
            return f"{self.queryset.query}|{self.group!r}"
        sql, params = self.statement
        return f"{sql}|{params!r}"

    def rows(self) -> list[dict[str, Any]]:
        """``group_key`` and the sums, one dict per group (one row when not grouped)."""
        if self.statement is None:
            ormed = self._orm()
            return [{"group_key": "", **ormed}] if isinstance(ormed, dict) else list(ormed)
        sql, params = self.statement
        connection = connections[self.database]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            fetched = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        if self.group is None:
            return [{**row, "group_key": ""} for row in fetched]
        convert = self._converters()
        for row in fetched:
            for converter in convert:
                row["group_key"] = converter(row["group_key"], self._group, connection)
        return fetched

    def _written(self) -> tuple[str, tuple[Any, ...]] | None:
        query = self.queryset.query
        if len(query.alias_map) > 1 or query.combinator or query.distinct or query.is_sliced:
            return None
        model = query.model
        assert model is not None
        table = connections[self.database].ops.quote_name(model._meta.db_table)
        compiler = query.get_compiler(self.database)
        try:
            where, params = compiler.compile(query.where)
        except EmptyResultSet:
            where, params = "1 = 0", []
        except FullResultSet:
            where, params = "", []
        condition = f" WHERE {where}" if where else ""
        if self.group is None:
            return f"SELECT {_sums_sql(model, self.database)} FROM {table}{condition}", tuple(params)
        self._group = self.group.resolve_expression(query, allow_joins=False)
        group, group_params = compiler.compile(self._group)
        sql = f"SELECT {group} AS group_key, {_sums_sql(model, self.database)} FROM {table}{condition} GROUP BY 1"
        return sql, (*group_params, *params)

    def _converters(self) -> list[Callable[..., Any]]:
        connection = connections[self.database]
        return [*connection.ops.get_db_converters(self._group), *self._group.get_db_converters(connection)]

    def _orm(self) -> Any:
        if self.group is None:
            return self.queryset.aggregate(**SUMS)
        return self.queryset.values(group_key=self.group).annotate(**SUMS).order_by()


def _sums_sql(model: Any, database: str) -> str:
    """``SUM("table"."column") AS "name"`` for every count, written once per model and database."""
    key = (model._meta.label, database)
    found = _SUMS_SQL.get(key)
    if found is None:
        quote = connections[database].ops.quote_name
        table = quote(model._meta.db_table)
        found = ", ".join(f"SUM({table}.{quote(model._meta.get_field(name).column)}) AS {quote(name)}"
                          for name in COUNT_FIELDS)
        _SUMS_SQL[key] = found
    return found


_SUMS_SQL: dict[tuple[str, str], str] = {}


class RollupStatistics:
    """The figures of one page: the rollup rows in scope and filter, and the cases running late now.

    Without filters but the area and whole months, and with months as periods (the page as it
    opens), the tables sum the monthly slices plus the rollup rows booked after the watermark
    (``coarse``); otherwise they sum the rollup rows of every booking day.
    """

    def __init__(
        self, user: Any, form: CaseFilterForm, now: datetime.datetime, *, area_length: int, period: str
    ) -> None:
        self.now, self.area_length, self.period = now, area_length, period
        self.overdue = _overdue_choice(form)
        rows = restrict_by_permission(CaseRollup.objects.all(), user, "grid_code", "cases.view_case")
        rows = rows.filter(rollup_condition(form))
        if self.overdue:
            rows = rows.filter(ever_overdue=self.overdue == YES)
        self.rows: QuerySet[CaseRollup] = rows.order_by()
        cases = restrict_by_permission(Case.objects.all(), user, "grid_code", "cases.view_case")
        self.late_cases = form.apply(cases, now, skip=("overdue",)).filter(
            stage_due_at__lt=now, status__in=OPEN_STATUSES - {Status.ON_HOLD}, ever_overdue=False
        )
        self._late: list[LateRow] | None = None
        prefixes = [] if user.is_superuser else permission_prefixes(user, "cases").get("view_case", [])
        selected = form.selected_area() if form.is_bound else None
        # The finest area any condition names: slices of that level or finer lie wholly inside
        # or outside each condition, so summing them is exact.
        self.finest = max([len(prefix) for prefix in prefixes] + [len(code_prefix(*selected)) if selected else 0])
        self.coarse = (
            period == "month"
            and area_length <= SLICE_AREA_LENGTH
            and self.finest <= SLICE_AREA_LENGTH
            and _month_aligned(form)
        )
        self.frozen = ""  # what the slices' sums are cached under (see ``_frozen``)
        if self.coarse:
            mark = watermark()
            self.frozen = f"{mark}|{slices_generation()}"
            self.slices = CaseRollupSlice.objects.filter(_slice_condition(form)).order_by()
            # Where the slices may come from: under one of the user's areas, and under the chosen one.
            self.slice_areas = [] if user.is_superuser else [prefixes]
            if selected:
                self.slice_areas.append([code_prefix(*selected)])
            self.recent = self.rows.filter(booked_on__gt=mark) if mark else self.rows

    @property
    def late(self) -> list[LateRow]:
        """The open cases running late now (never overdue before), counted by the rollup's key."""
        if self._late is None:
            self._late = list(
                self.late_cases.order_by()
                .values("grid_code", "category_id", "lead_organisation_id", "channel", day=TruncDate("reported_at"))
                .annotate(cases=Count("pk"), accepted=Count("pk", filter=statistics.ACCEPTED))
            )
        return self._late

    def _late_by(self, key_of: Callable[[LateRow], Any]) -> dict[Any, tuple[int, int, int]]:
        weights = LATE_WEIGHTS[self.overdue]
        found: dict[Any, tuple[int, int, int]] = {}
        for row in self.late:
            key = key_of(row)
            reported, accepted, overdue = found.get(key, (0, 0, 0))
            found[key] = (
                reported + weights[0] * row["cases"],
                accepted + weights[1] * row["accepted"],
                overdue + weights[2] * row["cases"],
            )
        return found

    @cached_property
    def _totals(self) -> Counts:
        found: dict[Any, Counts] = {}
        if self.coarse:
            totals = SumStatement(self.slices_of(SliceDimension.TOTAL, self.slice_level()))
            _summed(_frozen(self.frozen, "total", totals.key, totals.rows), str, found)
            _summed(SumStatement(self.recent).rows(), str, found)
        else:
            _summed(SumStatement(self.rows).rows(), str, found)
        return found.get("", {})

    def headline(self) -> Figures:
        return _figures(self._totals, self._late_by(lambda row: "").get("", (0, 0, 0)))

    def grouped(
        self,
        dimension: str,
        on_slices: Any,
        on_rows: Any,
        remap: Callable[[Any], Any],
        late_key: Callable[[LateRow], Any],
        finest: int = 0,
    ) -> list[tuple[Any, Figures]]:
        """(group, figures) per group, sorted: ``on_slices``/``on_rows`` are what the SQL groups
        by (on the slices of ``dimension`` or on rollup rows), ``remap`` turns it into the group;
        groups left without cases (moved away, or only late cases subtracted) are left out.
        ``finest``: the code length the groups need (the area table's)."""
        found = self._sums(self._sources(dimension, finest), on_slices, on_rows, remap)
        return self._with_late(found, self._late_by(late_key))

    def _sources(self, dimension: str, finest: int = 0) -> list[tuple[QuerySet[Any], bool]]:
        """What a table sums: (query set, whether it holds slices)."""
        if self.coarse:
            return [(self.slices_of(dimension, self.slice_level(finest)), True), (self.recent, False)]
        return [(self.rows, False)]

    def _sums(self, sources: list[tuple[QuerySet[Any], bool]], on_slices: Any, on_rows: Any,
              remap: Callable[[Any], Any]) -> dict[Any, Counts]:
        found: dict[Any, Counts] = {}
        for rows, sliced in sources:
            grouped = SumStatement(rows, on_slices if sliced else on_rows)
            _summed(_frozen(self.frozen, "grouped", grouped.key, grouped.rows) if sliced else grouped.rows(),
                    remap, found)
        return found

    @staticmethod
    def _with_late(found: dict[Any, Counts], late: dict[Any, tuple[int, int, int]]) -> list[tuple[Any, Figures]]:
        result = []
        for key in set(found) | set(late):
            figures = _figures(found.get(key, {}), late.get(key, (0, 0, 0)))
            if figures.reported > 0:
                result.append((key, figures))
        return sorted(result, key=lambda item: _sortable(item[0]))

    def slice_level(self, finest: int = 0) -> int:
        """The coarsest slice level that still answers exactly: no coarser than the finest area
        of the scope and filter, nor than the groups (``finest``)."""
        return min(level for level in SLICE_LEVELS if level >= max(self.finest, finest))

    def slices_of(self, dimension: str, level: int) -> QuerySet[CaseRollupSlice]:
        """The slices of ``dimension`` at ``level`` in the scope (any of the user's areas) and the
        chosen area, as conditions the slice index answers (equal codes, or code ranges)."""
        slices = self.slices.filter(dimension=dimension, level=level)
        return slices.filter(*(_codes_under(prefixes, level) for prefixes in self.slice_areas))

    def tables(self, *, category: int | None = None, units: int | None = None) -> list[Table]:
        """Every table; ``units``: at most that many units, the busiest, and the rest summed."""
        return [self.by_area(), self.by_category(category), self.by_channel(), self.by_unit(units), self.by_period()]

    def by_area(self) -> Table:
        length = self.area_length
        found = self.grouped(
            SliceDimension.TOTAL,
            Substr("area_code", 1, length),
            Substr("grid_code", 1, length),
            str,
            lambda row: row["grid_code"][:length],
            finest=length,
        )
        names = dict(
            Area.objects.filter(code__in=[statistics.area_code_of(key) for key, _f in found]).values_list(
                "code", "name"
            )
        )
        rows = [Row(key, names.get(statistics.area_code_of(key), key), figures) for key, figures in found]
        return Table("area", _("按%(level)s") % {"level": statistics.level_of_length(length).label}, rows)

    def by_category(self, parent: int | None) -> Table:
        groups = statistics.category_groups(parent)

        def group_of(pk: Any) -> int:
            return groups.get(int(pk), int(pk))

        found = self.grouped(
            SliceDimension.CATEGORY, F("value"), F("category_id"), group_of, lambda row: group_of(row["category_id"])
        )
        names = dict(Category.objects.filter(pk__in=[key for key, _f in found]).values_list("pk", "name"))
        rows = [Row(str(key), translated_catalog_text(names.get(key, str(key))), figures) for key, figures in found]
        return Table("category", _("按类别"), rows)

    def by_channel(self) -> Table:
        labels = dict(Channel.choices)
        found = self.grouped(SliceDimension.CHANNEL, F("value"), F("channel"), str, lambda row: row["channel"])
        rows = [Row(key, str(labels.get(key, key)), figures) for key, figures in found]
        return Table("channel", _("按来源渠道"), rows)

    def by_unit(self, limit: int | None = None) -> Table:
        """By lead unit, in id order, "no unit" last. With ``limit``, a district of thousands of
        units lists the ``limit`` busiest (most cases reported in the slices and rows summed) and
        one row for the rest: the totals less the units listed, exact since every case counts
        under one unit (or none)."""
        sources = self._sources(SliceDimension.UNIT)
        reported = self._reported_by_unit(sources) if limit else {}
        busiest = sorted(reported, key=lambda key: (-reported[key], key))
        chosen = busiest[:limit] if limit and len(busiest) > limit else None
        if chosen is not None:
            sources = [(rows.filter(**{"value__in" if sliced else "unit_id__in": [
                str(key) if sliced else key for key in chosen]}), sliced) for rows, sliced in sources]
        found = self._sums(sources, F("value"), F("unit_id"), int)
        late = self._late_by(lambda row: row["lead_organisation_id"] or 0)
        shown = self._with_late(found, {key: value for key, value in late.items() if chosen is None or key in chosen})
        shown = [item for item in shown if item[0]] + [item for item in shown if not item[0]]
        names = dict(Organisation.objects.filter(pk__in=[key for key, _f in shown if key]).values_list("pk", "name"))
        nobody = _("无主办单位（自办或未派遣）")
        rows = [Row(str(key or ""), names.get(key) or nobody, figures) for key, figures in shown]
        if chosen is None:
            return Table("unit", _("按主办单位"), rows)
        hidden = len(reported) - len(chosen)
        late_rest = {key: value for key, value in late.items() if key not in chosen}
        rows.append(self._rest_of_units(found, late_rest, hidden))
        return Table("unit", _("按主办单位"), rows, hidden=hidden)

    def _reported_by_unit(self, sources: list[tuple[QuerySet[Any], bool]]) -> dict[int, int]:
        """Cases reported per unit id (one narrow grouped query per source; the slices' from the cache)."""
        counts: dict[int, int] = {}
        for rows, sliced in sources:
            column = "value" if sliced else "unit_id"
            grouped = rows.values(column).annotate(n=Sum("reported")).order_by().values_list(column, "n")
            found = (_frozen(self.frozen, "ranking", str(grouped.query), partial(_counts, grouped)) if sliced
                     else _counts(grouped))
            for key, reported in found:
                counts[key] = counts.get(key, 0) + reported
        return counts

    def _rest_of_units(self, found: dict[Any, Counts], late: dict[Any, tuple[int, int, int]], hidden: int) -> Row:
        """One row for the ``hidden`` units: the totals less the units listed (``found``), plus
        the late cases of the units not listed (``late``)."""
        rest = dict(self._totals)
        for counts in found.values():
            for name, value in counts.items():
                rest[name] = rest.get(name, 0) - value
        late_sum = (sum(row[0] for row in late.values()), sum(row[1] for row in late.values()),
                    sum(row[2] for row in late.values()))
        label = _("其余 %(count)d 个主办单位（合计）") % {"count": hidden}
        return Row("", label, _figures(rest, late_sum), rest=True)

    def by_period(self) -> Table:
        period = self.period
        found = self.grouped(
            SliceDimension.TOTAL,
            F("month"),
            Trunc("day", period, output_field=DateField()),
            _as_date,
            lambda row: period_start(row["day"], period),
        )
        rows = [
            Row(statistics._period_key(key, period), statistics._period_label(key, period), figures)
            for key, figures in found
        ]
        return Table("period", str(statistics.PERIODS[period]), rows)


def _counts(grouped: QuerySet[Any]) -> list[tuple[int, int]]:
    return [(int(key), int(n or 0)) for key, n in grouped]


def _frozen(frozen: str, kind: str, query: str, compute: Callable[[], T]) -> T:
    """What ``compute`` works out from the slices that ``query`` (SQL) reads, from the cache if it
    is there.

    The slices up to the watermark do not change until it moves (``compact``) or they are
    rebuilt (``slices_generation``), so their sums are kept under both (``frozen``), the kind
    of sum and the query's SQL (which holds the scope and the filter) for ``FROZEN_TTL``. Only
    the rows booked after the watermark and the cases running late are read every time.
    """
    digest = hashlib.sha256(f"{frozen}|{kind}|{query}".encode()).hexdigest()
    key = f"cases:stats:slices:{digest}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, FROZEN_TTL)
    return found


def _slice_condition(form: CaseFilterForm) -> Q:
    """The whole-month filter as conditions on slices (the area is ``_codes_under``'s)."""
    if not form.is_bound:
        return Q()
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    condition = Q()
    if cleaned.get("date_from"):
        condition &= Q(month__gte=cleaned["date_from"])
    if cleaned.get("date_to"):
        condition &= Q(month__lte=cleaned["date_to"])
    return condition


def _codes_under(prefixes: list[str], level: int) -> Q:
    """Slices of ``level`` under any of ``prefixes`` (digit strings no longer than ``level``): the
    equal code, or the range of codes from the prefix up to the next one. Unlike ``LIKE 'p%'``,
    both use the slice index whatever the database's collation."""
    condition = Q(pk__in=[])
    for prefix in prefixes:
        if len(prefix) == level:
            condition |= Q(area_code=prefix)
        elif prefix.strip("9"):
            following = str(int(prefix) + 1).zfill(len(prefix))
            condition |= Q(area_code__gte=prefix, area_code__lt=following)
        else:
            condition |= Q(area_code__gte=prefix)
    return condition


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def period_start(day: datetime.date, period: str) -> datetime.date:
    """The first day of the month or week (from Monday) of ``day``, or the day itself."""
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - datetime.timedelta(days=day.weekday())
    return day


def _sortable(key: Any) -> tuple[int, Any]:
    if isinstance(key, datetime.datetime):
        key = key.date()
    return (0, key) if key is not None else (1, 0)
