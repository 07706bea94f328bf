"""Every pair of conflicting verbs (``cases.workflow.CONFLICTS``), raced on one case from real
threads on real PostgreSQL connections, many times: exactly one wins, the other is refused with a
reason, and the timeline reads in the order the actions committed (each action takes its time
after it holds the case's lock)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.testing import make_user
from cases import followup
from cases import transitions as t
from cases.models import Case, CaseEvent, Channel, Outcome, Rating, Status
from cases.testing import UNHAPPY_CLOSED, CaseCast, advance, race, report
from cases.workflow import CONFLICTS, REPORTER

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

TRIALS = 8
SECOND_CALLER = "community_staff_b"

Call = Callable[[Case, CaseCast], Any]


def _hotline(cc: CaseCast) -> Case:
    return report(cc, actor=cc.dispatcher, channel=Channel.HOTLINE, reporter_name="王大妈",
                  reporter_phone="13812345678")


def _merge(case: Case, cc: CaseCast) -> Any:
    target = Case.objects.filter(status=Status.REPORTED).exclude(pk=case.pk).latest("pk")
    return t.case_merge(case=case, actor=cc.dispatcher, into=target)


def _with_merge_target(case: Case, cc: CaseCast) -> Case:
    report(cc)  # the case the other one is merged into
    return case


def _split(case: Case, cc: CaseCast) -> Any:
    return t.case_split(case=case, actor=cc.dispatcher, parts=[
        (cc.category("t-clutter"), "楼道堆物"), (cc.category("t-building"), "楼顶违章搭建")])


def _unhappy(case: Case, cc: CaseCast) -> Case:
    return UNHAPPY_CLOSED[0](case, cc, None)


def _cancel_requested(case: Case, cc: CaseCast) -> Case:
    return followup.case_request_cancel(case=case, actor=REPORTER, reason="问题已自行解决。")


def _callback_by(user_of: Callable[[CaseCast], Any], rating: str) -> Call:
    return lambda case, cc: followup.case_callback(case=case, actor=user_of(cc), rating=rating,
                                                   called_at=timezone.now(), comment="电话回访。")


@dataclass
class Race:
    """How to set a case up for a pair, and the two conflicting calls."""

    status: str
    first: Call
    second: Call
    prepare: Callable[[Case, CaseCast], Case] | None = None
    reporter: Callable[[CaseCast], Case] = report


RACES: dict[tuple[str, str], Race] = {
    ("accept", "reject"): Race(
        Status.REPORTED, lambda case, cc: t.case_accept(case=case, actor=cc.dispatcher),
        lambda case, cc: t.case_reject(case=case, actor=cc.community_staff, reason="不属于受理范围。")),
    ("reject", "cancel"): Race(
        Status.REPORTED, lambda case, cc: t.case_reject(case=case, actor=cc.dispatcher, reason="不属于受理范围。"),
        lambda case, cc: t.case_cancel(case=case, actor=REPORTER)),
    ("merge", "cancel"): Race(Status.REPORTED, _merge, lambda case, cc: t.case_cancel(case=case, actor=REPORTER),
                              prepare=_with_merge_target),
    ("dispatch", "dispatch"): Race(
        Status.PENDING_DISPATCH,
        lambda case, cc: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company),
        lambda case, cc: t.case_dispatch(case=case, actor=cc.community_staff, lead=cc.enforcement)),
    ("dispatch", "cancel"): Race(
        Status.PENDING_DISPATCH,
        lambda case, cc: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company),
        lambda case, cc: t.case_cancel(case=case, actor=REPORTER, reason="已自行解决。")),
    ("dispatch", "self_handle"): Race(
        Status.PENDING_DISPATCH,
        lambda case, cc: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company),
        lambda case, cc: t.case_self_handle(case=case, actor=cc.cast.grid_worker_a)),
    ("dispatch", "merge"): Race(
        Status.PENDING_DISPATCH,
        lambda case, cc: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company), _merge,
        prepare=_with_merge_target),
    ("dispatch", "split"): Race(
        Status.PENDING_DISPATCH,
        lambda case, cc: t.case_dispatch(case=case, actor=cc.community_staff, lead=cc.property_company), _split),
    ("self_handle", "cancel"): Race(
        Status.PENDING_DISPATCH, lambda case, cc: t.case_self_handle(case=case, actor=cc.cast.grid_worker_a),
        lambda case, cc: t.case_cancel(case=case, actor=REPORTER)),
    ("hold", "feedback"): Race(
        Status.HANDLING, lambda case, cc: t.case_hold(case=case, actor=cc.dispatcher, reason="等待产权单位答复。"),
        lambda case, cc: t.case_feedback(case=case, actor=cc.property_handler, comment="已清理完毕。")),
    ("verify", "verify"): Race(
        Status.PENDING_VERIFY, lambda case, cc: t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True),
        lambda case, cc: t.case_verify(case=case, actor=cc.grid_leader, passed=False, comment="还没清理干净。")),
    ("close", "close"): Race(
        Status.VERIFIED,
        lambda case, cc: t.case_close(case=case, actor=cc.dispatcher, outcome=Outcome.RESOLVED, note="已解决。"),
        lambda case, cc: t.case_close(case=case, actor=cc.community_staff, outcome=Outcome.PARTLY, note="部分。")),
    ("rate", "rate"): Race(
        Status.CLOSED, lambda case, cc: t.case_rate(case=case, actor=REPORTER, rating=Rating.SATISFIED),
        lambda case, cc: t.case_rate(case=case, actor=REPORTER, rating=Rating.DISSATISFIED, comment="还是很乱。")),
    ("callback", "callback"): Race(
        Status.CLOSED, _callback_by(lambda cc: cc.community_staff, Rating.SATISFIED),
        _callback_by(lambda cc: User.objects.get(username=SECOND_CALLER), Rating.BASICALLY), reporter=_hotline),
    ("reopen", "decline_reopen"): Race(
        Status.CLOSED, lambda case, cc: t.case_reopen(case=case, actor=cc.dispatcher, reason="问题反弹。"),
        lambda case, cc: t.case_decline_reopen(case=case, actor=cc.community_staff, reason="已说明。"),
        prepare=_unhappy),
    ("request_cancel", "request_cancel"): Race(
        Status.DISPATCHED, lambda case, cc: followup.case_request_cancel(case=case, actor=REPORTER, reason="不用了。"),
        lambda case, cc: followup.case_request_cancel(case=case, actor=REPORTER, reason="已解决。")),
    ("decide_cancel", "decide_cancel"): Race(
        Status.DISPATCHED,
        lambda case, cc: followup.case_decide_cancel(case=case, actor=cc.dispatcher, approve=True),
        lambda case, cc: followup.case_decide_cancel(case=case, actor=cc.community_staff, approve=False,
                                                     note="单位已在处置。"),
        prepare=_cancel_requested),
}


def test_every_conflicting_pair_of_the_table_is_raced_here():
    assert set(RACES) == set(CONFLICTS)


def _timeline_in_commit_order(case: Case) -> bool:
    events = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("time", flat=True))
    return events == sorted(events)


@pytest.mark.parametrize("pair", list(CONFLICTS), ids=["-".join(pair) for pair in CONFLICTS])
def test_exactly_one_of_two_conflicting_verbs_wins(cc, pair):  # type: ignore[no-untyped-def]
    spec = RACES[pair]
    make_user(SECOND_CALLER, "community_staff", cc.cast.community1)  # another desk member, for call-backs
    winners: dict[str, int] = {}
    for _trial in range(TRIALS):
        case = advance(spec.reporter(cc), spec.status, cc)
        if spec.prepare is not None:
            case = spec.prepare(case, cc)
        before = CaseEvent.objects.filter(case=case).count()
        results = race(lambda case=case: spec.first(case, cc), lambda case=case: spec.second(case, cc))
        assert sorted(kind for kind, _message in results) == ["ok", "refused"], (pair, results)
        assert all(message for kind, message in results if kind == "refused")
        winner = pair[0] if results[0][0] == "ok" else pair[1]
        winners[winner] = winners.get(winner, 0) + 1
        new_verbs = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("verb", flat=True)[before:])
        assert new_verbs == [winner], (pair, new_verbs)
        assert _timeline_in_commit_order(case)


def test_an_action_takes_its_time_after_the_lock_it_waited_for(cc):
    """The dispatch waits while another transaction holds the case; its timeline entry carries the
    time it got the lock, not the time it started waiting."""
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert locked.wait(30)
    results: list[tuple[str, str]] = []

    def dispatch() -> None:
        results.extend(race(lambda: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company)))

    dispatcher = threading.Thread(target=dispatch)
    dispatcher.start()
    _until_a_backend_waits_for_a_lock()
    released_at = timezone.now()
    release.set()
    holder.join(30)
    dispatcher.join(30)
    assert results == [("ok", "")]
    event = CaseEvent.objects.get(case=case, verb="dispatch")
    assert event.time >= released_at


def _until_a_backend_waits_for_a_lock() -> None:
    """Poll PostgreSQL until some session of this database is blocked on a lock (the dispatch)."""
    with connection.cursor() as cursor:
        for _attempt in range(3000):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the dispatch never waited for the lock")
