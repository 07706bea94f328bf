"""Protection of personal data (个人信息, PIPL): encryption at rest, blind indexes, masking.

* **Encryption.** ID numbers and phones are stored as Fernet tokens (AES-128-CBC plus
  HMAC-SHA256, random IV: the same value encrypts differently every time). Keys come from
  ``settings.PII_ENCRYPTION_KEYS``: the first key encrypts, every key decrypts, so a new key is
  put first and the old one stays until every row has been re-encrypted.
* **Blind index.** Ciphertext cannot be searched, so each encrypted column has a companion
  ``<name>_index``: HMAC-SHA256 of the normalised value, keyed with ``settings.PII_INDEX_KEY``
  and namespaced by kind, so equal values give equal indexes (exact search, uniqueness) while
  the index reveals nothing without the key.
* **Masking.** What pages and exports show by default: ``110*************3X``, ``138****5678``,
  and of the birth date only the year (``masked_resident``: the one rule every page, list,
  export and the admin use; the arithmetic behind it is in docs/personal-data.md).

In development both keys have fixed defaults (below) so that nothing needs configuring;
production mode refuses them (see docs/personal-data.md).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from registry.normalise import (
    is_landline,
    is_mobile,
    normalise_credit_code,
    normalise_document,
    normalise_id_number,
    normalise_name,
    normalise_phone,
    normalise_plate,
    normalise_text,
)
from registry.validators import ID_CARD

# Development-only keys: public (they are in the source), refused in production mode.
DEVELOPMENT_PII_ENCRYPTION_KEY = "d2FuZ2dlLWRldmVsb3BtZW50LW9ubHktcGlpLWtleSE="  # b"wangge-development-only-pii-key!"
DEVELOPMENT_PII_INDEX_KEY = "wangge-development-only-blind-index-key"
MINIMUM_INDEX_KEY_LENGTH = 32


class UndecryptableValue(ImproperlyConfigured):
    """A stored value that none of ``PII_ENCRYPTION_KEYS`` opens: the key that wrote it is missing."""


# --- keys ------------------------------------------------------------------------------------


# The keys as read from the settings, read once per settings object: an import encrypts and
# indexes tens of thousands of values, and each read of a setting through the lazy settings
# costs more than the HMAC it keys. ``override_settings`` (and pytest-django's ``settings``,
# which also deletes settings) puts a new settings object in place and sends ``setting_changed``:
# either empties this.
_keys: dict[str, Any] = {}


def _read_once(name: str, read: Callable[[], Any]) -> Any:
    holder = settings._wrapped  # type: ignore[misc]  # the object override_settings swaps
    if _keys.get("holder") is not holder:
        _keys.clear()
        _keys["holder"] = holder
    if name not in _keys:
        _keys[name] = read()
    return _keys[name]


def encryption_keys() -> tuple[str, ...]:
    """The configured Fernet keys, newest (encrypting) first."""
    keys: tuple[str, ...] = _read_once("encryption", _read_encryption_keys)
    return keys


def _read_encryption_keys() -> tuple[str, ...]:
    keys: Any = getattr(settings, "PII_ENCRYPTION_KEYS", [DEVELOPMENT_PII_ENCRYPTION_KEY])
    if isinstance(keys, str):
        keys = keys.split(",")
    return tuple(key.strip() for key in keys if key.strip())


def index_key() -> bytes:
    """The secret that keys the blind indexes."""
    key: bytes = _read_once("index", _read_index_key)
    return key


def _read_index_key() -> bytes:
    key: str = getattr(settings, "PII_INDEX_KEY", DEVELOPMENT_PII_INDEX_KEY)
    if not key:
        raise ImproperlyConfigured("PII_INDEX_KEY is empty.")
    return key.encode()


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs: Any) -> None:
    if setting in ("PII_ENCRYPTION_KEYS", "PII_INDEX_KEY"):
        _keys.clear()


@functools.lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured(
                f"PII_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)."
            ) from error
    if not fernets:
        raise ImproperlyConfigured("PII_ENCRYPTION_KEYS is empty.")
    return MultiFernet(fernets)


@register(Tags.security)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A Django system check: every encryption key parses and the index key is long enough."""
    errors: list[CheckMessage] = []
    try:
        _multi_fernet(encryption_keys())
    except ImproperlyConfigured as error:
        errors.append(Error(str(error), id="registry.E001"))
    if len(getattr(settings, "PII_INDEX_KEY", DEVELOPMENT_PII_INDEX_KEY) or "") < MINIMUM_INDEX_KEY_LENGTH:
        errors.append(
            Error(f"PII_INDEX_KEY must be at least {MINIMUM_INDEX_KEY_LENGTH} characters.", id="registry.E002")
        )
    return errors


