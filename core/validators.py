"""Validators shared by the domain apps."""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters that mean something in HTML. Templates escape them and our scripts insert names as
# text, but a name is shown in many places (maps, charts, exports, other systems reading the
# database), so names that travel that far refuse them outright: no legitimate place name needs them.
MARKUP_CHARACTERS = frozenset("<>\"'&")


def _is_invisible(character: str) -> bool:
    # Cc: control characters (NUL, line breaks, escape…); Cf: invisible format characters, among
    # them the bidirectional overrides that make a name display differently from what it is.
    return unicodedata.category(character) in {"Cc", "Cf"}


def without_control_characters(value: str) -> str:
    """``value`` with control and invisible format characters removed (for raw search terms and
    usernames that reach a query or a row: PostgreSQL refuses NUL in text)."""
    return "".join(character for character in value if not _is_invisible(character))


def has_control_characters(value: str) -> bool:
    """Whether ``value`` holds control or invisible format characters (NUL, escape, bidi overrides…)."""
    return any(_is_invisible(character) for character in value or "")


def validate_no_markup(value: str) -> None:
    """Refuse ``< > " ' &`` and control or invisible format characters (names shown on maps and charts)."""
    if any(character in MARKUP_CHARACTERS or _is_invisible(character) for character in value or ""):
        raise ValidationError(
            _("不能包含 < > \" ' & 等符号或控制字符。"), code="markup",
        )


def required_text(field: str, value: str | None, message: Any) -> str:
    """``value`` without surrounding blanks; an empty one is refused with ``message`` on ``field``
    (the named operations' check of a required note, title or name)."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value
