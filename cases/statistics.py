"""Case statistics (事件统计): the figures leaders watch, with their denominators.

The definitions are written out for users in ``docs/cases-statistics.md``; in short, over the
cases in scope and in the filter (the period is the reporting date):

* 上报数 — every case; 受理数 — accepted (``accepted_at`` set), not counting a case split into
  parts (its parts are counted); 办结数 — closed (已结案);
* 办结率 = 办结数 / 受理数; 按期办结率 = closed with no stage ever overdue / 办结数;
* 超期数 — ever overdue (a stage ended late) or overdue now (the running stage is past its deadline);
  the waiting states count like any stage: a case left in 待派遣 or 待结案 past its limit is overdue;
* 满意率 = (满意 + 基本满意) / rated closed cases; unrated closed cases are counted separately;
  自评满意率 and 回访满意率 are the same over the reporters' own ratings and over the ratings the
  desk recorded on a call-back (回访), shown side by side;
* 平均/中位办理时长 — ``closed_at − reported_at`` in hours, over closed cases;
* 重复诉求率 = 重复诉求数 / (受理数 + cases merged before acceptance), where 重复诉求 = merged
  into another case (已合并) or closed with the outcome 重复.

Every figure of a table comes from a constant number of queries, whatever the number of cases:
one aggregate query per grouping, plus one for the medians, which window functions find in the
database (``ROW_NUMBER``/``COUNT`` over each group, keeping the one or two middle rows), so only
two rows per group travel to Python. Both run on SQLite and PostgreSQL.

These live functions are the **reference implementation**: their cost grows with the case
table, so the statistics page reads the rollups (``cases.rollups``, ``cases.rollup_statistics``)
and the tests compare every figure with these. The area pages' panel still uses ``figures``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import RowNumber, Substr, Trunc
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from areas.models import PREFIX_LENGTH, Area, Level
from cases.filters import overdue_condition
from cases.models import Category, Channel, Outcome, Rating, RatingSource, Status
from cases.models.catalog import translated_catalog_text

PERIODS = {"month": gettext_lazy("按月"), "week": gettext_lazy("按周"), "day": gettext_lazy("按日")}

ACCEPTED = Q(accepted_at__isnull=False) & ~Q(status=Status.SPLIT)
CLOSED = Q(status=Status.CLOSED)
ANY_STAGE_OVERDUE = (Q(ever_overdue=True) | Q(accept_overdue=True) | Q(dispatch_overdue=True) | Q(handle_overdue=True)
                     | Q(verify_overdue=True) | Q(close_overdue=True))
RATED = CLOSED & ~Q(rating="")
SATISFIED = CLOSED & Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])
SELF_RATED = Q(rating_source=RatingSource.SELF)
CALLBACK_RATED = Q(rating_source=RatingSource.CALLBACK)
DUPLICATE = Q(status=Status.MERGED) | (CLOSED & Q(outcome=Outcome.DUPLICATE))
MERGED_UNACCEPTED = Q(status=Status.MERGED, accepted_at__isnull=True)
Grouping = Expression | F
HANDLING_TIME = ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField())


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Figures:
    """The figures of one set of cases (a whole filter, or one group of a table)."""

    reported: int = 0
    accepted: int = 0
    closed: int = 0
    on_time: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    unrated: int = 0
    self_rated: int = 0
    self_satisfied: int = 0
    callback_rated: int = 0
    callback_satisfied: int = 0
    duplicates: int = 0
    merged_unaccepted: int = 0
    mean_hours: float | None = None
    median_hours: float | None = None
    median_estimated: bool = False  # read from a histogram (``cases.rollup_statistics``), not exact

    @property
    def completion_rate(self) -> float | None:
        """办结率 = 办结数 / 受理数."""
        return _ratio(self.closed, self.accepted)

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率 = closed without any overdue stage / 办结数."""
        return _ratio(self.on_time, self.closed)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率 = (满意 + 基本满意) / rated closed cases (unrated ones excluded)."""
        return _ratio(self.satisfied, self.rated)

    @property
    def self_satisfaction_rate(self) -> float | None:
        """自评满意率: over the ratings the reporters gave themselves."""
        return _ratio(self.self_satisfied, self.self_rated)

    @property
    def callback_satisfaction_rate(self) -> float | None:
        """回访满意率: over the ratings recorded on a call-back."""
        return _ratio(self.callback_satisfied, self.callback_rated)

    @property
    def duplicate_rate(self) -> float | None:
        """重复诉求率 = 重复诉求数 / (受理数 + cases merged before acceptance)."""
        return _ratio(self.duplicates, self.accepted + self.merged_unaccepted)

    def as_chart_row(self) -> dict[str, Any]:
        return {
            "reported": self.reported, "accepted": self.accepted, "closed": self.closed, "overdue": self.overdue,
            "completion_rate": self.completion_rate, "satisfaction_rate": self.satisfaction_rate,
        }


@dataclass(frozen=True)
class Row:
    """One line of a grouped table: the group's key, its label, its figures."""

    key: str
    label: str
    figures: Figures
    rest: bool = False  # the groups not listed, summed (a long table cut short)


