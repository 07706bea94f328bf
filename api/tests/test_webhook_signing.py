"""Signatures, checked by an independent implementation written from docs/webhooks.md (hmac and
hashlib here, not Wangge's code), and the replay window."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

import pytest
from django.conf import settings
from django.db import connection

from api.models import WebhookDelivery, WebhookSubscription
from api.testing import make_subscription
from api.tests.webhook_receiver import run_tasks
from api.webhooks.signing import signature_header, verify
from cases.testing import report

pytestmark = pytest.mark.django_db

WINDOW = 300  # docs/webhooks.md: refuse a timestamp more than five minutes away


def receiver_accepts(secret: str, body: bytes, header: str, now: float) -> bool:
    """What docs/webhooks.md tells a receiver to do, written afresh."""
    fields: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        fields.setdefault(key, []).append(value)
    if len(fields.get("t", [])) != 1 or not fields["t"][0].isdigit():
        return False
    timestamp = int(fields["t"][0])
    if abs(now - timestamp) > WINDOW:
        return False
    expected = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", []))


def test_a_delivery_is_signed_so_that_an_independent_receiver_verifies_it(
    cast, cc, receiver, django_capture_on_commit_callbacks
):
    _subscription, secret = make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)

    run_tasks()

    [request] = receiver.requests
    header = request.headers["X-Wangge-Signature"]
    assert re.fullmatch(r"t=\d{10},v1=[0-9a-f]{64}", header)
    assert receiver_accepts(secret, request.body, header, time.time())
    assert request.headers["X-Wangge-Event"] == "case.reported"
    assert request.headers["X-Wangge-Delivery"] == str(WebhookDelivery.objects.get().pk)
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert not receiver_accepts("whsec_another", request.body, header, time.time())
    assert not receiver_accepts(secret, request.body.replace(b"reported", b"closed"), header, time.time())


@pytest.mark.parametrize(("age", "accepted"), [(0, True), (299, True), (-299, True), (301, False), (-301, False)])
def test_the_replay_window(age, accepted):
    secret, body, now = "whsec_test", b'{"id":1}', 1_765_000_000
    header = signature_header(secret, body, timestamp=now - age)
    assert receiver_accepts(secret, body, header, now) is accepted
    assert verify(secret, body, header, now=now) is accepted


def test_garbled_headers_are_refused():
    for header in ("", "t=abc,v1=00", "v1=00", "t=1765000000"):
        assert not verify("whsec_test", b"{}", header, now=1_765_000_000)


def test_the_secret_is_stored_encrypted_and_shown_once(cast):
    subscription, secret = make_subscription(cast.district_admin, area=cast.grid_a)
    assert secret.startswith("whsec_") and len(secret) > 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM api_webhooksubscription WHERE id = %s", [subscription.pk])
        stored = cursor.fetchone()[0]
    assert secret not in stored
    assert WebhookSubscription.objects.get().secret == secret  # the server can still sign


def docs_receiver() -> dict:
    """The receiver snippet of docs/webhooks.md, run as a reader would copy it."""
    text = (settings.BASE_DIR / "docs" / "webhooks.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", text, re.S)
    assert snippet is not None
    namespace: dict = {"__name__": "docs_snippet"}
    exec(compile(snippet.group(1), "docs/webhooks.md", "exec"), namespace)  # our own docs page
    return namespace


def test_the_receiver_in_the_docs_verifies_a_real_delivery(cast, cc, receiver, django_capture_on_commit_callbacks):
    _subscription, secret = make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
    run_tasks()
    [request] = receiver.requests
    verify_in_docs = docs_receiver()["verify_wangge_signature"]
    header = request.headers["X-Wangge-Signature"]
    assert verify_in_docs(secret, request.body, header)
    assert not verify_in_docs(secret, request.body + b" ", header)
    assert not verify_in_docs(secret, request.body, header, now=time.time() + 301)
