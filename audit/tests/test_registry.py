"""Every create/update/delete of a domain record writes one append-only change log row."""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import Role, RoleAssignment, TeamMember, User
from accounts.tests.admin_forms import add_inline_row, admin_form_data
from areas.models import Area, GridTag, Level
from audit.models import ChangeLogEntry
from core.request_context import acting_as

pytestmark = pytest.mark.django_db


def entries_for(model, pk):
    return ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
    ).order_by("id")


def area_url(area):
    return f"/admin/areas/area/{area.pk}/change/"


def test_creating_an_area_in_the_admin_logs_user_request_and_values(cast, login):
    client = login(cast.district_admin)
    response = client.post("/admin/areas/area/add/", {
        "code": "410102002001002", "name": "协作路社区第二网格", "level": Level.GRID, "parent": cast.community2.pk,
        "grid_kind": "comprehensive", "started_on": "2024-01-01",
    })
    assert response.status_code == 302
    area = Area.objects.get(code="410102002001002")
    entry = entries_for(Area, area.pk).get()
    assert entry.action == "create"
    assert entry.user == cast.district_admin
    assert entry.user_name == "district_admin"
    assert entry.request_id == response["X-Request-Id"]
    assert entry.area_code == "410102002001002"
    assert entry.before is None
    assert entry.after["name"] == "协作路社区第二网格"
    assert entry.after["parent_id"] == cast.community2.pk


def test_updating_an_area_logs_before_and_after(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(area_url(cast.grid_b)))
    data["name"] = "百花社区二网格"
    response = client.post(area_url(cast.grid_b), data)
    entry = entries_for(Area, cast.grid_b.pk).filter(action="update").get()
    assert entry.request_id == response["X-Request-Id"]
    assert entry.user == cast.district_admin
    assert entry.before["name"] == "百花社区第二网格"
    assert entry.after["name"] == "百花社区二网格"
    assert "name" in entry.changed_fields()


def test_saving_an_unchanged_area_writes_no_row(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(area_url(cast.grid_b)))
    before = ChangeLogEntry.objects.count()
    assert client.post(area_url(cast.grid_b), data).status_code == 302
    assert ChangeLogEntry.objects.count() == before


def test_saving_an_unchanged_tag_writes_no_row(db):
    tag = GridTag.objects.create(code="volunteer", name="志愿型")
    before = ChangeLogEntry.objects.count()
    GridTag.objects.get(pk=tag.pk).save()
    assert ChangeLogEntry.objects.count() == before


def test_tag_changes_of_an_area_are_logged(cast, login):
    volunteer = GridTag.objects.create(code="volunteer", name="志愿型")
    safety = GridTag.objects.create(code="safety", name="平安型")
    client = login(cast.district_admin)
    data = admin_form_data(client.get(area_url(cast.grid_a)))
    data["tags"] = [str(volunteer.pk), str(safety.pk)]
    response = client.post(area_url(cast.grid_a), data)
    entry = entries_for(Area, cast.grid_a.pk).filter(after__has_key="tags").get()
    assert entry.before == {"tags": []}
    assert entry.after == {"tags": sorted([str(volunteer.pk), str(safety.pk)])}
    assert entry.request_id == response["X-Request-Id"]

    cast.grid_a.tags.remove(safety)
    removal = entries_for(Area, cast.grid_a.pk).filter(after__has_key="tags").last()
    assert removal.after == {"tags": [str(volunteer.pk)]}


