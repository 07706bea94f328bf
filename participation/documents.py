"""Printable documents of a ballot: the 签字表 (Word), the vote list (Excel) and the result notice
(公示, Word; the same notice is an HTML page to print or save as PDF).

The sign sheet has one table per building, one row per household or dwelling, with blank
columns for the signature, the choice and the date: a worker prints it and goes door to door.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook

from participation.ballots import EligibleUnit
from participation.models import Ballot, UnitKind


def _unit_name(unit: EligibleUnit) -> str:
    return str(unit.dwelling)


def _person(ballot: Ballot, unit: EligibleUnit) -> str:
    if ballot.unit_kind == UnitKind.DWELLING:
        return unit.owner_label
    head = unit.household.head if unit.household else None
    return head.name if head else ""


def signature_sheet(ballot: Ballot, units: Sequence[EligibleUnit]) -> bytes:
    """The 签字表 as a .docx file."""
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(_("%(question)s 签字表") % {"question": ballot.question}, level=1)
    if ballot.description:
        document.add_paragraph(ballot.description)
    document.add_paragraph(_("通过规则：%(rule)s") % {"rule": ballot.get_rule_display()})
    person = _("产权人") if ballot.unit_kind == UnitKind.DWELLING else _("户主")
    headers = [_("房号"), person, _("面积(m²)"), _("同意"), _("反对"), _("弃权"), _("签字"), _("日期")]
    for building, rows in groupby(units, key=lambda unit: unit.dwelling.building):
        document.add_heading(str(building), level=2)
        table = document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = text
        for unit in rows:
            cells = table.add_row().cells
            cells[0].text = _unit_name(unit)
            cells[1].text = _person(ballot, unit)
            cells[2].text = str(unit.dwelling.floor_area or "")
    document.add_paragraph(_("打印时间：%(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")})
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def vote_workbook(ballot: Ballot, units: Sequence[EligibleUnit]) -> bytes:
    """The vote list as an .xlsx file: one row per unit, blank where no vote is recorded yet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("表决意见")
    sheet.append([_("楼栋"), _("房号"), _("面积(m²)"), _("意见"), _("签字人"), _("关系"), _("签字日期")])
    for unit in units:
        vote = unit.vote
        sheet.append([
            str(unit.dwelling.building), _unit_name(unit),
            float(unit.dwelling.floor_area) if unit.dwelling.floor_area is not None else None,
            vote.get_choice_display() if vote else "", vote.signer_name if vote else "",
            vote.signer_relation if vote else "", vote.signed_on if vote else None,
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Notice:
    """What a result notice (表决结果公示) says: only figures, never a household or a person."""

    ballot: Ballot
    place: str  # the community (or area) that publishes it
    buildings: list[str]
    total: int
    voted: int
    choices: dict[str, int]  # 同意 / 反对 / 弃权 → units
    figures: list[dict[str, Any]]  # participation.views.explain of each test
    passed: bool
    published_on: datetime.date


def notice_lines(notice: Notice) -> list[str]:
    """The notice's paragraphs, shared by the Word file and the page."""
    ballot = notice.ballot
    lines = [
        _("表决事项：%(question)s") % {"question": ballot.question},
        _("表决范围：%(buildings)s") % {"buildings": "、".join(notice.buildings)},
        _("表决时间：%(start)s 至 %(end)s") % {
            "start": timezone.localtime(ballot.created_at).strftime("%Y-%m-%d"),
            "end": timezone.localtime(ballot.closed_at).strftime("%Y-%m-%d") if ballot.closed_at else "",
        },
        _("通过规则：%(rule)s") % {"rule": ballot.get_rule_display()},
        _("应参与 %(total)d 户（套），已表决 %(voted)d 户（套）：%(choices)s。") % {
            "total": notice.total, "voted": notice.voted,
            "choices": "，".join(f"{label} {count}" for label, count in notice.choices.items()),
        },
    ]
    for figure in notice.figures:
        verdict = _("达到") if figure["met"] else _("未达到")
        lines.append(_("%(label)s：%(part)s / %(whole)s = %(percent)s，要求 %(required)s，%(verdict)s。") % {
            "label": figure["label"], "part": figure["part"], "whole": figure["whole"],
            "percent": figure["percent"], "required": figure["required"], "verdict": verdict,
        })
    lines.append(_("表决结果：通过。") if notice.passed else _("表决结果：未通过。"))
    lines.append(_("公示期为七日。如有异议，请在公示期内向%(place)s反映。") % {"place": notice.place})
    return lines


def result_notice(notice: Notice) -> bytes:
    """The 公示 as a .docx file."""
    document = Document()
    document.styles["Normal"].font.size = Pt(12)
    document.add_heading(_("关于“%(question)s”表决结果的公示") % {"question": notice.ballot.question}, level=1)
    for line in notice_lines(notice):
        document.add_paragraph(line)
    document.add_paragraph(notice.place)
    document.add_paragraph(notice.published_on.strftime("%Y-%m-%d"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
