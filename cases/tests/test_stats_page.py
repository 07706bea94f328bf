"""The statistics page (/cases/stats/): who may open it, what each user sees, bad input, query cost."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind
from accounts.testing import make_user
from cases import rollups
from cases.models import Case, Channel, HandlingLevel, Rating, RatingSource, Status
from cases.tests.stats_factory import at, make_category, make_row
from cases.views import stats

URL = reverse("cases:stats")


@pytest.fixture
def rows(cast):
    lamp = make_category("t-lamp", "路灯")
    noise = make_category("t-noise", "噪音扰民")
    return [
        make_row(cast, lamp, hours=10, rating=Rating.SATISFIED, rating_source=RatingSource.CALLBACK),
        make_row(cast, lamp, grid=cast.grid_b, hours=30, rating=Rating.DISSATISFIED, rating_source=RatingSource.SELF),
        make_row(cast, noise, grid=cast.grid_b, status=Status.HANDLING),
        make_row(cast, noise, grid=cast.grid_c, hours=5, rating=Rating.SATISFIED, reported="2026-04-02 09:00"),
    ]


def headline(response):
    """Headline label -> value, as shown."""
    html = response.content.decode()
    section = html.split('id="headline"', 1)[1].split('id="charts"', 1)[0]
    labels = [part.split("</div>", 1)[0] for part in section.split('<div class="small text-muted">')[1::2]]
    values = [part.split("</div>", 1)[0] for part in section.split('headline-value">')[1:]]
    return dict(zip(labels, values, strict=True))


def test_it_shows_the_street_leader_their_street_only(rows, cast, login):
    response = login(cast.street_leader).get(URL)

    assert response.status_code == 200
    figures = headline(response)
    assert figures["受理数"] == "3"
    assert figures["办结率"] == "66.7%"
    assert figures["满意率"] == "50.0%"
    assert "建设路街道" not in response.content.decode()
    assert "百花社区" in response.content.decode()  # the area table: the street's communities


def test_it_shows_the_denominators(rows, cast, login):
    html = login(cast.street_leader).get(URL).content.decode()

    assert "办结 2 ÷ 受理 3" in html
    assert "满意与基本满意 1 ÷ 已评价 2；未评价 0 件不计入" in html
    assert "反映人自评：满意与基本满意 0 ÷ 1" in html and "电话回访：满意与基本满意 1 ÷ 1" in html
    # Closed in 10 and 30 hours: the median (20) is read from the rollups' histogram, each middle
    # value placed within its bucket (10.4 and 29.3), and shown as an estimate.
    assert "小时（约 0.8 天）；中位 ≈19.9 小时" in html


def test_it_shows_another_district_nothing(rows, cast, login):
    response = login(cast.other_district_admin).get(URL)

    assert response.status_code == 200
    assert headline(response)["受理数"] == "0"
    assert "百花社区" not in response.content.decode()


def test_it_refuses_an_area_outside_scope_without_leaking_it(rows, cast, login):
    response = login(cast.other_district_admin).get(URL, {"area": cast.street1.code})

    assert response.status_code == 200
    assert "请从列表中选择区域。" in response.content.decode()
    assert headline(response)["受理数"] == "0"


def test_it_refuses_users_without_statistics_permissions(rows, cast, login):
    assert login(cast.grid_worker_a).get(URL).status_code == 403
    assert login(cast.outsider).get(URL).status_code == 403


def test_it_opens_for_a_supervisor(rows, cast, login):
    supervisor = make_user("supervisor_a", "supervisor", cast.community1)

    response = login(supervisor).get(URL)

    assert response.status_code == 200
    assert headline(response)["受理数"] == "3"
    assert f'href="{reverse("cases:ledger")}"' not in response.content.decode()  # no ledgers without export
    menu = login(supervisor).get(reverse("areas:index")).content.decode()
    assert f'href="{URL}"' in menu  # the menu leads there


def test_it_redirects_anonymous_users_to_login(client, db):
    assert client.get(URL).status_code == 302


def test_it_breaks_an_area_down_into_its_children(rows, cast, login):
    client = login(cast.superuser)
    top = client.get(URL).content.decode()
    community = client.get(URL, {"area": cast.community1.code}).content.decode()

    assert f'href="?area={cast.street1.code}"' not in top  # districts are the rows for a superuser
    assert f'href="?area={cast.district.code}"' in top
    area_table = community.split('id="table-area"', 1)[1].split("</section>", 1)[0]
    assert "百花社区第一网格" in area_table and "百花社区第二网格" in area_table
    assert f'href="?area={cast.grid_a.code}"' in area_table


def test_it_groups_by_the_chosen_period(rows, cast, login):
    html = login(cast.superuser).get(URL, {"period": "day"}).content.decode()

    period_table = html.split('id="table-period"', 1)[1].split("</section>", 1)[0]
    assert "按日" in period_table and "2026-03-02" in period_table and "2026-04-02" in period_table


def test_it_answers_bad_input_with_messages_not_errors(rows, cast, login):
    response = login(cast.superuser).get(URL, {"period": "year", "date_from": "2026-13-01", "category": "x"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "请从列表中选择统计周期。" in html
    assert "请填写有效的日期。" in html
    assert "请从列表中选择类别。" in html


def test_it_hands_the_charts_their_data_and_scripts(rows, cast, login):
    response = login(cast.street_leader).get(URL)

    data = json.loads(response.content.decode().split('id="case-chart-data" type="application/json">', 1)[1]
                      .split("</script>", 1)[0])
    assert data["headline"]["accepted"] == 3
    assert [row["label"] for row in data["tables"]["area"]] == ["百花社区"]
    html = response.content.decode()
    for script in ("js_lib_vega_embed/vega5.js", "js_lib_vega_embed/vega-lite5.js",
                   "js_lib_vega_embed/vega-embed6.js", "wangge/case-charts.js"):
        assert script in html


def test_it_costs_the_same_queries_for_many_cases(rows, cast, login, django_assert_max_num_queries):
    client = login(cast.street_leader)
    client.get(URL)
    cache.clear()  # both requests as the first one: the filter's cached menus read (cases.choices)
    with django_assert_max_num_queries(25) as first:
        client.get(URL, {"area": cast.community1.code})
    lamp = make_category("t-more", "更多")
    for day in range(1, 29):
        make_row(cast, lamp, grid=cast.grid_a if day % 2 else cast.grid_b, reported=f"2026-02-{day:02d} 10:00")
    cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(URL, {"area": cast.community1.code})


def test_it_breaks_a_category_down_into_its_subcategories(cast, login):
    facility = make_category("t-facility", "设施损坏")
    lamp = make_category("t-lamp", "路灯", parent=facility)
    pavilion = make_category("t-pavilion", "凉亭", parent=facility)
    make_row(cast, lamp, hours=10)
    make_row(cast, pavilion, hours=20)
    make_row(cast, make_category("t-noise", "噪音扰民"), hours=5)
    client = login(cast.superuser)

    def category_rows(**params):  # type: ignore[no-untyped-def]
        html = client.get(URL, params).content.decode()
        return html.split('id="table-category"', 1)[1].split("</section>", 1)[0]

    top = category_rows()
    assert "设施损坏" in top and "路灯" not in top  # the subcategories are counted in their parent's row
    assert f'href="?category={facility.pk}"' in top
    inside = category_rows(category=facility.pk)
    assert "路灯" in inside and "凉亭" in inside and "噪音扰民" not in inside


def _load_cases(cast, category, count, start):
    """``count`` cases written in bulk (as ``generate_city`` does), then the rollups rebuilt."""
    statuses = [Status.CLOSED, Status.CLOSED, Status.HANDLING, Status.REPORTED, Status.MERGED]
    grids = [cast.grid_a, cast.grid_b, cast.grid_c]
    cases = []
    for number in range(start, start + count):
        reported_at = at("2026-01-05 09:00") + datetime.timedelta(days=number % 120, hours=number % 11)
        status = statuses[number % len(statuses)]
        grid = grids[number % len(grids)]
        cases.append(Case(
            category=category, description="测试事件", channel=Channel.GRID_WORKER, grid=grid, desk_area=grid,
            grid_code=grid.code, community_code=grid.code[:12], street_code=grid.code[:9] + "000",
            level=HandlingLevel.GRID, reported_at=reported_at, status=status,
            accepted_at=reported_at + datetime.timedelta(hours=1) if status != Status.REPORTED else None,
            closed_at=reported_at + datetime.timedelta(hours=number % 90 + 1) if status == Status.CLOSED else None,
            rating=[Rating.SATISFIED, ""][number % 2] if status == Status.CLOSED else "",
        ))
    Case.objects.bulk_create(cases)
    rollups.rebuild()


@pytest.mark.parametrize("query", [{}, {"period": "week"}, {"status": Status.CLOSED}, {"date_from": "2026-02-03"}])
def test_its_query_count_stays_the_same_from_50_to_2000_cases(query, cast, login):
    category = make_category("t-bulk", "批量")
    client = login(cast.street_leader)
    client.get(URL, {"area": cast.community1.code})  # warm-up: sessions, caches

    def count() -> tuple[int, int]:
        """Queries with the slices' sums not cached (as after a rebuild), then cached."""
        rollups.new_slices_generation()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(URL, query).status_code == 200
            counts.append(len(captured))
        return counts[0], counts[1]

    _load_cases(cast, category, 50, 0)
    small = count()
    _load_cases(cast, category, 1950, 50)
    visible = Case.objects.visible_to(cast.street_leader).count()
    assert visible > 1000 and f"上报 {visible} 件" in client.get(URL).content.decode()  # every case counted
    assert count() == small
    assert small[1] <= small[0]


