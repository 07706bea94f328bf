"""The change log in the admin is read-only and scoped like the log page."""

import pytest
from django.contrib.contenttypes.models import ContentType

from areas.models import Area
from audit.models import ChangeLogEntry

pytestmark = pytest.mark.django_db


def entry_of(area):
    return ChangeLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Area), object_id=str(area.pk), action="create"
    )


def test_it_lists_only_entries_in_scope(cast, login):
    response = login(cast.district_admin).get("/admin/audit/changelogentry/")
    assert response.status_code == 200
    codes = {entry.area_code for entry in response.context["cl"].result_list}
    assert codes
    assert all(code.startswith("410102") for code in codes)


def test_an_entry_can_be_viewed_but_not_changed(cast, login):
    entry = entry_of(cast.grid_a)
    client = login(cast.superuser)
    url = f"/admin/audit/changelogentry/{entry.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert cast.grid_a.name in response.content.decode()
    assert client.post(url, {"object_repr": "篡改"}).status_code == 403
    assert client.get("/admin/audit/changelogentry/add/").status_code == 403
    assert client.post(f"/admin/audit/changelogentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ChangeLogEntry.objects.get(pk=entry.pk).object_repr == entry.object_repr


def test_an_entry_of_another_district_answers_404(cast, login):
    entry = entry_of(cast.other_street)
    assert login(cast.district_admin).get(f"/admin/audit/changelogentry/{entry.pk}/change/").status_code == 404
