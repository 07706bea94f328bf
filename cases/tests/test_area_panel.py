"""The cases card of an area page: open and overdue cases now, this month's 办结率 and 满意率 with
their denominators (the statistics page's formulas), scoped, and empty for users who may not
view cases there."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Rating, Status
from cases.tests.stats_factory import make_category, make_row
from cases.views.area_panel import month_start

pytestmark = pytest.mark.django_db


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def month(cast):  # type: ignore[no-untyped-def]
    """This month in street 1: 2 closed (1 satisfied, 1 dissatisfied), 1 closed unrated, 1 handling
    and overdue, 1 reported; last month: 1 handling; street 2: 1 handling and overdue."""
    category = make_category("t-panel", "测试类别")
    now = timezone.now()
    start = month_start(now)
    this_month = local(start + (now - start) / 2)
    last_month = local(start - datetime.timedelta(days=3))
    late = now - datetime.timedelta(hours=1)
    make_row(cast, category, reported=this_month, rating=Rating.SATISFIED)
    make_row(cast, category, reported=this_month, rating=Rating.DISSATISFIED)
    make_row(cast, category, reported=this_month, grid=cast.grid_b)
    make_row(cast, category, reported=this_month, status=Status.HANDLING, stage="handle", stage_due_at=late)
    make_row(cast, category, reported=this_month, status=Status.REPORTED, accepted=False)
    make_row(cast, category, reported=last_month, status=Status.HANDLING, stage="handle",
             stage_due_at=now + datetime.timedelta(days=1))
    make_row(cast, category, grid=cast.grid_c, reported=this_month, status=Status.HANDLING, stage="handle",
             stage_due_at=late)


def figure(html: str, key: str) -> str:
    """The text of one figure: from its element to the next figure (or the card's note)."""
    start = html.index(">", html.index(f'id="case-figure-{key}"')) + 1
    ends = [found for found in (html.find('class="figure', start), html.find("<p ", start)) if found > 0]
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:min(ends)].rsplit("<", 1)[0]).split())


def panel(client, area) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("cases:area_panel", args=[area.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_streets_open_and_overdue_cases_and_this_months_rates(cast, month, login):  # type: ignore[no-untyped-def]
    html = panel(login(cast.street_leader), cast.street1)
    assert "<html" not in html and 'id="case-figures"' in html
    assert figure(html, "open").startswith("3")  # handling ×2 (one from last month) + reported
    assert figure(html, "overdue").startswith("1")
    completion = figure(html, "completion")
    assert "75.0%" in completion and "办结 3 ÷ 受理 4" in completion
    satisfaction = figure(html, "satisfaction")
    assert "50.0%" in satisfaction and "满意与基本满意 1 ÷ 已评价 2；未评价 1 件不计入" in satisfaction


def test_a_grid_counts_only_its_own_cases(cast, month, login):  # type: ignore[no-untyped-def]
    html = panel(login(cast.street_leader), cast.grid_b)
    assert figure(html, "open").startswith("0")
    assert "办结 1 ÷ 受理 1" in figure(html, "completion") and "—" in figure(html, "satisfaction")


def test_the_figures_link_to_the_workbench_and_the_statistics_of_the_area(cast, month, login):  # type: ignore[no-untyped-def]
    code = cast.street1.code
    html = panel(login(cast.street_leader), cast.street1)
    assert f'href="/cases/?queue=overdue&amp;area={code}"' in html
    assert f'href="/cases/?queue=all&amp;area={code}"' in html
    assert f'href="/cases/stats/?area={code}"' in html


def test_it_answers_404_outside_the_scope_and_nothing_to_those_who_may_not_view_cases(cast, cc, month, login):  # type: ignore[no-untyped-def]
    client = login(cast.street_leader)
    assert client.get(reverse("cases:area_panel", args=[cast.street2.code])).status_code == 404
    client = login(cc.property_handler)  # handles its unit's cases, views no area's
    response = client.get(reverse("cases:area_panel", args=[cast.street1.code]))
    assert response.status_code == 200 and response.content == b""


def test_the_area_page_loads_it_beside_the_registry_figures(cast, login):  # type: ignore[no-untyped-def]
    html = login(cast.street_leader).get(reverse("areas:detail", args=[cast.street1.code])).content.decode()
    assert "{#" not in html and "{% comment" not in html
    panels = html[html.index('id="area-panels"'):]
    assert f'hx-get="{reverse("registry:coverage_panel", args=[cast.street1.code])}"' in panels
    assert f'hx-get="{reverse("cases:area_panel", args=[cast.street1.code])}"' in panels


def test_it_costs_a_fixed_number_of_queries(cast, month, login, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    client = login(cast.street_leader)
    with django_assert_max_num_queries(8):
        client.get(reverse("cases:area_panel", args=[cast.street1.code]))
