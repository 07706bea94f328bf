"""The request id in the audit and access logs: a proxy's X-Request-Id only from a trusted proxy."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.tests.admin_forms import admin_form_data
from areas.models import Area
from audit.models import ChangeLogEntry

pytestmark = pytest.mark.django_db

NGINX_ID = "5f0c3b9ea1d24c0e8d7b6a5f4e3d2c1b"
CLIENT = "203.0.113.7"
PROXY = "10.0.0.5"


def rename(client, area, name, **headers):  # type: ignore[no-untyped-def]
    """Rename an area in the admin; the response and the audit entry it wrote."""
    url = f"/admin/areas/area/{area.pk}/change/"
    data = admin_form_data(client.get(url))
    data["name"] = name
    response = client.post(url, data, **headers)
    assert response.status_code == 302
    entry = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Area), object_id=str(area.pk), action="update"
    ).latest("id")
    return response, entry


def is_fresh_id(value: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{32}", value) is not None


def test_it_ignores_the_request_id_a_client_sends(cast, login, settings):
    settings.TRUSTED_PROXY_IPS = [PROXY]

    response, entry = rename(login(cast.district_admin), cast.grid_b, "百花社区二网格",
                             REMOTE_ADDR=CLIENT, HTTP_X_REQUEST_ID="forged-by-the-client")

    assert entry.request_id != "forged-by-the-client" and is_fresh_id(entry.request_id)
    assert response["X-Request-Id"] == entry.request_id


def test_without_trusted_proxies_no_request_id_is_taken(cast, login, settings):
    settings.TRUSTED_PROXY_IPS = []

    _response, entry = rename(login(cast.district_admin), cast.grid_b, "百花社区二网格",
                              REMOTE_ADDR="127.0.0.1", HTTP_X_REQUEST_ID=NGINX_ID)

    assert is_fresh_id(entry.request_id) and entry.request_id != NGINX_ID


@pytest.mark.parametrize("proxies", [[PROXY], ["10.0.0.0/24", "::1"]])
def test_it_keeps_the_request_id_of_a_trusted_proxy(cast, login, settings, proxies):
    settings.TRUSTED_PROXY_IPS = proxies

    response, entry = rename(login(cast.district_admin), cast.grid_b, "百花社区二网格",
                             REMOTE_ADDR=PROXY, HTTP_X_REQUEST_ID=NGINX_ID)

    assert entry.request_id == response["X-Request-Id"] == NGINX_ID


@pytest.mark.parametrize("offered", ["short", "x" * 65, "id with spaces 123", "id-1234\nsecond-line",
                                     "<script>1234", "请求编号一二三四五六七八"])
def test_a_malformed_id_is_replaced_even_from_a_trusted_proxy(cast, login, settings, offered):
    settings.TRUSTED_PROXY_IPS = [PROXY]

    response, entry = rename(login(cast.district_admin), cast.grid_b, "百花社区二网格",
                             REMOTE_ADDR=PROXY, HTTP_X_REQUEST_ID=offered)

    assert is_fresh_id(entry.request_id)
    assert response["X-Request-Id"] == entry.request_id


def test_once_proxies_are_named_the_client_address_header_counts_only_from_them(cast, login, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.TRUSTED_PROXY_IPS = [PROXY]
    client = login(cast.district_admin)

    claimed = "198.51.100.1"

    _response, direct = rename(client, cast.grid_b, "百花社区二网格", REMOTE_ADDR=CLIENT, HTTP_X_REAL_IP=claimed)
    _response, proxied = rename(client, cast.grid_b, "百花社区第二网格", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=claimed)

    assert (direct.remote_addr, proxied.remote_addr) == (CLIENT, claimed)
