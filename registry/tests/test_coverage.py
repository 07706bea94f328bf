"""Coverage figures and pages on a small registry with known gaps, as each member of the cast sees it.

The registry (stale = not verified for more than 365 days):

* 第一网格 (grid A): 1号楼 with rooms 101 (household H1: 王桂娟, 曲秀英 and 李建国, who is
  registered in grid B), 102 (household H2 whose only member 邢瑜璇 moved out), 103 (空置, empty)
  and 104 (empty, 有疑问); 2号楼 without dwellings. 徐阿姨 has moved away.
* 第二网格 (grid B): 3号楼, room 101, household HB1: 张明.
* 协作路社区第一网格 (grid C, the other street): 5号楼, room 101, household HC1: 赵敏.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.testing import make_user
from registry.coverage import area_coverage, gap_records
from registry.models import (
    Building,
    CareTag,
    Dwelling,
    DwellingUse,
    Household,
    HouseholdMember,
    PoliticalStatus,
    Relation,
    ResidencyType,
    Resident,
    ResidentStatus,
    VerificationState,
)
from registry.validators import id_check_digit

pytestmark = pytest.mark.django_db

NOW = timezone.now()
FRESH = NOW - datetime.timedelta(days=10)
OLD = NOW - datetime.timedelta(days=400)


def id_number(serial: int) -> str:
    first17 = f"410102198001{serial:02d}{serial:03d}"[:17]
    return first17 + id_check_digit(first17)


def verified(record, when, state=VerificationState.VERIFIED):
    type(record).objects.filter(pk=record.pk).update(verification_state=state, verified_at=when)


def person(grid, name, serial, *, phone="13812345678", birth=True, **extra):
    return Resident.objects.create(
        grid=grid, name=name, gender="F", id_number=id_number(serial) if serial else "", phone=phone,
        birth_date=datetime.date(1980, 1, serial or 1) if birth else None, **extra,
    )


def stay(household, resident, relation=Relation.HEAD, moved_out_on=None):
    return HouseholdMember.objects.create(
        household=household, resident=resident, relation=relation, moved_in_on=datetime.date(2020, 1, 1),
        moved_out_on=moved_out_on,
    )


def tag(resident, *codes):
    resident.care_tags.add(*CareTag.objects.filter(code__in=codes))


@pytest.fixture(autouse=True)
def stale_after_a_year(settings):
    settings.VERIFICATION_STALE_DAYS = 365


@pytest.fixture
def world(cast):
    a, b, c = cast.grid_a, cast.grid_b, cast.grid_c
    a1 = Building.objects.create(grid=a, name="1号楼", address="百花路1号", floors=6)
    a2 = Building.objects.create(grid=a, name="2号楼", address="百花路2号", floors=6)
    rooms = {
        room: Dwelling.objects.create(grid=a, building=a1, floor=1, room=room, use=use)
        for room, use in [("101", DwellingUse.OWNER_OCCUPIED), ("102", DwellingUse.RENTED),
                          ("103", DwellingUse.VACANT), ("104", DwellingUse.OWNER_OCCUPIED)]
    }
    h1 = Household.objects.create(grid=a, dwelling=rooms["101"])
    h2 = Household.objects.create(grid=a, dwelling=rooms["102"])
    wang = person(a, "王桂娟", 1, political_status=PoliticalStatus.PARTY_MEMBER)
    qu = person(a, "曲秀英", 2, phone="", political_status=PoliticalStatus.PROBATIONARY,
                residency_type=ResidencyType.FLOATING)
    xing = person(a, "邢瑜璇", 0, birth=False)
    xu = person(a, "徐阿姨", 4, status=ResidentStatus.MOVED_AWAY)
    li = person(b, "李建国", 5, residency_type=ResidencyType.FLOATING)
    stay(h1, wang)
    stay(h1, qu, Relation.SPOUSE)
    stay(h1, li, Relation.TENANT)
    stay(h2, xing, moved_out_on=datetime.date(2025, 6, 1))
    tag(wang, "living_alone_elderly", "disabled")
    tag(qu, "disabled")
    tag(xing, "veteran")
    tag(xu, "veteran")
    tag(li, "special_attention")

    b3 = Building.objects.create(grid=b, name="3号楼", address="百花路3号", floors=6)
    b101 = Dwelling.objects.create(grid=b, building=b3, floor=1, room="101", use=DwellingUse.RENTED)
    hb1 = Household.objects.create(grid=b, dwelling=b101)
    zhang = person(b, "张明", 6, political_status=PoliticalStatus.PARTY_MEMBER, residency_type=ResidencyType.FLOATING)
    stay(hb1, zhang)
    tag(zhang, "living_alone_elderly")

    c5 = Building.objects.create(grid=c, name="5号楼", address="协作路5号", floors=6)
    c101 = Dwelling.objects.create(grid=c, building=c5, floor=1, room="101")
    hc1 = Household.objects.create(grid=c, dwelling=c101)
    stay(hc1, person(c, "赵敏", 7))

    for record in (a1, rooms["101"], h1, wang, li, b3, b101, hb1):
        verified(record, FRESH)
    verified(rooms["104"], FRESH, VerificationState.DOUBTFUL)
    verified(qu, OLD)
    verified(zhang, OLD)
    return {"a1": a1, "a2": a2, "rooms": rooms, "h1": h1, "h2": h2}


@pytest.fixture
def building_head(cast, world):
    head = make_user("building_head_a1", "building_head", cast.grid_a)
    world["a1"].heads.add(head)
    return head


def tag_counts(coverage):
    return {figure.code: figure.count for figure in coverage.care_tags}


def test_it_counts_every_figure_of_a_grid_exactly(cast, world):
    coverage = area_coverage(cast.grid_a, cast.superuser, now=NOW)
    assert (coverage.buildings, coverage.dwellings, coverage.household_records) == (2, 4, 2)
    assert coverage.households == 1  # only H1 has a current member
    assert coverage.people == 4  # 王桂娟, 曲秀英, 邢瑜璇 (registered) and 李建国 (staying); not 徐阿姨
    assert (coverage.floating, coverage.party_members) == (2, 2)
    assert coverage.buildings_without_dwellings == 1
    assert coverage.dwellings_without_household == 2  # 102 (household moved out) and 104; 103 is vacant
    assert coverage.households_without_members == 1
    assert coverage.residents_missing_fields == 2
    assert coverage.missing_by_field == {"id_number": 1, "birth_date": 1, "phone": 1}
    assert {kind: (v.total, v.stale, v.doubtful) for kind, v in coverage.verification.items()} == {
        "building": (2, 1, 0), "dwelling": (4, 2, 1), "household": (2, 1, 0), "resident": (4, 2, 0),
    }
    counts = tag_counts(coverage)
    assert (counts["living_alone_elderly"], counts["disabled"], counts["veteran"]) == (1, 2, 1)
    assert counts["special_attention"] == 1
    assert counts["left_behind_child"] == 0


def test_it_lists_the_records_of_each_gap(cast, world):
    def names(key, user=cast.superuser):
        return sorted(str(record) for record in gap_records(key, cast.grid_a, user, now=NOW))

    assert names("buildings_without_dwellings") == ["2号楼"]
    assert names("dwellings_without_household") == ["1号楼102", "1号楼104"]
    assert names("households_without_members") == ["1号楼102"]
    assert names("residents_missing_fields") == ["曲秀英", "邢瑜璇"]
    assert names("stale_resident") == ["曲秀英", "邢瑜璇"]
    assert names("doubtful_dwelling") == ["1号楼104"]
    assert names("stale_building") == ["2号楼"]


def test_it_counts_each_person_once_over_a_street(cast, world):
    coverage = area_coverage(cast.street1, cast.street_leader, now=NOW)
    assert (coverage.buildings, coverage.households, coverage.people) == (3, 2, 5)
    assert (coverage.floating, coverage.party_members) == (3, 3)
    assert tag_counts(coverage)["living_alone_elderly"] == 2


def test_a_grid_worker_counts_only_the_records_of_their_grid(cast, world):
    worker = area_coverage(cast.grid_a, cast.grid_worker_a, now=NOW)
    leader = area_coverage(cast.grid_a, cast.street_leader, now=NOW)
    # 李建国 lives in grid A but is registered in grid B: the grid A worker does not see him.
    assert (worker.people, worker.floating) == (3, 1)
    assert (leader.people, leader.floating) == (4, 2)
    assert area_coverage(cast.grid_b, cast.grid_worker_b, now=NOW).people == 2  # 张明 and 李建国


def test_a_building_head_counts_only_their_buildings(cast, world, building_head):
    coverage = area_coverage(cast.grid_a, building_head, now=NOW)
    assert (coverage.buildings, coverage.buildings_without_dwellings) == (1, 0)
    assert (coverage.dwellings, coverage.dwellings_without_household) == (4, 2)
    assert coverage.people == 3  # the people staying in 1号楼 now


def test_sensitive_tags_are_hidden_from_roles_without_access(cast, world, building_head):
    worker = tag_counts(area_coverage(cast.grid_a, cast.grid_worker_a, now=NOW))
    assert worker["disabled"] == 2
    assert "special_attention" not in worker  # for leaders only
    head = tag_counts(area_coverage(cast.grid_a, building_head, now=NOW))
    assert "disabled" not in head and "special_attention" not in head
    assert head["living_alone_elderly"] == 1
    assert tag_counts(area_coverage(cast.grid_a, cast.street_leader, now=NOW))["special_attention"] == 1


def test_it_counts_with_a_small_constant_number_of_queries(cast, world):
    def queries():
        user = type(cast.street_leader).objects.get(pk=cast.street_leader.pk)
        with CaptureQueriesContext(connection) as captured:
            area_coverage(cast.street1, user, now=NOW)
        return len(captured)

    before = queries()
    building = Building.objects.create(grid=cast.grid_b, name="9号楼", address="百花路9号", floors=3)
    for room in ("101", "102", "201"):
        dwelling = Dwelling.objects.create(grid=cast.grid_b, building=building, floor=int(room[0]), room=room)
        household = Household.objects.create(grid=cast.grid_b, dwelling=dwelling)
        resident = person(cast.grid_b, f"住户{room}", 10 + int(room[-1]) + int(room[0]) * 3)
        stay(household, resident)
        tag(resident, "veteran", "disabled")
    assert queries() == before
    assert before <= 10


def test_the_coverage_page_shows_figures_and_gaps(cast, world, login):
    response = login(cast.grid_worker_a).get(reverse("registry:coverage", args=[cast.grid_a.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "基础信息覆盖情况" in text
    assert "楼栋数" in text and "流动人口" in text and "残疾人" in text
    assert "重点关注" not in text
    assert 'data-gap="residents_missing_fields"' in text


def test_the_coverage_page_lists_a_gaps_records(cast, world, login, django_assert_max_num_queries):
    client = login(cast.street_leader)
    url = reverse("registry:coverage", args=[cast.grid_a.code])
    with django_assert_max_num_queries(20):
        response = client.get(url, {"gap": "residents_missing_fields"})
    text = response.content.decode()
    assert "曲秀英" in text and "邢瑜璇" in text and "王桂娟" not in text
    assert "缺少：证件号码、出生日期" in text and "缺少：联系电话" in text
    assert reverse("registry:resident", args=[Resident.objects.get(name="曲秀英").pk]) in text
    assert id_number(1) not in text
    assert client.get(url, {"gap": "no_such_gap"}).status_code == 404


def test_the_panel_is_a_compact_fragment(cast, world, login):
    response = login(cast.grid_worker_a).get(reverse("registry:coverage_panel", args=[cast.grid_a.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text and 'id="coverage"' in text
    assert 'id="figure-people"' in text and "没有登记房屋的楼栋" in text


def test_the_area_page_loads_the_panel_with_htmx(cast, login):
    response = login(cast.grid_worker_a).get(reverse("areas:detail", args=[cast.grid_a.code]))
    panel = reverse("registry:coverage_panel", args=[cast.grid_a.code])
    assert f'hx-get="{panel}"' in response.content.decode()


@pytest.mark.parametrize("name", ["registry:coverage", "registry:coverage_panel"])
def test_areas_outside_the_scope_answer_404(cast, world, login, name):
    client = login(cast.street_leader)
    assert client.get(reverse(name, args=[cast.grid_c.code])).status_code == 404
    assert client.get(reverse(name, args=[cast.street2.code])).status_code == 404
    assert client.get(reverse(name, args=[cast.street1.code])).status_code == 200
    assert login(cast.outsider).get(reverse(name, args=[cast.grid_a.code])).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_area_page_shows_the_coverage_panel_in_a_browser(cast, world, browser_login):
    page = browser_login(cast.grid_worker_a)
    page.goto(reverse("areas:detail", args=[cast.grid_a.code]))
    panel = page.locator("#coverage .coverage-figures")
    panel.wait_for()
    assert page.locator("#figure-people .value").inner_text().startswith("3")
    assert "没有登记房屋的楼栋" in page.locator("#coverage").inner_text()
    page.click("#coverage a:has-text('查看详情')")
    page.wait_for_url(f"**{reverse('registry:coverage', args=[cast.grid_a.code])}")
    assert "栋不漏户，户不漏人" in page.content()


def test_roles_without_registry_access_get_no_coverage(cast, world, login):
    handler = make_user("property_handler_a", "property_handler", cast.grid_a)
    client = login(handler)
    assert client.get(reverse("registry:coverage", args=[cast.grid_a.code])).status_code == 403
    panel = client.get(reverse("registry:coverage_panel", args=[cast.grid_a.code]))
    assert panel.status_code == 200 and panel.content == b""


def test_the_panels_care_tag_chips_open_the_tags_residents_in_that_area(cast, world, login):
    import html as html_module
    import re

    client = login(cast.street_leader)
    elderly = CareTag.objects.get(code="living_alone_elderly")
    for area, expected in ((cast.street1, {"王桂娟", "张明"}), (cast.grid_b, {"张明"})):
        panel = client.get(reverse("registry:coverage_panel", args=[area.code])).content.decode()
        link = re.search(r'id="figure-tag-living_alone_elderly" href="([^"]+)"', panel).group(1)
        link = html_module.unescape(link)
        assert link == f"{reverse('registry:search')}?tag={elderly.pk}&area={area.code}"
        listed = client.get(link).content.decode()
        names = set(re.findall(r'/registry/residents/\d+/">([^<]+)</a>', listed))
        assert names == expected, area
        assert f'name="area" value="{area.code}"' in listed and area.name in listed


def test_a_resident_list_for_an_area_outside_the_scope_lists_nobody_and_says_why(cast, world, login):
    client = login(cast.street_leader)
    listed = client.get(reverse("registry:search"), {"area": cast.grid_c.code}).content.decode()
    assert "赵敏" not in listed and "区域不存在，或不在您的管辖范围内。" in listed
    assert "王桂娟" not in listed
