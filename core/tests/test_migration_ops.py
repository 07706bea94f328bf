"""``core.migration_ops.drop_pattern_indexes``: the LIKE indexes of fields only compared whole are
gone after the migrations, the plain ones stay, and the operation reverses."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from core.migration_ops import drop_pattern_indexes

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

WHOLE = (
    ("audit", "ChangeLogEntry", "request_id"), ("audit", "ChangeLogEntry", "object_id"),
    ("audit", "AccessLogEntry", "object_id"), ("registry", "Resident", "id_number_index"),
    ("registry", "Resident", "phone_index"), ("registry", "Establishment", "contact_phone_index"),
    ("cases", "Case", "reporter_phone_index"), ("participation", "Wish", "claimant_phone_index"),
    ("participation", "Proposal", "proposer_phone_index"),
)


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def _columns(field: tuple[str, str, str]) -> tuple[str, str]:
    app_label, model_name, field_name = field
    model = apps.get_model(app_label, model_name)
    return model._meta.db_table, model._meta.get_field(field_name).column


def test_fields_compared_whole_keep_one_plain_index():
    for field in WHOLE:
        table, column = _columns(field)
        on_column = [definition for definition in _indexes(table).values() if f"({column}" in definition]
        assert on_column, field
        assert not any("pattern_ops" in definition for definition in on_column), (field, on_column)
    # Prefix searches keep theirs: scope by area code.
    assert any("area_code varchar_pattern_ops" in d for d in _indexes("audit_changelogentry").values())
    # The log's content type is the first column of its (content_type, object_id, -time) index.
    assert not any(d.endswith("(content_type_id)") for d in _indexes("audit_changelogentry").values())


def test_the_operation_reverses_and_runs_again():
    operation = drop_pattern_indexes(("cases", "Case", "reporter_phone_index"))
    table, column = _columns(("cases", "Case", "reporter_phone_index"))
    with connection.schema_editor(atomic=False) as editor:
        operation.reverse_code(apps, editor)
        assert any(f"({column} varchar_pattern_ops)" in d for d in _indexes(table).values())
        operation.code(apps, editor)
        operation.code(apps, editor)  # again: IF EXISTS
    assert not any("pattern_ops" in d and f"({column}" in d for d in _indexes(table).values())
