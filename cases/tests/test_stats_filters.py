"""The shared case filter (``cases.filters.CaseFilterForm``): scope of its choices, each condition,
bad input, the query string and its query cost."""

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.scope import scope_prefixes
from accounts.testing import make_area
from areas.models import Level
from cases.choices import leading_unit_ids
from cases.filters import CaseFilterForm
from cases.models import Case, Channel, Rating, Status
from cases.tests.stats_factory import at, make_category, make_row, make_unit


@pytest.fixture
def rows(cast):
    facility = make_category("t-facility", "设施损坏")
    lamp = make_category("t-lamp", "路灯", parent=facility)
    noise = make_category("t-noise", "噪音扰民")
    dispute = make_category("t-dispute", "邻里纠纷", is_dispute=True)
    unit = make_unit("百花物业", cast.street1)
    return {
        "a_lamp": make_row(cast, lamp, reported="2026-03-01 08:00", rating=Rating.SATISFIED, lead_organisation=unit),
        "b_noise": make_row(cast, noise, grid=cast.grid_b, reported="2026-03-02 23:30", channel=Channel.HOTLINE),
        "a_overdue": make_row(cast, facility, status=Status.HANDLING, stage="handle",
                              stage_due_at=at("2026-03-03 18:00"), reported="2026-03-03 10:00"),
        "a_dispute": make_row(cast, dispute, status=Status.HANDLING, ever_overdue=True,
                              reported="2026-03-04 10:00"),
        "c_noise": make_row(cast, noise, grid=cast.grid_c, rating=Rating.DISSATISFIED, reported="2026-03-05 10:00"),
        "lamp": lamp, "facility": facility, "noise": noise, "unit": unit,
    }


def filtered(user, **data):
    form = CaseFilterForm({key: str(value) for key, value in data.items()}, user=user)
    return form, set(form.apply(Case.objects.visible_to(user)).values_list("pk", flat=True))


def pks(rows, *names):
    return {rows[name].pk for name in names}


def test_it_offers_only_areas_in_scope(cast, db):
    form = CaseFilterForm(user=cast.street_leader)

    codes = [code for code, _label in form.fields["area"].choices if code]

    assert codes == [cast.street1.code, cast.community1.code, cast.grid_a.code, cast.grid_b.code]
    labels = dict(form.fields["area"].choices)
    assert labels[cast.grid_a.code] == "\u3000\u3000百花社区第一网格"


def test_the_area_menu_is_read_once_per_scope_and_follows_changes(cast, db, django_assert_num_queries):
    """The menu is cached across requests (``cases.choices.area_rows``); saving an area renews it."""
    options(CaseFilterForm(user=cast.street_leader))
    with django_assert_num_queries(0):
        assert cast.grid_a.code in options(CaseFilterForm(user=cast.street_leader))
    assert cast.grid_a.code not in options(CaseFilterForm(user=cast.grid_worker_b))  # another scope
    cast.grid_a.name = "百花社区一号网格"
    cast.grid_a.save()
    labels = dict(CaseFilterForm(user=cast.street_leader).fields["area"].choices)
    assert labels[cast.grid_a.code] == "\u3000\u3000百花社区一号网格"


def options(form):
    return [code for code, _label in form.fields["area"].choices if code]


def test_a_wide_scope_lists_no_grids_but_those_of_the_chosen_community(cast, db):
    """A district (or a superuser) is offered its streets and communities; a community's grids
    appear once the community (or one of its grids) is chosen, and a chosen grid is valid."""
    for user in (cast.superuser, cast.district_admin):
        listed = options(CaseFilterForm(user=user))
        assert cast.community1.code in listed and cast.community2.code in listed
        assert not {cast.grid_a.code, cast.grid_b.code, cast.grid_c.code} & set(listed)

    for chosen in (cast.community1.code, cast.grid_b.code):
        form = CaseFilterForm({"area": chosen}, user=cast.district_admin)
        assert form.is_valid(), form.errors
        listed = options(form)
        # The community's grids follow it; the other community's grid is not listed.
        at = listed.index(cast.community1.code)
        assert listed[at + 1:at + 3] == [cast.grid_a.code, cast.grid_b.code]
        assert cast.grid_c.code not in listed
        assert form.offers_area(cast.grid_a.code)


def test_a_grid_out_of_a_wide_scope_is_still_refused(cast, db):
    other_grid = make_area("410103001001001", "淮河路第一网格", Level.GRID,
                           make_area("410103001001", "淮河路社区", Level.COMMUNITY, cast.other_street, None), None)

    form = CaseFilterForm({"area": other_grid.code}, user=cast.district_admin)

    assert not form.is_valid()
    assert "请从列表中选择区域。" in form.errors["area"]
    assert other_grid.code not in options(form)


@pytest.mark.parametrize("odd", ["4101020010010019", "41010200100a", "", "０１２"])
def test_odd_area_values_are_refused_or_ignored_without_error(cast, db, odd):
    form = CaseFilterForm({"area": odd}, user=cast.district_admin)

    assert form.is_valid() is (odd == "")
    assert form.selected_area() is None


def test_it_filters_by_area_subtree(rows, cast):
    assert filtered(cast.superuser, area=cast.community1.code)[1] == pks(rows, "a_lamp", "b_noise", "a_overdue",
                                                                         "a_dispute")
    assert filtered(cast.superuser, area=cast.grid_b.code)[1] == pks(rows, "b_noise")
    assert filtered(cast.superuser, area=cast.street2.code)[1] == pks(rows, "c_noise")


