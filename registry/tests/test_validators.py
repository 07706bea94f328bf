"""Validators of ID numbers (GB 11643), credit codes (GB 32100), phones, plates and documents.

The check characters are computed here from the standards, independently of the code under
test, so that generated identifiers are valid by construction.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.validators import (
    id_birth_date,
    id_check_digit,
    id_gender,
    validate_credit_code,
    validate_document,
    validate_document_number,
    validate_ebike_plate,
    validate_id_matches,
    validate_id_number,
    validate_landline,
    validate_mobile,
    validate_phone,
    validate_plate,
)

PROPERTY = settings(database=None, max_examples=300, deadline=None)

# --- generators after the standards ----------------------------------------------------------

PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
             "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]


def gb11643_check(first17: str) -> str:
    """GB 11643-1999: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 written X."""
    total = sum(int(digit) * (2 ** (17 - position) % 11) for position, digit in enumerate(first17))
    return "10X98765432"[total % 11]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb32100_check(first17: str) -> str:
    """GB 32100-2015: weights 3^i mod 31 over the 31-character alphabet, check = 31 - sum mod 31."""
    total = sum(USCC_ALPHABET.index(character) * (3**position % 31) for position, character in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


@st.composite
def id_numbers(draw):
    """A valid ID number with the birth date and sequence it was made from."""
    region = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"\A[0-9]{4}\Z"))
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2024, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + gb11643_check(first17), born, sequence


@st.composite
def credit_codes(draw):
    authority_and_kind = draw(st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "53", "Y1", "N2"]))
    region = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"\A[0-9]{4}\Z"))
    organisation = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    first17 = authority_and_kind + region + organisation
    return first17 + gb32100_check(first17)


def valid_id(first17: str) -> str:
    return first17 + gb11643_check(first17)


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- 居民身份证 --------------------------------------------------------------------------------


@PROPERTY
@given(generated=id_numbers())
def test_it_accepts_every_id_number_with_a_correct_check_digit(generated):
    number, born, sequence = generated
    validate_id_number(number)
    validate_id_number(number.lower().translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)}))
    assert id_birth_date(number) == born
    assert id_gender(number) == ("M" if sequence % 2 else "F")
    assert id_check_digit(number[:17]) == number[-1]


@PROPERTY
@given(generated=id_numbers(), data=st.data())
def test_it_rejects_an_id_number_with_any_single_character_changed(generated, data):
    number = generated[0]
    position = data.draw(st.integers(min_value=0, max_value=17))
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_id_number(changed)


@PROPERTY
@given(generated=id_numbers(), data=st.data())
def test_it_rejects_an_id_number_with_two_neighbours_swapped(generated, data):
    number = generated[0]
    position = data.draw(st.integers(min_value=0, max_value=15))
    if number[position] == number[position + 1]:
        return
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    with pytest.raises(ValidationError):
        validate_id_number(swapped)


@pytest.mark.parametrize(("number", "message", "code"), [
    ("11010519900101123" + "5", "身份证号码校验位错误", "id_checksum"),
    (valid_id("11010519901301123"), "身份证号码中的出生日期无效", "id_birth_date"),
    (valid_id("11010519900230123"), "身份证号码中的出生日期无效", "id_birth_date"),
    (valid_id("11010529990101123"), "身份证号码中的出生日期无效", "id_birth_date"),
    (valid_id("11010518500101123"), "身份证号码中的出生日期无效", "id_birth_date"),
    (valid_id("99010519900101123"), "身份证号码中的地区代码无效", "id_region"),
    ("1101051990010112", "身份证号码应为18位，现在是16位", "id_length"),
    ("110105900101123", "身份证号码应为18位，现在是15位", "id_length"),
    ("11010519900101123X1", "身份证号码应为18位，现在是19位", "id_length"),
    ("1101051990X101123X", "身份证号码前17位应为数字，最后一位为数字或X", "id_format"),
    ("11010519900101123Y", "身份证号码前17位应为数字，最后一位为数字或X", "id_format"),
    ("", "身份证号码不能为空", "id_required"),
])
def test_it_says_what_is_wrong_with_an_id_number(number, message, code):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert message in message_of(caught.value)
    assert caught.value.code == code


def test_it_accepts_the_issue_example_with_its_check_digit():
    validate_id_number("11010519491231002X")
    validate_id_number("11010519491231002x")
    validate_id_number("１１０１０５１９４９１２３１００２ｘ")


@pytest.mark.parametrize("first17", [
    "44190019750101123",  # 东莞: code from 1988, people born before it carry it (stdnum refuses)
    "32057119800101123",  # 苏州工业园区: issued in practice, absent from the official list
    "11011519700101123",  # 大兴区 (2001) for someone born in 1970
    "81000019900101123",  # 港澳台居民居住证 follow the same format
])
def test_it_accepts_real_region_codes_that_a_county_list_would_refuse(first17):
    validate_id_number(valid_id(first17))


def test_it_reads_birth_date_and_gender_from_the_number():
    assert id_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert id_gender("11010519491231002X") == "F"
    assert id_gender(valid_id("11010519900101123")) == "M"
    assert id_gender(valid_id("11010519900101124")) == "F"


def test_it_refuses_to_read_a_birth_date_from_a_malformed_number():
    with pytest.raises(ValidationError) as caught:
        id_birth_date(valid_id("11010519901301123"))
    assert "出生日期无效" in message_of(caught.value)
    with pytest.raises(ValidationError):
        id_gender("1101051990")


def test_it_accepts_birth_date_and_gender_that_match_the_number():
    number = "11010519491231002X"
    validate_id_matches(number, datetime.date(1949, 12, 31), "F")
    validate_id_matches(number, None, "")
    validate_id_matches(number, None, None)


def test_it_names_the_birth_date_when_it_disagrees_with_the_number():
    with pytest.raises(ValidationError) as caught:
        validate_id_matches("11010519491231002X", datetime.date(1949, 12, 30), "F")
    assert caught.value.message_dict == {"birth_date": ["出生日期与身份证号码不一致。"]}


def test_it_names_the_gender_when_it_disagrees_with_the_number():
    with pytest.raises(ValidationError) as caught:
        validate_id_matches("11010519491231002X", datetime.date(1949, 12, 31), "M")
    assert caught.value.message_dict == {"gender": ["性别与身份证号码不一致。"]}


def test_it_names_both_fields_when_both_disagree():
    with pytest.raises(ValidationError) as caught:
        validate_id_matches("11010519491231002X", datetime.date(1950, 1, 1), "M")
    assert set(caught.value.message_dict) == {"birth_date", "gender"}


def test_it_names_the_id_number_when_it_is_malformed():
    with pytest.raises(ValidationError) as caught:
        validate_id_matches("110105", datetime.date(1950, 1, 1), "M")
    assert list(caught.value.message_dict) == ["id_number"]
    assert "18位" in caught.value.message_dict["id_number"][0]


# --- 统一社会信用代码 -------------------------------------------------------------------------


@PROPERTY
@given(code=credit_codes())
def test_it_accepts_every_credit_code_with_a_correct_check_character(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())


@PROPERTY
@given(code=credit_codes(), data=st.data())
def test_it_rejects_a_credit_code_with_any_single_character_changed(code, data):
    position = data.draw(st.integers(min_value=0, max_value=17))
    replacement = data.draw(st.sampled_from([c for c in USCC_ALPHABET + "IOSVZ" if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(changed)


@pytest.mark.parametrize(("code", "message", "kind"), [
    ("91110000600037341L", None, None),
    ("91110000600037341A", "统一社会信用代码校验位错误", "credit_code_checksum"),
    ("9111000060003734", "统一社会信用代码应为18位，现在是16位", "credit_code_length"),
    ("91110000600O37341L", "不含 I、O、S、V、Z", "credit_code_format"),
    ("911100006000373#1L", "只能包含数字和大写字母", "credit_code_format"),
    ("91A10000600037341L", "第3至8位应为行政区划代码", "credit_code_format"),
    ("", "统一社会信用代码不能为空", "credit_code_required"),
])
def test_it_says_what_is_wrong_with_a_credit_code(code, message, kind):
    if message is None:
        validate_credit_code(code)
        return
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert message in message_of(caught.value)
    assert caught.value.code == kind


def test_it_accepts_credit_codes_of_authorities_that_use_letters():
    first17 = "N2410381MA0000001"
    validate_credit_code(first17 + gb32100_check(first17))


# --- phones ----------------------------------------------------------------------------------


@PROPERTY
@given(number=st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_it_accepts_every_mobile_number_however_written(number):
    for written in (number, f"+86 {number[:3]} {number[3:7]} {number[7:]}", f"{number[:3]}-{number[3:7]}-{number[7:]}"):
        validate_mobile(written)
        validate_phone(written)


@pytest.mark.parametrize("number", [
    "010-87654321", "(021) 6123 4567", "0755-2345678", "0755-23456789", "0371 6789 1234",
    "010-87654321转123", "010-87654321-8001", "+86 10 8765 4321",
])
def test_it_accepts_landlines_with_area_code(number):
    validate_landline(number)
    validate_phone(number)


def test_it_accepts_company_service_numbers_as_phones():
    validate_phone("400-812-3456")
    validate_phone("8008123456")


@pytest.mark.parametrize(("number", "message"), [
    ("1381234567", "手机号码应为11位数字，以13至19开头"),
    ("138123456789", "手机号码应为11位数字，以13至19开头"),
    ("12812345678", "手机号码应为11位数字，以13至19开头"),
    ("010-1234567", "固定电话应为区号加7至8位号码"),
    ("0755-0234567", "固定电话应为区号加7至8位号码"),
    ("87654321", "固定电话需带区号"),
    ("13812345678/13987654321", "手机号码应为11位数字"),
    ("电话", "电话号码格式不正确"),
])
def test_it_says_what_is_wrong_with_a_phone(number, message):
    with pytest.raises(ValidationError) as caught:
        validate_phone(number)
    assert message in message_of(caught.value)


def test_it_keeps_mobiles_and_landlines_apart():
    with pytest.raises(ValidationError, match="手机号码"):
        validate_mobile("010-87654321")
    with pytest.raises(ValidationError, match="固定电话"):
        validate_landline("13812345678")


# --- plates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("plate", [
    "京A12345", "沪B0E123", "粤BD0001", "京a·12345", "川A 8K88P",
    "京AD12345", "粤BF01234", "苏EA12345", "浙AK12345", "京A12345D", "沪A12345F",
    "京A1234警", "京A1234学", "冀A1234挂", "沪A1234领", "粤Z1234港", "粤Z1234澳",
])
def test_it_accepts_plates_in_the_national_format(plate):
    validate_plate(plate)


@pytest.mark.parametrize(("plate", "message"), [
    ("A12345", "应以省、自治区、直辖市的简称开头"),
    ("港A12345", "应以省、自治区、直辖市的简称开头"),
    ("京A1234", "应为7位（新能源车8位），现在是6位"),
    ("京A1234567", "现在是9位"),
    ("京112345", "发牌机关字母"),
    ("京AI2345", "不含 I、O"),
    ("京A123警4", "发牌机关字母"),
    ("京AZ12345", "新能源车牌格式不正确"),
    ("京AD1234A", "新能源车牌格式不正确"),
    ("京AI12345", "新能源车牌格式不正确"),
    ("京A1234AD", "新能源车牌格式不正确"),
    ("", "车牌号码不能为空"),
])
def test_it_says_what_is_wrong_with_a_plate(plate, message):
    with pytest.raises(ValidationError) as caught:
        validate_plate(plate)
    assert message in message_of(caught.value)


@pytest.mark.parametrize("plate", ["杭州A12345", "0012345", "郑州·电动 12345", "ABCDEFGHIJKL"])
def test_it_accepts_any_city_format_of_ebike_plate(plate):
    validate_ebike_plate(plate)


@pytest.mark.parametrize(("plate", "message"), [
    ("", "电动自行车号牌不能为空"),
    ("  ", "电动自行车号牌不能为空"),
    ("ABCDEFGHIJKLM", "电动自行车号牌不能超过12个字符"),
])
def test_it_says_what_is_wrong_with_an_ebike_plate(plate, message):
    with pytest.raises(ValidationError, match=message):
        validate_ebike_plate(plate)


# --- other documents -------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["E12345678", "e1234-5678", "H12345678", "12345", "A" * 20])
def test_it_accepts_passports_and_permits(number):
    validate_document_number(number)
    validate_document("passport", number)


@pytest.mark.parametrize("number", ["1234", "A" * 21, "E1234567!", "护照12345", ""])
def test_it_says_what_is_wrong_with_a_document_number(number):
    with pytest.raises(ValidationError, match="证件号码应为5至20位字母或数字"):
        validate_document_number(number)


def test_it_checks_an_id_card_document_as_an_id_number():
    validate_document("id_card", "11010519491231002X")
    with pytest.raises(ValidationError, match="身份证号码校验位错误"):
        validate_document("id_card", "110105194912310021")
    validate_document("passport", "E12345678")


@pytest.mark.parametrize(("validate", "value"), [
    (validate_id_number, "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"),  # Arabic-Indic digits: Python's \d and isdigit accept them
    (validate_mobile, "١٣٨١٢٣٤٥٦٧٨"),
    (validate_phone, "010-87654321-²"),
    (validate_credit_code, "91110000600037341L".replace("1", "١")),
])
def test_it_accepts_only_ascii_digits(validate, value):
    with pytest.raises(ValidationError):
        validate(value)
