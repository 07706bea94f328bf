"""BoundedPaginator: a count that stops ``limit`` rows past the requested page, every page reachable."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from core.paging import BoundedPaginator


def test_it_counts_to_the_limit_past_the_first_page_and_says_there_is_more() -> None:
    paginator = BoundedPaginator(list(range(10)), 2, number=None, limit=4)
    page = paginator.get_page(None)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (4, True, 2)
    assert list(page) == [0, 1] and page.has_next()


def test_the_count_moves_on_with_the_page_asked_for_and_is_exact_at_the_end() -> None:
    paginator = BoundedPaginator(list(range(10)), 2, number="4", limit=4)
    page = paginator.get_page("4")
    assert (paginator.count, paginator.capped, paginator.num_pages) == (10, False, 5)
    assert list(page) == [6, 7]


def test_a_count_under_the_limit_is_exact() -> None:
    paginator = BoundedPaginator(list(range(3)), 2, number="x", limit=1000)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, False, 2)


@pytest.mark.django_db
def test_a_queryset_is_counted_in_one_query_over_a_limit(django_assert_num_queries) -> None:
    rows = ContentType.objects.order_by("pk")
    total = rows.count()
    paginator = BoundedPaginator(rows, 1, number=1, limit=total - 1)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == total - 1 and paginator.capped
    assert "LIMIT" in captured.captured_queries[0]["sql"].upper()


@pytest.mark.django_db
def test_an_absurd_page_number_gives_the_last_page_not_a_database_error() -> None:
    rows = ContentType.objects.order_by("pk")
    number = "5" + "0" * 26  # LIMIT past a 64-bit integer was a SQLite "datatype mismatch"
    paginator = BoundedPaginator(rows, 50, number=number)
    page = paginator.get_page(number)
    assert paginator.count == rows.count() and not paginator.capped
    assert list(page) == list(rows)[(page.number - 1) * 50:]