def _unit_table(response):
    """(label, 上报数) of each row of the unit table, as shown, and the note under it."""
    html = response.content.decode()
    section = html.split('id="table-unit"', 1)[1].split("</section>", 1)[0]
    rows = []
    for part in section.split('<th scope="row">')[1:]:
        label = part.split("</th>", 1)[0]
        reported = part.split('<td class="text-end">', 2)[1].split("</td>", 1)[0]
        rows.append((label, int(reported)))
    note = section.split("</table>", 1)[1]
    return rows, note


def _three_units(cast):
    """繁忙物业 leading 3 cases, 清闲物业 2 and 少事物业 1 (all 路灯); returns the category and 少事物业."""
    lamp = make_category("t-lamp", "路灯")
    busy, quiet, idle = (Organisation.objects.create(name=name, kind=OrganisationKind.PROPERTY, home_area=cast.street1)
                         for name in ("繁忙物业", "清闲物业", "少事物业"))
    for unit, count in ((busy, 3), (quiet, 2), (idle, 1)):
        for _ in range(count):
            make_row(cast, lamp, lead_organisation=unit)
    return lamp, idle


@pytest.mark.parametrize("compacted", [False, True])
def test_a_long_unit_table_lists_the_busiest_units_and_sums_the_rest(cast, login, monkeypatch, compacted):
    lamp, _idle = _three_units(cast)
    make_row(cast, lamp)  # no unit
    if compacted:  # the booked rows summed into the slices: the page reads slices, not rows
        rollups.compact(until=datetime.date.today() + datetime.timedelta(days=1))
    monkeypatch.setattr(stats, "UNIT_ROWS", 2)
    client = login(cast.street_leader)

    rows, note = _unit_table(client.get(URL))
    assert rows == [("繁忙物业", 3), ("清闲物业", 2), ("其余 2 个主办单位（合计）", 2)]
    assert "只列出上报数最多的 2 个主办单位，其余 2 个合计为最后一行。" in note and "units=all" in note

    rows, note = _unit_table(client.get(URL, {"units": "all"}))
    everyone = [("繁忙物业", 3), ("清闲物业", 2), ("少事物业", 1), ("无主办单位（自办或未派遣）", 1)]
    assert sorted(rows) == sorted(everyone)
    assert "只列出" not in note


def test_the_units_ranking_follows_a_rebuild_of_the_slices(cast, login, monkeypatch):
    """The ranking from the slices is cached under the watermark: a rebuild that leaves the
    watermark where it was still shows the new ranking at once."""
    lamp, idle = _three_units(cast)
    rollups.rebuild()  # every row summed into the slices, the watermark at yesterday
    monkeypatch.setattr(stats, "UNIT_ROWS", 2)
    client = login(cast.street_leader)
    assert _unit_table(client.get(URL))[0] == [("繁忙物业", 3), ("清闲物业", 2), ("其余 1 个主办单位（合计）", 1)]
    mark = rollups.watermark()

    for _ in range(4):
        make_row(cast, lamp, lead_organisation=idle)
    rollups.rebuild()

    assert rollups.watermark() == mark
    assert _unit_table(client.get(URL))[0] == [("繁忙物业", 3), ("少事物业", 5), ("其余 1 个主办单位（合计）", 2)]
