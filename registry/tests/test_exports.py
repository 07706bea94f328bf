"""导出Excel: the filtered list as .xlsx, scoped, masked, visible tags only; written in write-only mode."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.testing import Cast
from audit.models import AccessLogEntry
from registry import exports
from registry.models import CareTag
from registry.tests.test_pages import CLEAR_VALUES, World, build_world


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def read_back(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_it_exports_the_filtered_resident_list_masked(world, login):
    response = login(world.cast.grid_worker_a).get(reverse("registry:export_residents"), {"q": "张"})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = read_back(response)
    assert rows[0][:6] == ["姓名", "性别", "出生年份", "证件类型", "证件号码", "联系电话"]
    assert [row[0] for row in rows[1:]] == ["张三"]
    assert rows[1][2] == 1950
    assert rows[1][4] == "410" + "*" * 13 + world.zhang.id_number[-2:]
    assert rows[1][5] == "138****5678"
    assert "百花小区1号楼1单元101" in rows[1]
    flat = repr(rows)
    for value in CLEAR_VALUES:
        assert value not in flat


def test_it_exports_only_the_users_scope_and_visible_tags(world, login):
    rows = read_back(login(world.cast.grid_worker_a).get(reverse("registry:export_residents")))
    names = {row[0] for row in rows[1:]}
    assert names == {"张三", "李四", "赵六"}
    tags = {row[0]: row[12] for row in rows[1:]}
    assert tags["张三"] == "独居老人、残疾人" and not tags["李四"]
    leader_rows = read_back(login(world.leader_a).get(reverse("registry:export_residents")))
    assert {row[0]: row[12] for row in leader_rows[1:]}["李四"] == "重点关注"
    head_rows = read_back(login(world.head_b1).get(reverse("registry:export_residents")))
    assert {row[0] for row in head_rows[1:]} == {"张三", "李四"}


def test_it_exports_the_results_of_a_search_by_identifier_without_the_number_in_the_address(world, login):
    client = login(world.cast.grid_worker_a)
    results = client.post(reverse("registry:search"), {"q": world.li.id_number})
    assert results.status_code == 302 and world.li.id_number not in results["Location"]
    query = results["Location"].split("?", 1)[1]
    rows = read_back(client.get(reverse("registry:export_residents") + "?" + query))
    assert [row[0] for row in rows[1:]] == ["李四"]


def test_it_does_not_export_a_search_for_a_clear_identifier_in_the_address(world, login):
    client = login(world.cast.grid_worker_a)
    query = {"q": world.li.id_number, "residency_type": "registered"}
    response = client.get(reverse("registry:export_residents"), query)
    assert response.status_code == 302 and world.li.id_number not in response["Location"]
    assert response["Location"] == reverse("registry:search") + "?residency_type=registered"
    page = client.get(response["Location"]).content.decode()
    assert "按证件号码或电话查询请在查询框中输入后点击“查询”。" in page
    assert not AccessLogEntry.objects.exists()


def test_it_exports_the_building_list(world, login):
    rows = read_back(login(world.cast.street_leader).get(reverse("registry:export_buildings")))
    assert rows[0][:3] == ["所属网格", "小区", "楼栋号/名称"]
    assert sorted(row[2] for row in rows[1:]) == ["1号楼", "2号楼"]
    assert {row[2]: row[7] for row in rows[1:]}["1号楼"] == 4


def test_it_writes_in_write_only_mode_and_reads_back_many_rows():
    buffer = io.BytesIO()
    with mock.patch("registry.exports.Workbook", wraps=exports.Workbook) as workbook:
        count = exports.write_workbook(buffer, "居民", ["a", "b"], ([n, f"行{n}"] for n in range(20_000)))
    workbook.assert_called_once_with(write_only=True)
    assert count == 20_000
    buffer.seek(0)
    sheet = load_workbook(buffer, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 20_001 and rows[-1] == (19_999, "行19999")


def test_it_refuses_exports_to_users_without_registry_permission(world, login):
    assert login(world.cast.outsider).get(reverse("registry:export_residents")).status_code == 403
    assert CareTag.objects.exists()


def test_text_that_looks_like_a_formula_stays_text():
    """A name typed as "=HYPERLINK(…)" must not run as a formula when the export is opened."""
    buffer = io.BytesIO()
    exports.write_workbook(buffer, "楼栋", ["名称"], [['=HYPERLINK("http://evil.example","点我")'], ["=1+2"]])
    buffer.seek(0)
    cells = [row[0] for row in load_workbook(buffer).worksheets[0].iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s", "s"]
    assert cells[1].value == "=1+2"


def test_the_header_row_stays_in_sight_and_filters_every_column():
    buffer = io.BytesIO()
    exports.write_workbook(buffer, "楼栋", ["名称", "地址"], ([f"{n}号楼", "航海西路"] for n in range(3)))
    buffer.seek(0)
    sheet = load_workbook(buffer).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B4"
