"""Model fields for personal data kept encrypted at rest.

A model pairs each ``EncryptedCharField`` with a blind-index column filled on save, and
searches and enforces uniqueness on that column, never on the ciphertext::

    phone = EncryptedCharField(_("联系电话"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    def save(self, *args, **kwargs):
        self.phone_index = index_value("phone", self.phone)
        super().save(*args, **kwargs)

    # exact search: Resident.objects.filter(phone_index=index_value("phone", query))

``QuerySet.update()`` and ``bulk_create()`` skip ``save()``: code that writes an encrypted
value in bulk must set its ``_index`` column too. Exclude encrypted fields from the audit log
(``audit.registry.register(..., exclude=(...))``): the audit snapshot reads attributes, which
are plaintext; the changing index already records that the value changed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.utils.translation import gettext_lazy as _

from registry.pii import decrypt, document_index, encrypt, index_value

__all__ = ["EncryptedCharField", "document_index", "index_value"]


def _not_searchable(field_name: str) -> FieldError:
    return FieldError(
        f"{field_name} is encrypted: the database holds ciphertext, so it cannot be filtered by value. "
        f"Filter on its blind index instead: {field_name}_index=index_value(kind, value)."
    )


class EncryptedExact(Exact):
    """``exact`` only against ``None`` or ``""`` (stored as such); any other value is a mistake."""

    def get_prep_lookup(self) -> Any:
        if self.rhs is None or (isinstance(self.rhs, str) and self.rhs == ""):
            return super().get_prep_lookup()
        target = getattr(self.lhs, "target", None)
        raise _not_searchable(getattr(target, "name", "an encrypted field"))


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """A short text (ID number, phone) stored as a Fernet token and read back as plaintext.

    ``None`` and ``""`` are stored as they are (emptiness is not secret: the blind index shows
    it too), so ``filter(phone="")`` and ``phone__isnull`` work; every other lookup raises.
    ``max_length`` limits the plaintext in forms. It cannot be unique or indexed: equal values
    encrypt differently.
    """

    description = _("加密文本")
    # Marks columns that must never be copied in clear elsewhere (audit snapshots, logs).
    personal_data = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        for option in ("primary_key", "unique", "db_index"):
            if kwargs.get(option):
                raise TypeError(
                    f"EncryptedCharField cannot take {option}=True: ciphertext differs on every save. "
                    "Put it on the <name>_index column."
                )
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EncryptedExact
        raise _not_searchable(self.name or "EncryptedCharField")

    def formfield(self, **kwargs: Any) -> Any:
        """A one-line input, even where a text area would be the default for a ``TextField`` (admin)."""
        widget = kwargs.get("widget")
        if _is_text_area(widget):
            kwargs["widget"] = forms.TextInput(attrs={"class": "vTextField"})
        return super(models.TextField, self).formfield(**{"max_length": self.max_length, **kwargs})


def _is_text_area(widget: Any) -> bool:
    if isinstance(widget, type):
        return issubclass(widget, forms.Textarea)
    return isinstance(widget, forms.Textarea)
