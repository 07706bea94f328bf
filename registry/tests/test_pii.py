"""Personal data: encryption at rest with key rotation, keyed blind indexes, masking."""

import datetime
import re

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import pii
from registry.pii import (
    UndecryptableValue,
    blind_index,
    check_keys,
    decrypt,
    document_index,
    encrypt,
    index_value,
    mask_document,
    mask_id_number,
    mask_identity,
    mask_name,
    mask_phone,
    reencrypt,
)
from registry.validators import id_check_digit

PROPERTY = settings(database=None, max_examples=200, deadline=None)
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


# --- encryption ------------------------------------------------------------------------------


@PROPERTY
@given(value=st.text(min_size=1, max_size=40))
def test_it_decrypts_what_it_encrypted_and_never_stores_plaintext(value):
    token = encrypt(value)
    assert token != value
    assert value not in token or len(value) < 3
    assert decrypt(token) == value


def test_it_encrypts_the_same_value_differently_each_time():
    assert encrypt("13812345678") != encrypt("13812345678")


def test_it_keeps_empty_values_empty():
    assert encrypt("") == ""
    assert decrypt("") == ""
    assert reencrypt("") == ""


def test_it_works_with_the_development_key_when_nothing_is_configured(settings):
    del settings.PII_ENCRYPTION_KEYS
    del settings.PII_INDEX_KEY
    assert pii.encryption_keys() == (pii.DEVELOPMENT_PII_ENCRYPTION_KEY,)
    assert decrypt(encrypt("110105194912310021")) == "110105194912310021"
    assert check_keys() == []


def test_it_encrypts_with_the_first_key_and_decrypts_with_any(settings):
    settings.PII_ENCRYPTION_KEYS = [OLD_KEY]
    old_token = encrypt("13812345678")
    settings.PII_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert decrypt(old_token) == "13812345678"
    new_token = reencrypt(old_token)
    assert Fernet(NEW_KEY.encode()).decrypt(new_token.encode()) == b"13812345678"
    assert Fernet(NEW_KEY.encode()).decrypt(encrypt("x").encode()) == b"x"

    settings.PII_ENCRYPTION_KEYS = [NEW_KEY]  # the old key retired after re-encryption
    assert decrypt(new_token) == "13812345678"
    with pytest.raises(UndecryptableValue, match="restore the key"):
        decrypt(old_token)
    with pytest.raises(UndecryptableValue):
        reencrypt(old_token)


def test_it_reads_comma_separated_keys(settings):
    settings.PII_ENCRYPTION_KEYS = f" {NEW_KEY} , {OLD_KEY} ,"
    assert pii.encryption_keys() == (NEW_KEY, OLD_KEY)


def test_it_names_a_malformed_key_without_printing_it(settings):
    settings.PII_ENCRYPTION_KEYS = [NEW_KEY, "not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key") as caught:
        encrypt("x")
    assert "not-a-fernet-key" not in str(caught.value)
    assert [error.id for error in check_keys()] == ["registry.E001"]


def test_it_refuses_a_short_index_key(settings):
    settings.PII_INDEX_KEY = "short"
    assert [error.id for error in check_keys()] == ["registry.E002"]


def test_it_refuses_empty_keys_rather_than_falling_back_to_the_development_ones(settings):
    settings.PII_ENCRYPTION_KEYS = []
    settings.PII_INDEX_KEY = ""
    assert [error.id for error in check_keys()] == ["registry.E001", "registry.E002"]
    with pytest.raises(ImproperlyConfigured, match="PII_ENCRYPTION_KEYS is empty"):
        encrypt("13812345678")
    with pytest.raises(ImproperlyConfigured, match="PII_INDEX_KEY is empty"):
        blind_index("phone", "13812345678")


def test_it_checks_the_keys_with_the_system_checks():
    from django.core.checks.registry import registry

    assert check_keys in registry.get_checks()


# --- blind index -----------------------------------------------------------------------------


def test_it_indexes_equal_values_alike_however_they_were_typed():
    assert blind_index("phone", "138 1234 5678") == blind_index("phone", "+86 13812345678")
    typed = blind_index("id_number", "11010519491231002x")
    assert typed == blind_index("id_number", "１１０１０５１９４９１２３１００２Ｘ")
    assert re.fullmatch(r"[0-9a-f]{64}", blind_index("phone", "13812345678"))


def test_it_namespaces_the_index_by_kind():
    assert blind_index("id_number", "13812345678") != blind_index("phone", "13812345678")


