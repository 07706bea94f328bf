"""Statistics rollups (统计汇总): what the statistics page sums instead of the case table.

A ``CaseRollup`` row holds the contribution of some cases to every figure of the statistics
page, for one combination of the page's dimensions (the reporting day, the grid, the category,
the lead unit, the channel, the status, the rating, the dispute kind and the ever-overdue flag),
**booked on** the day the change happened. A transition books a delta on today's rows: the
case's old contribution is subtracted from its old key and the new one added to its new key
(``cases.rollups``). Rows of past booking days never change (only ``rebuild_rollups`` rewrites
them), so the figures as they stood at the end of any day can be summed again; the page sums
every booking day, which is the case table's current state, as the live figures were.

Durations are kept as a sum (milliseconds) and a histogram of fixed, log-spaced buckets (four
per doubling of hours, ``h00`` … ``h65``): the median is read from the histogram, within its
bucket (see ``cases.rollup_statistics``).
"""

from __future__ import annotations

import math

from django.db import models
from django.utils.translation import gettext_lazy as _

# Histogram buckets: h00 = [0, 2^-3 h) (under 7.5 minutes); hNN = [2^((NN-1)/4-3), 2^(NN/4-3)) h;
# the last bucket holds everything from 2^13 h (341 days) on.
BUCKETS_PER_DOUBLING = 4
LOWEST_EDGE_LOG2 = -3
BUCKET_COUNT = 66
BUCKET_FIELDS = tuple(f"h{index:02d}" for index in range(BUCKET_COUNT))


def bucket_edge(index: int) -> float:
    """The lower edge (hours) of bucket ``index`` (0 for the first)."""
    if index <= 0:
        return 0.0
    return float(2 ** ((index - 1) / BUCKETS_PER_DOUBLING + LOWEST_EDGE_LOG2))


def bucket_of(hours: float) -> int:
    """The bucket a handling time falls in."""
    if hours < bucket_edge(1):
        return 0
    index = math.floor((math.log2(hours) - LOWEST_EDGE_LOG2) * BUCKETS_PER_DOUBLING) + 1
    # Guard float rounding at the edges: the bucket is the last one whose lower edge ≤ hours.
    while index > 1 and bucket_edge(index) > hours:
        index -= 1
    while index < BUCKET_COUNT - 1 and bucket_edge(index + 1) <= hours:
        index += 1
    return min(index, BUCKET_COUNT - 1)


class RollupCounts(models.Model):
    """The counters of a rollup row: how many cases count in each figure, and their durations
    (plus the histogram buckets ``h00`` … ``h65``, added to each concrete model below)."""

    reported = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)
    unrated = models.IntegerField(default=0)
    self_rated = models.IntegerField(default=0)
    self_satisfied = models.IntegerField(default=0)
    callback_rated = models.IntegerField(default=0)
    callback_satisfied = models.IntegerField(default=0)
    duplicates = models.IntegerField(default=0)
    merged_unaccepted = models.IntegerField(default=0)
    duration_count = models.IntegerField(default=0)
    duration_ms = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class CaseRollup(RollupCounts):
    """统计汇总: the summed contribution of cases to the statistics, per dimensions and booking day."""

    booked_on = models.DateField(_("记账日期"))
    day = models.DateField(_("上报日期"))
    grid_code = models.CharField(_("网格编码"), max_length=18)
    category_id = models.IntegerField(_("类别"))
    unit_id = models.IntegerField(_("主办单位"), default=0)  # 0: no lead unit
    channel = models.CharField(_("来源渠道"), max_length=20)
    status = models.CharField(_("状态"), max_length=20)
    rating = models.CharField(_("评价"), max_length=20, blank=True, default="")
    dispute = models.BooleanField(_("矛盾纠纷"), default=False)
    ever_overdue = models.BooleanField(_("曾超期"), default=False)

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "booked_on",
                    "day",
                    "grid_code",
                    "category_id",
                    "unit_id",
                    "channel",
                    "status",
                    "rating",
                    "dispute",
                    "ever_overdue",
                ],
                name="caserollup_key",
            ),
        ]
        indexes = [
            models.Index(fields=["grid_code", "day"], name="caserollup_grid_day"),
            models.Index(fields=["booked_on"], name="caserollup_booked"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grid_code} {self.category_id} ({self.booked_on})"


class SliceDimension(models.TextChoices):
    TOTAL = "", _("合计")
    CATEGORY = "category", _("类别")
    CHANNEL = "channel", _("来源渠道")
    UNIT = "unit", _("主办单位")


class CaseRollupSlice(RollupCounts):
    """月度汇总: the ``CaseRollup`` rows booked up to ``RollupWatermark.through``, summed per
    reporting month and area, in total and by one dimension (category, channel or unit).

    Each month is summed at every level from the province to the community (``level`` is the
    length of ``area_code``: 2, 4, 6, 9 or 12), so a district's page reads its district's rows,
    not those of its hundreds of communities: the rows read grow with months and groups shown,
    not with cases or areas. Past booking days never change, so they are summed once
    (``cases.rollups.compact``); the unfiltered statistics page reads these few rows plus the
    rollup rows booked since.
    """

    month = models.DateField(_("上报月份"))
    area_code = models.CharField(_("区域编码"), max_length=12)
    level = models.PositiveSmallIntegerField(_("编码长度"), default=12)
    dimension = models.CharField(_("维度"), max_length=10, choices=SliceDimension.choices, blank=True)
    value = models.CharField(_("取值"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("月度汇总")
        verbose_name_plural = _("月度汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "area_code", "dimension", "value", "level"], name="caserollupslice_key"
            ),
        ]
        # ``value`` and ``reported`` ride along so the unit table's busiest units are read from the
        # index alone (PostgreSQL; other databases ignore ``include``).
        indexes = [
            models.Index(
                fields=["dimension", "level", "area_code", "month"], name="caserollupslice_level",
                include=["value", "reported"],
            ),
            # The listed units' full rows (``value IN (…)`` as an index condition, not a filter
            # over the district's 58,000 unit rows).
            models.Index(fields=["dimension", "level", "value", "month"], name="caserollupslice_value"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_code} {self.dimension}={self.value}"


class RollupWatermark(models.Model):
    """The last booking day summed into ``CaseRollupSlice`` (one row)."""

    through = models.DateField(_("已汇总至"))

    class Meta:
        verbose_name = _("汇总进度")
        verbose_name_plural = _("汇总进度")

    def __str__(self) -> str:
        return str(self.through)


for _model in (CaseRollup, CaseRollupSlice):
    for _bucket in BUCKET_FIELDS:
        _model.add_to_class(_bucket, models.IntegerField(default=0))
