"""The workbench: which queues each role sees, which cases each queue holds, counts, sorting,
pagination and a query count that does not grow with the number of cases."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from cases import transitions as t
from cases.models import Rating, Status
from cases.testing import advance, report
from cases.workflow import REPORTER

ROW = re.compile(r'data-case="(\d+)"')


@pytest.fixture(autouse=True, params=[0, 30], ids=["counted", "kept"])
def count_keeping(request, settings):  # type: ignore[no-untyped-def]
    """Every specification twice: counted on each request (the default without a shared cache),
    and with the counts kept between changes (``cases.queue_counts``, as with ``CACHE_URL``)."""
    settings.CASES_QUEUE_COUNT_SECONDS = request.param



def queue(client, key: str, **params: str) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    response = client.get("/cases/", {"queue": key, **params})
    assert response.status_code == 200
    html = response.content.decode()
    return ROW.findall(html), html


def tabs(html: str) -> list[str]:
    return re.findall(r'id="queue-([a-z_]+)"', html)


def count_of(html: str, key: str) -> int:
    match = re.search(rf'id="queue-{key}".*?queue-count">(\d+)<', html, re.S)
    assert match, key
    return int(match.group(1))


def test_it_shows_each_role_the_queues_of_its_permissions(cc, client):  # type: ignore[no-untyped-def]
    expected = {
        cc.dispatcher: ["reported", "pending_dispatch", "handling", "to_verify", "to_close", "warning", "overdue",
                        "supervised", "my_reports", "extensions", "reopen", "cancel_requests", "all"],
        cc.cast.grid_worker_a: ["pending_dispatch", "handling", "to_verify", "warning", "overdue", "my_reports", "all"],
        cc.property_handler: ["to_sign", "handling", "warning", "overdue", "all"],
        cc.cast.street_leader: ["warning", "overdue", "supervised", "all"],
    }
    for user, keys in expected.items():
        client.force_login(user)
        _rows, html = queue(client, "all")
        assert tabs(html) == keys, user


def test_it_refuses_users_without_case_access(cc, client):  # type: ignore[no-untyped-def]
    assert client.get("/cases/").status_code == 302  # to the login page
    client.force_login(cc.cast.outsider)
    assert client.get("/cases/").status_code == 403


def test_it_puts_a_new_report_in_the_queue_of_the_desks_that_may_accept_it(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    for user in (cc.dispatcher, cc.grid_leader, cc.community_staff):
        client.force_login(user)
        rows, html = queue(client, "reported")
        assert rows == [case.number], user
        assert count_of(html, "reported") == 1
    client.force_login(cc.other_street_dispatcher)
    assert queue(client, "reported")[0] == []
    client.force_login(cc.cast.grid_worker_a)
    _rows, html = queue(client, "reported")
    assert "reported" not in tabs(html)


def test_it_offers_accepted_cases_to_dispatchers_and_to_the_grid_for_self_handling(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    for user in (cc.dispatcher, cc.cast.grid_worker_a, cc.grid_leader):
        client.force_login(user)
        assert queue(client, "pending_dispatch")[0] == [case.number], user
    client.force_login(cc.cast.grid_worker_b)
    assert queue(client, "pending_dispatch")[0] == []
    # Escalated to the street, it leaves the grid's queue.
    t.case_escalate(case=case, actor=cc.dispatcher, reason="需要街道协调。")
    t.case_escalate(case=case, actor=cc.dispatcher, reason="需要街道协调。")
    client.force_login(cc.cast.grid_worker_a)
    assert queue(client, "pending_dispatch")[0] == []
    client.force_login(cc.dispatcher)
    assert queue(client, "pending_dispatch")[0] == [case.number]


def test_it_lists_dispatched_cases_for_each_unit_to_sign_and_then_in_handling(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.DISPATCHED, cc)
    for user in (cc.property_handler, cc.enforcement_handler):
        client.force_login(user)
        assert queue(client, "to_sign")[0] == [case.number], user
        assert queue(client, "handling")[0] == []
    client.force_login(cc.dispatcher)
    assert queue(client, "handling")[0] == [case.number]

    t.case_sign(case=case, actor=cc.property_handler)
    client.force_login(cc.property_handler)
    assert queue(client, "to_sign")[0] == []
    assert queue(client, "handling")[0] == [case.number]
    client.force_login(cc.enforcement_handler)  # the assisting unit has not signed yet
    assert queue(client, "to_sign")[0] == [case.number]
    t.case_feedback(case=case, actor=cc.property_handler, comment="已清理。")
    assert queue(client, "to_sign")[0] == []  # the case has moved on without it


def test_it_lists_self_handled_cases_in_the_grids_handling_queue(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    t.case_self_handle(case=case, actor=cc.cast.grid_worker_a)
    client.force_login(cc.cast.grid_worker_a)
    assert queue(client, "handling")[0] == [case.number]
    client.force_login(cc.property_handler)
    assert queue(client, "handling")[0] == []


def test_it_asks_the_grid_to_verify_handled_cases(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_VERIFY, cc)
    client.force_login(cc.cast.grid_worker_a)
    assert queue(client, "to_verify")[0] == [case.number]
    client.force_login(cc.cast.grid_worker_b)
    assert queue(client, "to_verify")[0] == []


def test_it_lists_overdue_cases_of_those_who_answer_for_them(cc, client):  # type: ignore[no-untyped-def]
    long_ago = timezone.now() - datetime.timedelta(days=10)
    late = report(cc, now=long_ago)
    report(cc)  # in time
    for user in (cc.dispatcher, cc.cast.grid_worker_a, cc.cast.street_leader):
        client.force_login(user)
        rows, html = queue(client, "overdue")
        assert rows == [late.number], user
        assert 'data-lamp="red"' in html
    for user in (cc.cast.grid_worker_b, cc.property_handler, cc.other_street_dispatcher):
        client.force_login(user)
        assert queue(client, "overdue")[0] == [], user
    t.case_accept(case=late, actor=cc.dispatcher)  # the accept stage ends; the handle clock has not started
    client.force_login(cc.dispatcher)
    assert queue(client, "overdue")[0] == []


def test_it_lists_cases_past_three_quarters_of_their_time_once_warned(cc, client):  # type: ignore[no-untyped-def]
    from cases.supervision import run_supervision

    # t-fire-exit: 24 calendar hours to handle; dispatched 20 hours ago (83 %).
    started = timezone.now() - datetime.timedelta(hours=20)
    case = report(cc, category="t-fire-exit", now=started)
    t.case_accept(case=case, actor=cc.dispatcher, now=started)
    t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=started)
    fresh = advance(report(cc, category="t-fire-exit"), Status.DISPATCHED, cc)
    client.force_login(cc.dispatcher)
    assert queue(client, "warning")[0] == []  # not warned yet
    run_supervision()
    rows, html = queue(client, "warning")
    assert rows == [case.number]
    assert fresh.number not in rows
    assert 'data-lamp="yellow"' in html
    assert queue(client, "overdue")[0] == []


def test_it_lists_the_cases_a_leader_supervised(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    other = advance(report(cc), Status.HANDLING, cc)
    t.case_supervise(case=case, actor=cc.cast.street_leader, kind="yellow", comment="请加快办理。")
    t.case_supervise(case=other, actor=cc.supervisor, kind="reminder", comment="请尽快处理。")
    client.force_login(cc.cast.street_leader)
    assert queue(client, "supervised")[0] == [case.number]
    client.force_login(cc.supervisor)
    assert queue(client, "supervised")[0] == [other.number]


def test_it_lists_pending_extensions_and_reopen_requests_for_the_dispatcher(cc, client):  # type: ignore[no-untyped-def]
    extending = advance(report(cc), Status.HANDLING, cc)
    t.case_request_extension(case=extending, actor=cc.property_handler, extra_days=3, reason="材料未到。")
    unhappy = advance(report(cc), Status.CLOSED, cc)
    t.case_rate(case=unhappy, actor=REPORTER, rating=Rating.DISSATISFIED, comment="没有清理干净。")
    client.force_login(cc.dispatcher)
    assert queue(client, "extensions")[0] == [extending.number]
    assert queue(client, "reopen")[0] == [unhappy.number]
    t.case_decide_extension(case=extending, actor=cc.dispatcher, approve=True)
    assert queue(client, "extensions")[0] == []


def test_it_counts_each_queue_like_its_list(cc, client):  # type: ignore[no-untyped-def]
    report(cc)
    report(cc)
    advance(report(cc), Status.PENDING_DISPATCH, cc)
    advance(report(cc), Status.DISPATCHED, cc)
    client.force_login(cc.dispatcher)
    _rows, html = queue(client, "all")
    for key in tabs(html):
        rows, _page = queue(client, key)
        assert count_of(html, key) == len(rows), key
    assert count_of(html, "reported") == 2 and count_of(html, "all") == 4


def test_it_sorts_by_the_running_deadline_and_by_report_time(cc, client):  # type: ignore[no-untyped-def]
    now = timezone.now()
    slow = report(cc, category="t-building", now=now - datetime.timedelta(minutes=5))  # 8 working hours
    urgent = report(cc, category="t-fire-exit", now=now - datetime.timedelta(minutes=3))  # 1 working hour
    normal = report(cc, category="t-clutter", now=now - datetime.timedelta(minutes=1))  # 4 working hours
    client.force_login(cc.dispatcher)
    assert queue(client, "reported")[0] == [urgent.number, normal.number, slow.number]
    assert queue(client, "reported", sort="newest")[0] == [normal.number, urgent.number, slow.number]
    assert queue(client, "reported", sort="oldest")[0] == [slow.number, urgent.number, normal.number]
    assert queue(client, "reported", sort="nonsense")[0] == [urgent.number, normal.number, slow.number]


def test_it_pages_by_fifty_with_a_cursor(cc, client):  # type: ignore[no-untyped-def]
    for _ in range(52):
        report(cc)
    client.force_login(cc.dispatcher)
    first, html = queue(client, "reported")
    after = re.search(r'id="page-next"[^>]*href="[^"]*after=([^"&]+)"', html)
    assert after and 'id="page-previous"' not in html
    second, html2 = queue(client, "reported", after=after.group(1))
    assert len(first) == 50 and len(second) == 2 and not set(first) & set(second)
    assert "共 52 条" in html and 'id="page-next"' not in html2
    before = re.search(r'id="page-previous"[^>]*href="[^"]*before=([^"&]+)"', html2)
    assert before and queue(client, "reported", before=before.group(1))[0] == first


def test_it_keeps_the_query_count_flat_as_cases_grow(cc, client):  # type: ignore[no-untyped-def]
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    keys = ("reported", "pending_dispatch", "to_sign", "handling", "to_verify", "overdue", "all")
    users = (cc.dispatcher, cc.property_handler, cc.cast.grid_worker_a)

    def measure() -> dict[tuple[str, str], int]:
        counts = {}
        for user in users:
            client.force_login(user)
            for key in keys:
                cache.clear()  # every request as the first: the filter's menus read, not cached
                with CaptureQueriesContext(connection) as queries:
                    assert client.get("/cases/", {"queue": key}).status_code == 200
                counts[(user.username, key)] = len(queries)
        return counts

    def grow() -> None:
        for status in (Status.REPORTED, Status.PENDING_DISPATCH, Status.DISPATCHED, Status.HANDLING,
                       Status.PENDING_VERIFY):
            advance(report(cc), status, cc)

    grow()
    few = measure()
    for _ in range(4):
        grow()
    many = measure()
    assert few == many
    assert max(many.values()) <= 14, many


def test_the_lamp_turns_yellow_at_the_configured_warning_point(cc, settings):  # type: ignore[no-untyped-def]
    from cases.selectors import running_lamp

    # t-fire-exit: 24 calendar hours to handle; dispatched 15 hours ago (62.5 %), not warned.
    started = timezone.now() - datetime.timedelta(hours=15)
    case = report(cc, category="t-fire-exit", now=started)
    t.case_accept(case=case, actor=cc.dispatcher, now=started)
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=started)
    assert running_lamp(case).colour == "green"
    settings.CASES_SUPERVISION_WARNING_PERCENT = 60
    assert running_lamp(case).colour == "yellow"


def test_cases_waiting_for_dispatch_list_by_their_dispatch_deadline(cc, client):  # type: ignore[no-untyped-def]
    """待派遣 has a clock: the longest waiting first, and an urgent category's shorter limit brings
    its case up (it must not sink to the bottom of the dispatcher's list)."""
    urgent_category = cc.category("t-fire-exit")
    urgent_category.dispatch_hours = 1
    urgent_category.save()
    wednesday_10 = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=timezone.get_current_timezone())
    oldest = advance(report(cc, now=wednesday_10 - datetime.timedelta(days=2)), Status.PENDING_DISPATCH, cc,
                     now=wednesday_10 - datetime.timedelta(days=2))
    newer = advance(report(cc, now=wednesday_10), Status.PENDING_DISPATCH, cc, now=wednesday_10)
    urgent = advance(report(cc, category="t-fire-exit", now=wednesday_10), Status.PENDING_DISPATCH, cc,
                     now=wednesday_10)
    client.force_login(cc.dispatcher)
    assert queue(client, "pending_dispatch")[0] == [oldest.number, urgent.number, newer.number]
