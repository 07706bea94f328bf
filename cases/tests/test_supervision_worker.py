"""The supervision worker: warning at 75 %, overdue at 100 %, the ladder 催办 → 黄牌 → 红牌, once each.

Time is frozen by passing ``now=``: cases are reported and handled through the real transitions
on Monday 2 March 2026, and the worker runs at chosen fractions of the running stage.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from cases import transitions as t
from cases.models import Case, CaseEvent, CaseSupervision, Stage, Status, SupervisionStep
from cases.supervision import candidates, climb, ladder, run_supervision, warning_percent
from cases.testing import advance, report

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)



@pytest.fixture
def default_ladder(db):  # type: ignore[no-untyped-def]
    """The default ladder (催办 100 %, 黄牌 150 %, 红牌 200 %), whatever a data migration seeded."""
    SupervisionStep.objects.all().delete()
    for rank, kind, percent in [(1, "reminder", 100), (2, "yellow", 150), (3, "red", 200)]:
        SupervisionStep.objects.create(rank=rank, kind=kind, percent=percent)


@pytest.fixture
def no_ladder(db):  # type: ignore[no-untyped-def]
    SupervisionStep.objects.all().delete()


def at(case: Case, percent: float) -> datetime.datetime:
    """The moment ``percent`` of the case's running stage has elapsed (clock time)."""
    assert case.stage_started_at and case.stage_due_at
    return case.stage_started_at + (case.stage_due_at - case.stage_started_at) * percent / 100