def test_it_refuses_an_area_out_of_scope_with_a_message(rows, cast):
    form, found = filtered(cast.street_leader, area=cast.street2.code)

    assert not form.is_valid()
    assert "请从列表中选择区域。" in form.errors["area"]
    assert rows["c_noise"].pk not in found


def test_it_includes_child_categories(rows, cast):
    assert filtered(cast.superuser, category=rows["facility"].pk)[1] == pks(rows, "a_lamp", "a_overdue")
    assert filtered(cast.superuser, category=rows["lamp"].pk)[1] == pks(rows, "a_lamp")


def test_it_filters_by_status_channel_unit_rating_and_kind(rows, cast):
    user = cast.superuser
    assert filtered(user, status=Status.HANDLING)[1] == pks(rows, "a_overdue", "a_dispute")
    assert filtered(user, channel=Channel.HOTLINE)[1] == pks(rows, "b_noise")
    assert filtered(user, organisation=rows["unit"].pk)[1] == pks(rows, "a_lamp")
    assert filtered(user, rating=Rating.DISSATISFIED)[1] == pks(rows, "c_noise")
    assert filtered(user, rating="unrated")[1] == pks(rows, "b_noise", "a_overdue", "a_dispute")
    assert filtered(user, kind="dispute")[1] == pks(rows, "a_dispute")


def test_it_filters_by_overdue_past_or_running(rows, cast):
    assert filtered(cast.superuser, overdue="yes")[1] == pks(rows, "a_overdue", "a_dispute")
    assert filtered(cast.superuser, overdue="no")[1] == pks(rows, "a_lamp", "b_noise", "c_noise")


def test_it_filters_by_local_reporting_dates_inclusive(rows, cast):
    # 2 March 23:30 in Shanghai is 15:30 UTC: still 2 March.
    assert filtered(cast.superuser, date_from="2026-03-02", date_to="2026-03-02")[1] == pks(rows, "b_noise")
    assert filtered(cast.superuser, date_from="2026-03-03")[1] == pks(rows, "a_overdue", "a_dispute", "c_noise")
    assert filtered(cast.superuser, date_to="2026-03-01")[1] == pks(rows, "a_lamp")


def test_it_reports_bad_dates_and_applies_the_rest(rows, cast):
    # An inverted range filters by neither end (b_noise, 2 March, is before the given start).
    form, found = filtered(cast.superuser, date_from="2026-03-05", date_to="2026-03-01", channel=Channel.HOTLINE)

    assert form.errors["date_to"] == ["结束日期不能早于开始日期。"]
    assert found == pks(rows, "b_noise")
    form, _found = filtered(cast.superuser, date_from="yesterday", status="nonsense")
    assert form.errors["date_from"] == ["请填写有效的日期。"]
    assert form.errors["status"] == ["请从列表中选择状态。"]


def test_it_refuses_a_unit_the_user_cannot_see(rows, cast):
    elsewhere = make_unit("淮河路物业", cast.other_street)

    form, _found = filtered(cast.street_leader, organisation=elsewhere.pk)

    assert "organisation" in form.errors


def test_it_offers_units_that_lead_cases_in_scope(rows, cast):
    district_department = make_unit("区城管局", cast.district)
    Case.objects.filter(pk=rows["b_noise"].pk).update(lead_organisation=district_department)

    form = CaseFilterForm(user=cast.street_leader)

    names = [label for _value, label in form.fields["organisation"].choices]
    assert "区城管局" in names and "百花物业" in names


def test_it_repeats_valid_values_in_the_query_string(rows, cast):
    form = CaseFilterForm({"area": cast.grid_a.code, "status": "", "date_from": "2026-03-01", "channel": "bogus"},
                          user=cast.superuser)

    assert form.querystring() == f"area={cast.grid_a.code}&date_from=2026-03-01"
    assert CaseFilterForm(user=cast.superuser).querystring() == ""


def test_it_costs_no_query_until_used_and_few_when_validated(rows, cast, django_assert_num_queries):
    user = User.objects.get(pk=cast.street_leader.pk)
    scope_prefixes(user)  # the user's scope is read once per request, by every page
    user.has_perm("cases.view_case")  # and so are the user's permissions (the page checks them)
    leading_unit_ids(user)  # the units leading cases in scope are cached across requests (cases.choices)
    data = {"area": cast.grid_a.code, "category": str(rows["facility"].pk), "organisation": str(rows["unit"].pk)}
    with django_assert_num_queries(0):
        form = CaseFilterForm(data, user=user)
    with django_assert_num_queries(3):  # areas, categories, the unit
        assert form.is_valid(), form.errors
    with django_assert_num_queries(1):  # the unit choices (areas and categories are cached)
        str(form["area"]) + str(form["category"]) + str(form["organisation"])


def test_it_uses_now_for_the_running_overdue(rows, cast):
    form = CaseFilterForm({"overdue": "yes"}, user=cast.superuser)

    early = set(form.apply(Case.objects.all(), now=at("2026-03-03 12:00")).values_list("pk", flat=True))
    late = set(form.apply(Case.objects.all(), now=timezone.now()).values_list("pk", flat=True))

    assert early == pks(rows, "a_dispute")
    assert late == pks(rows, "a_overdue", "a_dispute")
