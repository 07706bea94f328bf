"""Validators of the registry's identifiers (ID numbers, credit codes, phones, plates, documents)
and of a building's size (floors, units, a dwelling's floor).

Every validator accepts raw input (it normalises first, see ``registry.normalise``), raises
Django's ``ValidationError`` with a Chinese message that says what is wrong and a stable
``code`` (importers map codes to error kinds), and returns nothing. Store the normalised form:
``number = normalise_id_number(raw); validate_id_number(number)``.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc

from registry.normalise import (
    is_landline,
    is_mobile,
    normalise_credit_code,
    normalise_document,
    normalise_id_number,
    normalise_phone,
    normalise_plate,
)

# --- 居民身份证 (GB 11643-1999) -------------------------------------------------------------

# Province-level codes (GB/T 2260) that open an ID number; 81/82/83 are the 港澳台居民居住证
# numbers, which follow the same format and checksum.
ID_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
})
ID_CARD = "id_card"  # registry.models.DocumentType.ID_CARD
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)
_TWO_DAYS = datetime.timedelta(days=2)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character (``0``–``9`` or ``X``) for the first 17 digits of an ID number."""
    return ric.calc_check_digit(first17 + "0")


def validate_id_number(value: str) -> None:
    """A mainland 居民身份证 number: 18 characters, known province, real birth date, GB 11643 checksum.

    Only the province of the address code is checked. The address code is that of the place
    of registration when the number was issued, not at birth, and development zones issue
    codes absent from the official list (苏州工业园区 320571), so python-stdnum's county
    check — which refuses a 东莞 (441900) number of anyone born before 1988 — would reject
    real people.
    """
    number = normalise_id_number(value)
    _check_id_shape(number)
    if number[:2] not in ID_PROVINCES:
        raise ValidationError(_("身份证号码中的地区代码无效。"), code="id_region")
    _birth_date_of(number)
    if number[-1] != id_check_digit(number[:17]):
        raise ValidationError(_("身份证号码校验位错误，请逐位核对。"), code="id_checksum")


def id_birth_date(number: str) -> datetime.date:
    """The birth date written in digits 7–14 of an ID number."""
    normalised = normalise_id_number(number)
    _check_id_shape(normalised)
    return _birth_date_of(normalised)


def id_gender(number: str) -> str:
    """``"M"`` or ``"F"`` from the 17th digit of an ID number (odd for men, even for women)."""
    normalised = normalise_id_number(number)
    _check_id_shape(normalised)
    return "M" if int(normalised[16]) % 2 else "F"


def validate_id_matches(number: str, birth_date: datetime.date | None, gender: str | None) -> None:
    """That a resident's birth date and gender agree with their ID number.

    Raises a ``ValidationError`` keyed by field (``id_number``, ``birth_date``, ``gender``), as
    a model's ``clean()`` does, so that forms and imports can name the field. A missing birth
    date or gender is not compared (it can be filled from the number).
    """
    try:
        born, sex = id_birth_date(number), id_gender(number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.error_list}) from error
    errors: dict[str, ValidationError] = {}
    if birth_date is not None and birth_date != born:
        errors["birth_date"] = ValidationError(_("出生日期与身份证号码不一致。"), code="id_birth_date_mismatch")
    if gender and gender != sex:
        errors["gender"] = ValidationError(_("性别与身份证号码不一致。"), code="id_gender_mismatch")
    if errors:
        raise ValidationError(errors)


def _check_id_shape(number: str) -> None:
    if not number:
        raise ValidationError(_("身份证号码不能为空。"), code="id_required")
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位，现在是%(length)d位。") % {"length": len(number)}, code="id_length"
        )
    if not _ID_SHAPE.fullmatch(number):
        raise ValidationError(_("身份证号码前17位应为数字，最后一位为数字或X。"), code="id_format")


