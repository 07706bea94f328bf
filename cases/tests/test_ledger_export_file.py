"""The ledger workbook read back: title rows, widths that fit their format, wrapped texts, print
setup, no formulas, and the Chinese file name."""

import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.ledger_workbook import HEADER_ROW, display_width
from cases.models import Channel
from cases.tests.stats_factory import make_category, make_row

EXPORT = reverse("cases:ledger_export")
DISPUTE_EXPORT = reverse("cases:dispute_ledger_export")


@pytest.fixture
def rows(cast):
    lamp = make_category("t-lamp", "路灯")
    return [
        make_row(cast, lamp, reported="2026-03-02 09:00", description="=1+1 楼道堆放杂物" * 10,
                 rating_comment="#N/A"),
        make_row(cast, lamp, grid=cast.grid_b, channel=Channel.HOTLINE, reported="2026-03-05 10:00",
                 address="@SUM(A1) 百花小区", description="路灯不亮\x07"),
    ]


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def column_of(sheet, header):
    for cell in sheet[HEADER_ROW]:
        if cell.value == header:
            return cell.column_letter
    raise AssertionError(header)


def test_it_names_the_ledger_area_filter_and_time_above_the_headers(rows, cast, login):
    query = {"channel": Channel.HOTLINE, "date_from": "2026-03-01"}
    sheet = workbook(login(cast.street_leader).get(EXPORT, query)).active

    assert sheet["A1"].value == "事件台账（林山寨街道）"
    assert sheet["A1"].font.b
    detail = sheet["A2"].value
    assert "来源渠道：热线电话" in detail and "上报日期自：2026-03-01" in detail
    assert "导出时间：20" in detail
    assert sheet["A3"].value == "事件编号"


def test_it_says_the_chosen_area_and_no_filter_in_words(rows, cast, login):
    sheet = workbook(login(cast.street_leader).get(EXPORT, {"area": cast.grid_b.code})).active
    assert sheet["A1"].value == f"事件台账（{cast.grid_b.name}）"

    sheet = workbook(login(cast.street_leader).get(EXPORT)).active
    assert sheet["A2"].value.startswith("筛选条件：无（全部）")


def test_it_fits_the_columns_to_their_format(rows, cast, login):
    sheet = workbook(login(cast.street_leader).get(EXPORT)).active

    reported = column_of(sheet, "上报时间")
    assert sheet.column_dimensions[reported].width >= len("2026-03-02 09:00") + 1  # never "#####"
    assert sheet[f"{reported}{HEADER_ROW + 1}"].number_format == "yyyy-mm-dd hh:mm"
    described = column_of(sheet, "问题描述")
    assert sheet.column_dimensions[described].width >= 40
    assert sheet[f"{described}{HEADER_ROW + 1}"].alignment.wrap_text
    for cell in sheet[HEADER_ROW]:
        assert sheet.column_dimensions[cell.column_letter].width >= display_width(cell.value) + 2


def test_it_sets_up_printing_and_the_frozen_filtered_header(rows, cast, login):
    sheet = workbook(login(cast.street_leader).get(EXPORT)).active

    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    last = sheet[HEADER_ROW][-1].column_letter
    assert sheet[f"{last}{HEADER_ROW}"].value == "评价意见"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:{last}{HEADER_ROW + 2}"


def test_it_never_writes_a_formula_and_drops_control_characters(rows, cast, login):
    sheet = workbook(login(cast.street_leader).get(EXPORT)).active

    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type not in ("f", "e") for cell in cells)  # no formula, no error value
    texts = [cell.value for cell in cells]
    assert any(str(text).startswith("=1+1") for text in texts)
    assert "#N/A" in texts
    assert "路灯不亮" in texts


def test_it_names_the_file_in_chinese_with_an_ascii_fallback(rows, cast, login):
    response = login(cast.street_leader).get(EXPORT)

    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="case-ledger-')
    assert f"filename*=UTF-8''{quote('事件台账_林山寨街道_')}" in disposition
    assert disposition.endswith(".xlsx")


def test_it_lays_out_the_dispute_ledger_the_same_way(cast, login):
    make_row(cast, make_category("t-dispute", "邻里纠纷", is_dispute=True))

    response = login(cast.street_leader).get(DISPUTE_EXPORT)
    sheet = workbook(response).active

    assert sheet["A1"].value == "矛盾纠纷台账（林山寨街道）"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert quote("矛盾纠纷台账_") in response["Content-Disposition"]
