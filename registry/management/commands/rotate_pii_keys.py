"""``python manage.py rotate_pii_keys [--reindex]``: re-encrypt personal data, recompute blind indexes.

Key rotation (docs/personal-data.md): with ``PII_ENCRYPTION_KEYS=NEW,OLD`` every stored value
opens with either key; this command reads each value and writes it back encrypted with the
first key, so that OLD can then be removed. With ``--reindex`` it also recomputes every blind
index (``<field>_index``) with the current ``PII_INDEX_KEY``, after that key has changed.

Encrypted columns are found generically: every concrete field marked ``personal_data`` (the
``EncryptedCharField``) of every installed model. Each such field with a ``<name>_index``
sibling needs a rule in ``INDEX_RULES`` saying how its index is computed; the command refuses
to run ``--reindex`` when one is missing rather than leave an index stale.

Rows are processed in primary-key batches, each batch one ``bulk_update`` in its own
transaction (SQLite and PostgreSQL alike); running the command twice is harmless, and an
interrupted run can simply be started again. The values do not change, so nothing is written
to the change log and ``updated_at`` stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from registry.pii import UndecryptableValue, document_index, index_value

IndexRule = Callable[[Any], str]

# How each blind index is computed from its record: "<app_label>.<Model>" -> index column -> rule.
# The models' save() methods compute the same values (registry.models).
INDEX_RULES: dict[str, dict[str, IndexRule]] = {
    "registry.Resident": {
        "id_number_index": lambda row: document_index(row.document_type, row.id_number),
        "phone_index": lambda row: index_value("phone", row.phone),
    },
    "registry.Establishment": {
        "contact_phone_index": lambda row: index_value("phone", row.contact_phone),
    },
    "cases.Case": {
        "reporter_phone_index": lambda row: index_value("phone", row.reporter_phone),
    },
    "participation.Wish": {
        "claimant_phone_index": lambda row: index_value("phone", row.claimant_phone) if row.claimant_phone else "",
    },
    "participation.Proposal": {
        "proposer_phone_index": lambda row: index_value("phone", row.proposer_phone) if row.proposer_phone else "",
    },
}
DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class ProtectedModel:
    """A model with encrypted columns, and the blind-index columns to recompute with them."""

    model: type[models.Model]
    encrypted: tuple[str, ...]
    indexes: dict[str, IndexRule]

    @property
    def label(self) -> str:
        return self.model._meta.label


def protected_models() -> list[ProtectedModel]:
    """Every installed model with ``personal_data`` fields, with the rules for their indexes.

    Raises ``CommandError`` for a ``<field>_index`` column that has no rule in ``INDEX_RULES``.
    """
    found = []
    for model in apps.get_models():
        encrypted = tuple(
            field.attname for field in model._meta.concrete_fields if getattr(field, "personal_data", False)
        )
        if not encrypted:
            continue
        columns = {field.attname for field in model._meta.concrete_fields}
        rules = INDEX_RULES.get(model._meta.label, {})
        for name in encrypted:
            index = f"{name}_index"
            if index in columns and index not in rules:
                raise CommandError(f"No rule to recompute {model._meta.label}.{index}: add one to INDEX_RULES.")
        found.append(ProtectedModel(model, encrypted, {name: rules[name] for name in rules if name in columns}))
    return found


def rotate_model(protected: ProtectedModel, *, reindex: bool, batch_size: int) -> tuple[int, int]:
    """Re-encrypt (and, with ``reindex``, re-index) every row of one model.

    Returns (rows processed, index values that changed).
    """
    manager = protected.model._base_manager
    fields = list(protected.encrypted) + (list(protected.indexes) if reindex else [])
    processed = changed = 0
    last_pk: Any = None
    while True:
        rows = manager.order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        with transaction.atomic():
            batch = _read_batch(protected, rows, batch_size, last_pk)
            if not batch:
                return processed, changed
            if reindex:
                changed += _recompute_indexes(protected, batch)
            # Saving writes each encrypted value with the first key (EncryptedCharField.get_prep_value).
            manager.bulk_update(batch, fields)
        processed += len(batch)
        last_pk = batch[-1].pk


def _read_batch(protected: ProtectedModel, rows: Any, batch_size: int, after: Any) -> list[Any]:
    """The next batch of rows, decrypted; a value no key opens names where it is."""
    try:
        return list(rows.select_for_update()[:batch_size])
    except UndecryptableValue as error:
        start = f"after pk {after}" if after is not None else "from the first row"
        raise CommandError(
            f"{protected.label}: a value in the batch {start} cannot be decrypted with any key in "
            "PII_ENCRYPTION_KEYS. Put back the old key after the new one and run the command again "
            "(docs/personal-data.md)."
        ) from error


def _recompute_indexes(protected: ProtectedModel, batch: list[Any]) -> int:
    changed = 0
    for row in batch:
        for column, rule in protected.indexes.items():
            value = rule(row)
            if getattr(row, column) != value:
                setattr(row, column, value)
                changed += 1
    return changed


class Command(BaseCommand):
    help = (
        "Re-encrypt every ID number and phone with the first key of PII_ENCRYPTION_KEYS; "
        "with --reindex also recompute every blind index with the current PII_INDEX_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reindex", action="store_true", help="Also recompute the blind indexes (after changing PII_INDEX_KEY)."
        )
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=f"Rows per batch (default {DEFAULT_BATCH_SIZE})."
        )

    def handle(self, *args: Any, reindex: bool = False, batch_size: int = DEFAULT_BATCH_SIZE, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be a positive number.")
        total = 0
        for protected in protected_models():
            processed, changed = rotate_model(protected, reindex=reindex, batch_size=batch_size)
            total += processed
            message = f"{protected.label}: {processed} rows re-encrypted ({', '.join(protected.encrypted)})"
            if reindex:
                message += f", {changed} blind-index values changed"
            self.stdout.write(message)
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows."))
