"""事件台账 (/cases/ledger/ and its .xlsx export): scope, filters, masking, the file read back."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from cases import ledgers
from cases.ledger_workbook import HEADER_ROW
from cases.models import Channel, Rating, Status
from cases.tests.stats_factory import at, make_category, make_row, make_unit

URL = reverse("cases:ledger")
EXPORT = reverse("cases:ledger_export")


@pytest.fixture
def rows(cast):
    lamp = make_category("t-lamp", "路灯")
    unit = make_unit("百花物业", cast.street1)
    return {
        "a": make_row(cast, lamp, reported="2026-03-02 09:00", hours=30, rating=Rating.BASICALLY,
                      rating_comment="处理及时", reporter_name="王大妈", reporter_phone="13812345678",
                      lead_organisation=unit, address="百花小区3号楼", accept_due_at=at("2026-03-02 13:00"),
                      handle_overdue=True, ever_overdue=True),
        "b": make_row(cast, lamp, grid=cast.grid_b, status=Status.HANDLING, channel=Channel.HOTLINE,
                      reported="2026-03-05 10:00", anonymous=True, reporter_phone="13900001111",
                      description="=HYPERLINK(\"http://evil.example\",\"点我\")"),
        "c": make_row(cast, lamp, grid=cast.grid_c, reported="2026-03-06 10:00"),
    }


def read(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    values = [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW, values_only=True)]
    headers = values[0]
    return sheet, [dict(zip(headers, row, strict=True)) for row in values[1:]]


def test_it_lists_the_cases_in_scope(rows, cast, login):
    response = login(cast.street_leader).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert rows["a"].number in html and rows["b"].number in html
    assert rows["c"].number not in html
    assert "共 2 条" in html


def test_it_exports_every_column_with_masked_phones(rows, cast, login):
    sheet, found = read(login(cast.street_leader).get(EXPORT))

    assert sheet.title == "事件台账"
    assert [row["事件编号"] for row in found] == [rows["b"].number, rows["a"].number]  # newest first
    first = found[1]
    assert first["类别"] == "路灯"
    assert first["地点"] == "百花小区3号楼"
    assert (first["所属网格"], first["所属社区"], first["所属街道"]) == ("百花社区第一网格", "百花社区", "林山寨街道")
    assert first["来源渠道"] == "网格员上报"
    assert first["反映人"] == "王大妈"
    assert first["联系电话"] == "138****5678"
    assert first["状态"] == "已结案"
    assert first["上报时间"].isoformat(sep=" ") == "2026-03-02 09:00:00"  # local wall-clock time
    assert first["受理时限"].isoformat(sep=" ") == "2026-03-02 13:00:00"
    assert first["结案时间"].isoformat(sep=" ") == "2026-03-03 15:00:00"
    assert first["主办单位"] == "百花物业"
    assert (first["处置超期"], first["曾超期"], first["受理超期"]) == ("是", "是", None)
    assert (first["办理结果"], first["评价"], first["评价意见"]) == ("已解决", "基本满意", "处理及时")
    assert {"派遣时限", "派遣超期", "结案时限", "结案超期"} <= set(first)  # the waiting states' clocks


def test_it_keeps_anonymous_reporters_anonymous(rows, cast, login):
    _sheet, found = read(login(cast.street_leader).get(EXPORT))

    anonymous = found[0]
    assert anonymous["反映人"] == "匿名"
    assert anonymous["联系电话"] is None
    assert "13900001111" not in str(found)


def test_it_never_writes_a_formula(rows, cast, login):
    sheet, found = read(login(cast.street_leader).get(EXPORT))

    cell = next(row for row in sheet.iter_rows(min_row=HEADER_ROW + 1) if row[0].value == rows["b"].number)[2]
    assert cell.data_type == "s"
    assert found[0]["问题描述"].startswith("=HYPERLINK")


def test_it_exports_with_the_pages_filter(rows, cast, login):
    client = login(cast.superuser)
    html = client.get(URL, {"channel": Channel.HOTLINE}).content.decode()
    assert f'href="{EXPORT}?channel=hotline"' in html

    _sheet, found = read(client.get(EXPORT, {"channel": Channel.HOTLINE}))

    assert [row["事件编号"] for row in found] == [rows["b"].number]


def test_it_sends_a_bad_export_filter_back_to_the_page(rows, cast, login):
    client = login(cast.street_leader)

    response = client.get(EXPORT, {"date_from": "2026-02-30"})

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?date_from=2026-02-30"
    assert "请填写有效的日期。" in client.get(response["Location"]).content.decode()


def test_it_shows_another_district_an_empty_ledger(rows, cast, login):
    client = login(cast.other_district_admin)

    assert "共 0 条" in client.get(URL).content.decode()
    _sheet, found = read(client.get(EXPORT))
    assert found == []


def test_it_refuses_users_who_may_not_export(rows, cast, login):
    assert login(cast.grid_worker_a).get(URL).status_code == 403
    assert login(cast.grid_worker_a).get(EXPORT).status_code == 403


def test_it_pages_with_a_constant_number_of_queries(rows, cast, login, django_assert_max_num_queries):
    client = login(cast.street_leader)
    client.get(URL)
    cache.clear()  # both requests as the first one: the filter's cached menus read (cases.choices)
    with django_assert_max_num_queries(20) as first:
        client.get(URL, {"status": Status.CLOSED})
    lamp = make_category("t-more", "更多")
    for day in range(1, 29):
        make_row(cast, lamp, grid=cast.grid_a if day % 2 else cast.grid_b, reported=f"2026-02-{day:02d} 10:00")
    cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(URL, {"status": Status.CLOSED})
    assert "共 29 条" in response.content.decode()


def test_it_streams_large_exports_in_batches(rows, cast, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(ledgers, "CHUNK_SIZE", 2)
    lamp = make_category("t-more", "更多")
    for day in range(1, 6):
        make_row(cast, lamp, grid=cast.grid_b, reported=f"2026-02-{day:02d} 10:00")
    from cases.models import Case

    with django_assert_max_num_queries(12):  # 4 batches of rows, area names per batch
        values = list(ledgers.case_rows(Case.objects.filter(street_code=cast.street1.code)))

    assert len(values) == 7
    assert {row[5] for row in values} == {"百花社区"}
