"""Signing a delivery: ``X-Wangge-Signature: t=<unix seconds>,v1=<hex>``, Stripe-like.

``v1`` is HMAC-SHA256, keyed with the subscription's secret, over ``"<t>." + body`` (the raw
bytes of the request body). A receiver recomputes it, compares in constant time and refuses a
``t`` further than ``REPLAY_WINDOW_SECONDS`` from its own clock, so a captured request cannot be
replayed later. ``verify`` is what a Python receiver does (docs/webhooks.md has it standalone).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SECRET_START = "whsec_"
REPLAY_WINDOW_SECONDS = 300


def new_secret() -> str:
    return f"{SECRET_START}{secrets.token_urlsafe(32)}"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, body: bytes, header: str, *, now: float | None = None, tolerance: int = REPLAY_WINDOW_SECONDS
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of ``now``."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
