"""One row of a roster as the planners see it, and what every row of one import shares.

``Row`` reads cells by column key and turns every problem into a ``RowError`` that names the
column in Chinese; ``ImportContext`` knows the target area, its grids, the user and whether
missing buildings and rooms may be created (``places.PlaceIndex`` finds them).
"""

from __future__ import annotations

import datetime
import decimal
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area, Level
from registry.imports.columns import Column, columns_for
from registry.imports.reader import cell_text
from registry.imports.synonyms import synonym_code
from registry.normalise import normalise_text

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


class RowError(Exception):
    """Why a row is rejected: the column (or none, for the row as a whole) and a Chinese message."""

    def __init__(self, column: Column | None, message: str, unknown: str | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.message = message
        self.unknown = unknown  # the value a coded column does not know (listed per column in the report)

    def reason(self, number: int) -> str:
        """``第12行「证件号码」：…`` — the form every rejection takes."""
        if self.column is None:
            return _("第%(row)d行：%(message)s") % {"row": number, "message": self.message}
        return _("第%(row)d行「%(column)s」：%(message)s") % {
            "row": number, "column": _(self.column.header), "message": self.message,
        }


@functools.cache
def _columns_by_key(kind: str) -> dict[str, Column]:
    return {column.key: column for column in columns_for(kind)}


@functools.cache
def _options(kind: str, key: str) -> dict[str, str]:
    """A coded column's labels and codes, each mapped to its code (fixed choices: not the care tags)."""
    choices = _columns_by_key(kind)[key].choices
    pairs = choices() if choices else []
    return {label: code for code, label in pairs} | {code: code for code, _label in pairs}


def _codes(kind: str, key: str) -> set[str]:
    return set(_options(kind, key).values())


def validation_message(error: ValidationError) -> str:
    return "".join(error.messages)


@dataclass
class Row:
    """The cells of one data row, addressed by column key."""

    number: int
    cells: list[Any]
    kind: str
    positions: dict[str, int]
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # normalised cells, read once
    document: tuple[str, str] | None = field(default=None, repr=False)  # (number, blind index) once known
    # What the planner worked out from the cells alone (JSON-safe), kept by the dry run's row cache
    # for the commit (``rowcache``); None until then, or when the row did not get that far.
    facts: dict[str, Any] | None = field(default=None, repr=False)

    def column(self, key: str) -> Column:
        return _columns_by_key(self.kind)[key]

    def error(self, key: str | None, message: str, unknown: str | None = None) -> RowError:
        return RowError(self.column(key) if key else None, message, unknown)

    def raw(self, key: str) -> Any:
        position = self.positions.get(key)
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]

    def text(self, key: str, max_length: int | None = None) -> str:
        value = self.texts.get(key)
        if value is None:  # self.raw(key), inlined: a roster reads some 20 cells a row
            position = self.positions.get(key)
            cell = None if position is None or position >= len(self.cells) else self.cells[position]
            value = self.texts[key] = normalise_text(cell_text(cell))
        if max_length is not None and len(value) > max_length:
            raise self.error(key, _("不能超过%(n)d个字。") % {"n": max_length})
        return value

    def required(self, key: str, max_length: int | None = None) -> str:
        value = self.text(key, max_length)
        if not value:
            raise self.error(key, _("不能为空。"))
        return value

    def choice(self, key: str, default: str = "") -> str:
        """The stored code for a coded cell given as label or code; ``default`` when empty."""
        value = self.text(key)
        if not value:
            return default
        options = _options(self.kind, key)
        code = options.get(value) or synonym_code(key, value)
        if code:
            return code
        labels = "、".join(label for label in options if label not in _codes(self.kind, key))
        raise self.error(key, _("“%(value)s”不是可选的值（%(labels)s）。") % {"value": value, "labels": labels},
                         unknown=value)

    def integer(self, key: str, minimum: int = 0, maximum: int | None = None) -> int | None:
        value = self.text(key)
        if not value:
            return None
        try:
            exact = decimal.Decimal(value)
        except decimal.InvalidOperation:
            exact = decimal.Decimal("NaN")
        # Not NaN or infinity, and no 1e999999 that would take a while to turn into an int.
        if not exact.is_finite() or exact.adjusted() > 18:
            raise self.error(key, _("应为整数，现在是“%(value)s”。") % {"value": value})
        number = int(exact)
        if number < minimum:
            raise self.error(key, _("不能小于%(n)d。") % {"n": minimum})
        if maximum is not None and number > maximum:
            raise self.error(key, _("不能大于%(n)d。") % {"n": maximum})
        return number

    def decimal(self, key: str) -> decimal.Decimal | None:
        value = self.text(key)
        if not value:
            return None
        try:
            number = decimal.Decimal(value).quantize(decimal.Decimal("0.01"))
        except decimal.InvalidOperation:
            number = decimal.Decimal("NaN")
        if not number.is_finite():  # "nan" quantizes to NaN, which no comparison accepts
            raise self.error(key, _("应为数字，现在是“%(value)s”。") % {"value": value})
        if number < 0 or number >= 1_000_000:
            raise self.error(key, _("数值不合理：%(value)s。") % {"value": value})
        return number

    def date(self, key: str) -> datetime.date | None:
        value = self.raw(key)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = self.text(key)
        if not text:
            return None
        for pattern in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise self.error(key, _("日期格式不正确，应如 1985-07-15，现在是“%(value)s”。") % {"value": text})


@dataclass
class ImportContext:
    """What every row of one import shares: the area, its grids, the importing user, today."""

    kind: str
    area: Area
    user: Any
    grids: dict[str, Area] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)
    # Buildings, units and rooms the file names but the registry lacks: planned as new (the dry run
    # lists them; a commit with the box ticked creates them), or rejected as before.
    new_places: bool = True

    @classmethod
    def for_area(cls, kind: str, area: Area, user: Any, new_places: bool = True) -> ImportContext:
        grids = Area.objects.subtree_of(area).active().filter(level__in=(Level.GRID, Level.MICROGRID))
        return cls(kind=kind, area=area, user=user, grids={grid.code: grid for grid in grids}, new_places=new_places)

    def grid_for(self, row: Row, fallback: Area | None = None) -> Area:
        """The grid named in the row's 网格编码, else ``fallback``, else the target area if it is a grid."""
        code = re.sub(r"\s", "", row.text("grid_code")) if "grid_code" in row.positions else ""
        if code:
            grid = self.grids.get(code)
            if grid is None:
                raise row.error("grid_code", _("“%(code)s”不是本次导入区域「%(area)s」内的网格。") % {
                    "code": code, "area": self.area.name,
                })
            return grid
        if fallback is not None:
            return fallback
        if self.area.is_grid:
            return self.area
        raise row.error("grid_code", _("导入到社区或街道时必须填写网格编码。"))
