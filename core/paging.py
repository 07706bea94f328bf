"""A paginator whose count stops a little past the page asked for ("1,000+ 条").

Django's ``Paginator`` counts every matching row for the "共 N 条" line and the page links. At
city scale that count is the page's cost: a district's resident search by a surname counted
2 million rows (2.6 s) to show 50. ``BoundedPaginator`` counts at most ``limit`` rows past the
start of the requested page, so every page stays reachable (the count moves on with the reader)
and the cost follows the page's depth, as the page's own ``OFFSET`` does, not the table's size.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 1000
# A page number beyond any real result (the count's LIMIT must stay a 64-bit integer on SQLite).
MAX_PAGE = 10**9


class BoundedPaginator(Paginator):
    """``Paginator`` with ``count`` capped at ``limit`` rows past the requested page's start.

    ``capped`` says whether there are more rows than ``count`` (the pager then shows "超过 N 条"
    and "page / pages+"). Pass the raw ``page`` parameter as ``number``.
    """

    def __init__(self, object_list: Any, per_page: int, *, number: Any = None, limit: int = COUNT_LIMIT,
                 **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        try:
            page = min(max(1, int(number)), MAX_PAGE)
        except (TypeError, ValueError):
            page = 1
        self.ceiling = (page - 1) * int(per_page) + max(limit, int(per_page))

    @cached_property
    def _found(self) -> int:
        """Matching rows, counted up to one past the ceiling (one query: COUNT over a LIMIT)."""
        head = self.object_list[: self.ceiling + 1]
        return head.count() if isinstance(head, QuerySet) else len(head)

    @cached_property
    def count(self) -> int:
        return min(self._found, self.ceiling)

    @property
    def capped(self) -> bool:
        return self._found > self.ceiling
