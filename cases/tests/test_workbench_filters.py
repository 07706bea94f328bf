"""The workbench's filters (the shared ``CaseFilterForm``): they narrow every queue, survive
switching tabs and sorting, and bad input is shown on the form, never a server error."""

from __future__ import annotations

import re

from cases.models import Status
from cases.testing import advance, report

ROW = re.compile(r'data-case="(\d+)"')



def test_it_narrows_the_queue_by_category_and_area(cc, client):  # type: ignore[no-untyped-def]
    clutter = report(cc)
    building = report(cc, category="t-building")
    in_b = report(cc, grid=cc.cast.grid_b, actor=cc.cast.grid_worker_b)
    client.force_login(cc.dispatcher)
    html = client.get("/cases/", {"queue": "reported", "category": cc.category("t-building").pk}).content.decode()
    assert ROW.findall(html) == [building.number]
    html = client.get("/cases/", {"queue": "reported", "area": cc.cast.grid_b.code}).content.decode()
    assert ROW.findall(html) == [in_b.number]
    html = client.get("/cases/", {"queue": "reported", "area": cc.cast.grid_a.code, "sort": "oldest"}).content.decode()
    assert ROW.findall(html) == [clutter.number, building.number]
    assert '<details class="mb-3" open id="filters">' in html


def test_it_keeps_the_filter_in_tab_sort_and_page_links(cc, client):  # type: ignore[no-untyped-def]
    report(cc)
    client.force_login(cc.dispatcher)
    code = cc.cast.grid_a.code
    html = client.get("/cases/", {"queue": "reported", "area": code}).content.decode()
    assert f'href="?queue=all&amp;sort=deadline&amp;area={code}"' in html
    assert f'href="?queue=reported&amp;sort=newest&amp;area={code}"' in html


def test_it_counts_the_queues_within_the_filter(cc, client):  # type: ignore[no-untyped-def]
    report(cc)
    report(cc, category="t-building")
    advance(report(cc, category="t-building"), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    html = client.get("/cases/", {"queue": "reported"}).content.decode()
    assert re.search(r'id="queue-reported".*?queue-count">2<', html, re.S)
    assert re.search(r'id="queue-all".*?queue-count">3<', html, re.S)
    html = client.get("/cases/", {"queue": "reported", "category": cc.category("t-building").pk}).content.decode()
    assert re.search(r'id="queue-reported".*?queue-count">1<', html, re.S)
    assert re.search(r'id="queue-pending_dispatch".*?queue-count">1<', html, re.S)
    assert re.search(r'id="queue-all".*?queue-count">2<', html, re.S)
    assert "共 1 条" in html


def test_it_shows_bad_filter_input_on_the_form(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    response = client.get("/cases/", {"queue": "pending_dispatch", "date_from": "not-a-date",
                                      "area": cc.cast.grid_c.code})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写有效的日期。" in html and "请从列表中选择区域。" in html
    assert ROW.findall(html) == [case.number]  # invalid fields are not applied
