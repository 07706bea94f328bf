"""The statistics rollups (``cases.rollups``) against the live figures (``cases.statistics``).

Random transitions through ``cases.transitions`` over several days (the wall clock moved by
``time_machine``, the slices compacted each night), then every figure of the statistics page
compared for several users and filters; after every transition kind; a rebuild equals the
incremental rows; past booking days never change.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.testing import make_user
from cases import followup, rollups
from cases import transitions as t
from cases.models import Case, CaseRollup, CaseRollupSlice, Channel, Outcome, Rating, RollupWatermark, Status
from cases.rollups import COUNT_FIELDS, KEY_FIELDS
from cases.testing import CaseCast, advance, report
from cases.tests.rollup_compare import assert_rollups_match
from cases.workflow import REPORTER, ActionRefused

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_default_timezone())  # a Monday
CATEGORIES = ["t-clutter", "t-building", "t-fire-exit", "t-dispute"]
CHANNELS = [Channel.GRID_WORKER, Channel.HOTLINE, Channel.RESIDENT]


def _filters(cc: CaseCast) -> list[dict[str, str]]:
    cast = cc.cast
    return [
        {},
        {"area": cast.community1.code},
        {"area": cast.grid_a.code},
        {"period": "week"},
        {"period": "day"},
        {"category": str(cc.category("t-clutter").pk)},
        {"status": Status.CLOSED},
        {"overdue": "yes"},
        {"overdue": "no"},
        {"rating": "unrated"},
        {"rating": Rating.SATISFIED},
        {"kind": "dispute"},
        {"channel": Channel.HOTLINE},
        {"organisation": str(cc.property_company.pk)},
        {"date_from": "2026-03-01", "date_to": "2026-03-31"},
        {"date_from": "2026-03-03"},
    ]


def _verbs(cc: CaseCast) -> dict[str, Callable[[Case, Case | None, int], Any]]:
    """Each verb with its usual actor; ``other`` is a second case (merge), ``choice`` varies options."""
    desk, unit, worker = cc.dispatcher, cc.property_handler, cc.cast.grid_worker_a
    return {
        "accept": lambda case, other, choice: t.case_accept(case=case, actor=desk),
        "reject": lambda case, other, choice: t.case_reject(case=case, actor=desk, reason="不属于受理范围。"),
        "cancel": lambda case, other, choice: t.case_cancel(case=case, actor=REPORTER, reason="已解决。"),
        "merge": lambda case, other, choice: t.case_merge(case=case, actor=desk, into=other or case),
        "split": lambda case, other, choice: t.case_split(
            case=case,
            actor=desk,
            parts=[(cc.category("t-clutter"), "楼道堆物"), (cc.category(CATEGORIES[choice % 4]), "另一件事")],
        ),
        "self_handle": lambda case, other, choice: _first(
            *(
                lambda actor=actor: t.case_self_handle(case=case, actor=actor)
                for actor in (worker, cc.grid_leader, desk)
            )
        ),
        "escalate": lambda case, other, choice: t.case_escalate(case=case, actor=desk, reason="需要上级协调。"),
        "dispatch": lambda case, other, choice: t.case_dispatch(
            case=case, actor=desk, lead=cc.property_company if choice % 2 else cc.enforcement
        ),
        "sign": lambda case, other, choice: t.case_sign(
            case=case, actor=unit if choice % 2 else cc.enforcement_handler
        ),
        "return": lambda case, other, choice: t.case_return(case=case, actor=unit, reason="不属于本单位。"),
        "feedback": lambda case, other, choice: _first(
            *(
                lambda actor=actor: t.case_feedback(case=case, actor=actor, comment="已处理。")
                for actor in (unit if choice % 2 else cc.enforcement_handler, worker, cc.grid_leader)
            )
        ),
        "hold": lambda case, other, choice: t.case_hold(case=case, actor=desk, reason="等待答复。"),
        "resume": lambda case, other, choice: t.case_resume(case=case, actor=desk),
        "verify": lambda case, other, choice: _first(
            *(
                lambda actor=actor: t.case_verify(case=case, actor=actor, passed=choice % 3 != 0, comment="已核查。")
                for actor in (worker, cc.grid_leader, cc.community_staff, REPORTER)
            )
        ),
        "close": lambda case, other, choice: t.case_close(
            case=case, actor=desk, outcome=Outcome.DUPLICATE if choice % 4 == 0 else Outcome.RESOLVED, note="办结。"
        ),
        "rate": lambda case, other, choice: t.case_rate(
            case=case, actor=REPORTER, rating=list(Rating)[choice % 3], comment="还不够干净。"
        ),
        "callback": lambda case, other, choice: _first(
            *(
                lambda actor=actor: followup.case_callback(
                    case=case,
                    actor=actor,
                    rating=list(Rating)[choice % 3],
                    called_at=timezone.now(),
                    comment="电话回访。",
                )
                for actor in (cc.community_staff, cc.grid_leader, cc.cast.street_leader, desk)
            )
        ),
        "reopen": lambda case, other, choice: t.case_reopen(case=case, actor=desk, reason="居民仍不满意。"),
        "request_cancel": lambda case, other, choice: followup.case_request_cancel(case=case, actor=REPORTER),
        "decide_cancel": lambda case, other, choice: followup.case_decide_cancel(
            case=case, actor=desk, approve=choice % 2 == 0, note="同意。"
        ),
        "supervise": lambda case, other, choice: t.case_supervise(
            case=case, actor=cc.supervisor, kind="reminder", comment="请尽快办理。"
        ),
    }


def _first(*attempts: Callable[[], Any]) -> Any:
    """The first attempt that an actor may make (the last refusal otherwise)."""
    for attempt in attempts[:-1]:
        try:
            return attempt()
        except ActionRefused:
            pass
    return attempts[-1]()


def _report(cc: CaseCast, choice: int) -> Case:
    grid_b = choice % 5 == 4
    return report(
        cc,
        category=CATEGORIES[choice % 4],
        channel=CHANNELS[choice % 3],
        grid=cc.cast.grid_b if grid_b else cc.cast.grid_a,
        actor=cc.cast.grid_worker_b if grid_b else cc.cast.grid_worker_a,
    )


def _try(action: Callable[[], Any]) -> bool:
    try:
        action()
    except (ActionRefused, ValidationError):
        return False
    return True


def _summed_keys() -> dict[tuple[Any, ...], dict[str, int]]:
    """The rollup rows summed over booking days, per key (zero sums left out)."""
    rows = CaseRollup.objects.values(*KEY_FIELDS).annotate(**{f"s_{n}": Sum(n) for n in COUNT_FIELDS})
    found = {}
    for row in rows:
        counts = {name: row[f"s_{name}"] for name in COUNT_FIELDS if row[f"s_{name}"]}
        if counts:
            found[tuple(row[name] for name in KEY_FIELDS)] = counts
    return found


VERBS = [
    "accept",
    "reject",
    "cancel",
    "merge",
    "split",
    "self_handle",
    "escalate",
    "dispatch",
    "sign",
    "return",
    "feedback",
    "hold",
    "resume",
    "verify",
    "close",
    "rate",
    "callback",
    "reopen",
    "request_cancel",
    "decide_cancel",
    "supervise",
]


@pytest.mark.django_db
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    plan=st.lists(
        st.tuples(
            st.sampled_from(["report", "report", "night", *VERBS, *VERBS]),
            st.integers(min_value=0, max_value=50),
            st.integers(min_value=0, max_value=11),
            st.integers(min_value=1, max_value=40 * 60),
        ),
        min_size=5,
        max_size=30,
    ),
    query=st.integers(min_value=0, max_value=15),
)
def test_random_transitions_give_the_live_figures(cc, plan, query):  # type: ignore[no-untyped-def]
    # Examples share the test's database and cache: start afresh (the cached slice sums are
    # keyed by the watermark, and an earlier example may have left the same one).
    cache.clear()
    CaseRollup.objects.all().delete()
    CaseRollupSlice.objects.all().delete()
    RollupWatermark.objects.all().delete()
    Case.objects.all().update(duplicate_of=None, parent=None)
    Case.objects.all().delete()
    verbs = _verbs(cc)
    with time_machine.travel(START, tick=False) as clock:
        cases = [_report(cc, 0)]
        for verb, index, choice, minutes in plan:
            clock.shift(datetime.timedelta(minutes=minutes))
            if verb == "report":
                cases.append(_report(cc, choice))
            elif verb == "night":
                clock.shift(datetime.timedelta(days=1))
                rollups.compact()
            else:
                case = Case.objects.get(pk=cases[index % len(cases)].pk)
                other = cases[(index + 1) % len(cases)]
                _try(lambda case=case, other=other, verb=verb, choice=choice: verbs[verb](case, other, choice))
                cases.extend(Case.objects.filter(parent__isnull=False).exclude(pk__in=[c.pk for c in cases]))
        now = timezone.now() + datetime.timedelta(hours=choice)
        user = cc.cast.street_leader
        assert_rollups_match(user, {}, now)
        assert_rollups_match(user, _filters(cc)[query], now)
        assert_rollups_match(cc.cast.superuser, _filters(cc)[query], now)
        before = _summed_keys()
        rollups.rebuild()
        assert _summed_keys() == before  # rebuilt from the cases == booked by the transitions
        assert_rollups_match(user, {}, now)


def test_every_transition_kind_keeps_the_rollups_exact(cc):  # type: ignore[no-untyped-def]
    verbs = _verbs(cc)
    user = cc.cast.street_leader
    with time_machine.travel(START, tick=False) as clock:
        first, second = _report(cc, 0), _report(cc, 1)
        sequence = [
            ("accept", first, 1),
            ("dispatch", first, 1),
            ("return", first, 1),
            ("dispatch", first, 0),
            ("sign", first, 0),
            ("feedback", first, 0),
            ("verify", first, 0),
            ("feedback", first, 0),
            ("verify", first, 1),
            ("close", first, 1),
            ("rate", first, 2),
            ("reopen", first, 0),
            ("self_handle", first, 0),
            ("feedback", first, 1),
            ("verify", first, 1),
            ("close", first, 0),
            ("merge", second, 0),
            ("accept", _report(cc, 2), 0),
        ]
        for verb, case, choice in sequence:
            clock.shift(datetime.timedelta(hours=7))
            assert _try(
                lambda verb=verb, case=case, choice=choice: verbs[verb](Case.objects.get(pk=case.pk), first, choice)
            ), verb
            assert_rollups_match(user, {}, timezone.now())
            assert_rollups_match(user, {"overdue": "yes"}, timezone.now())
        third = Case.objects.filter(status=Status.PENDING_DISPATCH).first()
        assert third is not None
        for verb, choice in [
            ("escalate", 0),
            ("hold", 0),
            ("resume", 0),
            ("dispatch", 1),
            ("supervise", 0),
            ("request_cancel", 0),
            ("decide_cancel", 1),
            ("request_cancel", 0),
            ("decide_cancel", 0),
            ("split", 0),
        ]:
            clock.shift(datetime.timedelta(hours=30))
            _try(lambda verb=verb, choice=choice: verbs[verb](Case.objects.get(pk=third.pk), None, choice))
            assert_rollups_match(user, {}, timezone.now())
            assert_rollups_match(user, {"status": Status.CANCELLED}, timezone.now())
        fourth = _report(cc, 3)
        assert _try(
            lambda: verbs["split"](Case.objects.get(pk=t.case_accept(case=fourth, actor=cc.dispatcher).pk), None, 1)
        )
        assert_rollups_match(user, {}, timezone.now())
        called = advance(_report(cc, 8), Status.CLOSED, cc)  # a resident's report: someone to call back
        assert _try(lambda: verbs["callback"](Case.objects.get(pk=called.pk), None, 1))
        assert_rollups_match(user, {"rating": Rating.BASICALLY}, timezone.now())
        assert _try(lambda: verbs["reject"](_report(cc, 1), None, 0))
        assert _try(lambda: verbs["cancel"](_report(cc, 2), None, 0))
        assert_rollups_match(user, {}, timezone.now())


def test_past_booking_days_never_change(cc):  # type: ignore[no-untyped-def]
    verbs = _verbs(cc)
    with time_machine.travel(START, tick=False) as clock:
        case = _report(cc, 0)
        for verb in ["accept", "dispatch", "sign", "feedback", "verify", "close"]:
            assert _try(lambda verb=verb: verbs[verb](Case.objects.get(pk=case.pk), None, 1)), verb
        monday = list(CaseRollup.objects.filter(booked_on=START.date()).order_by("pk").values())
        clock.shift(datetime.timedelta(days=20))
        assert _try(lambda: verbs["rate"](Case.objects.get(pk=case.pk), None, 2))  # a late rating
        assert list(CaseRollup.objects.filter(booked_on=START.date()).order_by("pk").values()) == monday
        late = CaseRollup.objects.filter(booked_on=START.date() + datetime.timedelta(days=20))
        # The late rating moves the case from "closed, unrated" to "closed, dissatisfied" today.
        assert sorted((row.rating, row.reported, row.unrated, row.rated) for row in late) == [
            ("", -1, -1, 0),
            (Rating.DISSATISFIED, 1, 0, 1),
        ]
        assert_rollups_match(cc.cast.street_leader, {}, timezone.now())


def test_the_nightly_compaction_sums_closed_days_once(cc):  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False) as clock:
        _report(cc, 0)
        clock.shift(datetime.timedelta(days=1))
        call_command("rebuild_rollups", compact=True)
        grid = Case.objects.get().grid_code
        # One total per level, from the province to the community, each under its own code.
        assert sorted(CaseRollupSlice.objects.filter(dimension="").values_list("level", "area_code", "reported")) == [
            (level, grid[:level], 1) for level in (2, 4, 6, 9, 12)
        ]
        assert rollups.compact() == 0  # running it twice changes nothing
        assert rollups.watermark() == START.date()
        _report(cc, 1)  # booked today, after the watermark: read from the rollup rows
        figures = assert_rollups_match(cc.cast.street_leader, {}, timezone.now())
        assert figures.coarse and figures.headline().reported == 2


def test_the_command_rebuilds_from_a_day_on(cc, capsys):  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False) as clock:
        _report(cc, 0)
        clock.shift(datetime.timedelta(days=3))
        _report(cc, 1)
        CaseRollup.objects.all().delete()
        call_command("rebuild_rollups", since=(START + datetime.timedelta(days=1)).date().isoformat())
        assert CaseRollup.objects.aggregate(n=Sum("reported"))["n"] == 1  # only the later report
        call_command("rebuild_rollups")
        assert "rollups rebuilt: 2 rows" in capsys.readouterr().out
        assert_rollups_match(cc.cast.street_leader, {}, timezone.now())


@pytest.mark.django_db
def test_migrate_builds_the_rollups_of_an_installation_that_had_cases_before_them(cc: CaseCast) -> None:
    advance(report(cc), "handling", cc)
    def totals() -> dict[str, Any]:
        return CaseRollup.objects.aggregate(*(Sum(name) for name in ("reported", "accepted", "closed")))

    booked = totals()
    assert booked["reported__sum"] == 1
    CaseRollup.objects.all().delete()  # as before the rollups existed
    rollups.fill_rollups()
    assert totals() == booked
    rows = CaseRollup.objects.count()
    rollups.fill_rollups()  # already there: nothing is rebuilt
    assert CaseRollup.objects.count() == rows


def test_each_page_sums_the_coarsest_slices_that_answer_it_exactly(cc):  # type: ignore[no-untyped-def]
    """The slices are kept at every level; a page reads the level of the finest area its scope
    and filter name (and its area table needs), and the figures stay the live ones."""
    cast = cc.cast
    street_leader2 = make_user("street_leader_2", "street_leader", cast.street2)
    with time_machine.travel(START, tick=False) as clock:
        _report(cc, 0)
        _report(cc, 4)  # grid B
        report(cc, grid=cast.grid_c, actor=cast.superuser, address="协作路12号")
        clock.shift(datetime.timedelta(days=1))
        rollups.compact()
        for level in (2, 4, 6, 9, 12):
            totals = CaseRollupSlice.objects.filter(dimension="", level=level)
            assert totals.aggregate(n=Sum("reported"))["n"] == 3, level
        assert CaseRollupSlice.objects.get(dimension="", level=9, area_code=cast.street2.code[:9]).reported == 1
        now = timezone.now()
        cases = [
            (cast.superuser, {}, 2, 6),  # districts in the area table
            (cast.superuser, {"area": cast.district.code}, 6, 9),
            (cast.street_leader, {}, 9, 12),
            (street_leader2, {}, 9, 12),
            (cast.superuser, {"area": cast.community1.code}, 12, None),  # grids: not sliced
        ]
        for user, query, level, area_level in cases:
            figures = assert_rollups_match(user, query, now)
            assert figures.slice_level() == level, (user, query)
            if area_level is None:
                assert not figures.coarse
            else:
                assert figures.coarse and figures.slice_level(figures.area_length) == area_level, (user, query)


def test_a_slices_generation_lost_from_the_cache_comes_back_as_a_number_never_used_before():
    first = rollups.slices_generation()
    assert rollups.slices_generation() == first
    rollups.new_slices_generation()
    second = rollups.slices_generation()
    assert second != first
    cache.delete(rollups.SLICES_GENERATION)  # evicted
    third = rollups.slices_generation()
    assert third not in {1, first, second}
    assert rollups.slices_generation() == third
