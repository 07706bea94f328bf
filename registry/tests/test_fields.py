"""EncryptedCharField: ciphertext in the database, plaintext in Python, no search on ciphertext.

Model-free: the field's conversions are called directly, as Django calls them when saving and
loading; the registry models' own tests read the raw table.
"""

import pytest
from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import FieldError
from django.db import connection
from django.db.models import Value
from django.db.models.lookups import IsNull

from registry import fields
from registry.fields import EncryptedCharField
from registry.pii import blind_index, decrypt, encrypt


@pytest.fixture
def phone() -> EncryptedCharField:
    field = EncryptedCharField("联系电话", blank=True)
    field.set_attributes_from_name("phone")
    return field


def test_it_writes_ciphertext_that_decrypts_to_the_plaintext(phone):
    stored = phone.get_db_prep_save("13812345678", connection)
    assert stored != "13812345678"
    assert "13812345678" not in stored
    assert decrypt(stored) == "13812345678"


def test_it_writes_different_ciphertext_each_time(phone):
    assert phone.get_prep_value("13812345678") != phone.get_prep_value("13812345678")


def test_it_reads_plaintext_back(phone):
    assert phone.from_db_value(encrypt("13812345678"), None, connection) == "13812345678"


def test_it_stores_empty_and_missing_values_as_they_are(phone):
    assert phone.get_prep_value("") == ""
    assert phone.get_prep_value(None) is None
    assert phone.from_db_value("", None, connection) == ""
    assert phone.from_db_value(None, None, connection) is None


def test_it_keeps_python_values_plaintext(phone):
    assert phone.to_python("13812345678") == "13812345678"
    assert phone.to_python(None) is None
    assert phone.to_python(13812345678) == "13812345678"


@pytest.mark.parametrize("lookup", ["contains", "icontains", "startswith", "iexact", "in", "gt", "regex"])
def test_it_refuses_to_search_ciphertext(phone, lookup):
    with pytest.raises(FieldError, match="phone_index=index_value"):
        phone.get_lookup(lookup)


def test_it_refuses_exact_search_by_value(phone):
    exact = phone.get_lookup("exact")
    with pytest.raises(FieldError, match="blind index"):
        exact(Value(None, output_field=phone), "13812345678")


def test_it_allows_emptiness_checks(phone):
    assert phone.get_lookup("isnull") is IsNull
    exact = phone.get_lookup("exact")
    assert exact(Value(None, output_field=phone), "").rhs == ""
    assert exact(Value(None, output_field=phone), None).rhs is None


@pytest.mark.parametrize("option", ["unique", "db_index", "primary_key"])
def test_it_cannot_be_unique_or_indexed(option):
    with pytest.raises(TypeError, match="_index column"):
        EncryptedCharField(**{option: True})


def test_it_deconstructs_for_migrations(phone):
    name, path, args, kwargs = phone.deconstruct()
    assert (name, path, args) == ("phone", "registry.fields.EncryptedCharField", [])
    assert kwargs == {"verbose_name": "联系电话", "blank": True}
    rebuilt = EncryptedCharField(*args, **kwargs)
    rebuilt.set_attributes_from_name("phone")
    assert rebuilt.deconstruct() == phone.deconstruct()


def test_it_deconstructs_max_length():
    field = EncryptedCharField(max_length=18)
    assert field.deconstruct()[3] == {"max_length": 18}


def test_it_is_a_one_line_input_in_forms():
    field = EncryptedCharField("证件号码", max_length=18, blank=True)
    form_field = field.formfield()
    assert isinstance(form_field, forms.CharField)
    assert isinstance(form_field.widget, forms.TextInput)
    assert form_field.max_length == 18
    assert form_field.required is False


def test_it_stays_one_line_in_the_admin():
    form_field = EncryptedCharField("证件号码").formfield(widget=AdminTextareaWidget)
    assert isinstance(form_field.widget, forms.TextInput)


def test_it_offers_the_index_helpers_next_to_the_field():
    assert fields.index_value("phone", "138 1234 5678") == blind_index("phone", "13812345678")
    assert fields.index_value("phone", "") == ""
    assert fields.document_index("passport", "E12345678") != ""


def test_it_marks_itself_as_personal_data_for_the_audit_log(phone):
    assert phone.personal_data is True