@dataclass(frozen=True)
class Table:
    """A grouping (by area, category, channel, unit or period) and its rows."""

    key: str
    title: str
    rows: list[Row]
    hidden: int = 0  # groups summed in the ``rest`` row instead of listed


def aggregates(now: datetime.datetime) -> dict[str, Any]:
    """The counts and the mean of one aggregate query (``Figures`` fields except the median)."""
    return {
        "reported": Count("pk"),
        "accepted": Count("pk", filter=ACCEPTED),
        "closed": Count("pk", filter=CLOSED),
        "on_time": Count("pk", filter=CLOSED & ~ANY_STAGE_OVERDUE),
        "overdue": Count("pk", filter=overdue_condition(now)),
        "rated": Count("pk", filter=RATED),
        "satisfied": Count("pk", filter=SATISFIED),
        "dissatisfied": Count("pk", filter=CLOSED & Q(rating=Rating.DISSATISFIED)),
        "unrated": Count("pk", filter=CLOSED & Q(rating="")),
        "self_rated": Count("pk", filter=RATED & SELF_RATED),
        "self_satisfied": Count("pk", filter=SATISFIED & SELF_RATED),
        "callback_rated": Count("pk", filter=RATED & CALLBACK_RATED),
        "callback_satisfied": Count("pk", filter=SATISFIED & CALLBACK_RATED),
        "duplicates": Count("pk", filter=DUPLICATE),
        "merged_unaccepted": Count("pk", filter=MERGED_UNACCEPTED),
        "mean_duration": Avg(HANDLING_TIME, filter=CLOSED),
    }


def _hours(duration: Any) -> float | None:
    if duration is None:
        return None
    if isinstance(duration, datetime.timedelta):
        return duration.total_seconds() / 3600
    return float(duration) / 3_600_000_000  # microseconds, should a backend return a number


def _figures(values: dict[str, Any], median: float | None) -> Figures:
    counts: dict[str, Any] = {name: values.get(name) or 0 for name in Figures.__dataclass_fields__
              if name not in ("mean_hours", "median_hours", "median_estimated")}
    return Figures(**counts, mean_hours=_hours(values.get("mean_duration")), median_hours=median)


def medians(cases: QuerySet[Any], group: Grouping | None = None) -> dict[Any, float]:
    """The median handling time (hours) of the closed cases, per ``group`` value, in one query.

    Within each group the closed cases are numbered by handling time; the median is the middle
    row (odd count) or the mean of the two middle rows (even count): rows with n ≤ 2·position ≤ n+2.
    """
    partition = [group] if group is not None else []
    order = [F("duration").asc(), F("pk").asc()]
    ranked = (
        cases.order_by().filter(CLOSED)
        .annotate(group_key=group if group is not None else Value(""), duration=HANDLING_TIME)
        .annotate(position=Window(RowNumber(), partition_by=partition, order_by=order),
                  size=Window(Count("pk"), partition_by=partition))
        .annotate(twice=F("position") * 2)
        .filter(twice__gte=F("size"), twice__lte=F("size") + 2)
        .values_list("group_key", "duration")
    )
    found: dict[Any, list[float]] = {}
    for key, duration in ranked:
        hours = _hours(duration)
        if hours is not None:
            found.setdefault(key, []).append(hours)
    return {key: sum(middle) / len(middle) for key, middle in found.items()}


def figures(cases: QuerySet[Any], now: datetime.datetime | None = None) -> Figures:
    """The figures of all ``cases`` together but the median: one query (the area pages' panel)."""
    return _figures(cases.aggregate(**aggregates(now or timezone.now())), None)


def headline(cases: QuerySet[Any], now: datetime.datetime | None = None) -> Figures:
    """The figures of all ``cases`` together: two queries."""
    values = cases.aggregate(**aggregates(now or timezone.now()))
    return _figures(values, medians(cases).get(""))


def grouped(
    cases: QuerySet[Any], group: Grouping, now: datetime.datetime | None = None, label: Grouping | None = None,
) -> list[tuple[Any, Any, Figures]]:
    """(group value, label, figures) per value of ``group``: two queries."""
    columns: dict[str, Any] = {"group_key": group}
    if label is not None:
        columns["group_label"] = label
    rows = cases.order_by().values(**columns).annotate(**aggregates(now or timezone.now())).order_by("group_key")
    middle = medians(cases.order_by(), group)
    return [(row["group_key"], row.get("group_label"), _figures(row, middle.get(row["group_key"]))) for row in rows]


# --- the groupings of the statistics page ------------------------------------------------------

def child_prefix_length(parent_length: int | None) -> int:
    """The code length of the level below an area's prefix (None: the top, i.e. districts)."""
    lengths = sorted(PREFIX_LENGTH.values())
    if parent_length is None:
        return PREFIX_LENGTH[Level.DISTRICT]
    longer = [length for length in lengths if length > parent_length]
    return longer[0] if longer else lengths[-1]


