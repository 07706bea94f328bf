"""Routing rules: the deepest area wins, then the nearest category; and the units offered for dispatch.

Precedence table (case: category 路灯 (child of 设施损坏) in grid A of 百花社区, 林山寨街道, 中原区):

| rules present                                   | winner          |
|-------------------------------------------------|-----------------|
| none                                            | none            |
| district·设施损坏                               | district·设施损坏 |
| district·设施损坏, district·路灯                | district·路灯     |
| district·路灯, street·设施损坏                   | street·设施损坏   |
| street·路灯, community·设施损坏                 | community·设施损坏 |
| community·设施损坏, grid·路灯                    | grid·路灯         |
| other street·路灯                               | none            |
| street·路灯 (inactive), district·设施损坏        | district·设施损坏 |
| street·路灯 (unit inactive), district·设施损坏   | district·设施损坏 |
"""

from __future__ import annotations

import pytest

from accounts.models import Organisation, OrganisationKind
from cases.models import Category, RoutingRule
from cases.routing import covering_codes, route_for, suggested_units
from cases.testing import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(cast):
    parent = Category.objects.create(code="t-facility", name="设施损坏（测试）", public=True)
    child = Category.objects.create(code="t-lamp", name="路灯（测试）", parent=parent, public=True)
    return parent, child


def _unit(cast, label: str, **extra) -> Organisation:
    return Organisation.objects.create(name=label, kind=OrganisationKind.OTHER, home_area=cast.district, **extra)


def _rules(cast, tree, specs):
    parent, child = tree
    areas = {"district": cast.district, "street": cast.street1, "community": cast.community1, "grid": cast.grid_a,
             "other_street": cast.street2}
    units = {}
    for spec in specs:
        area_key, category_key, *flags = spec.split(":")
        label = f"{area_key}·{category_key}"
        unit = _unit(cast, label, is_active="unit_inactive" not in flags)
        RoutingRule.objects.create(category=child if category_key == "lamp" else parent, area=areas[area_key],
                                   organisation=unit, is_active="inactive" not in flags)
        units[label] = unit
    return units


@pytest.mark.parametrize(("specs", "winner"), [
    ([], None),
    (["district:facility"], "district·facility"),
    (["district:facility", "district:lamp"], "district·lamp"),
    (["district:lamp", "street:facility"], "street·facility"),
    (["street:lamp", "community:facility"], "community·facility"),
    (["community:facility", "grid:lamp"], "grid·lamp"),
    (["other_street:lamp"], None),
    (["street:lamp:inactive", "district:facility"], "district·facility"),
    (["street:lamp:unit_inactive", "district:facility"], "district·facility"),
])
def test_the_most_specific_rule_wins(cast, tree, specs, winner):
    units = _rules(cast, tree, specs)
    routed = route_for(tree[1], cast.grid_a)
    assert (routed.name if routed else None) == winner
    if winner:
        assert routed == units[winner]


def test_a_rule_for_a_child_category_does_not_route_its_parent(cast, tree):
    _rules(cast, tree, ["district:lamp"])
    assert route_for(tree[0], cast.grid_a) is None


def test_routing_costs_two_queries(cast, tree, django_assert_max_num_queries):
    _rules(cast, tree, ["district:facility", "street:lamp", "community:facility"])
    child = Category.objects.get(code="t-lamp")
    with django_assert_max_num_queries(2):
        assert route_for(child, cast.grid_a).name == "community·facility"


def test_covering_codes_follow_the_code():
    assert covering_codes("410102001001001") == [
        "410000000000", "410100000000", "410102000000", "410102001000", "410102001001", "410102001001001"]



def test_suggested_units_put_the_routed_unit_first_then_the_nearest(cast, cc, django_assert_max_num_queries):
    # Covering units: 百花物业 serves the community, the 执法中队 the street; a district unit is based above.
    district_unit = Organisation.objects.create(name="中原区住建局", kind=OrganisationKind.HOUSING,
                                                home_area=cast.district)
    other = Organisation.objects.create(name="建设路物业", kind=OrganisationKind.PROPERTY, home_area=cast.street2)
    other.service_areas.add(cast.community2)
    Organisation.objects.create(name="停业物业", kind=OrganisationKind.PROPERTY, home_area=cast.street1,
                                is_active=False).service_areas.add(cast.community1)
    RoutingRule.objects.create(category=cc.category("t-building"), area=cast.street1, organisation=cc.enforcement)
    case = report(cc, category="t-building")
    with django_assert_max_num_queries(3):
        units = suggested_units(case)
    assert [unit.name for unit in units] == ["林山寨综合执法中队", "百花物业", "中原区住建局"]
    assert other not in units
    assert district_unit in units


def test_without_a_rule_the_nearest_units_come_first(cast, cc):
    case = report(cc)
    assert [unit.name for unit in suggested_units(case)] == ["百花物业", "林山寨综合执法中队"]


def test_the_dispatch_form_offers_the_routed_unit(cast, cc):
    from cases.forms.actions import DispatchForm
    from cases.transitions import case_accept

    RoutingRule.objects.create(category=cc.category("t-clutter"), area=cast.community1, organisation=cc.enforcement)
    case = case_accept(case=report(cc), actor=cc.dispatcher)
    form = DispatchForm(case=case, user=cc.dispatcher)
    assert form.fields["lead"].initial == cc.enforcement.pk


def test_the_dispatch_form_shows_its_units_read_once(cast, cc, django_assert_num_queries):
    """The 主办单位 menu and the 协办单位 checkboxes list the same units, the routed one first and
    marked, each with its kind; the units are read once for both, when the form is shown."""
    from django.test.html import parse_html

    from cases.forms.actions import DispatchForm
    from cases.transitions import case_accept

    RoutingRule.objects.create(category=cc.category("t-clutter"), area=cast.community1, organisation=cc.enforcement)
    case = case_accept(case=report(cc), actor=cc.dispatcher)
    form = DispatchForm(case=case, user=cc.dispatcher)
    with django_assert_num_queries(1):
        lead, assists = str(form["lead"]), str(form["assists"])
    kind = OrganisationKind(cc.enforcement.kind).label
    assert f'<option value="{cc.enforcement.pk}" selected>{cc.enforcement.name}（{kind}）（推荐）</option>' in lead
    assert lead.startswith('<select name="dispatch-lead" class="form-select" id="id_dispatch-lead" required>')
    assert lead.count("<option") == assists.count('type="checkbox"') + 1  # the menu's 请选择主办单位
    first = parse_html(assists)[0]
    assert first == parse_html(f'<div><label for="id_dispatch-assists_0"><input type="checkbox" '
                               f'name="dispatch-assists" value="{cc.enforcement.pk}" id="id_dispatch-assists_0"> '
                               f'{cc.enforcement.name}（{kind}）</label></div>')


def test_the_split_form_reads_the_categories_once_for_its_four_rows(cast, cc, django_assert_num_queries):
    from cases.forms.actions import SplitForm

    form = SplitForm(case=report(cc), user=cc.dispatcher)
    with django_assert_num_queries(1):
        menus = [str(category) for category, _text in form.rows()]
    names = list(Category.objects.active().order_by("sort_order", "code").values_list("name", flat=True))
    for row, menu in enumerate(menus, start=1):
        assert menu.startswith(f'<select name="split-category_{row}" class="form-select" id="id_split-category_{row}">')
        assert menu.count("<option") == len(names) + 1 and names[0] in menu