def _birth_date_of(number: str) -> datetime.date:
    """Digits 7-14 as a date. Callers pass a normalised number of the checked shape (17 digits
    and a check character), so this reads the digits directly, as ``stdnum.cn.ric.get_birth_date``
    does after its own clean-up (which cost more than the rest of the validation)."""
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:  # no such day (19910230), month 00 or 13…
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth_date") from error
    # Today where the site is, looked up only for a date near it: the site's date is within a day
    # of the UTC date, and the lookup (settings, time zone) costs more than the rest of the check.
    recent = born >= datetime.datetime.now(datetime.UTC).date() - _TWO_DAYS
    if born < _EARLIEST_BIRTH or (recent and born > timezone.localdate()):
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth_date")
    return born


# --- 统一社会信用代码 (GB 32100-2015) --------------------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # digits and letters without I, O, S, V, Z


def credit_code_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    return uscc.calc_check_digit(first17)


def validate_credit_code(value: str) -> None:
    """A 统一社会信用代码: 18 characters, region digits in positions 3–8, GB 32100 checksum.

    Positions 1–2 (registering authority and entity type) may be letters: 农村集体经济组织
    start with ``N``, others with ``Y``; python-stdnum's own ``validate`` refuses those.
    """
    code = normalise_credit_code(value)
    if not code:
        raise ValidationError(_("统一社会信用代码不能为空。"), code="credit_code_required")
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，现在是%(length)d位。") % {"length": len(code)}, code="credit_code_length"
        )
    if any(character not in _USCC_ALPHABET for character in code):
        raise ValidationError(
            _("统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z）。"), code="credit_code_format"
        )
    if not re.fullmatch("[0-9]{6}", code[2:8]):
        raise ValidationError(_("统一社会信用代码第3至8位应为行政区划代码（数字）。"), code="credit_code_format")
    if code[-1] != credit_code_check_character(code[:17]):
        raise ValidationError(_("统一社会信用代码校验位错误，请逐位核对。"), code="credit_code_checksum")


# --- phones ----------------------------------------------------------------------------------

_SERVICE_NUMBER = re.compile(r"[48]00[0-9]{7}")  # 400/800 numbers of companies


def validate_mobile(value: str) -> None:
    """A mainland mobile number: 11 digits starting 13–19."""
    if not is_mobile(normalise_phone(value)):
        raise ValidationError(_("手机号码应为11位数字，以13至19开头。"), code="mobile")


def validate_landline(value: str) -> None:
    """A landline with area code (010/02x + 8 digits, 0xxx + 7–8 digits), optionally ``-extension``."""
    number = normalise_phone(value).split("-", 1)[0]
    if not is_landline(number):
        raise ValidationError(_("固定电话应为区号加7至8位号码，例如 010-12345678。"), code="landline")


def validate_phone(value: str) -> None:
    """A phone a person or unit can be reached on: mobile, landline with area code, or 400/800."""
    number = normalise_phone(value)
    if is_mobile(number) or is_landline(number.split("-", 1)[0]) or _SERVICE_NUMBER.fullmatch(number):
        return
    if number.startswith("1"):
        validate_mobile(number)
    if number.startswith("0"):
        validate_landline(number)
    raise ValidationError(
        _("电话号码格式不正确：手机号码为11位数字，固定电话需带区号（如 010-12345678）。"), code="phone"
    )


# --- vehicle plates (GA 36) ------------------------------------------------------------------

PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # plates never use I or O
_NEW_ENERGY_CLASS = "A-HJK"  # A–E pure electric, F–K (no I) others
_ORDINARY_PLATE = re.compile(rf"[{_LETTER}][{_LETTER}0-9]{{5}}")
_SUFFIXED_PLATE = re.compile(rf"[{_LETTER}][{_LETTER}0-9]{{4}}[警学挂领港澳]")
_NEW_ENERGY_PLATE = re.compile(
    rf"[{_LETTER}](?:[{_NEW_ENERGY_CLASS}][{_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[{_NEW_ENERGY_CLASS}])"
)