# --- encryption ------------------------------------------------------------------------------


def encrypt(plaintext: str) -> str:
    """A Fernet token for the value, made with the first key; ``""`` stays ``""``."""
    if not plaintext:
        return ""
    return _multi_fernet(encryption_keys()).encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str, *, ttl: int | None = None) -> str:
    """The plaintext of a token made with any configured key; ``""`` stays ``""``.

    With ``ttl`` (seconds), a token older than that is refused like an undecryptable one.
    """
    if not token:
        return ""
    try:
        return _multi_fernet(encryption_keys()).decrypt(token.encode("ascii"), ttl=ttl).decode()
    except (InvalidToken, UnicodeError) as error:
        raise UndecryptableValue(
            "A stored personal-data value cannot be decrypted with any key in PII_ENCRYPTION_KEYS: "
            "restore the key that encrypted it (see docs/personal-data.md)."
        ) from error


def reencrypt(token: str) -> str:
    """The same value encrypted with the current first key (key rotation)."""
    if not token:
        return ""
    try:
        return _multi_fernet(encryption_keys()).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise UndecryptableValue("A stored personal-data value cannot be decrypted for re-encryption.") from error


# --- blind index -----------------------------------------------------------------------------

INDEX_NORMALISERS: dict[str, Callable[[str], str]] = {
    "id_number": normalise_id_number,
    "document": normalise_document,
    "phone": normalise_phone,
    "credit_code": normalise_credit_code,
    "plate": normalise_plate,
    "name": normalise_name,
}


def blind_index(kind: str, value: str) -> str:
    """HMAC-SHA256 (hex, 64 characters) of the normalised value, namespaced by kind.

    ``kind`` says what the value is (``"id_number"``, ``"document"``, ``"phone"``…) and picks its
    normaliser, so ``138 1234 5678`` and ``+8613812345678`` index alike, while an ID number and
    a phone with the same digits do not.
    """
    normalised = INDEX_NORMALISERS.get(kind, normalise_text)(value)
    if not normalised:
        raise ValueError("An empty value has no blind index; use index_value(), which gives ''.")
    message = f"{kind}\x00{normalised}".encode()
    return hmac.new(index_key(), message, hashlib.sha256).hexdigest()


def index_value(kind: str, value: str | None) -> str:
    """The value for a ``<name>_index`` column: the blind index, or ``""`` when there is no value."""
    normalised = INDEX_NORMALISERS.get(kind, normalise_text)(value or "")
    return blind_index(kind, normalised) if normalised else ""


def document_index(document_type: str, number: str | None) -> str:
    """The blind index of an identity document, namespaced by its type (``id_card:…``, ``passport:…``)."""
    normalised = normalise_document(number)
    return index_value("document", f"{document_type}:{normalised}") if normalised else ""


# --- masking ---------------------------------------------------------------------------------