def test_it_tells_different_values_apart():
    assert blind_index("phone", "13812345678") != blind_index("phone", "13812345679")


def test_it_depends_on_the_index_key(settings):
    before = blind_index("phone", "13812345678")
    settings.PII_INDEX_KEY = "another-index-key-of-at-least-32-characters"
    assert blind_index("phone", "13812345678") != before


def test_it_gives_no_index_for_no_value():
    assert index_value("phone", "") == ""
    assert index_value("phone", None) == ""
    assert index_value("phone", " \u3000") == ""
    assert index_value("phone", "13812345678") == blind_index("phone", "13812345678")
    with pytest.raises(ValueError, match="index_value"):
        blind_index("phone", "  ")


def test_it_indexes_documents_by_type_and_normalised_number():
    assert document_index("id_card", "11010519491231002x") == document_index("id_card", "110105 19491231 002X")
    assert document_index("id_card", "E12345678") != document_index("passport", "E12345678")
    assert document_index("passport", "") == ""
    assert document_index("passport", None) == ""


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("mask", "value", "expected"), [
    (mask_id_number, "110105199001011234", "110*************34"),
    (mask_id_number, "11010519491231002x", "110*************2X"),
    (mask_id_number, "110105 19491231 002X", "110*************2X"),
    (mask_id_number, "110105900101123", "11***********23"),  # not 18 characters: the document rule
    (mask_phone, "13812345678", "138****5678"),
    (mask_phone, "+86 138 1234 5678", "138****5678"),
    (mask_phone, "010-87654321", "010****4321"),
    (mask_phone, "0755-2345678", "0755***5678"),
    (mask_phone, "0755-23456789", "0755****6789"),
    (mask_phone, "010-87654321转123", "010****4321-***"),
    (mask_phone, "87654321", "87****21"),
    (mask_name, "张三明", "张*明"),
    (mask_name, "张三", "张*"),
    (mask_name, "欧阳娜娜", "欧**娜"),
    (mask_name, "张", "*"),
    (mask_document, "E12345678", "E1*****78"),
    (mask_document, "e1234-5678", "E1*****78"),
    (mask_document, "AB12", "A***"),
])
def test_it_masks_personal_data(mask, value, expected):
    assert mask(value) == expected


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name, mask_document])
def test_it_keeps_empty_values_empty_when_masking(mask):
    assert mask("") == ""
    assert mask(None) == ""


def test_it_masks_a_document_by_its_type():
    assert mask_identity("id_card", "11010519491231002X") == "110*************2X"
    assert mask_identity("passport", "E12345678") == "E1*****78"


@st.composite
def id_numbers(draw):
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2024, 12, 31)))
    first17 = draw(st.from_regex(r"\A[1-6][0-9]{5}\Z")) + f"{born:%Y%m%d}" + draw(st.from_regex(r"\A[0-9]{3}\Z"))
    return first17 + id_check_digit(first17)


@PROPERTY
@given(number=id_numbers())
def test_it_never_shows_the_county_birth_date_or_sequence_of_an_id_number(number):
    masked = mask_id_number(number)
    assert masked == number[:3] + "*" * 13 + number[16:]


@PROPERTY
@given(number=st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_it_never_shows_the_middle_of_a_mobile_number(number):
    assert mask_phone(number) == number[:3] + "****" + number[7:]


@PROPERTY
@given(number=st.from_regex(r"\A0(10|2[0-9])[2-9][0-9]{7}\Z|\A0[3-9][0-9]{2}[2-9][0-9]{6,7}\Z"))
def test_it_never_shows_more_than_area_code_and_last_four_of_a_landline(number):
    masked = mask_phone(number)
    area = 3 if number[1] in "12" else 4
    assert masked[:area] == number[:area]
    assert masked[-4:] == number[-4:]
    assert set(masked[area:-4]) == {"*"}


@PROPERTY
@given(number=st.from_regex(r"\A[A-Z0-9]{5,20}\Z"))
def test_it_never_shows_the_middle_of_a_document_number(number):
    masked = mask_document(number)
    assert len(masked) == len(number)
    assert set(masked[2:-2]) == {"*"}
    assert masked[:2] + masked[-2:] == number[:2] + number[-2:]


@PROPERTY
@given(name=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=3, max_size=8))
def test_it_never_shows_the_middle_of_a_name(name):
    masked = mask_name(name)
    assert masked == name[0] + "*" * (len(name) - 2) + name[-1]
