"""Statistics (事件统计) on hand-built cases with known answers: every definition and denominator.

The fixture (ten cases, March 2026):

| # | grid | category | state | hours | rating | notes |
|---|------|----------|-------|-------|--------|-------|
| 1 | A | 路灯 | closed | 10 | 满意 | |
| 2 | A | 路灯 | closed | 20 | 基本满意 | handle stage overdue |
| 3 | A | 噪音 | closed | 30 | 不满意 | |
| 4 | B | 噪音 | closed | 40 | — | |
| 5 | B | 噪音 | closed as 重复 | 50 | — | accept stage overdue |
| 6 | B | 路灯 | handling | — | — | running stage past its deadline |
| 7 | A | 路灯 | reported | — | — | not accepted |
| 8 | A | 噪音 | merged before acceptance | — | — | |
| 9 | A | 路灯 | split (accepted) | — | — | its parts count, not itself |
| 10 | C (street 2) | 噪音 | closed | 5 | 满意 | |
"""

import datetime

import pytest

from accounts.models import User
from areas.models import PREFIX_LENGTH, Level
from cases import statistics
from cases.models import Case, Channel, Outcome, Rating, RatingSource, Status
from cases.tests.stats_factory import at, make_category, make_row, make_unit

NOW = at("2026-03-20 12:00")


@pytest.fixture
def rows(cast):
    facility = make_category("t-facility", "设施损坏")
    lamp = make_category("t-lamp", "路灯", parent=facility)
    noise = make_category("t-noise", "噪音扰民")
    unit = make_unit("百花物业", cast.street1)
    made = [
        make_row(cast, lamp, hours=10, rating=Rating.SATISFIED, lead_organisation=unit),
        make_row(cast, lamp, hours=20, rating=Rating.BASICALLY, handle_overdue=True, ever_overdue=True,
                 lead_organisation=unit, reported="2026-03-09 09:00"),
        make_row(cast, noise, hours=30, rating=Rating.DISSATISFIED, channel=Channel.HOTLINE),
        make_row(cast, noise, grid=cast.grid_b, hours=40, reported="2026-03-09 10:00"),
        make_row(cast, noise, grid=cast.grid_b, hours=50, outcome=Outcome.DUPLICATE, accept_overdue=True,
                 ever_overdue=True),
        make_row(cast, lamp, grid=cast.grid_b, status=Status.HANDLING, stage="handle",
                 stage_due_at=at("2026-03-10 18:00"), lead_organisation=unit),
        make_row(cast, lamp, status=Status.REPORTED, accepted=False, stage="accept",
                 stage_due_at=at("2026-03-30 18:00")),
        make_row(cast, noise, status=Status.MERGED, accepted=False),
        make_row(cast, lamp, status=Status.SPLIT),
        make_row(cast, noise, grid=cast.grid_c, hours=5, rating=Rating.SATISFIED),
    ]
    return {"lamp": lamp, "noise": noise, "facility": facility, "unit": unit, "cases": made}


def test_it_counts_everything_for_the_whole_district(rows):
    figures = statistics.headline(Case.objects.all(), NOW)

    assert figures.reported == 10
    assert figures.accepted == 7  # 1-6 and 10: not 7 (unaccepted), 8 (merged unaccepted), 9 (split)
    assert figures.closed == 6
    assert figures.completion_rate == pytest.approx(6 / 7)
    assert figures.on_time == 4  # 2 and 5 had an overdue stage
    assert figures.on_time_rate == pytest.approx(4 / 6)
    assert figures.overdue == 3  # 2 and 5 (ever), 6 (running now)
    assert (figures.rated, figures.satisfied, figures.dissatisfied, figures.unrated) == (4, 3, 1, 2)
    assert figures.satisfaction_rate == pytest.approx(3 / 4)
    assert (figures.duplicates, figures.merged_unaccepted) == (2, 1)
    assert figures.duplicate_rate == pytest.approx(2 / 8)
    assert figures.mean_hours == pytest.approx(155 / 6)
    assert figures.median_hours == pytest.approx(25)  # (20 + 30) / 2 of 5, 10, 20, 30, 40, 50


def test_it_counts_only_the_street_leaders_street(rows, cast):
    figures = statistics.headline(Case.objects.visible_to(cast.street_leader), NOW)

    assert (figures.reported, figures.accepted, figures.closed, figures.on_time) == (9, 6, 5, 3)
    assert figures.satisfaction_rate == pytest.approx(2 / 3)
    assert figures.unrated == 2
    assert figures.duplicate_rate == pytest.approx(2 / 7)
    assert figures.mean_hours == pytest.approx(30)
    assert figures.median_hours == pytest.approx(30)  # odd count: the middle one


