"""The home page's work list from the cases app: each role's queues with the tab's counts, each
line a link to its workbench tab, at a query cost that does not grow with the cases."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import transitions as t
from cases.models import Rating, Status
from cases.testing import advance, report
from cases.workflow import REPORTER

LINE = re.compile(r'href="/cases/\?queue=([a-z_]+)" data-work="cases:\1">\s*<span>[^<]*</span>\s*'
                  r'<span class="badge[^"]*" data-count="(\d+)"')


def work(client) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    return [(key, int(count)) for key, count in LINE.findall(response.content.decode())]


def tab_count(client, key: str) -> int:  # type: ignore[no-untyped-def]
    html = client.get("/cases/", {"queue": "all"}).content.decode()
    match = re.search(rf'id="queue-{key}".*?queue-count">(\d+)<', html, re.S)
    assert match, key
    return int(match.group(1))


def test_each_role_sees_its_own_lines_first_things_first(cc, client):  # type: ignore[no-untyped-def]
    expected = {
        cc.cast.grid_worker_a: ["to_verify", "pending_dispatch", "handling", "my_reports", "overdue", "warning"],
        cc.property_handler: ["to_sign", "handling", "overdue", "warning"],
        cc.cast.street_leader: ["overdue", "warning", "supervised"],
        cc.supervisor: ["overdue", "warning", "supervised"],
        cc.dispatcher: ["reported", "to_verify", "to_close", "pending_dispatch", "handling", "my_reports",
                        "extensions", "reopen", "cancel_requests", "overdue", "warning", "supervised"],
    }
    for user, keys in expected.items():
        client.force_login(user)
        assert [key for key, _count in work(client)] == keys, user
    client.force_login(cc.cast.superuser)  # every desk, no unit
    assert [key for key, _count in work(client)][:3] == ["reported", "to_verify", "to_close"]


def test_the_grid_worker_sees_cases_to_verify_and_own_reports_with_their_counts(cc, client):  # type: ignore[no-untyped-def]
    advance(report(cc), Status.PENDING_VERIFY, cc)
    report(cc)
    report(cc)
    client.force_login(cc.cast.grid_worker_a)
    counts = dict(work(client))
    assert counts["to_verify"] == 1 and counts["my_reports"] == 3
    html = client.get("/").content.decode()
    assert f'href="/areas/{cc.cast.grid_a.code}/"' in html  # the map after the work


def test_every_count_equals_its_tab(cc, client):  # type: ignore[no-untyped-def]
    report(cc)
    report(cc, now=timezone.now() - datetime.timedelta(days=5))  # overdue
    advance(report(cc), Status.PENDING_DISPATCH, cc)
    advance(report(cc), Status.DISPATCHED, cc)
    extending = advance(report(cc), Status.HANDLING, cc)
    t.case_request_extension(case=extending, actor=cc.property_handler, extra_days=3, reason="材料未到。")
    unhappy = advance(report(cc), Status.CLOSED, cc)
    t.case_rate(case=unhappy, actor=REPORTER, rating=Rating.DISSATISFIED, comment="没有清理干净。")
    advance(report(cc), Status.CLOSED, cc)
    t.case_supervise(case=extending, actor=cc.dispatcher, kind="reminder", comment="请尽快。")
    # A supervised case closed since stays in 我督办的, at home as on the tab.
    case = advance(report(cc), Status.HANDLING, cc)
    t.case_supervise(case=case, actor=cc.dispatcher, kind="reminder", comment="请尽快。")
    case = t.case_feedback(case=case, actor=cc.property_handler, comment="已清理。")
    case = t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True)
    assert t.case_close(case=case, actor=cc.dispatcher, outcome="resolved", note="已解决。").status == Status.CLOSED
    for user in (cc.dispatcher, cc.property_handler, cc.cast.grid_worker_a, cc.cast.street_leader):
        client.force_login(user)
        lines = work(client)
        assert lines
        for key, count in lines:
            assert count == tab_count(client, key), (user, key)
    client.force_login(cc.dispatcher)
    counts = dict(work(client))
    assert counts["reported"] == 2 and counts["overdue"] >= 1 and counts["reopen"] == 1 and counts["extensions"] == 1
    assert counts["supervised"] == 2


def test_the_overdue_line_is_red_only_when_something_is_late(cc, client):  # type: ignore[no-untyped-def]
    client.force_login(cc.cast.street_leader)
    html = client.get("/").content.decode()
    assert "wg-work-urgent" not in html
    report(cc, now=timezone.now() - datetime.timedelta(days=5))
    html = client.get("/").content.decode()
    assert re.search(r'wg-work-urgent"\s+href="/cases/\?queue=overdue"', html)


def test_a_user_who_does_not_work_on_cases_goes_to_their_area(cc, client):  # type: ignore[no-untyped-def]
    from accounts.models import Role
    from accounts.testing import make_user

    Role.objects.create(code="map_viewer", name="地图查看")
    client.force_login(make_user("viewer", "map_viewer", cc.cast.grid_a))
    assert client.get("/")["Location"] == f"/areas/{cc.cast.grid_a.code}/"


def test_the_home_page_costs_the_same_number_of_queries_however_many_cases(cc, client):  # type: ignore[no-untyped-def]
    users = (cc.dispatcher, cc.property_handler, cc.cast.grid_worker_a, cc.cast.street_leader)

    def measure() -> dict[str, int]:
        counts = {}
        for user in users:
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/").status_code == 200
            counts[user.username] = len(queries)
        return counts

    def grow() -> None:
        for status in (Status.REPORTED, Status.PENDING_DISPATCH, Status.DISPATCHED, Status.HANDLING,
                       Status.PENDING_VERIFY, Status.CLOSED):
            advance(report(cc), status, cc)

    grow()
    few = measure()
    for _ in range(3):
        grow()
    assert measure() == few
    assert max(few.values()) <= 12, few
