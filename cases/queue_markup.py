"""The workbench's rows written in Python: each case's phone card (``<li>``) and table row (``<tr>``).

The template wrote 50 rows twice (cards below ``md``, the table above) with some 27 variable
lookups a row: about 2,700 a page and, under cProfile, close to half of a request's time
(docs/performance.md). As with ``core.forms.PlainSelect`` and the statistics' cells, the hot
repeated markup is written here instead; ``cases/workbench/index.html`` keeps the page.

The markup is the template's: the same classes, ``data-*`` attributes, labels, titles and links.
Every server value goes through ``escape`` (the case's texts are the public's and the staff's
words); the words every row shares are translated once per page (``RowWords``), the rows' own
texts come translated from ``queue_rows.queue_rows``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.models import Priority
from cases.queue_rows import QueueRow
from core.markup import escape


@dataclass(frozen=True)
class RowWords:
    """The words the rows share, translated once per page."""

    self_handled: str  # 网格自办, in the table's 办理单位 column
    pick: str  # the bulk checkbox's label, "选择 %(number)s"
    empty: str  # the card and the table row of an empty queue


@dataclass(frozen=True)
class QueueMarkup:
    """A page of rows as the workbench shows them: the cards' ``<li>``s and the table's ``<tr>``s."""

    cards: SafeString
    table_rows: SafeString


@dataclass(frozen=True)
class RowParts:
    """What a case's card and table row both show, escaped once for the two."""

    number: str
    url: str
    category: str  # the category's name, with the priority badge when urgent
    status: str  # the status badge
    summary: str  # the description's first 80 characters
    deadline: str  # the lamp and the due time (or 超期 N 天, or the lamp's label)
    reported: str  # the channel and the report time


def row_words() -> RowWords:
    """The shared words in the active language."""
    return RowWords(self_handled=_("网格自办"), pick=_("选择 %(number)s"), empty=_("这个队列里没有事件。"))


def queue_markup(rows: Sequence[QueueRow], *, bulk: bool) -> QueueMarkup:
    """The cards and table rows of a page; ``bulk``: each table row starts with its 批量派遣 tick."""
    words = row_words()
    if not rows:
        return empty_markup(words, bulk=bulk)
    cards, table_rows = [], []
    for row in rows:
        parts = row_parts(row)
        cards.append(case_card(row, parts))
        table_rows.append(case_table_row(row, parts, words, bulk=bulk))
    return QueueMarkup(mark_safe("\n".join(cards)), mark_safe("\n".join(table_rows)))


def empty_markup(words: RowWords, *, bulk: bool) -> QueueMarkup:
    """An empty queue: one card and one table row that say so (the table's spans every column)."""
    empty = escape(words.empty)
    return QueueMarkup(
        mark_safe(f'<li class="list-group-item text-muted" id="empty-queue-cards">{empty}</li>'),
        mark_safe(f'<tr><td colspan="{9 if bulk else 8}" class="text-muted" id="empty-queue">{empty}</td></tr>'),
    )


def row_parts(row: QueueRow) -> RowParts:
    """The escaped texts and badges a row shows in both its card and its table row."""
    case, labels = row.case, row.labels
    category: str = escape(row.category)
    if case.priority > Priority.NORMAL:
        category += f' <span class="badge text-bg-danger">{escape(labels.get("priority", ""))}</span>'
    status = escape(case.status)
    return RowParts(
        number=escape(case.number),
        url=escape(row.url),
        category=category,
        status=(f'<span class="badge wg-status wg-status-{status}" data-status="{status}">'
                f'{escape(labels.get("status", ""))}</span>'),
        summary=escape(row.summary),
        deadline=deadline_markup(row),
        reported=f'{escape(labels.get("channel", ""))} · {escape(row.reported)}',
    )


def deadline_markup(row: QueueRow) -> str:
    """The running deadline's lamp, then 超期 N 天, the due time, or (no clock) the lamp's label."""
    colour, label = escape(row.lamp.colour), escape(row.lamp_label)
    lamp = (f'<span class="wg-lamp wg-lamp-{colour}" role="img" aria-label="{label}" title="{label}" '
            f'data-lamp="{colour}"></span>')
    if row.overdue_days:
        # overdue_days is an int: written with :d, nothing to escape.
        return (f'{lamp} <span class="text-danger fw-semibold" data-overdue-days="{row.overdue_days:d}">'
                f'{escape(row.overdue)}</span>')
    if row.due:
        return f"{lamp} {escape(row.due)}"
    return f'{lamp} <span class="text-muted">{label}</span>'


def case_card(row: QueueRow, parts: RowParts) -> str:
    """The phone's card: the whole card is the link to the case page."""
    case = row.case
    return (
        f'<li class="list-group-item p-0" data-card="{parts.number}">'
        f'<a class="wg-case-card d-block px-3 py-2 text-reset text-decoration-none" href="{parts.url}">'
        '<div class="d-flex justify-content-between align-items-start gap-2">'
        f'<span class="fw-semibold text-truncate" data-field="category">{parts.category}</span>'
        f'<span class="flex-none">{parts.status}</span></div>'
        f'<div class="small text-truncate" data-field="place">{escape(case.address or row.place)}</div>'
        f'<div class="small text-truncate text-secondary" data-field="description">{parts.summary}</div>'
        '<div class="d-flex flex-wrap align-items-center column-gap-2 small text-muted mt-1">'
        f'<span class="text-nowrap" data-field="deadline">{parts.deadline}</span>'
        f'<span class="text-nowrap" data-field="reported">{parts.reported}</span>'
        f'<span class="wg-number text-nowrap">{parts.number}</span></div></a></li>'
    )


def case_table_row(row: QueueRow, parts: RowParts, words: RowWords, *, bulk: bool) -> str:
    """The desk's table row; with ``bulk`` a tick for the 批量派遣 form first."""
    case = row.case
    tick = ""
    if bulk:
        label = escape(words.pick % {"number": case.number})
        tick = (f'<td><input type="checkbox" class="form-check-input" name="bulk-cases" value="{case.pk:d}" '
                f'form="bulk-dispatch-form" aria-label="{label}"></td>')
    address = escape(case.address)
    return (
        f'<tr data-case="{parts.number}">{tick}'
        f'<td class="text-nowrap"><a class="wg-number" href="{parts.url}">{parts.number}</a>'
        f'<div class="small text-muted" data-field="reported">{parts.reported}</div></td>'
        f'<td class="wg-min-w-7">{parts.category}</td>'
        f'<td class="text-truncate wg-max-w-16" title="{escape(row.summary_title)}" data-field="description">'
        f'{parts.summary}</td>'
        f'<td class="text-truncate wg-max-w-16" title="{address}">{address or "—"}</td>'
        f'<td class="wg-min-w-7">{escape(row.place)}</td>'
        f'<td class="text-nowrap">{parts.status}</td>'
        f'<td class="text-nowrap" data-field="deadline">{parts.deadline}</td>'
        f'<td>{handling_unit(row, words)}</td></tr>'
    )


def handling_unit(row: QueueRow, words: RowWords) -> str:
    """办理单位: the lead unit, 网格自办, or (no one yet) the level and area of the desk that holds it."""
    if row.lead_unit is not None:
        return escape(row.lead_unit)
    if row.case.self_handled:
        return escape(words.self_handled)
    return f'<span class="text-muted">{escape(row.labels.get("level", ""))} · {escape(row.desk_area)}</span>'
