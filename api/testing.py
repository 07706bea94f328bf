"""Test helpers for webhooks: subscriptions made through the real operation, and the scope
matrix's subscription (with one delivery) for a site's grid."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation, User
from accounts.testing import make_user
from api.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from api.webhooks.subscriptions import subscription_create
from areas.models import Area
from cases.models import CaseEvent

ALL_EVENTS = list(WebhookEvent.values)


def make_subscription(
    owner: User,
    *,
    area: Area | None = None,
    organisation: Organisation | None = None,
    url: str = "https://hooks.example.com/wangge",
    events: list[str] | None = None,
    **extra: Any,
) -> tuple[WebhookSubscription, str]:
    return subscription_create(
        owner=owner,
        name=extra.pop("name", "工单系统"),
        url=url,
        events=events or ALL_EVENTS,
        area=area,
        organisation=organisation,
    )


def matrix_subscription(grid: Area) -> WebhookSubscription:
    """An area subscription on ``grid`` by an area administrator of that grid, with one delivery
    (of the grid's first case event)."""
    found = WebhookSubscription.objects.filter(area=grid).first()
    if found is not None:
        return found
    owner = User.objects.filter(username=f"webhook_owner_{grid.code}").first() or make_user(
        f"webhook_owner_{grid.code}", "area_admin", grid
    )
    subscription, _secret = make_subscription(owner, area=grid)
    event = CaseEvent.objects.filter(area_code=grid.code).order_by("pk").first()
    if event is not None:
        WebhookDelivery.objects.create(
            subscription=subscription, event=event, event_type=WebhookEvent.REPORTED, body="{}"
        )
    return subscription


def matrix_delivery(grid: Area) -> WebhookDelivery:
    delivery = matrix_subscription(grid).deliveries.first()
    assert delivery is not None, "the grid has no case event"
    return delivery
