"""The 待结案 queue: verified cases waiting to be closed, on every desk that may close them."""

from __future__ import annotations

import re

from cases import transitions as t
from cases.models import Outcome, Status
from cases.testing import advance, report

ROW = re.compile(r'data-case="(\d+)"')


def queue(client, key: str) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    response = client.get("/cases/", {"queue": key})
    assert response.status_code == 200
    html = response.content.decode()
    return ROW.findall(html), html


def count_of(html: str, key: str) -> int | None:
    match = re.search(rf'id="queue-{key}".*?queue-count">(\d+)<', html, re.S)
    return int(match.group(1)) if match else None


def test_it_lists_verified_cases_with_their_count_for_the_desks_that_close_them(cc, client):  # type: ignore[no-untyped-def]
    verified = advance(report(cc), Status.VERIFIED, cc)
    advance(report(cc), Status.PENDING_VERIFY, cc)
    for user in (cc.dispatcher, cc.grid_leader, cc.community_staff):
        client.force_login(user)
        rows, html = queue(client, "to_close")
        assert rows == [verified.number], user
        assert count_of(html, "to_close") == 1
        assert "待结案" in html


def test_it_is_not_shown_to_users_who_may_not_close(cc, client):  # type: ignore[no-untyped-def]
    advance(report(cc), Status.VERIFIED, cc)
    for user in (cc.cast.grid_worker_a, cc.property_handler, cc.cast.street_leader):
        client.force_login(user)
        _rows, html = queue(client, "all")
        assert count_of(html, "to_close") is None, user


def test_it_holds_only_cases_in_scope(cc, client):  # type: ignore[no-untyped-def]
    advance(report(cc), Status.VERIFIED, cc)
    client.force_login(cc.other_street_dispatcher)
    rows, html = queue(client, "to_close")
    assert rows == [] and count_of(html, "to_close") == 0


def test_a_closed_case_leaves_the_queue(cc, client):  # type: ignore[no-untyped-def]
    verified = advance(report(cc), Status.VERIFIED, cc)
    t.case_close(case=verified, actor=cc.dispatcher, outcome=Outcome.RESOLVED, note="已清理。")
    client.force_login(cc.dispatcher)
    rows, html = queue(client, "to_close")
    assert rows == [] and count_of(html, "to_close") == 0
