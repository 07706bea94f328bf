"""Every kind of value a ledger writes, read back as a spreadsheet reads it: texts stay text
(never a formula or an error value, blanks at the ends kept, characters XML cannot hold dropped),
numbers are numbers, dates are dates with their column's format, wrapped columns wrap."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cases.ledger_workbook import DATE, DATETIME, HEADER_ROW, NUMBER, WRAP, Column, write_ledger
from cases.sheet_rows import MAX_TEXT

COLUMNS = [Column("文本"), Column("说明", WRAP, 30), Column("时间", DATETIME), Column("日期", DATE),
           Column("次数", NUMBER)]


def written(rows, progress=None):
    target = io.BytesIO()
    count = write_ledger(target, sheet_title="台账", title="标题", subtitle="筛选条件", columns=COLUMNS,
                         rows=rows, progress=progress, progress_every=2)
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    return count, sheet


def test_it_keeps_texts_as_texts():
    texts = ['=HYPERLINK("http://example.com")', "#N/A", "a & b <c> d", "  两端空格　", "第一行\r\n第二行\t完"]
    count, sheet = written([[text, text, None, None, None] for text in texts])

    assert count == len(texts)
    for row, text in enumerate(texts, start=HEADER_ROW + 1):
        for cell in (sheet[f"A{row}"], sheet[f"B{row}"]):
            assert (cell.value, cell.data_type) == (text, "s")
        assert sheet[f"B{row}"].alignment.wrap_text
        assert not sheet[f"A{row}"].alignment.wrap_text


def test_it_drops_what_xml_cannot_hold_and_cuts_at_excels_limit():
    _count, sheet = written([["路灯\x07不亮\x00", "长" * (MAX_TEXT + 10), None, None, None],
                             ["\x1b", "", None, None, None]])

    first = HEADER_ROW + 1
    assert sheet[f"A{first}"].value == "路灯不亮"
    assert sheet[f"B{first}"].value == "长" * MAX_TEXT
    assert sheet[f"A{first + 1}"].value is None and sheet[f"B{first + 1}"].value is None


def test_it_writes_dates_and_numbers_as_such():
    reported, due = datetime.datetime(2026, 3, 2, 9, 15, 30), datetime.date(2026, 3, 5)
    _count, sheet = written([[None, None, reported, due, 3], [None, None, None, None, Decimal("2.5")]])

    first = HEADER_ROW + 1
    assert (sheet[f"C{first}"].value, sheet[f"C{first}"].number_format) == (reported, "yyyy-mm-dd hh:mm")
    assert sheet[f"C{first}"].is_date
    assert (sheet[f"D{first}"].value.date(), sheet[f"D{first}"].number_format) == (due, "yyyy-mm-dd")
    assert (sheet[f"E{first}"].value, sheet[f"E{first}"].data_type, sheet[f"E{first}"].number_format) == (3, "n", "0")
    assert sheet[f"E{first + 1}"].value == 2.5
    assert sheet[f"C{first + 1}"].value is None


def test_it_keeps_a_date_a_date_in_a_text_column():
    moment = datetime.datetime(2026, 3, 2, 9, 15)
    _count, sheet = written([[moment, None, None, None, None], [datetime.date(2026, 3, 2), 7, None, None, None],
                             [True, 0.25, None, None, None]])

    first = HEADER_ROW + 1
    assert sheet[f"A{first}"].value == moment and sheet[f"A{first}"].is_date
    assert sheet[f"A{first}"].number_format == "yyyy-mm-dd h:mm:ss"  # openpyxl's own default
    assert sheet[f"A{first + 1}"].value == moment.replace(hour=0, minute=0) and sheet[f"A{first + 1}"].is_date
    assert (sheet[f"B{first + 1}"].value, sheet[f"B{first + 1}"].data_type) == (7, "n")
    assert (sheet[f"A{first + 2}"].value, sheet[f"A{first + 2}"].data_type) == (True, "b")
    assert sheet[f"B{first + 2}"].value == 0.25


def test_it_refuses_a_time_with_a_zone_and_a_row_of_the_wrong_length():
    with pytest.raises(TypeError):
        written([[None, None, datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC), None, None]])
    with pytest.raises(ValueError):
        written([["only one value"]])


def test_it_reports_progress_and_sets_the_filter_to_the_rows_written():
    seen = []
    count, sheet = written(([f"第{n}行", None, None, None, n] for n in range(5)), progress=seen.append)

    assert (count, seen) == (5, [2, 4])
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:E{HEADER_ROW + 5}"
    assert [sheet[f"A{row}"].value for row in range(HEADER_ROW + 1, HEADER_ROW + 6)] == [f"第{n}行" for n in range(5)]
    assert sheet.max_row == HEADER_ROW + 5
