"""The participation pages keep to the Content-Security-Policy (no inline script or style) and
raise no console error, for staff and on the public wall."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.urls import reverse

from participation import ballots, wishes
from participation.models import ClaimantKind, ThresholdRule, UnitKind
from tests.test_content_security_policy import Complaints, visit

from .conftest import make_world, photo, published, recorded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_participation_pages_keep_to_the_policy(cast, page, browser_login):
    world = make_world(cast)
    recorded(world, title="待审核")
    open_wish = published(world)
    done = published(world, title="已圆梦")
    wishes.wish_claim(actor=cast.grid_worker_a, wish=done, kind=ClaimantKind.PARTY_MEMBER, name="张")
    wishes.wish_fulfil(actor=cast.grid_worker_a, wish=done, note="", photo=photo())
    ballot = ballots.ballot_open(actor=world.reviewer, area=cast.community1, question="q", buildings=[world.building],
                                 unit_kind=UnitKind.DWELLING, rule=ThresholdRule.CIVIL_CODE_ORDINARY,
                                 share=Fraction(2, 3))
    complaints = Complaints()
    complaints.watch(page)

    visit(page, complaints, reverse("public_participation:wall", args=[cast.community1.code]))
    visit(page, complaints, reverse("public_participation:claim", args=[open_wish.token]))
    visit(page, complaints, "/login/")
    browser_login(world.reviewer)
    complaints.collect(page)
    for path in [
        reverse("participation:wish_list"), reverse("participation:wish_new"),
        reverse("participation:wish_detail", args=[done.pk]), reverse("participation:wish_detail", args=[open_wish.pk]),
        reverse("participation:wish_figures"), reverse("participation:wall_poster", args=[cast.grid_a.code]),
        reverse("participation:ballot_list"), reverse("participation:ballot_new"),
        reverse("participation:ballot_detail", args=[ballot.pk]),
        reverse("participation:vote_door", args=[ballot.pk, f"d{world.dwellings[0].pk}"]),
    ]:
        visit(page, complaints, path)

    assert complaints.found == []
