"""Queue counts kept between requests (``cases.queue_counts``): counted again after a change in
the user's areas, and only then. (Every queue specification also runs with counts kept:
``test_workbench_queues.count_keeping``.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import queue_counts
from cases import transitions as t
from cases.models import Case
from cases.selectors import work_queues
from cases.testing import CaseCast, report

T = TypeVar("T")


@pytest.fixture(autouse=True)
def kept(settings: Any) -> None:
    settings.CASES_QUEUE_COUNT_SECONDS = 30


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], T]], T]:
    """Runs a change and what its commit runs (the stamps): a test's own transaction never commits."""
    def run(change: Callable[[], T]) -> T:
        with django_capture_on_commit_callbacks(execute=True):
            return change()
    return run


def load(client: Any) -> tuple[int, int]:
    """(the 待受理 tab's count, whether the counts were counted: 1 or 0) of one workbench load."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/", {"queue": "reported"})
    assert response.status_code == 200
    found = re.search(r'id="queue-reported".*?queue-count">(\d+)<', response.content.decode(), re.S)
    assert found
    counted = sum("capped_0" in query["sql"] for query in queries.captured_queries)
    return int(found.group(1)), counted


def test_it_counts_once_until_a_case_in_the_users_areas_changes(cc: CaseCast, client: Any, committed: Any) -> None:
    committed(lambda: report(cc))
    client.force_login(cc.dispatcher)
    assert load(client) == (1, 1)
    assert load(client) == (1, 0)  # kept
    # A report in the other street changes nothing of this dispatcher's.
    committed(lambda: report(cc, grid=cc.cast.grid_c, actor=cc.cast.superuser))
    assert load(client) == (1, 0)
    # One in their street: counted again, with it.
    committed(lambda: report(cc))
    assert load(client) == (2, 1)
    assert load(client) == (2, 0)


def test_any_operation_on_a_case_counts_again(cc: CaseCast, client: Any, committed: Any) -> None:
    case = report(cc)
    client.force_login(cc.dispatcher)
    assert load(client) == (1, 1)
    committed(lambda: t.case_accept(case=case, actor=cc.dispatcher))
    assert load(client) == (0, 1)


def test_a_deleted_case_counts_again(cc: CaseCast, client: Any, committed: Any) -> None:
    case = report(cc)
    client.force_login(cc.dispatcher)
    assert load(client) == (1, 1)
    committed(lambda: Case.objects.filter(pk=case.pk).delete())
    assert load(client) == (0, 1)


def test_counts_read_before_a_commit_are_not_kept_after_it(cc: CaseCast, django_capture_on_commit_callbacks: Any,
                                                          ) -> None:
    """A change stamps its areas when it commits: what was counted while it ran is orphaned."""
    street = "410102001"
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
        # Another request counted here, while the change's transaction ran (a real one would not
        # see the case yet: its counts would be from before the commit).
        work_queues(cc.dispatcher)
        during = queue_counts._stamps([street])
    assert queue_counts._stamps([street]) != during  # stamped at the commit
    with CaptureQueriesContext(connection) as queries:
        work_queues(cc.dispatcher)
    assert any("COUNT(" in query["sql"] for query in queries.captured_queries)


def test_each_user_filter_and_search_has_its_own_counts(cc: CaseCast, client: Any) -> None:
    report(cc)
    report(cc, category="t-fire-exit")
    client.force_login(cc.dispatcher)
    assert load(client) == (2, 1)
    category = cc.category("t-fire-exit").pk
    response = client.get("/cases/", {"queue": "reported", "category": str(category)})
    assert re.search(r'id="queue-reported".*?queue-count">1<', response.content.decode(), re.S)
    client.force_login(cc.grid_leader)
    assert load(client) == (2, 1)  # the grid leader's own


def test_unit_workers_are_counted_every_time(cc: CaseCast, client: Any) -> None:
    """Units see cases by assignment, not by area: no stamp would follow their cases."""
    client.force_login(cc.property_handler)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/", {"queue": "all"}).status_code == 200
        assert sum("capped_0" in query["sql"] for query in queries.captured_queries) == 1


def test_the_home_pages_counts_are_kept_too(cc: CaseCast, committed: Any) -> None:
    report(cc)
    assert next(queue.count for queue in work_queues(cc.dispatcher) if queue.key == "reported") == 1
    with CaptureQueriesContext(connection) as again:
        work_queues(cc.dispatcher)
    assert again.captured_queries == []  # the same user object: its roles are read already
    committed(lambda: report(cc))
    assert next(queue.count for queue in work_queues(cc.dispatcher) if queue.key == "reported") == 2


def test_nothing_is_kept_when_the_setting_is_zero(cc: CaseCast, client: Any, settings: Any) -> None:
    settings.CASES_QUEUE_COUNT_SECONDS = 0
    report(cc)
    client.force_login(cc.dispatcher)
    assert load(client) == (1, 1)
    assert load(client) == (1, 1)


def test_a_grid_stamps_every_level_above_it() -> None:
    assert queue_counts.prefixes_of("410102001001001") == [
        "", "41", "4101", "410102", "410102001", "410102001001", "410102001001001"]


def test_kept_counts_expire_after_the_setting(cc: CaseCast, client: Any, time_machine: Any) -> None:
    """The clock's tabs (即将超期, 已超期) change without a change in the area: counts are at most
    ``CASES_QUEUE_COUNT_SECONDS`` old."""
    time_machine.move_to(timezone.now(), tick=False)
    report(cc)
    client.force_login(cc.dispatcher)
    assert load(client) == (1, 1)
    time_machine.shift(29)
    assert load(client) == (1, 0)
    time_machine.shift(2)
    assert load(client) == (1, 1)


def test_a_change_that_rolls_back_keeps_the_counts(cc: CaseCast, client: Any, committed: Any) -> None:
    committed(lambda: report(cc))
    client.force_login(cc.dispatcher)
    assert load(client) == (1, 1)

    def refused() -> None:
        with transaction.atomic():
            report(cc)
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        committed(refused)
    assert load(client) == (1, 0)
