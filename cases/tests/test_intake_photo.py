"""The staff photo view (/cases/photo/<token>/): photos only for users who may open the case's page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationMember, RoleAssignment
from accounts.testing import make_user
from cases.models import CaseAttachment, Status
from cases.testing import advance, report, tiny_photo


@pytest.fixture
def attachment(cc):  # type: ignore[no-untyped-def]
    case = report(cc, photos=[tiny_photo()])
    return CaseAttachment.objects.get(case=case)


def test_it_serves_the_photo_to_users_who_see_the_case(cc, attachment, login):
    url = reverse("cases:photo", args=[attachment.token])
    assert url == f"/cases/photo/{attachment.token}/"
    for user in (cc.cast.grid_worker_a, cc.dispatcher, cc.cast.street_leader, cc.cast.superuser):
        response = login(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == f'inline; filename="{attachment.token}.jpg"'
        assert b"".join(response.streaming_content) == tiny_photo().content


def test_it_answers_404_outside_the_users_scope(cc, attachment, login, client):
    url = reverse("cases:photo", args=[attachment.token])
    for user in (cc.cast.grid_worker_b, cc.cast.other_street_leader, cc.other_street_dispatcher, cc.cast.outsider):
        assert login(user).get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 302


def test_photos_are_not_found_by_counting(cc, attachment, login):
    """The address is a random token: the sequential id answers 404, and so does any other token."""
    client = login(cc.cast.grid_worker_a)
    assert client.get(f"/cases/photo/{attachment.pk}/").status_code == 404
    assert client.get("/cases/photo/00000000-0000-0000-0000-000000000001/").status_code == 404
    second = CaseAttachment.objects.get(case=report(cc, photos=[tiny_photo()]))
    assert second.token != attachment.token and second.pk == attachment.pk + 1


def test_a_unit_member_with_a_handler_role_sees_the_photos_of_a_case_dispatched_to_their_unit(cc, attachment, login):
    member = make_user("property_clerk", "property_handler", cc.cast.community1)
    OrganisationMember.objects.create(organisation=cc.property_company, user=member)
    url = reverse("cases:photo", args=[attachment.token])
    assert login(member).get(url).status_code == 404
    advance(attachment.case, Status.DISPATCHED, cc)
    assert login(member).get(url).status_code == 200


def test_a_member_whose_role_has_ended_gets_404_like_on_the_case_page(cc, attachment, login):
    advance(attachment.case, Status.DISPATCHED, cc)
    url = reverse("cases:photo", args=[attachment.token])
    page = reverse("cases:case", args=[attachment.case.number])
    client = login(cc.property_handler)
    assert client.get(url).status_code == 200 and client.get(page).status_code == 200
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RoleAssignment.objects.filter(user=cc.property_handler).update(valid_until=yesterday)
    assert OrganisationMember.objects.filter(user=cc.property_handler).exists()  # the membership stays
    client = login(cc.property_handler)
    assert client.get(page).status_code == 404
    assert client.get(url).status_code == 404


def test_a_member_without_any_role_never_sees_the_photos(cc, attachment, login):
    """Membership alone grants nothing: the photo view asks exactly what the case page asks."""
    member = make_user("property_clerk", None, None)
    OrganisationMember.objects.create(organisation=cc.property_company, user=member)
    advance(attachment.case, Status.DISPATCHED, cc)
    client = login(member)
    assert client.get(reverse("cases:case", args=[attachment.case.number])).status_code == 404
    assert client.get(reverse("cases:photo", args=[attachment.token])).status_code == 404


def test_media_files_are_named_by_a_random_token(attachment):
    assert re.fullmatch(r"cases/\d{4}/\d{2}/[0-9a-f]{24}\.jpg", attachment.image.name)
