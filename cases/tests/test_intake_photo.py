"""The staff photo view (/cases/photo/<id>/): photos only for users who may see the case."""

import re

import pytest
from django.urls import reverse

from accounts.models import OrganisationMember
from accounts.testing import make_user
from cases.models import CaseAttachment, Status
from cases.testing import advance, report, tiny_photo


@pytest.fixture
def attachment(cc):  # type: ignore[no-untyped-def]
    case = report(cc, photos=[tiny_photo()])
    return CaseAttachment.objects.get(case=case)


def test_it_serves_the_photo_to_users_who_see_the_case(cc, attachment, login):
    url = reverse("cases:photo", args=[attachment.pk])
    assert url == f"/cases/photo/{attachment.pk}/"
    for user in (cc.cast.grid_worker_a, cc.dispatcher, cc.cast.street_leader, cc.cast.superuser):
        response = login(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == tiny_photo().content


def test_it_answers_404_outside_the_users_scope(cc, attachment, login, client):
    url = reverse("cases:photo", args=[attachment.pk])
    for user in (cc.cast.grid_worker_b, cc.cast.other_street_leader, cc.other_street_dispatcher, cc.cast.outsider):
        assert login(user).get(url).status_code == 404, user
    assert login(cc.cast.grid_worker_a).get(reverse("cases:photo", args=[attachment.pk + 1000])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_unit_member_sees_the_photos_of_a_case_dispatched_to_their_unit(cc, attachment, login):
    member = make_user("property_clerk", None, None)  # no area of their own: only through the unit
    OrganisationMember.objects.create(organisation=cc.property_company, user=member)
    url = reverse("cases:photo", args=[attachment.pk])
    assert login(member).get(url).status_code == 404
    advance(attachment.case, Status.DISPATCHED, cc)
    assert login(member).get(url).status_code == 200


def test_media_files_are_named_by_a_random_token(attachment):
    assert re.fullmatch(r"cases/\d{4}/\d{2}/[0-9a-f]{24}\.jpg", attachment.image.name)
