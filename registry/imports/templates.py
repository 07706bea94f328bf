"""Downloadable import templates (.xlsx): headers, an example row, dropdowns and a notes sheet.

The first sheet (数据) is the one the importer reads: Chinese headers (required ones in red
with an asterisk, which the importer ignores), one example row (skipped on import if left
unchanged), dropdown lists for coded columns and text format for long digit strings (ID
numbers, phones) so Excel does not turn them into numbers. The second sheet (填写说明)
explains every column and lists its allowed values.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from registry.imports.columns import Column, columns_for, visible_choices

DATA_SHEET = "数据"
NOTES_SHEET = "填写说明"
LISTS_SHEET = "可选值"
VALIDATED_ROWS = 5000
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def template_workbook(kind: str, user: Any = None) -> bytes:
    """The template for an import kind as .xlsx bytes; coded lists as ``user`` may see them (care tags)."""
    columns = columns_for(kind)
    workbook = Workbook()
    data = workbook.active
    assert isinstance(data, Worksheet)
    data.title = DATA_SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    _write_data_sheet(data, lists, columns, user)
    _write_notes_sheet(workbook.create_sheet(NOTES_SHEET), columns, user)
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def header_text(column: Column) -> str:
    return f"*{column.header}" if column.required else column.header


def _write_data_sheet(sheet: Worksheet, lists: Worksheet, columns: list[Column], user: Any) -> None:
    sheet.append([header_text(column) for column in columns])
    sheet.append([column.example or None for column in columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = _REQUIRED_FONT if column.required else Font(bold=True)
        header.fill = _HEADER_FILL
        sheet.column_dimensions[letter].width = max(10, len(column.header) * 2 + 4)
        if column.text_format:
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
        if column.choices is not None:
            _add_dropdown(sheet, lists, column, index, [label for _code, label in visible_choices(column, user)])


def _add_dropdown(sheet: Worksheet, lists: Worksheet, column: Column, index: int, labels: list[str]) -> None:
    """A list validation that takes its values from a column of the hidden 可选值 sheet."""
    if not labels:
        return
    list_column = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
    lists.cell(row=1, column=list_column, value=column.header)
    for offset, label in enumerate(labels, start=2):
        lists.cell(row=offset, column=list_column, value=label)
    letter = get_column_letter(list_column)
    source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.error = _("请从下拉列表中选择。")
    validation.errorTitle = column.header
    validation.prompt = "、".join(labels) if len(labels) <= 12 else _("请从下拉列表中选择。")
    validation.promptTitle = column.header
    validation.showErrorMessage = not column.multiple  # several care tags in one cell are allowed
    target = get_column_letter(index)
    validation.add(f"{target}2:{target}{VALIDATED_ROWS}")
    sheet.add_data_validation(validation)


def _write_notes_sheet(sheet: Worksheet, columns: list[Column], user: Any) -> None:
    sheet.append([_("列名"), _("是否必填"), _("说明"), _("可选值"), _("示例")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for column in columns:
        values = "、".join(label for _code, label in visible_choices(column, user))
        sheet.append([
            column.header, _("必填") if column.required else _("选填"), _(column.note) if column.note else "",
            values, column.example,
        ])
    sheet.append([])
    for line in (
        _("第一行是表头，列的顺序可以调整，但列名要与模板一致；带 * 的列必须填写。"),
        _("模板中的示例行如果没有修改，导入时会被跳过；空行会被忽略。"),
        _("同一证件号码的居民在系统中只有一人：再次导入会更新（合并）该居民，不会重复登记。"),
        _("导入分两步：先检查（不保存），确认无误后再正式导入；有问题的行可下载后修改再导入。"),
    ):
        sheet.append([line])
    for letter, width in zip("ABCDE", (16, 10, 48, 48, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
