"""The area admin obeys scope: an administrator works inside their district, 404 elsewhere."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts.models import TeamMember
from accounts.testing import make_user
from accounts.tests.admin_forms import add_inline_row, admin_form_data
from areas.admin import AreaAdmin
from areas.models import Area, Level

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/areas/area/"


def change_url(area):
    return f"/admin/areas/area/{area.pk}/change/"


def test_it_lists_the_areas_of_the_administrators_district_only(cast, login, django_assert_max_num_queries):
    client = login(cast.district_admin)
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert cast.grid_c.name in page
    assert cast.street1.name in page
    assert cast.other_street.name not in page
    assert cast.other_district.name not in page


def test_it_answers_404_for_an_area_of_another_district(cast, login):
    client = login(cast.district_admin)
    assert client.get(change_url(cast.other_street)).status_code == 404
    assert client.get(f"/admin/areas/area/{cast.other_street.pk}/history/").status_code == 404


def test_it_answers_404_to_the_other_districts_administrator_too(cast, login):
    client = login(cast.other_district_admin)
    assert client.get(change_url(cast.grid_a)).status_code == 404
    response = client.post(change_url(cast.grid_a), {"name": "被改名的网格"})
    assert response.status_code == 404
    assert Area.objects.get(pk=cast.grid_a.pk).name == cast.grid_a.name


def test_the_district_administrator_renames_a_grid(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(change_url(cast.grid_b)))
    data["name"] = "百花社区二网格"
    response = client.post(change_url(cast.grid_b), data)
    assert response.status_code == 302
    assert Area.objects.get(pk=cast.grid_b.pk).name == "百花社区二网格"


def test_the_admin_refuses_a_name_with_markup(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(change_url(cast.grid_b)))
    data["name"] = "<img src=x onerror=alert(1)>"

    response = client.post(change_url(cast.grid_b), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == ["不能包含 < > \" ' & 等符号或控制字符。"]
    assert Area.objects.get(pk=cast.grid_b.pk).name == "百花社区第二网格"


def test_the_code_cannot_be_changed_in_the_admin(cast, login):
    client = login(cast.district_admin)
    response = client.get(change_url(cast.grid_b))
    assert "code" not in response.context["adminform"].form.fields
    data = admin_form_data(response)
    data["code"] = "410102001001009"
    assert client.post(change_url(cast.grid_b), data).status_code == 302
    assert Area.objects.get(pk=cast.grid_b.pk).code == "410102001001002"


def test_an_area_is_retired_by_its_end_date_not_deleted(cast, login):
    client = login(cast.district_admin)
    assert client.get(f"/admin/areas/area/{cast.grid_b.pk}/delete/").status_code == 403
    data = admin_form_data(client.get(change_url(cast.grid_b)))
    data["ended_on"] = "2025-12-31"
    assert client.post(change_url(cast.grid_b), data).status_code == 302
    assert str(Area.objects.get(pk=cast.grid_b.pk).ended_on) == "2025-12-31"
    assert "delete_selected" not in client.get(CHANGELIST).content.decode()


def test_a_superuser_cannot_delete_an_area_either(cast, login):
    assert login(cast.superuser).get(f"/admin/areas/area/{cast.grid_b.pk}/delete/").status_code == 403


def test_the_administrator_adds_a_grid_under_a_community_in_scope(cast, login):
    client = login(cast.district_admin)
    response = client.post("/admin/areas/area/add/", {
        "code": "410102002001002", "name": "协作路社区第二网格", "level": Level.GRID, "parent": cast.community2.pk,
        "grid_kind": "comprehensive", "started_on": "2024-01-01",
    })
    assert response.status_code == 302
    assert Area.objects.get(code="410102002001002").parent == cast.community2


def test_the_administrator_cannot_add_an_area_under_another_district(cast, login):
    client = login(cast.district_admin)
    response = client.post("/admin/areas/area/add/", {
        "code": "410103001001", "name": "淮河路社区", "level": Level.COMMUNITY, "parent": cast.other_street.pk,
        "started_on": "2024-01-01",
    })
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Area.objects.filter(code="410103001001").exists()


def test_the_administrator_cannot_start_a_new_tree(cast, login):
    client = login(cast.district_admin)
    response = client.post("/admin/areas/area/add/", {
        "code": "410102003000", "name": "绿东村街道", "level": Level.STREET, "started_on": "2024-01-01",
    })
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Area.objects.filter(code="410102003000").exists()


def test_saving_re_checks_scope_inside_the_transaction(cast):
    request = RequestFactory().post("/admin/areas/area/add/")
    request.user = cast.district_admin
    from django.contrib import admin

    area_admin = AreaAdmin(Area, admin.site)
    stray = Area(code="410103001001", name="淮河路社区", level=Level.COMMUNITY, parent=cast.other_street)
    with pytest.raises(PermissionDenied):
        area_admin.save_model(request, stray, form=None, change=False)
    assert not Area.objects.filter(code="410103001001").exists()


def test_the_parent_choices_are_the_visible_areas(cast, login):
    client = login(cast.district_admin)
    response = client.get("/admin/autocomplete/", {
        "app_label": "areas", "model_name": "area", "field_name": "parent", "term": "街道",
    })
    names = [row["text"] for row in response.json()["results"]]
    assert any(cast.street1.name in name for name in names)
    assert not any(cast.other_street.name in name for name in names)


def test_a_grid_page_edits_its_service_team(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(change_url(cast.grid_a)))
    add_inline_row(data, "team", {"duty": "grid_leader", "name": "王丽", "phone": "13800000001",
                                  "sort_order": "0", "since": "2024-01-01"})
    assert client.post(change_url(cast.grid_a), data).status_code == 302
    assert list(TeamMember.objects.filter(area=cast.grid_a).values_list("name", flat=True)) == ["王丽"]


def test_a_street_page_has_no_service_team(cast, login):
    response = login(cast.district_admin).get(change_url(cast.street1))
    assert response.context["inline_admin_formsets"] == []


def test_the_boundary_is_shown_read_only_with_an_export_link(cast, login):
    response = login(cast.district_admin).get(change_url(cast.grid_a))
    assert "boundary" not in response.context["adminform"].form.fields
    page = response.content.decode()
    assert f"/areas/{cast.grid_a.code}/boundaries.geojson" in page
    assert "/areas/import/" in page


def test_a_grid_worker_has_no_admin_access(cast, login):
    client = login(cast.grid_worker_a)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get(change_url(cast.grid_a)).status_code == 302


def test_a_staff_grid_worker_cannot_change_their_own_grid(cast, login):
    worker = make_user("staff_worker", "grid_worker", cast.grid_a, is_staff=True)
    client = login(worker)
    assert client.get(change_url(cast.grid_b)).status_code == 404
    data = {"name": "改名"}
    assert client.post(change_url(cast.grid_a), data).status_code == 403
    assert Area.objects.get(pk=cast.grid_a.pk).name == cast.grid_a.name
