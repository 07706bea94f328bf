"""The accounts admin obeys scope: users, role assignments, organisations and teams of one's own areas."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts.admin import RoleAssignmentAdmin
from accounts.models import Organisation, OrganisationKind, Role, RoleAssignment, TeamMember, User
from accounts.tests.admin_forms import add_inline_row, admin_form_data

pytestmark = pytest.mark.django_db


def user_url(user):
    return f"/admin/accounts/user/{user.pk}/change/"


def test_the_user_list_shows_users_of_the_district_and_users_without_assignment(
    cast, login, django_assert_max_num_queries
):
    client = login(cast.district_admin)
    with django_assert_max_num_queries(12):
        response = client.get("/admin/accounts/user/")
    assert response.status_code == 200
    shown = {user.username for user in response.context["cl"].result_list}
    assert {"grid_worker_a", "street_leader", "other_street_leader", "outsider", "district_admin"} <= shown
    assert "other_district_admin" not in shown
    assert "root" not in shown


def test_it_answers_404_for_a_user_of_another_district_or_a_superuser(cast, login):
    client = login(cast.district_admin)
    assert client.get(user_url(cast.other_district_admin)).status_code == 404
    assert client.get(user_url(cast.superuser)).status_code == 404
    assert client.get(f"/admin/accounts/user/{cast.superuser.pk}/password/").status_code == 404


def test_the_administrator_edits_a_user_of_the_district(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(user_url(cast.grid_worker_a)))
    data["phone"] = "13900000002"
    assert client.post(user_url(cast.grid_worker_a), data).status_code == 302
    assert User.objects.get(pk=cast.grid_worker_a.pk).phone == "13900000002"


def test_a_user_who_also_works_in_another_district_is_read_only(cast, login):
    RoleAssignment.objects.create(user=cast.grid_worker_a, role=Role.objects.get(code="grid_worker"),
                                  area=cast.other_street, valid_from=datetime.date(2024, 1, 1))
    client = login(cast.district_admin)
    data = admin_form_data(client.get(user_url(cast.grid_worker_a)))
    data["phone"] = "13900000002"
    assert client.post(user_url(cast.grid_worker_a), data).status_code == 403
    assert User.objects.get(pk=cast.grid_worker_a.pk).phone == ""


def test_the_administrator_cannot_make_anyone_a_superuser(cast, login):
    client = login(cast.district_admin)
    response = client.get(user_url(cast.grid_worker_a))
    assert "is_superuser" not in response.context["adminform"].form.fields
    data = admin_form_data(response)
    data["is_superuser"] = "on"
    assert client.post(user_url(cast.grid_worker_a), data).status_code == 302
    assert not User.objects.get(pk=cast.grid_worker_a.pk).is_superuser


def test_the_administrator_creates_an_account(cast, login):
    client = login(cast.district_admin)
    response = client.post("/admin/accounts/user/add/", {
        "username": "new_worker", "full_name": "李娜", "phone": "13700000003", "usable_password": "true",
        "password1": "Wg-new-worker-2026", "password2": "Wg-new-worker-2026",
    })
    assert response.status_code == 302
    created = User.objects.get(username="new_worker")
    assert created.full_name == "李娜"
    assert not created.is_superuser


def test_the_administrator_assigns_a_role_in_the_district(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(user_url(cast.outsider)))
    add_inline_row(data, "assignments", {
        "role": Role.objects.get(code="grid_worker").pk, "area": cast.grid_c.pk, "valid_from": "2025-01-01",
    })
    assert client.post(user_url(cast.outsider), data).status_code == 302
    assert list(cast.outsider.assignments.values_list("area__code", flat=True)) == [cast.grid_c.code]


def test_the_administrator_cannot_assign_a_role_in_another_district(cast, login):
    client = login(cast.district_admin)
    data = admin_form_data(client.get(user_url(cast.outsider)))
    add_inline_row(data, "assignments", {
        "role": Role.objects.get(code="grid_worker").pk, "area": cast.other_street.pk, "valid_from": "2025-01-01",
    })
    response = client.post(user_url(cast.outsider), data)
    assert response.status_code == 200
    assert not cast.outsider.assignments.exists()


def test_the_assignment_admin_refuses_an_area_of_another_district(cast, login):
    client = login(cast.district_admin)
    response = client.post("/admin/accounts/roleassignment/add/", {
        "user": cast.outsider.pk, "role": Role.objects.get(code="grid_worker").pk,
        "area": cast.other_street.pk, "valid_from": "2025-01-01",
    })
    assert response.status_code == 200
    assert "area" in response.context["adminform"].form.errors
    assert not cast.outsider.assignments.exists()


def test_the_assignment_admin_re_checks_scope_when_saving(cast):
    request = RequestFactory().post("/admin/accounts/roleassignment/add/")
    request.user = cast.district_admin
    stray = RoleAssignment(user=cast.outsider, role=Role.objects.get(code="grid_worker"), area=cast.other_street)
    with pytest.raises(PermissionDenied):
        RoleAssignmentAdmin(RoleAssignment, admin.site).save_model(request, stray, form=None, change=False)
    assert not cast.outsider.assignments.exists()


def test_the_administrator_cannot_hand_out_a_role_stronger_than_their_own(cast, login):
    strong = Role.objects.create(code="role_editor", name="角色管理员")
    strong.permissions.add(Permission.objects.get(codename="change_role"))
    client = login(cast.district_admin)
    response = client.post("/admin/accounts/roleassignment/add/", {
        "user": cast.outsider.pk, "role": strong.pk, "area": cast.grid_a.pk, "valid_from": "2025-01-01",
    })
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not cast.outsider.assignments.exists()


def test_the_other_districts_administrator_gets_404_on_our_assignments(cast, login):
    assignment = cast.grid_worker_a.assignments.get()
    client = login(cast.other_district_admin)
    assert client.get(f"/admin/accounts/roleassignment/{assignment.pk}/change/").status_code == 404
    assert client.post(f"/admin/accounts/roleassignment/{assignment.pk}/delete/", {"post": "yes"}).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_only_a_superuser_edits_the_permissions_of_a_role(cast, login):
    role = Role.objects.get(code="grid_worker")
    url = f"/admin/accounts/role/{role.pk}/change/"
    administrator = login(cast.district_admin)
    assert administrator.get(url).status_code == 200
    assert administrator.post(url, {"code": role.code, "name": role.name, "sort_order": 0}).status_code == 403
    superuser = login(cast.superuser)
    response = superuser.get(url)
    assert "permissions" in response.context["adminform"].form.fields
    data = admin_form_data(response)
    data["permissions"] = [*data["permissions"], str(Permission.objects.get(codename="view_changelogentry").pk)]
    assert superuser.post(url, data).status_code == 302
    assert role.permissions.filter(codename="view_changelogentry").exists()


def test_saving_an_organisation_keeps_service_areas_the_administrator_cannot_see(cast, login):
    organisation = Organisation.objects.create(name="中原供电所", kind=OrganisationKind.POWER, home_area=cast.district)
    organisation.service_areas.set([cast.street1, cast.other_street])
    url = f"/admin/accounts/organisation/{organisation.pk}/change/"
    client = login(cast.district_admin)
    data = admin_form_data(client.get(url))
    assert data["service_areas"] == [str(cast.street1.pk)]
    data["service_areas"] = [str(cast.street1.pk), str(cast.street2.pk)]
    assert client.post(url, data).status_code == 302
    assert set(organisation.service_areas.all()) == {cast.street1, cast.street2, cast.other_street}


def test_organisations_of_another_district_answer_404(cast, login):
    organisation = Organisation.objects.create(name="二七区综合执法中队", kind=OrganisationKind.ENFORCEMENT,
                                               home_area=cast.other_district)
    client = login(cast.district_admin)
    assert client.get(f"/admin/accounts/organisation/{organisation.pk}/change/").status_code == 404
    names = [row.name for row in client.get("/admin/accounts/organisation/").context["cl"].result_list]
    assert organisation.name not in names


def test_team_members_of_another_district_answer_404(cast, login):
    member = TeamMember.objects.create(area=cast.grid_a, duty="grid_leader", name="王丽")
    assert login(cast.other_district_admin).get(f"/admin/accounts/teammember/{member.pk}/change/").status_code == 404
    assert login(cast.district_admin).get(f"/admin/accounts/teammember/{member.pk}/change/").status_code == 200


def test_a_grid_worker_has_no_admin_access(cast, login):
    response = login(cast.grid_worker_a).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
