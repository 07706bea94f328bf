"""The webhook pages: create (the secret shown once), forms that name each bad field, edit,
disable and enable, the delivery log and redelivery, and who may see what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from accounts.testing import make_user
from api.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from api.testing import make_subscription
from api.tests.webhook_receiver import run_tasks
from audit.models import ChangeLogEntry
from cases.testing import report

pytestmark = pytest.mark.django_db

NEW = reverse("api:webhook_new")


def _form(**changes):
    data = {
        "name": "物业工单系统",
        "url": "https://hooks.example.com/wangge",
        "area": "",
        "organisation": "",
        "events": ["case.dispatched", "case.closed"],
    }
    data.update(changes)
    return data


def test_an_administrator_subscribes_an_area_and_sees_the_secret_once(cast, login):
    client = login(cast.district_admin)
    response = client.post(NEW, _form(area=cast.community1.code))
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    html = response.content.decode()
    assert 'id="webhook-secret-value">whsec_' in html and subscription.secret in html
    assert "no-store" in response["Cache-Control"]
    assert (subscription.owner, subscription.area, subscription.area_code) == (
        cast.district_admin,
        cast.community1,
        cast.community1.code,
    )
    assert subscription.events == ["case.closed", "case.dispatched"]
    again = client.get(reverse("api:webhook", args=[subscription.pk])).content.decode()
    assert "物业工单系统" in again and subscription.secret not in again
    entry = ChangeLogEntry.objects.filter(object_id=str(subscription.pk), area_code=cast.community1.code).get()
    assert "secret" not in (entry.after or {})


def test_a_unit_subscription(cast, cc, login):
    response = login(cast.district_admin).post(NEW, _form(organisation=cc.property_company.pk))
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.organisation == cc.property_company and subscription.area_code == cast.street1.code


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "http://hooks.example.com/x"}, "url"),
        ({"url": "https://127.0.0.1/x"}, "url"),
        ({"url": "https://10.1.2.3/x"}, "url"),
        ({"url": "https://localhost/x"}, "url"),
        ({"url": "https://user:pw@hooks.example.com/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["case.exploded"]}, "events"),
        ({"name": "  "}, "name"),
        ({"area": "999999999999"}, "area"),
        ({"area": ""}, "area"),  # neither an area nor a unit
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(cast, cc, login, settings, changes, field):
    settings.WEBHOOK_ALLOW_HTTP = False  # as in production
    changes = {"area": cast.grid_a.code, **changes}
    response = login(cast.district_admin).post(NEW, _form(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not WebhookSubscription.objects.exists()


def test_an_area_outside_the_users_subtree_is_refused(cast, login):
    street1_admin = make_user("street1_admin", "area_admin", cast.street1)
    response = login(street1_admin).post(NEW, _form(area=cast.grid_c.code))
    assert response.status_code == 400
    assert response.context["form"].errors["area"] == ["没有这个区域，或它不在您的范围内。"]
    response = login(cast.district_admin).post(NEW, _form(area=cast.grid_a.code, organisation=""))
    assert response.status_code == 200  # the district's administrator may


def test_an_area_in_view_without_the_permission_there_is_refused(cast, login):
    # A district admin who is also a grid worker in the other district sees that grid, may not subscribe it.
    other_grid = cast.other_street
    RoleAssignment.objects.create(
        user=cast.district_admin, role=Role.objects.get(code="grid_worker"), area=other_grid, valid_from="2024-01-01"
    )
    response = login(cast.district_admin).post(NEW, _form(area=other_grid.code))
    assert response.status_code == 400
    assert response.context["form"].errors["area"] == ["您不能订阅这个区域的事件。"]


def test_http_is_allowed_only_where_the_setting_allows(cast, login, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    response = login(cast.district_admin).post(NEW, _form(area=cast.grid_a.code, url="http://hooks.example.com/"))
    assert response.status_code == 200


def test_users_without_the_permission_get_403(cast, cc, login):
    for user in (cast.grid_worker_a, cast.street_leader, cc.dispatcher, cast.outsider):
        client = login(user)
        assert client.get(reverse("api:webhooks")).status_code == 403
        assert client.get(NEW).status_code == 403


def test_the_list_shows_what_the_user_manages(cast, login):
    mine, _secret = make_subscription(cast.district_admin, area=cast.grid_a, name="本区系统")
    theirs, _secret = make_subscription(cast.other_district_admin, area=cast.other_street, name="外区系统")
    html = login(cast.district_admin).get(reverse("api:webhooks")).content.decode()
    assert "本区系统" in html and "外区系统" not in html
    assert login(cast.district_admin).get(reverse("api:webhook", args=[theirs.pk])).status_code == 404
    assert login(cast.other_district_admin).get(reverse("api:webhook", args=[mine.pk])).status_code == 404


def test_edit_disable_enable(cast, login):
    subscription, _secret = make_subscription(cast.district_admin, area=cast.grid_a)
    client = login(cast.district_admin)
    edit = reverse("api:webhook_edit", args=[subscription.pk])
    assert client.post(edit, {"name": "", "url": "ftp://x", "events": []}).status_code == 400
    response = client.post(
        edit, {"name": "新名称", "url": "https://hooks.example.com/v2", "events": [WebhookEvent.CLOSED]}
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.url, subscription.events) == (
        "新名称",
        "https://hooks.example.com/v2",
        ["case.closed"],
    )
    assert client.post(reverse("api:webhook_disable", args=[subscription.pk])).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_reason
    page = client.get(reverse("api:webhook", args=[subscription.pk])).content.decode()
    assert "已停用" in page and "重新启用" in page
    assert client.post(reverse("api:webhook_enable", args=[subscription.pk])).status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.failing_since is None


def test_the_log_and_redeliver(cast, cc, login, receiver, django_capture_on_commit_callbacks):
    receiver.status = 500
    subscription, _secret = make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    client = login(cast.district_admin)
    page = client.get(reverse("api:webhook", args=[subscription.pk])).content.decode()
    assert f'id="delivery-{delivery.pk}"' in page and "HTTP 500" in page and "data-confirm" in page

    receiver.status = 200
    redeliver = reverse("api:webhook_redeliver", args=[subscription.pk, delivery.pk])
    assert client.get(redeliver).status_code == 405  # POST only
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(redeliver).status_code == 302
    run_tasks()

    again = WebhookDelivery.objects.get(redelivery_of=delivery)
    assert (again.status, again.body) == (DeliveryStatus.SUCCEEDED, delivery.body)
    assert [request.body for request in receiver.requests] == [delivery.body.encode()] * 2
    assert receiver.requests[1].headers["X-Wangge-Delivery"] == str(again.pk)


def test_a_disabled_subscription_is_not_redelivered(cast, cc, login, receiver, django_capture_on_commit_callbacks):
    subscription, _secret = make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    client = login(cast.district_admin)
    client.post(reverse("api:webhook_disable", args=[subscription.pk]))
    response = client.post(reverse("api:webhook_redeliver", args=[subscription.pk, delivery.pk]), follow=True)
    assert "订阅已停用，请先启用再重发。" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1


def test_another_subscriptions_delivery_is_404(cast, cc, login, receiver, django_capture_on_commit_callbacks):
    first, _secret = make_subscription(cast.district_admin, area=cast.grid_a, url=receiver.url)
    second, _secret = make_subscription(cast.district_admin, area=cast.grid_b, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
    run_tasks()
    delivery = WebhookDelivery.objects.get(subscription=first)
    url = reverse("api:webhook_redeliver", args=[second.pk, delivery.pk])
    assert login(cast.district_admin).post(url).status_code == 404
