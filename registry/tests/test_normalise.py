"""Normalisation of typed and pasted registry input (forms, Excel rosters, CSV)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import normalise
from registry.normalise import (
    normalise_credit_code,
    normalise_document,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    normalise_plate,
    normalise_text,
)

PROPERTY = settings(database=None, max_examples=300, deadline=None)
NORMALISERS = [
    normalise_text, normalise_name, normalise_id_number, normalise_document, normalise_credit_code,
    normalise_phone, normalise_plate,
]
# What rosters are made of: digits in both widths, separators, markers, Han characters, dots.
ROSTER_CHARACTERS = st.text(
    alphabet=st.sampled_from(list("0123456789０１２３４５６７８９xXｘ+-－–()（） 　\t.·•#转分机ext张三京A\u200b")),
    max_size=30,
)


@pytest.mark.parametrize("normalise", NORMALISERS, ids=lambda f: f.__name__)
@PROPERTY
@given(value=st.text(max_size=40) | ROSTER_CHARACTERS)
def test_it_is_idempotent(normalise, value):
    once = normalise(value)
    assert normalise(once) == once


@pytest.mark.parametrize("normalise", NORMALISERS, ids=lambda f: f.__name__)
def test_it_gives_empty_for_empty_input(normalise):
    assert normalise("") == ""
    assert normalise(None) == ""
    assert normalise(" \u3000\t") == ""


@pytest.mark.parametrize(("raw", "expected"), [
    ("  张　三  ", "张三"),  # ideographic space used to align two-character names
    ("张\u200b三", "张三"),  # zero-width space pasted from a web page
    ("ＡＢＣ　１２３", "ABC 123"),
    ("幸福路１２号（东门）", "幸福路12号(东门)"),
    ("幸福小区   3栋\t2单元", "幸福小区 3栋 2单元"),
    ("John   Smith", "John Smith"),
    ("面积100㎡，朝南①", "面积100㎡,朝南①"),  # units and circled digits are not full-width ASCII: kept
    ("碁", "碁"),
])
def test_it_folds_width_and_spaces_in_text(raw, expected):
    assert normalise_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("阿依古丽 • 买买提", "阿依古丽·买买提"),
    ("阿依古丽.买买提", "阿依古丽·买买提"),
    ("阿依古丽・买买提", "阿依古丽·买买提"),
    ("Mary J. Blige", "Mary J. Blige"),
    ("王　小　明", "王小明"),
])
def test_it_unifies_the_interpunct_in_names(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("１１０１０５１９９００１０１１２３ｘ", "11010519900101123X"),
    ("11010519900101123x", "11010519900101123X"),
    ("110105 1990 0101 123X", "11010519900101123X"),
    ("110105-19900101-123X", "11010519900101123X"),
    (" 110105\u300019900101123X\u200b ", "11010519900101123X"),
])
def test_it_normalises_id_numbers(raw, expected):
    assert normalise_id_number(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("e1234-5678", "E12345678"),
    ("Ｈ１２３４５６７８", "H12345678"),
])
def test_it_normalises_other_documents(raw, expected):
    assert normalise_document(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("13812345678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("１３８ １２３４ ５６７８", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+86-13812345678", "13812345678"),
    ("0086 13812345678", "13812345678"),
    ("8613812345678", "13812345678"),
    ("(+86) 138 1234 5678", "13812345678"),
    ("010-87654321", "01087654321"),
    ("(010) 8765-4321", "01087654321"),
    ("010 8765 4321", "01087654321"),
    ("0755-23456789", "075523456789"),
    ("0755 2345 6789", "075523456789"),
    ("+86 10 8765 4321", "01087654321"),
    ("+86-755-23456789", "075523456789"),
    ("010-87654321-123", "01087654321-123"),
    ("010-87654321转123", "01087654321-123"),
    ("010 87654321 分机 123", "01087654321-123"),
    ("010-87654321 ext. 123", "01087654321-123"),
    ("010-87654321#123", "01087654321-123"),
    ("400-812-3456", "4008123456"),
])
def test_it_normalises_phones(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["13812345678/13987654321", "13812345678、13987654321", "13812345678转1"])
def test_it_never_merges_what_is_not_one_phone(raw):
    """Two numbers in one cell stay visibly two (validation then refuses them)."""
    assert normalise_phone(raw) not in {"13812345678", "13812345678-1"}
    assert not normalise_phone(raw).isdigit()


@pytest.mark.parametrize(("raw", "expected"), [
    ("９１１１００００６０００３７３４１ｌ", "91110000600037341L"),
    ("9111 0000 6000 3734 1l", "91110000600037341L"),
    ("91110000-600037341-L", "91110000600037341L"),
])
def test_it_normalises_credit_codes(raw, expected):
    assert normalise_credit_code(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("京a·12345", "京A12345"),
    ("京A 12345", "京A12345"),
    ("粤 B-12345", "粤B12345"),
    ("京Ａ１２３４５", "京A12345"),
    ("沪A．12345", "沪A12345"),
    ("京ad12345", "京AD12345"),
    ("京A1234警", "京A1234警"),
])
def test_it_normalises_plates_keeping_the_province(raw, expected):
    assert normalise_plate(raw) == expected


@PROPERTY
@given(ROSTER_CHARACTERS)
def test_it_takes_the_short_way_only_for_text_that_needs_no_work(value):
    """The one-pass check in normalise_text returns a value unchanged only when the full work would."""
    full = normalise._SPACE_BETWEEN_HAN.sub("", normalise._WHITESPACE.sub(" ", normalise._CONTROL.sub(
        "", normalise._INVISIBLE.sub("", value)).translate(normalise._WIDTH_FOLD)).strip())
    assert normalise_text(value) == full
