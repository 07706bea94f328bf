"""Keyset (cursor) pages for case lists: a page's cost follows its size, not how deep it is.

A page is asked for *after* or *before* a cursor: the sort column's value and the id of the
last (or first) row shown, e.g. ``1733390000000000.4711`` (microseconds since the epoch, then
the id) or ``n.4711`` when the column is empty (挂账 and finished cases have no running
deadline; they come after every case with one). The condition on the cursor is the row
comparison spelled out (``col > v OR (col = v AND id > x)``) with a redundant bound
(``col >= v``) that lets PostgreSQL start an index range at the cursor instead of counting
rows from the top, as an offset would. No page knows its number or the total: the list shows
the queue's (capped) count instead (``cases.selectors.capped_counts``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

from cases.models import Case

EMPTY = "n"
CURSOR = re.compile(r"(n|-?[0-9]{1,20})\.([0-9]{1,18})", re.ASCII)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class SortKey:
    """A sort column (a datetime) and its direction, with the id as the tie-break."""

    column: str
    descending: bool = False
    nullable: bool = False

    def ordering(self, *, reverse: bool = False) -> tuple[OrderBy, OrderBy]:
        """ORDER BY for the page order (empty values last), or its exact reverse. The NULLS clause
        is PostgreSQL's default for the direction (so a B-tree index serves both), spelled out
        only for a nullable column, for SQLite, whose default is the opposite."""
        descending = self.descending != reverse
        column, pk = F(self.column), F("pk")
        nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        nulls = nulls if self.nullable else {}
        return (column.desc(**nulls), pk.desc()) if descending else (column.asc(**nulls), pk.asc())

    def beyond(self, value: datetime.datetime | None, pk: int, *, forward: bool) -> Q:
        """Rows after (``forward``) or before the cursor row in page order."""
        later = "gt" if forward != self.descending else "lt"  # forward in ascending order: greater
        bound = "gte" if later == "gt" else "lte"
        column = self.column
        if value is None:
            # An empty value: only other empty rows follow (by id); every filled row precedes.
            same_and_beyond = Q(**{f"{column}__isnull": True, f"pk__{later}": pk})
            return same_and_beyond if forward else same_and_beyond | Q(**{f"{column}__isnull": False})
        strictly = Q(**{f"{column}__{later}": value}) | Q(**{column: value, f"pk__{later}": pk})
        condition = Q(**{f"{column}__{bound}": value}) & strictly
        if self.nullable and forward:
            condition |= Q(**{f"{column}__isnull": True})
        return condition


def encode(row: Case, key: SortKey) -> str:
    value: datetime.datetime | None = getattr(row, key.column)
    if value is None:
        return f"{EMPTY}.{row.pk}"
    moment = value - EPOCH
    return f"{moment // datetime.timedelta(microseconds=1)}.{row.pk}"


def decode(cursor: str) -> tuple[datetime.datetime | None, int] | None:
    """(value, id) of a cursor, or None when it is not one (then the list starts at the top)."""
    found = CURSOR.fullmatch(cursor)
    if found is None:
        return None
    head, pk = found.group(1), int(found.group(2))
    if head == EMPTY:
        return None, pk
    try:
        return EPOCH + datetime.timedelta(microseconds=int(head)), pk
    except OverflowError:
        return None


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows, and the cursors of the pages around it (None where there is none)."""

    rows: Sequence[Case]
    next_cursor: str | None
    previous_cursor: str | None


def keyset_page(
    cases: QuerySet[Case],
    key: SortKey,
    size: int,
    *,
    after: str = "",
    before: str = "",
    rows: Callable[[QuerySet[Case]], QuerySet[Case]] | None = None,
) -> KeysetPage:
    """``size`` rows of ``cases`` after (or before) a cursor, in ``key``'s order: one query.
    ``rows`` adds to the query of the page's rows what the ids' subquery needs not (joins)."""
    position = decode(before) if before else decode(after) if after else None
    forward = not (before and position is not None)
    if position is not None:
        cases = cases.filter(key.beyond(*position, forward=forward))
    ordered = cases.order_by(*key.ordering(reverse=not forward))
    # The page's ids first, in a subquery of the case table alone, then the rows with what they
    # join: the planner otherwise may join every matching case before sorting (a grid worker's
    # 2,500 cases at 1 M), since it cannot see that the sort and the limit bound the page.
    page = ordered.filter(pk__in=ordered.values("pk")[: size + 1])
    found = list(rows(page) if rows else page)
    more, shown = len(found) > size, found[:size]
    if not forward:
        shown.reverse()
    if not shown:
        return KeysetPage(shown, None, None)
    started = position is not None
    has_next, has_previous = (more, started) if forward else (True, more)
    return KeysetPage(
        shown,
        encode(shown[-1], key) if has_next else None,
        encode(shown[0], key) if has_previous else None,
    )