def test_it_leaves_unrated_cases_out_of_the_satisfaction_rate(rows, cast):
    unrated = Case.objects.filter(grid_code=cast.grid_b.code)

    figures = statistics.headline(unrated, NOW)

    assert (figures.closed, figures.rated, figures.unrated) == (2, 0, 2)
    assert figures.satisfaction_rate is None


def test_it_gives_no_rate_without_a_denominator(cast, db):
    figures = statistics.headline(Case.objects.all(), NOW)

    assert figures.reported == 0
    assert figures.completion_rate is None and figures.on_time_rate is None and figures.duplicate_rate is None
    assert figures.mean_hours is None and figures.median_hours is None


def test_it_counts_a_stage_flag_against_on_time_even_without_ever_overdue(cast, db):
    lamp = make_category("t-lamp", "路灯")
    make_row(cast, lamp, verify_overdue=True)
    make_row(cast, lamp, verify_overdue=False, accept_overdue=False, handle_overdue=None)

    figures = statistics.headline(Case.objects.all(), NOW)

    assert (figures.closed, figures.on_time) == (2, 1)


def test_it_counts_a_case_on_hold_past_its_deadline_as_not_overdue_now(cast, db):
    lamp = make_category("t-lamp", "路灯")
    make_row(cast, lamp, status=Status.ON_HOLD, stage="handle", stage_due_at=at("2026-03-01 09:00"))

    assert statistics.headline(Case.objects.all(), NOW).overdue == 0


def test_it_groups_by_grid_under_a_community(rows, cast):
    cases = Case.objects.visible_to(cast.street_leader).filter(community_code=cast.community1.code)

    table = statistics.by_area(cases, PREFIX_LENGTH[Level.GRID], NOW)

    assert [(row.key, row.label) for row in table.rows] == [
        (cast.grid_a.code, "百花社区第一网格"), (cast.grid_b.code, "百花社区第二网格")]
    grid_a, grid_b = (row.figures for row in table.rows)
    assert (grid_a.reported, grid_a.accepted, grid_a.closed, grid_a.median_hours) == (6, 3, 3, 20)
    assert (grid_b.reported, grid_b.accepted, grid_b.closed, grid_b.median_hours) == (3, 3, 2, 45)
    assert grid_b.duplicate_rate == pytest.approx(1 / 3)
    assert grid_a.duplicate_rate == pytest.approx(1 / 4)  # the merged report joins the denominator


def test_it_groups_by_street_and_by_community(rows, cast):
    streets = statistics.by_area(Case.objects.all(), PREFIX_LENGTH[Level.STREET], NOW)
    communities = statistics.by_area(Case.objects.all(), PREFIX_LENGTH[Level.COMMUNITY], NOW)

    assert [(row.label, row.figures.reported) for row in streets.rows] == [("林山寨街道", 9), ("建设路街道", 1)]
    assert [(row.label, row.figures.closed) for row in communities.rows] == [("百花社区", 5), ("协作路社区", 1)]
    assert streets.title == "按街道"


def test_it_groups_by_category_channel_and_unit(rows):
    cases = Case.objects.all()

    categories = {row.label: row.figures for row in statistics.by_category(cases, NOW).rows}
    channels = {row.key: row.figures for row in statistics.by_channel(cases, NOW).rows}
    units = {row.label: row.figures for row in statistics.by_unit(cases, NOW).rows}

    # 路灯 is a subcategory of 设施损坏: the top-level row counts it, as the category filter does.
    assert set(categories) == {"设施损坏", "噪音扰民"}
    assert categories["设施损坏"].reported == 5 and categories["噪音扰民"].reported == 5
    assert categories["噪音扰民"].median_hours == pytest.approx(35)  # 5, 30, 40, 50
    inside = statistics.by_category(cases, NOW, parent=rows["facility"].pk).rows
    assert [(row.label, row.figures.reported) for row in inside if row.label != "噪音扰民"] == [("路灯", 5)]
    assert channels[Channel.HOTLINE].reported == 1 and channels[Channel.GRID_WORKER].reported == 9
    assert units["百花物业"].reported == 3 and units["百花物业"].closed == 2
    assert units["无主办单位（自办或未派遣）"].reported == 7