def test_team_member_create_update_delete_are_logged(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(area_url(cast.grid_a)))
    add_inline_row(data, "team", {"duty": "grid_leader", "name": "王丽", "phone": "13800000001",
                                  "sort_order": "0", "since": "2024-01-01"})
    created = client.post(area_url(cast.grid_a), data)
    member = TeamMember.objects.get(area=cast.grid_a)

    data = admin_form_data(client.get(area_url(cast.grid_a)))
    data["team-0-phone"] = "13800000009"
    client.post(area_url(cast.grid_a), data)

    data = admin_form_data(client.get(area_url(cast.grid_a)))
    data["team-0-DELETE"] = "on"
    deleted = client.post(area_url(cast.grid_a), data)
    assert not TeamMember.objects.filter(pk=member.pk).exists()

    rows = list(entries_for(TeamMember, member.pk))
    assert [row.action for row in rows] == ["create", "update", "delete"]
    assert rows[0].request_id == created["X-Request-Id"]
    assert rows[1].before["phone"] == "13800000001"
    assert rows[1].after["phone"] == "13800000009"
    assert rows[2].request_id == deleted["X-Request-Id"]
    assert rows[2].before["name"] == "王丽"
    assert rows[2].after is None
    assert {row.area_code for row in rows} == {cast.grid_a.code}
    assert {row.user_id for row in rows} == {cast.district_admin.pk}


def test_role_assignment_create_and_delete_are_logged(cast, login):
    client = login(cast.district_admin)
    response = client.post("/admin/accounts/roleassignment/add/", {
        "user": cast.outsider.pk, "role": Role.objects.get(code="grid_worker").pk,
        "area": cast.grid_c.pk, "valid_from": "2025-01-01",
    })
    assignment = RoleAssignment.objects.get(user=cast.outsider)
    deleted = client.post(f"/admin/accounts/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    rows = list(entries_for(RoleAssignment, assignment.pk))
    assert [row.action for row in rows] == ["create", "delete"]
    assert rows[0].request_id == response["X-Request-Id"]
    assert rows[0].after["area_id"] == cast.grid_c.pk
    assert rows[0].area_code == cast.grid_c.code
    assert rows[1].before["user_id"] == cast.outsider.pk


def test_changes_outside_a_request_are_logged_with_the_acting_context(cast):
    with acting_as(cast.superuser, "cli-import-1"):
        tag = GridTag.objects.create(code="care", name="关爱型")
    entry = entries_for(GridTag, tag.pk).get()
    assert entry.request_id == "cli-import-1"
    assert entry.user == cast.superuser
    assert entry.area_code == ""


def test_a_password_never_appears_in_the_log(cast, login):
    client = login(cast.superuser)
    secret = "Wg-Secret-Pass-2026"
    client.post("/admin/accounts/user/add/", {
        "username": "li_na", "full_name": "李娜", "usable_password": "true",
        "password1": secret, "password2": secret,
    })
    user = User.objects.get(username="li_na")
    client.post(f"/admin/accounts/user/{user.pk}/password/", {
        "usable_password": "true", "password1": secret + "x", "password2": secret + "x",
    })
    user.refresh_from_db()
    assert user.check_password(secret + "x")
    rows = list(entries_for(User, user.pk))
    assert rows
    for row in rows:
        text = f"{row.before} {row.after}"
        assert "password" not in text
        assert user.password not in text
        assert secret not in text


def test_a_log_entry_cannot_be_changed(cast):
    entry = ChangeLogEntry.objects.first()
    entry.object_repr = "篡改"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        ChangeLogEntry.objects.all().update(object_repr="篡改")
    with pytest.raises(TypeError):
        ChangeLogEntry.objects.filter(pk=entry.pk).update(object_repr="篡改")
    assert not ChangeLogEntry.objects.filter(object_repr="篡改").exists()


def test_a_log_entry_cannot_be_deleted(cast):
    count = ChangeLogEntry.objects.count()
    entry = ChangeLogEntry.objects.first()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        ChangeLogEntry.objects.all().delete()
    with pytest.raises(TypeError):
        ChangeLogEntry.objects.filter(pk=entry.pk).delete()
    assert ChangeLogEntry.objects.count() == count


def test_the_log_records_the_clients_address_behind_the_proxy(cast, login, settings):
    """Behind nginx REMOTE_ADDR is the proxy; CLIENT_IP_HEADER names where the client's address is."""
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    client = login(cast.district_admin)
    data = admin_form_data(client.get(area_url(cast.grid_b)))
    data["name"] = "百花社区二网格"
    client.post(area_url(cast.grid_b), data, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.23")
    entry = entries_for(Area, cast.grid_b.pk).filter(action="update").get()
    assert entry.remote_addr == "198.51.100.23"
