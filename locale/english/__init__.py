"""English for the cases app, one dictionary module per feature, merged into ``ENGLISH``.

Each module defines ``ENGLISH: dict[str, str | tuple[str, str]]`` (msgid -> English; a
(singular, plural) pair for plural entries) and optionally ``ENGLISH_IN_CONTEXT``.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any


def merged(name: str) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for module_info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        module = importlib.import_module(f"english.{module_info.name}")
        result.update(getattr(module, name, {}))
    return result
