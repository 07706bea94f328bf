"""Webhooks in the admin (superusers: read and disable), and the permission on older installations."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from accounts.models import Role
from api.catalog import on_post_migrate
from api.testing import make_subscription

pytestmark = pytest.mark.django_db


def test_superusers_read_and_disable_subscriptions_without_their_secret(cast, login):
    subscription, secret = make_subscription(cast.district_admin, area=cast.grid_a)
    client = login(cast.superuser)
    page = client.get(f"/admin/api/webhooksubscription/{subscription.pk}/change/").content.decode()
    assert "工单系统" in page and secret not in page
    response = client.post(
        "/admin/api/webhooksubscription/", {"action": "disable", "_selected_action": [subscription.pk]}, follow=True
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_other_staff_do_not_see_them_in_the_admin(cast, login):
    assert login(cast.district_admin).get("/admin/api/webhooksubscription/").status_code == 403


def test_roles_older_than_the_webhooks_get_the_permission(cast):
    role = Role.objects.get(code="area_admin")
    permission = Permission.objects.get(content_type__app_label="api", codename="manage_webhook")
    role.permissions.remove(permission)
    on_post_migrate(apps.get_app_config("api"))
    assert role.permissions.filter(pk=permission.pk).exists()
    assert not Role.objects.get(code="grid_worker").permissions.filter(pk=permission.pk).exists()