# A 居民身份证 number is region (6 digits) + birth date (8) + sequence (3, the last odd for men)
# + check character. Shown: the first 3 and the last 2. With the birth year and the sex shown
# beside it, and the region guessed from the address, the hidden part still leaves about
# 365 days x 100 sequences / 11 (the check character) = 3,300 candidates; the old first 6 +
# last 4 next to the full birth date left exactly one. See docs/personal-data.md.
ID_NUMBER_SHOWN_HEAD = 3
ID_NUMBER_SHOWN_TAIL = 2


def mask_id_number(value: str | None) -> str:
    """An ID number with only its first 3 and last 2 characters: ``110*************3X``."""
    number = normalise_id_number(value)
    if len(number) != 18:
        return mask_document(number)
    return _mask_middle(number, ID_NUMBER_SHOWN_HEAD, ID_NUMBER_SHOWN_TAIL)


def mask_phone(value: str | None) -> str:
    """A phone with its middle hidden: ``138****5678``; landlines keep the area code: ``010****4321``.

    An extension is hidden entirely.
    """
    number = normalise_phone(value)
    main, _separator, extension = number.partition("-")
    if is_mobile(main):
        masked = _mask_middle(main, 3, 4)
    elif is_landline(main):
        area = 3 if main[1] in "12" else 4
        masked = main[:area] + _mask_middle(main[area:], 0, 4)
    else:
        masked = _mask_middle(main, 2, 2)
    return f"{masked}-{'*' * len(extension)}" if extension else masked


def mask_name(value: str | None) -> str:
    """A name with only its first and (for three or more characters) last character: ``张*明``, ``张*``."""
    name = normalise_name(value)
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return _mask_middle(name, 1, 1)


def mask_document(value: str | None) -> str:
    """A passport or other document number with only its first 2 and last 2 characters: ``E1*****78``."""
    return _mask_middle(normalise_document(value), 2, 2)


def mask_identity(document_type: str, number: str | None) -> str:
    """A document number masked by its type: the ID-card rule for ``id_card``, else ``mask_document``."""
    return mask_id_number(number) if document_type == ID_CARD else mask_document(number)


def _mask_middle(value: str, head: int, tail: int) -> str:
    """Keep ``head`` and ``tail`` characters; a value too short for that keeps at most its first."""
    if not value:
        return ""
    if len(value) <= head + tail:
        return value[:1] + "*" * (len(value) - 1) if len(value) > 2 else "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


@dataclass(frozen=True)
class MaskedResident:
    """What every page, list, export and the admin show of a resident by default.

    The document number masked by its type, the phone masked, and of the birth date only the
    year: for a 居民身份证 holder the full birth date *is* digits 7-14 of the number, so showing
    it beside any mask gives those digits away. The full number, phone and birth date are shown
    only by ``registry.services.resident_unmask`` (permission, reason, access-log row).
    """

    document: str
    phone: str
    birth_year: int | None


def masked_resident(resident: Any) -> MaskedResident:
    """The default view of a resident's personal data (see ``MaskedResident``)."""
    birth_date: datetime.date | None = resident.birth_date
    return MaskedResident(
        document=mask_identity(resident.document_type, resident.id_number),
        phone=mask_phone(resident.phone),
        birth_year=birth_date.year if birth_date else None,
    )


def logged_birth_date(value: Any) -> str | None:
    """A birth date as the change log keeps it: the year and a keyed fingerprint, never the day.

    The change log is read by more people than the access log watches; the fingerprint still
    shows that the date changed (``1985-**-** #3fa9c2d1``).
    """
    if not value:
        return None
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return f"{text[:4]}-**-** #{lookup_reference('birth_date', text)[:8]}"


def lookup_reference(kind: str, value: str) -> str:
    """A short keyed fingerprint of a searched value for the logs: equal values give equal
    references, and without ``PII_INDEX_KEY`` nothing can be learned from it (12 hex digits)."""
    normalised = INDEX_NORMALISERS.get(kind, normalise_text)(value)
    message = f"log:{kind}\x00{normalised}".encode()
    return hmac.new(index_key(), message, hashlib.sha256).hexdigest()[:12]
