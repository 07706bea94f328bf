"""``rotate_pii_keys``: key rotation (docs/personal-data.md) and blind-index recomputation."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import ChangeLogEntry
from registry.management.commands.rotate_pii_keys import protected_models
from registry.models import Establishment, EstablishmentKind, Resident
from registry.pii import UndecryptableValue, document_index, index_value
from registry.validators import id_check_digit

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
FIRST17 = "41010219800101002"
ID_NUMBER = FIRST17 + id_check_digit(FIRST17)
PHONES = ("13812345678", "13900001111", "037166668888")


@pytest.fixture
def key_a(settings):
    settings.PII_ENCRYPTION_KEYS = [KEY_A]
    return settings


@pytest.fixture
def people(cast, key_a):
    resident = Resident.objects.create(grid=cast.grid_a, name="曲秀英", gender="F", id_number=ID_NUMBER,
                                       phone=PHONES[0])
    no_phone = Resident.objects.create(grid=cast.grid_a, name="徐阿姨", gender="F", phone=PHONES[1])
    shop = Establishment.objects.create(grid=cast.grid_a, name="百花便利店", kind=EstablishmentKind.SHOP,
                                        address="百花路1号", contact_phone=PHONES[2])
    return resident, no_phone, shop


def raw(table, pk, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def rotate(*args):
    out = io.StringIO()
    call_command("rotate_pii_keys", *args, stdout=out)
    return out.getvalue()


def test_it_discovers_every_encrypted_field_and_its_index():
    found = {protected.label: (protected.encrypted, sorted(protected.indexes)) for protected in protected_models()}
    assert found["registry.Resident"] == (("id_number", "phone"), ["id_number_index", "phone_index"])
    assert found["registry.Establishment"] == (("contact_phone",), ["contact_phone_index"])
    assert found["cases.Case"] == (("reporter_phone",), ["reporter_phone_index"])
    assert found["cases.DisputeParty"] == (("phone",), [])
    assert found["participation.Wish"] == (("claimant_phone",), ["claimant_phone_index"])
    assert found["participation.Proposal"] == (("proposer_phone",), ["proposer_phone_index"])
    assert found["api.WebhookSubscription"] == (("secret",), [])  # the signing secret: re-encrypted, no index


def test_old_records_are_lost_without_rotation(people, settings):
    resident, _no_phone, _shop = people
    settings.PII_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(UndecryptableValue):
        Resident.objects.get(pk=resident.pk)


def test_rotation_moves_every_value_to_the_new_key(people, settings):
    resident, no_phone, shop = people
    old_tokens = raw("registry_resident", resident.pk, "id_number", "phone")
    settings.PII_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = rotate("--batch-size", "1")
    assert "registry.Resident: 2 rows re-encrypted" in output
    assert "registry.Establishment: 1 rows re-encrypted" in output
    new_tokens = raw("registry_resident", resident.pk, "id_number", "phone")
    assert new_tokens[0] != old_tokens[0] and new_tokens[1] != old_tokens[1]
    assert ID_NUMBER not in new_tokens[0]
    settings.PII_ENCRYPTION_KEYS = [KEY_B]
    reloaded = Resident.objects.get(pk=resident.pk)
    assert (reloaded.id_number, reloaded.phone) == (ID_NUMBER, PHONES[0])
    assert Resident.objects.get(pk=no_phone.pk).id_number == ""
    assert raw("registry_resident", no_phone.pk, "id_number") == ("",)
    assert Establishment.objects.get(pk=shop.pk).contact_phone == PHONES[2]


def test_running_it_again_is_harmless_and_leaves_no_trace_in_the_change_log(people, settings):
    resident, _no_phone, _shop = people
    settings.PII_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    entries = ChangeLogEntry.objects.count()
    updated_at = Resident.objects.get(pk=resident.pk).updated_at
    rotate()
    rotate()
    settings.PII_ENCRYPTION_KEYS = [KEY_B]
    reloaded = Resident.objects.get(pk=resident.pk)
    assert (reloaded.id_number, reloaded.updated_at) == (ID_NUMBER, updated_at)
    assert ChangeLogEntry.objects.count() == entries


def test_reindex_makes_blind_index_search_work_after_the_index_key_changes(people, settings):
    resident, no_phone, shop = people
    settings.PII_INDEX_KEY = "a-brand-new-index-key-of-more-than-32-characters"
    assert not Resident.objects.filter(id_number_index=document_index("id_card", ID_NUMBER)).exists()
    assert not Resident.objects.filter(phone_index=index_value("phone", PHONES[1])).exists()
    output = rotate("--reindex")
    assert "registry.Resident: 2 rows re-encrypted (id_number, phone), 3 blind-index values changed" in output
    assert Resident.objects.get(id_number_index=document_index("id_card", ID_NUMBER)) == resident
    assert Resident.objects.get(phone_index=index_value("phone", "138 1234 5678")) == resident
    assert Resident.objects.get(phone_index=index_value("phone", PHONES[1])) == no_phone
    assert Establishment.objects.get(contact_phone_index=index_value("phone", PHONES[2])) == shop
    assert raw("registry_resident", no_phone.pk, "id_number_index") == ("",)


def test_it_says_which_key_is_missing_when_a_value_cannot_be_opened(people, settings):
    settings.PII_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(CommandError, match="cannot be decrypted with any key in PII_ENCRYPTION_KEYS"):
        rotate()