def validate_plate(value: str) -> None:
    """A motor-vehicle plate in the national format.

    Ordinary (7 characters: ``京A12345``; police, driving-school, trailer, consulate and
    Hong Kong/Macau plates end in 警/学/挂/领/港/澳: ``京A1234警``) or new-energy
    (8 characters: small cars ``京AD12345`` with A–K after the authority letter, large ones
    ``京A12345D`` with the class letter last).
    """
    plate = normalise_plate(value)
    if not plate:
        raise ValidationError(_("车牌号码不能为空。"), code="plate_required")
    if plate[0] not in PROVINCE_ABBREVIATIONS:
        raise ValidationError(_("车牌号码应以省、自治区、直辖市的简称开头，例如 京A12345。"), code="plate_province")
    rest = plate[1:]
    if len(plate) == 8:
        if not _NEW_ENERGY_PLATE.fullmatch(rest):
            raise ValidationError(
                _("新能源车牌格式不正确：小型车如 京AD12345，大型车如 京A12345D。"), code="plate_format"
            )
        return
    if len(plate) != 7:
        raise ValidationError(
            _("车牌号码应为7位（新能源车8位），现在是%(length)d位。") % {"length": len(plate)}, code="plate_length"
        )
    if not (_ORDINARY_PLATE.fullmatch(rest) or _SUFFIXED_PLATE.fullmatch(rest)):
        raise ValidationError(
            _("车牌号码格式不正确：省份简称后应为发牌机关字母和5位字母或数字（不含 I、O）。"), code="plate_format"
        )


def validate_ebike_plate(value: str) -> None:
    """An electric bicycle (电动自行车) plate; formats vary by city, so only presence and length are checked."""
    plate = normalise_plate(value)
    if not plate:
        raise ValidationError(_("电动自行车号牌不能为空。"), code="ebike_plate_required")
    if len(plate) > 12:
        raise ValidationError(_("电动自行车号牌不能超过12个字符。"), code="ebike_plate_length")


# --- other identity documents ----------------------------------------------------------------

_DOCUMENT = re.compile(r"[A-Z0-9]{5,20}")


def validate_document_number(value: str) -> None:
    """A passport, 通行证 or other document number: 5–20 letters or digits, checked no further."""
    if not _DOCUMENT.fullmatch(normalise_document(value)):
        raise ValidationError(_("证件号码应为5至20位字母或数字。"), code="document_format")


def validate_document(document_type: str, number: str) -> None:
    """A document number by its type: the full ID check for ``id_card``, the permissive one otherwise."""
    if document_type == ID_CARD:
        validate_id_number(number)
    else:
        validate_document_number(number)


# --- building sizes --------------------------------------------------------------------------

# Generous for any real building (China's tallest have some 130 floors above ground and a few
# below), yet small enough that a building's generated units and floor grid stay cheap: a
# building of 32,767 units once held a request for 46 s in one transaction.
MAX_FLOORS = 200
MAX_BASEMENT_FLOORS = 10
MAX_UNITS = 99


def validate_floors(value: int) -> None:
    """A building's number of floors above ground (层数): 1 to MAX_FLOORS."""
    if not 1 <= value <= MAX_FLOORS:
        raise ValidationError(_("层数应为1到%(max)d，现在是%(value)s。"), code="floors",
                              params={"max": MAX_FLOORS, "value": value})


def validate_unit_count(value: int) -> None:
    """A building's number of units (单元数): 1 to MAX_UNITS."""
    if not 1 <= value <= MAX_UNITS:
        raise ValidationError(_("单元数应为1到%(max)d，现在是%(value)s。"), code="unit_count",
                              params={"max": MAX_UNITS, "value": value})


def validate_floor(value: int) -> None:
    """A dwelling's floor (楼层): -MAX_BASEMENT_FLOORS (basements are negative) to MAX_FLOORS."""
    if not -MAX_BASEMENT_FLOORS <= value <= MAX_FLOORS:
        raise ValidationError(_("楼层应为-%(basement)d到%(max)d（地下层为负数），现在是%(value)s。"), code="floor",
                              params={"basement": MAX_BASEMENT_FLOORS, "max": MAX_FLOORS, "value": value})


# --- people ----------------------------------------------------------------------------------


def validate_birth_date(value: datetime.date) -> None:
    """A birth date (出生日期): not in the future and not before 1900, as in an ID number."""
    if value > timezone.localdate():
        raise ValidationError(_("出生日期不能晚于今天。"), code="birth_date_future")
    if value < _EARLIEST_BIRTH:
        raise ValidationError(_("出生日期不能早于1900年1月1日。"), code="birth_date_too_early")
