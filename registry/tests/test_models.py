"""Registry records: personal data encrypted at rest, one resident per document, audit without plaintext."""

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import ChangeLogEntry
from registry.catalog import DEFAULT_CARE_TAGS
from registry.models import CareTag, FacilityCategory, Resident
from registry.pii import document_index, index_value

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


@pytest.fixture
def resident(cast):
    return Resident.objects.create(grid=cast.grid_a, name="曲秀英", gender="F", id_number=ID_NUMBER, phone=PHONE)


def raw_row(resident):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_resident WHERE id = %s", [resident.pk])
        return cursor.fetchone()


def test_the_database_holds_no_id_number_or_phone_in_clear(resident):
    stored_id, stored_phone = raw_row(resident)
    assert ID_NUMBER not in stored_id and "1949" not in stored_id
    assert PHONE not in stored_phone and "5678" not in stored_phone
    reloaded = Resident.objects.get(pk=resident.pk)
    assert (reloaded.id_number, reloaded.phone) == (ID_NUMBER, PHONE)


def test_exact_search_works_through_the_blind_index(resident):
    assert Resident.objects.get(id_number_index=document_index("id_card", ID_NUMBER)) == resident
    assert Resident.objects.get(phone_index=index_value("phone", PHONE)) == resident


def test_the_same_document_cannot_be_registered_twice(cast, resident):
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(grid=cast.grid_b, name="曲秀英", gender="F", id_number=ID_NUMBER)


def test_residents_without_document_do_not_collide(cast):
    Resident.objects.create(grid=cast.grid_a, name="无证件甲", gender="M")
    Resident.objects.create(grid=cast.grid_a, name="无证件乙", gender="M")
    assert Resident.objects.filter(id_number_index="").count() == 2


def test_the_audit_log_never_holds_personal_data_in_clear(resident):
    resident.phone = "13900001111"
    resident.save()
    entries = ChangeLogEntry.objects.filter(object_id=str(resident.pk), content_type__model="resident")
    assert entries.count() == 2
    for entry in entries:
        text = str(entry.before) + str(entry.after)
        assert ID_NUMBER not in text and PHONE not in text and "13900001111" not in text
    assert "phone_index" in entries.first().changed_fields()


def test_the_default_catalogs_are_seeded_after_migrate():
    assert CareTag.objects.count() >= len(DEFAULT_CARE_TAGS)
    assert CareTag.objects.get(code="disabled").visible_to_roles.filter(code="grid_worker").exists()
    assert not CareTag.objects.get(code="living_alone_elderly").is_sensitive
    assert FacilityCategory.objects.filter(parent=None).count() == 6
    assert FacilityCategory.objects.get(code="0111").parent.code == "01"
