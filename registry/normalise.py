"""Normalisation of what people type or paste into the registry (forms, Excel rosters, CSV).

Community rosters (花名册) arrive with full-width digits typed on a Chinese input method
(``１１０１０５…ｘ``), names padded for alignment with ideographic spaces (``张　三``), phones
written as ``+86 138-1234-5678`` and plates as ``京A·12345``. Every value is normalised before
it is validated, stored, indexed or compared, so that the same person is the same string.

All functions are idempotent (normalising twice changes nothing) and return ``""`` for empty
input. Chinese characters are kept as they are: only the full-width forms of ASCII
(U+FF01–U+FF5E) and the ideographic space are folded, never CJK compatibility ideographs,
circled digits or units (which a blanket NFKC would rewrite).
"""

from __future__ import annotations

import re

# Full-width ASCII (！ … ～) sits exactly 0xFEE0 above ASCII; U+3000 is the ideographic space.
_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Invisible characters that Excel and web pages leave behind (zero-width space, BOM, joiners…).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}]) (?=[{_HAN}])")
_DASHES = r"\-" + "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"
_CODE_SEPARATORS = re.compile(rf"[\s{_DASHES}]+")
_PLATE_SEPARATORS = re.compile(rf"[\s{_DASHES}.·•・‧∙]+")
_NAME_DOTS = re.compile(r"\s*[·•・‧∙]\s*")
_DOT_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])\s*\.\s*(?=[{_HAN}])")
# Any character one of the steps of normalise_text acts on: whitespace, invisible and control
# characters, full-width forms and the ideographic space.
_NEEDS_WORK = re.compile(r"[\s\u200b-\u200f\u2060\ufeff\u00ad\x00-\x08\x0e-\x1f\x7f\uff01-\uff5e\u3000]")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise_text(value: str | None) -> str:
    """A single-line text value (name, address, workplace) as it should be stored.

    Full-width letters, digits, punctuation and spaces become half-width; invisible and
    control characters go; runs of whitespace become one space; leading and trailing space
    is stripped; a space between two Chinese characters (alignment padding: ``张　三``) is
    removed. Not for multi-line notes, whose line breaks matter.
    """
    if not value:
        return ""
    if not _NEEDS_WORK.search(value):  # nothing below would change it (most roster cells): one pass
        return value
    text = _CONTROL.sub("", _INVISIBLE.sub("", value)).translate(_WIDTH_FOLD)
    text = _WHITESPACE.sub(" ", text).strip()
    return _SPACE_BETWEEN_HAN.sub("", text)


def normalise_name(value: str | None) -> str:
    """A person's name: ``normalise_text`` plus one interpunct (``·``) in minority and foreign names.

    ``阿依古丽 • 买买提`` and ``阿依古丽.买买提`` both become ``阿依古丽·买买提``.
    """
    text = _DOT_BETWEEN_HAN.sub("·", normalise_text(value))
    return _NAME_DOTS.sub("·", text).strip("·")


def normalise_id_number(value: str | None) -> str:
    """A 居民身份证 number: half-width, no spaces or hyphens, a final ``x`` upper-cased.

    ``１１０１０５ １９９００１０１ １２３ｘ`` becomes ``11010519900101123X``.
    """
    return normalise_document(value)


def normalise_document(value: str | None) -> str:
    """Any identity document number (passport, 通行证…): half-width, upper-case, no spaces or hyphens."""
    return _CODE_SEPARATORS.sub("", normalise_text(value)).translate(_ASCII_UPPER)


def normalise_credit_code(value: str | None) -> str:
    """A 统一社会信用代码: half-width, upper-case, no spaces or hyphens."""
    return _CODE_SEPARATORS.sub("", normalise_text(value)).translate(_ASCII_UPPER)


def normalise_plate(value: str | None) -> str:
    """A vehicle plate: upper-case letters, no spaces, dots or hyphens, the province character kept.

    ``京a·1234５`` and ``京A 12345`` both become ``京A12345``.
    """
    return _PLATE_SEPARATORS.sub("", normalise_text(value)).translate(_ASCII_UPPER)


# --- phones -----------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(rf"[\s{_DASHES}.()]+")
_EXTENSION_MARKER = re.compile(r"^(?P<number>.*?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<extension>[0-9]{1,6})$", re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 010 and 02x (the ten largest cities) are followed by 8 digits; other area codes have 4 digits
# (03xx–09xx) and 7 or 8 digits follow. Local numbers never start with 0 or 1.
_LANDLINE = re.compile(r"0(?:10|2[0-9])[2-9][0-9]{7}|0[3-9][0-9]{2}[2-9][0-9]{6,7}")


def is_mobile(number: str) -> bool:
    """Whether a normalised number is a mainland mobile number (11 digits, 13x–19x)."""
    return _MOBILE.fullmatch(number) is not None


def is_landline(number: str) -> bool:
    """Whether a normalised number (without extension) is a landline with its area code."""
    return _LANDLINE.fullmatch(number) is not None


def normalise_phone(value: str | None) -> str:
    """A phone number as digits only, with ``-`` before a landline extension.

    Drops separators and the country code (``+86``, ``0086``, or ``86`` before a mobile
    number); a landline written internationally gets its trunk ``0`` back
    (``+86 10 8765 4321`` → ``01087654321``). An extension (``转123``, ``ext 123``, ``#123`` or
    a third group: ``010-87654321-123``) is kept after a hyphen: ``01087654321-123``. Anything
    that is not recognisably a phone keeps its characters so that validation can reject it.
    """
    text = normalise_text(value)
    if not text:
        return ""
    marked = _EXTENSION_MARKER.match(text)
    if marked:
        number = _strip_country_code(_join_groups(marked["number"]))
        if is_landline(number):
            return f"{number}-{marked['extension']}"
    groups = [group for group in _PHONE_SEPARATORS.split(text) if group]
    if len(groups) >= 2 and _is_digits(groups[-1]) and len(groups[-1]) <= 6:
        head = _strip_country_code("".join(groups[:-1]))
        if is_landline(head):
            return f"{head}-{groups[-1]}"
    return _strip_country_code("".join(groups))


def _is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts ``²`` and other scripts' digits."""
    return text.isascii() and text.isdigit()


def _join_groups(text: str) -> str:
    return "".join(_PHONE_SEPARATORS.split(text))


def _strip_country_code(digits: str) -> str:
    international = False
    while True:
        if digits.startswith("+86"):
            digits, international = digits[3:], True
        elif digits.startswith("0086"):
            digits, international = digits[4:], True
        elif len(digits) == 13 and digits.startswith("861"):
            digits = digits[2:]
        else:
            break
    if international and _is_digits(digits) and not digits.startswith("0") and not is_mobile(digits):
        digits = "0" + digits
    return digits
