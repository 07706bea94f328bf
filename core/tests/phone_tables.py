"""Browser-test helpers for tables marked ``wg-stack-sm`` (static/wangge/wangge.css): a stack of
cards on a phone, a table on a desk.

The assertions measure the page rather than read the markup, so they fail when the stylesheet's
rule is missing: a plain table on a 390 px screen is wider than its card.
"""

from __future__ import annotations

from typing import Any

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}

# For each cell of the table: how far it reaches past its container (the nearest card, else the
# table's wrapper), and the same for the scrolling wrapper's content.
_MEASURE = """table => {
  const wrapper = table.closest('.table-responsive') || table.parentElement;
  const container = table.closest('.card, .wg-card') || wrapper;
  const right = container.getBoundingClientRect().right;
  const cells = [...table.querySelectorAll('tbody td, tbody th')].filter(cell => cell.getClientRects().length);
  return {
    cells: cells.length,
    past: cells.map(cell => cell.getBoundingClientRect().right - right).filter(over => over > 0.5),
    scroll: wrapper.scrollWidth - wrapper.clientWidth,
    page: document.documentElement.scrollWidth,
  };
}"""

# The cell's generated label, and where its value's first line starts (left of the value's text and
# top of its first line, both relative to the cell).
_LABEL = """cell => {
  const box = cell.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(cell);
  const first = [...range.getClientRects()].find(rect => rect.width > 0);
  return {
    label: getComputedStyle(cell, '::before').content,
    valueLeft: first.left - box.left,
    valueTop: first.top - box.top,
    cellWidth: box.width,
  };
}"""


def assert_stacked(page: Any, table: str) -> None:
    """On a phone: ``table`` shows no header row and no cell reaches past its card or scrolls."""
    locator = page.locator(table)
    measured = locator.evaluate(_MEASURE)
    assert measured["cells"] > 0, f"{table}: no visible cells"
    assert measured["past"] == [], f"{table}: cells reach past the card by {measured['past']} px"
    assert measured["scroll"] <= 0, f"{table}: scrolls sideways by {measured['scroll']} px"
    assert measured["page"] <= PHONE["width"], f"the page is {measured['page']} px wide"
    assert not locator.locator("thead").is_visible(), f"{table}: the header row shows on a phone"


def assert_labelled(cell: Any, label: str) -> None:
    """On a phone: ``cell`` shows ``label`` before its value, on the value's first line."""
    shown = cell.evaluate(_LABEL)
    assert shown["label"] == f'"{label}"', shown
    assert shown["valueLeft"] >= 60, f"the value starts {shown['valueLeft']} px in: nothing left of it"
    assert shown["valueTop"] < 16, f"the value starts {shown['valueTop']} px down: not beside its label"


def assert_table_layout(page: Any, table: str) -> None:
    """On a desk: ``table`` is a table again, its header row visible, each row's cells side by side."""
    locator = page.locator(table)
    assert locator.evaluate("table => getComputedStyle(table).display") == "table"
    assert locator.locator("thead").is_visible(), f"{table}: no header row on a desk"
    tops = locator.locator("tbody tr").first.evaluate(
        "row => [...row.children].map(cell => Math.round(cell.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, f"{table}: the first row's cells are not on one line: {tops}"
