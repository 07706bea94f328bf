"""Text messages (短信) to reporters without an account: pluggable backends, like Django's e-mail.

The backend is named by the setting ``CASES_SMS_BACKEND`` (a dotted path to a class with a
``send(phone, message)`` method). Two ship here:

* ``ConsoleSMSBackend`` (the default) logs each message with the phone masked, for development
  and for sites without an SMS contract;
* ``MemorySMSBackend`` keeps messages in ``cases.sms.outbox``, for tests (like Django's locmem
  e-mail backend and ``mail.outbox``).

A real gateway (阿里云短信, 腾讯云短信, an operator's SMPP bridge…) is a small class of the same
shape in the deployment's own code; see docs/cases-supervision.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from registry.pii import mask_phone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextMessage:
    """One sent text message (短信): the phone number and the text."""

    phone: str
    message: str


class SMSBackend(Protocol):
    """What a backend offers: send one message, raising on failure (the caller logs it)."""

    def send(self, phone: str, message: str) -> None: ...


class ConsoleSMSBackend:
    """Logs the message with the phone masked (138****5678); sends nothing."""

    def send(self, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), message)


# Messages "sent" through MemorySMSBackend, oldest first; tests clear it.
outbox: list[TextMessage] = []


class MemorySMSBackend:
    """Keeps each message in ``cases.sms.outbox``."""

    def send(self, phone: str, message: str) -> None:
        outbox.append(TextMessage(phone=phone, message=message))


def get_backend() -> SMSBackend:
    """An instance of the backend named by ``CASES_SMS_BACKEND``."""
    backend: SMSBackend = import_string(settings.CASES_SMS_BACKEND)()
    return backend


def send_sms(phone: str, message: str) -> None:
    """Send one text message through the configured backend (errors propagate to the caller)."""
    get_backend().send(phone, message)