def test_it_groups_by_month_week_and_day_in_local_time(rows, cast):
    lamp = rows["lamp"]
    # 23:30 on 31 March in Shanghai is still March, though it is 15:30 UTC.
    make_row(cast, lamp, reported="2026-03-31 23:30")
    make_row(cast, lamp, reported="2026-04-01 00:30")
    cases = Case.objects.all()

    months = statistics.by_period(cases, "month", NOW)
    weeks = statistics.by_period(cases, "week", NOW)
    days = statistics.by_period(cases, "day", NOW)

    assert [(row.key, row.figures.reported) for row in months.rows] == [("2026-03", 11), ("2026-04", 1)]
    assert [(row.key, row.figures.reported) for row in weeks.rows] == [
        ("2026-03-02", 8), ("2026-03-09", 2), ("2026-03-30", 2)]
    assert weeks.rows[0].label == "2026-03-02 起"
    assert [row.key for row in days.rows] == ["2026-03-02", "2026-03-09", "2026-03-31", "2026-04-01"]


def test_it_finds_the_median_of_each_group_with_ties_and_single_rows(cast, db):
    lamp = make_category("t-lamp", "路灯")
    for hours in (4, 4, 4, 100):
        make_row(cast, lamp, hours=hours)
    make_row(cast, lamp, grid=cast.grid_b, hours=7)

    found = statistics.medians(Case.objects.all(), statistics.Substr("grid_code", 1, 15))

    assert found == {cast.grid_a.code: pytest.approx(4), cast.grid_b.code: pytest.approx(7)}


def test_it_uses_a_constant_number_of_queries(rows, cast, django_assert_num_queries):
    def run() -> None:
        user = User.objects.get(pk=cast.street_leader.pk)
        # permissions: 1; headline: 2; five groupings: 2 each; area names: 1; category tree and names: 2
        with django_assert_num_queries(16):
            cases = Case.objects.visible_to(user)
            statistics.headline(cases, NOW)
            statistics.tables(cases, area_length=PREFIX_LENGTH[Level.GRID], period="month", now=NOW)

    run()
    lamp = rows["lamp"]
    for day in range(1, 28):
        make_row(cast, lamp, reported=f"2026-02-{day:02d} 10:00", hours=day, grid=cast.grid_b)
    run()


def test_it_prepares_the_chart_data(rows):
    cases = Case.objects.all()
    tables = statistics.tables(cases, area_length=9, period="month", now=NOW)

    data = statistics.chart_data(statistics.headline(cases, NOW), tables)

    assert data["headline"]["accepted"] == 7
    assert {row["label"] for row in data["tables"]["area"]} == {"林山寨街道", "建设路街道"}
    assert data["tables"]["period"][0] == {
        "key": "2026-03", "label": "2026-03", "reported": 10, "accepted": 7, "closed": 6, "overdue": 3,
        "completion_rate": pytest.approx(6 / 7), "satisfaction_rate": pytest.approx(3 / 4),
    }


def test_it_computes_handling_time_across_days(cast, db):
    lamp = make_category("t-lamp", "路灯")
    case = make_row(cast, lamp)
    Case.objects.filter(pk=case.pk).update(closed_at=case.reported_at + datetime.timedelta(days=3, minutes=30))

    figures = statistics.headline(Case.objects.all(), NOW)

    assert figures.mean_hours == pytest.approx(72.5)
    assert figures.median_hours == pytest.approx(72.5)


def test_it_shows_the_reporters_own_ratings_and_call_backs_separately(cast, db):
    lamp = make_category("t-lamp", "路灯")
    make_row(cast, lamp, hours=10, rating=Rating.SATISFIED, rating_source=RatingSource.SELF)
    make_row(cast, lamp, hours=10, rating=Rating.DISSATISFIED, rating_source=RatingSource.SELF)
    make_row(cast, lamp, hours=10, rating=Rating.SATISFIED, rating_source=RatingSource.CALLBACK)
    make_row(cast, lamp, hours=10, rating=Rating.BASICALLY, rating_source=RatingSource.CALLBACK)
    make_row(cast, lamp, hours=10, rating=Rating.BASICALLY, rating_source=RatingSource.CALLBACK)

    figures = statistics.headline(Case.objects.all(), NOW)

    assert (figures.rated, figures.satisfied) == (5, 4)
    assert (figures.self_rated, figures.self_satisfied, figures.callback_rated, figures.callback_satisfied) == (
        2, 1, 3, 3)
    assert figures.self_satisfaction_rate == pytest.approx(1 / 2)
    assert figures.callback_satisfaction_rate == pytest.approx(1.0)