def kinds(case: Case) -> list[str]:
    return list(CaseSupervision.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


def counts() -> tuple[int, int]:
    return CaseSupervision.objects.count(), CaseEvent.objects.filter(
        verb__in=["warning", "overdue", "reminder", "yellow", "red"]).count()


def test_it_leaves_a_case_alone_before_three_quarters_of_its_time(cc, default_ladder):
    case = report(cc, now=MONDAY_9)
    result = run_supervision(now=at(case, 74))
    assert result.scanned == 0 and result.claimed == 0
    case.refresh_from_db()
    assert case.warned_at is None and case.supervision_rank == 0 and counts() == (0, 0)


def test_it_warns_at_75_percent_once(cc, default_ladder):
    case = report(cc, now=MONDAY_9)
    version = case.version
    moment = at(case, 75)
    result = run_supervision(now=moment)
    assert result.claimed == 1 and result.issued == {"warning": 1}
    case.refresh_from_db()
    assert case.warned_at == moment and case.supervision_rank == 0 and not case.ever_overdue
    assert case.status == Status.REPORTED and case.stage == Stage.ACCEPT
    assert case.version == version + 1
    supervision = CaseSupervision.objects.get(case=case)
    assert (supervision.kind, supervision.source, supervision.stage) == ("warning", "automatic", "accept")
    assert supervision.issued_by is None and supervision.issued_at == moment
    event = CaseEvent.objects.get(case=case, verb="warning")
    assert event.actor is None and event.actor_label == "系统" and not event.public
    assert event.from_status == event.to_status == Status.REPORTED and event.area_code == case.grid_code
    assert event.data["stage"] == "accept" and event.data["percent"] == 75

    again = run_supervision(now=at(case, 90))
    assert again.scanned == 0 and counts() == (1, 1)


def test_it_marks_overdue_and_reminds_at_100_percent(cc, default_ladder):
    case = report(cc, now=MONDAY_9)
    run_supervision(now=at(case, 80))
    result = run_supervision(now=at(case, 100))
    assert result.issued == {"overdue": 1, "reminder": 1}
    case.refresh_from_db()
    assert case.ever_overdue and case.supervision_rank == 2
    assert kinds(case) == ["warning", "overdue", "reminder"]
    assert list(CaseEvent.objects.filter(case=case).values_list("verb", flat=True)) == [
        "report", "warning", "overdue", "reminder"]


def test_it_climbs_to_the_yellow_and_red_cards_and_then_stops(cc, default_ladder):
    case = report(cc, now=MONDAY_9)
    for percent in (75, 100, 149):
        run_supervision(now=at(case, percent))
    assert kinds(case) == ["warning", "overdue", "reminder"]
    assert run_supervision(now=at(case, 150)).issued == {"yellow": 1}
    assert run_supervision(now=at(case, 199)).claimed == 0
    assert run_supervision(now=at(case, 200)).issued == {"red": 1}
    before = counts()
    finished = run_supervision(now=at(case, 1000))
    assert finished.scanned == 0 and counts() == before
    case.refresh_from_db()
    assert case.supervision_rank == 4 and kinds(case) == ["warning", "overdue", "reminder", "yellow", "red"]


def test_running_it_twice_in_a_row_changes_nothing_more(cc, default_ladder):
    cases = [report(cc, now=MONDAY_9) for _ in range(3)]
    moment = at(cases[0], 160)
    first = run_supervision(now=moment)
    assert first.claimed == 3 and first.issued == {"overdue": 3, "reminder": 3, "yellow": 3}
    before = counts()
    versions = list(Case.objects.order_by("pk").values_list("version", flat=True))
    second = run_supervision(now=moment)
    assert second.claimed == 0 and counts() == before
    assert list(Case.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_a_case_found_already_overdue_is_not_warned_but_counts_as_warned(cc, default_ladder):
    case = report(cc, now=MONDAY_9)
    moment = at(case, 120)
    run_supervision(now=moment)
    case.refresh_from_db()
    assert kinds(case) == ["overdue", "reminder"] and case.warned_at == moment


def test_without_a_ladder_it_only_warns_and_marks_overdue(cc, no_ladder):
    case = report(cc, now=MONDAY_9)
    assert ladder() == [ladder()[0]] and ladder()[0].kind == "overdue"
    run_supervision(now=at(case, 75))
    run_supervision(now=at(case, 100))
    assert run_supervision(now=at(case, 500)).claimed == 0
    case.refresh_from_db()
    assert kinds(case) == ["warning", "overdue"] and case.supervision_rank == 1 and case.ever_overdue


def test_the_ladder_follows_the_steps_in_the_table(cc, no_ladder):
    SupervisionStep.objects.create(rank=1, kind="reminder", percent=120)
    SupervisionStep.objects.create(rank=2, kind="red", percent=130)
    case = report(cc, now=MONDAY_9)
    assert run_supervision(now=at(case, 110)).issued == {"overdue": 1}
    assert run_supervision(now=at(case, 125)).issued == {"reminder": 1}
    assert run_supervision(now=at(case, 130)).issued == {"red": 1}


def test_the_warning_point_is_a_setting(cc, default_ladder, settings):
    settings.CASES_SUPERVISION_WARNING_PERCENT = 50
    assert warning_percent() == 50
    case = report(cc, now=MONDAY_9)
    assert run_supervision(now=at(case, 49)).claimed == 0
    assert run_supervision(now=at(case, 50)).issued == {"warning": 1}


def test_it_skips_cases_on_hold_and_cases_without_a_running_stage(cc, default_ladder):
    held = advance(report(cc, now=MONDAY_9), Status.ON_HOLD, cc, now=MONDAY_9)
    closed = advance(report(cc, now=MONDAY_9), Status.CLOSED, cc, now=MONDAY_9)
    assert held.stage_due_at and not closed.stage_due_at
    result = run_supervision(now=MONDAY_9 + datetime.timedelta(days=60))
    assert result.scanned == 0 and counts() == (0, 0)


def test_a_new_stage_starts_its_own_warnings(cc, default_ladder):
    case = report(cc, now=MONDAY_9)
    run_supervision(now=at(case, 200))
    assert kinds(case) == ["overdue", "reminder", "yellow", "red"]
    accepted_at = at(case, 210)
    case = t.case_accept(case=case, actor=cc.dispatcher, now=accepted_at)
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=accepted_at)
    assert case.stage == Stage.HANDLE and case.supervision_rank == 0 and case.warned_at is None
    assert case.accept_overdue is True
    result = run_supervision(now=at(case, 75))
    assert result.issued == {"warning": 1}
    assert CaseSupervision.objects.filter(case=case, stage="handle").count() == 1


def test_an_approved_extension_moves_the_ladder_with_the_deadline(cc, default_ladder):
    case = advance(report(cc, now=MONDAY_9), Status.HANDLING, cc, now=MONDAY_9)
    run_supervision(now=at(case, 100))
    t.case_request_extension(case=case, actor=cc.property_handler, extra_days=5, reason="材料未到。", now=at(case, 101))
    case = t.case_decide_extension(case=case, actor=cc.dispatcher, approve=True, now=at(case, 102))
    assert case.supervision_rank == 0 and case.warned_at is None
    assert run_supervision(now=at(case, 74)).claimed == 0
    assert run_supervision(now=at(case, 75)).issued == {"warning": 1}


def test_a_stale_read_claims_nothing(cc, default_ladder):
    """Two workers that read the same case: the second one's claim misses (any database)."""
    case = report(cc, now=MONDAY_9)
    moment = at(case, 160)
    rungs, warning = ladder(), warning_percent()
    stale = candidates(moment, rungs, warning).get()
    assert run_supervision(now=moment).claimed == 1
    before = counts()
    assert climb(stale, now=moment, rungs=rungs, warning=warning) == []
    assert counts() == before


def test_a_transition_between_reading_and_claiming_makes_the_claim_miss(cc, default_ladder):
    case = report(cc, now=MONDAY_9)
    moment = at(case, 120)
    rungs, warning = ladder(), warning_percent()
    stale = candidates(moment, rungs, warning).get()
    t.case_accept(case=case, actor=cc.dispatcher, now=moment)
    assert climb(stale, now=moment, rungs=rungs, warning=warning) == []
    assert counts() == (0, 0)
    case.refresh_from_db()
    assert case.accept_overdue is True and case.supervision_rank == 0


def test_it_finds_only_the_cases_with_something_due(cc, default_ladder):
    done = report(cc, now=MONDAY_9)
    run_supervision(now=at(done, 1000))  # climbs the whole ladder
    late = report(cc, now=MONDAY_9)
    early = report(cc, now=MONDAY_9 + datetime.timedelta(days=7))
    moment = at(early, 50)
    found = list(candidates(moment, ladder(), warning_percent()))
    assert [case.pk for case in found] == [late.pk]


def test_it_reads_in_batches_and_keeps_its_queries_per_case_bounded(cc, default_ladder, django_assert_max_num_queries):
    cases = [report(cc, now=MONDAY_9) for _ in range(5)]
    moment = at(cases[0], 80)
    # ladder + 3 pages of candidates + per case (savepoint, claim, supervisions, event, release).
    with django_assert_max_num_queries(4 + 5 * 6):
        result = run_supervision(now=moment, batch_size=2)
    assert result.claimed == 5
    with django_assert_max_num_queries(2):
        assert run_supervision(now=moment).scanned == 0


def test_the_timeline_says_what_happened_in_words(cc, default_ladder):
    case = report(cc, now=MONDAY_9)
    run_supervision(now=at(case, 75))
    run_supervision(now=at(case, 150))
    comments = list(CaseEvent.objects.filter(case=case).exclude(verb="report").values_list("verb", "comment"))
    assert comments == [
        ("warning", "受理时限将于2026-03-02 14:00到期。"),
        ("overdue", "受理已超过时限（2026-03-02 14:00）。"),
        ("reminder", "受理用时已达时限的100%（时限2026-03-02 14:00）。"),
        ("yellow", "受理用时已达时限的150%（时限2026-03-02 14:00）。"),
    ]
    assert CaseSupervision.objects.get(case=case, kind="yellow").comment == comments[-1][1]