def level_of_length(length: int) -> Level:
    return next(level for level, prefix in PREFIX_LENGTH.items() if prefix == length)


def area_code_of(prefix: str) -> str:
    """The area code for a code prefix (codes above the grid are padded to 12 digits)."""
    return prefix.ljust(12, "0") if len(prefix) < 12 else prefix


def by_area(cases: QuerySet[Any], length: int, now: datetime.datetime) -> Table:
    """Grouped by the areas whose code prefixes have ``length`` digits (Substr on ``grid_code``)."""
    found = grouped(cases, Substr("grid_code", 1, length), now)
    names = dict(Area.objects.filter(code__in=[area_code_of(key) for key, _label, _f in found])
                 .values_list("code", "name"))
    rows = [Row(key, names.get(area_code_of(key), key), figures) for key, _label, figures in found]
    title = _("按%(level)s") % {"level": level_of_length(length).label}
    return Table("area", title, rows)


def category_groups(parent: int | None = None) -> dict[int, int]:
    """Category id -> the row it is counted in: its ancestor just below ``parent`` (the top-level
    category without one), so a row counts its subcategories as the category filter does.
    Categories outside ``parent``'s subtree, and ``parent`` itself, are their own rows."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    groups: dict[int, int] = {}
    for pk in parents:
        node, seen = pk, set()
        while parents.get(node) != parent and parents.get(node) is not None and node not in seen:
            seen.add(node)
            node = parents[node]
        groups[pk] = node if parents.get(node) == parent else pk
    return groups


def by_category(cases: QuerySet[Any], now: datetime.datetime, parent: int | None = None) -> Table:
    """Grouped by the categories one level below ``parent`` (the top-level ones without), each
    row counting its subcategories; a CASE over the catalog's few dozen ids, still two queries."""
    members: dict[int, list[int]] = {}
    for pk, group in category_groups(parent).items():
        members.setdefault(group, []).append(pk)
    merged = {group: pks for group, pks in members.items() if pks != [group]}
    expression: Any = F("category_id")
    if merged:
        whens = [When(category_id__in=pks, then=Value(group)) for group, pks in merged.items()]
        expression = SqlCase(*whens, default=F("category_id"), output_field=IntegerField())
    found = grouped(cases, expression, now)
    names = dict(Category.objects.filter(pk__in=[key for key, _label, _f in found]).values_list("pk", "name"))
    rows = [Row(str(key), translated_catalog_text(names.get(key, str(key))), figures) for key, _l, figures in found]
    return Table("category", _("按类别"), rows)


def by_channel(cases: QuerySet[Any], now: datetime.datetime) -> Table:
    labels = dict(Channel.choices)
    found = grouped(cases, F("channel"), now)
    rows = [Row(key, str(labels.get(key, key)), figures) for key, _label, figures in found]
    return Table("channel", _("按来源渠道"), rows)


def by_unit(cases: QuerySet[Any], now: datetime.datetime) -> Table:
    found = grouped(cases, F("lead_organisation_id"), now, label=F("lead_organisation__name"))
    rows = [Row(str(key or ""), label or _("无主办单位（自办或未派遣）"), figures) for key, label, figures in found]
    return Table("unit", _("按主办单位"), rows)


def by_period(cases: QuerySet[Any], period: str, now: datetime.datetime) -> Table:
    """Grouped by the month, week (from Monday) or day of the report, in the site's time zone."""
    truncated = Trunc("reported_at", period, output_field=DateTimeField(), tzinfo=timezone.get_current_timezone())
    found = grouped(cases, truncated, now)
    rows = [Row(_period_key(key, period), _period_label(key, period), figures) for key, _l, figures in found]
    return Table("period", str(PERIODS[period]), rows)


def _period_key(start: datetime.datetime | datetime.date, period: str) -> str:
    day = timezone.localtime(start).date() if isinstance(start, datetime.datetime) else start
    return day.strftime("%Y-%m") if period == "month" else day.isoformat()


def _period_label(start: datetime.datetime | datetime.date, period: str) -> str:
    key = _period_key(start, period)
    return _("%(day)s 起") % {"day": key} if period == "week" else key


def tables(cases: QuerySet[Any], *, area_length: int, period: str, now: datetime.datetime | None = None,
           category: int | None = None) -> list[Table]:
    """Every grouping of the statistics page (a constant number of queries); ``category`` is the
    filtered category, whose subcategories become the rows of the category table."""
    now = now or timezone.now()
    cases = cases.order_by()
    return [
        by_area(cases, area_length, now), by_category(cases, now, category), by_channel(cases, now),
        by_unit(cases, now),
        by_period(cases, period, now),
    ]


def chart_data(overall: Figures, groups: Iterable[Table]) -> dict[str, Any]:
    """What the charts draw (``json_script``): rows per grouping with counts and rates."""
    return {
        "headline": overall.as_chart_row(),
        "tables": {table.key: [{"key": row.key, "label": row.label, **row.figures.as_chart_row()}
                               for row in table.rows] for table in groups},
    }
