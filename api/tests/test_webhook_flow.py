"""Webhook deliveries end to end: a case's steps reach a real HTTP receiver in order, only after
the commit, only to the subscriptions whose areas or units the case belongs to."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from accounts.models import RoleAssignment
from accounts.testing import make_user
from api.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from api.testing import make_subscription
from api.tests.webhook_receiver import run_tasks
from cases import transitions as t
from cases.models import Outcome
from cases.supervision import run_supervision
from cases.testing import advance, report

pytestmark = pytest.mark.django_db

STEPS = ["case.reported", "case.accepted", "case.dispatched", "case.signed", "case.fed_back", "case.closed"]


def test_a_case_reaches_the_receiver_step_by_step_in_order(cast, cc, receiver, django_capture_on_commit_callbacks):
    make_subscription(cast.district_admin, area=cast.community1, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        case = report(cc, reporter_name="张三", reporter_phone="13812345678")
    steps = [
        lambda case: t.case_accept(case=case, actor=cc.dispatcher),
        lambda case: t.case_dispatch(
            case=case, actor=cc.dispatcher, lead=cc.property_company, assists=[cc.enforcement]
        ),
        lambda case: t.case_sign(case=case, actor=cc.property_handler),
        lambda case: t.case_feedback(case=case, actor=cc.property_handler, comment="已清理完毕。"),
        lambda case: t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True, comment="已核实。"),
        lambda case: t.case_close(case=case, actor=cc.dispatcher, outcome=Outcome.RESOLVED, note="已解决。"),
    ]
    for step in steps:  # each step its own transaction, committed
        with django_capture_on_commit_callbacks(execute=True):
            case = step(case)
    assert receiver.requests == []  # nothing is sent in the request: the task worker sends

    run_tasks()

    assert receiver.types() == STEPS  # 核查 (verify) is no webhook event
    closed = receiver.requests[-1].json()
    assert closed["type"] == "case.closed"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00", closed["occurred_at"])
    assert closed["case"]["number"] == case.number
    assert closed["case"]["category"] == "t-clutter" and closed["case"]["grid"] == cast.grid_a.code
    assert closed["case"]["status"] == "closed"
    assert closed["case"]["lead_unit"] == {"id": cc.property_company.pk, "name": "百花物业"}
    for request in receiver.requests:
        assert b"13812345678" not in request.body and "张三".encode() not in request.body
        assert request.path == "/hooks/wangge"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}
    logged = WebhookDelivery.objects.get(event_type="case.closed")
    assert (logged.attempts, logged.last_status_code, logged.response_excerpt) == (1, 200, "ok")
    assert logged.last_response_ms is not None


def test_nothing_is_sent_when_the_transaction_rolls_back(cast, cc, receiver, django_capture_on_commit_callbacks):
    make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        report(cc)
        # On the database queue the task row is written in the report's transaction.
        assert DBTaskResult.objects.count() == 1
        transaction.set_rollback(True)

    run_tasks()

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists() and not DBTaskResult.objects.exists()


def test_the_event_is_queued_with_the_transaction(cast, cc, receiver, django_capture_on_commit_callbacks):
    """On the database queue the task row is part of the report's transaction (it commits with
    it, one commit); nothing is left for after the commit."""
    make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report(cc)
    assert DBTaskResult.objects.count() == 1
    assert receiver.requests == []  # queued, not sent in the request
    for callback in callbacks:
        callback()  # the commit
    assert DBTaskResult.objects.count() == 1
    run_tasks()
    assert receiver.types() == ["case.reported"]


def test_a_subscriber_never_receives_events_outside_its_areas_or_units(
    cast, cc, receiver, django_capture_on_commit_callbacks
):
    street1_admin = make_user("street1_admin", "area_admin", cast.street1)
    make_subscription(cast.district_admin, area=cast.grid_c, url=receiver.url + "?grid-c")
    make_subscription(street1_admin, area=cast.grid_b, url=receiver.url + "?grid-b")
    make_subscription(cast.district_admin, organisation=cc.enforcement, url=receiver.url + "?assisting")
    other_unit = cc.property_company.__class__.objects.create(
        name="别家物业", kind=cc.property_company.kind, home_area=cast.street1
    )
    make_subscription(cast.district_admin, organisation=other_unit, url=receiver.url + "?other-unit")
    ended, _secret = make_subscription(street1_admin, area=cast.grid_a, url=receiver.url + "?ended")
    RoleAssignment.objects.filter(user=street1_admin).update(valid_until=datetime.date(2025, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(report(cc), "handling", cc)

    run_tasks()

    # Only the assisting unit's subscription hears of the case, from its dispatch on.
    assert {request.path for request in receiver.requests} == {"/hooks/wangge?assisting"}
    assert receiver.types() == ["case.dispatched", "case.signed"]
    assert receiver.requests[0].json()["case"]["number"] == case.number
    assert not WebhookDelivery.objects.filter(subscription=ended).exists()


def test_a_unit_hears_of_dispatches_to_it_only(cast, cc, receiver, django_capture_on_commit_callbacks):
    make_subscription(
        cast.district_admin, organisation=cc.enforcement, url=receiver.url, events=[WebhookEvent.DISPATCHED]
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(report(cc), "pending_dispatch", cc)
        t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company)  # no assisting unit

    run_tasks()

    assert receiver.requests == []


def test_overdue_comes_from_the_supervision_worker(cast, cc, receiver, django_capture_on_commit_callbacks):
    make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url, events=[WebhookEvent.OVERDUE])
    with django_capture_on_commit_callbacks(execute=True):
        case = report(cc)
    assert case.accept_due_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        run_supervision(now=case.accept_due_at + datetime.timedelta(days=30))

    run_tasks()

    assert receiver.types() == ["case.overdue"]
    assert receiver.requests[0].json()["case"]["number"] == case.number


def test_redirects_are_not_followed(cast, cc, receiver, django_capture_on_commit_callbacks):
    receiver.status = 302
    make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)

    run_tasks()

    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.last_error) == (
        DeliveryStatus.PENDING,
        302,
        "HTTP 302",
    )
    assert delivery.next_attempt_at is not None


def test_only_an_excerpt_of_the_answer_is_kept(cast, cc, receiver, django_capture_on_commit_callbacks):
    receiver.answer = "很长的回答".encode() * 500
    make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)

    run_tasks()

    excerpt = WebhookDelivery.objects.get().response_excerpt
    assert 0 < len(excerpt) <= 200 and excerpt.startswith("很长的回答")


def test_private_addresses_are_refused_when_sending(cast, cc, receiver, settings, django_capture_on_commit_callbacks):
    make_subscription(cast.district_admin, area=cast.grid_a, url=f"http://localhost:{receiver.port}/hooks")
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False  # as in production
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)

    run_tasks()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code is None and "non-public address" in delivery.last_error
    assert delivery.status == DeliveryStatus.PENDING  # retried later, like any failure
