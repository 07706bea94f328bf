"""A page's queries do not grow with its rows (no per-row queries)."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participation import ballots, deliberation, evaluations, meetings
from participation.models import Decision, Invitation, MeetingKind, StageKind, ThresholdRule, UnitKind
from registry.models import Dwelling, Household, Resident

from .conftest import meeting_record, proposal_at, published

pytestmark = pytest.mark.django_db


def count(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_doors(world, number):  # type: ignore[no-untyped-def]
    for index in range(number):
        dwelling = Dwelling.objects.create(grid=world.cast.grid_a, building=world.building, floor=5,
                                           room=f"5{index:02d}", floor_area=Decimal("70"))
        Household.objects.create(grid=world.cast.grid_a, dwelling=dwelling)


@pytest.mark.parametrize("unit_kind", [UnitKind.HOUSEHOLD, UnitKind.DWELLING])
def test_the_ballot_page_costs_the_same_for_more_doors(world, login, unit_kind):
    rule = ThresholdRule.CIVIL_CODE_ORDINARY if unit_kind == UnitKind.DWELLING else ThresholdRule.SHARE
    ballot = ballots.ballot_open(actor=world.reviewer, area=world.cast.community1, question="q",
                                 buildings=[world.building], unit_kind=unit_kind, rule=rule, share=Fraction(2, 3))
    client = login(world.cast.grid_worker_a)
    url = reverse("participation:ballot_detail", args=[ballot.pk])
    before = count(client, url)
    add_doors(world, 5)
    assert count(client, url) == before


def test_the_wish_list_and_the_wall_cost_the_same_for_more_wishes(world, login, client):
    published(world)
    staff = login(world.cast.grid_worker_a)
    wall = reverse("public_participation:wall", args=[world.cast.community1.code])
    listing = reverse("participation:wish_list")
    before = (count(staff, listing), count(client, wall))
    for index in range(3):
        published(world, title=f"心愿{index}")
    assert (count(staff, listing), count(client, wall)) == before


def test_a_proposals_page_costs_the_same_for_more_meetings_and_ratings(world, login):
    proposal = proposal_at(world)
    client = login(world.reviewer)
    url = reverse("participation:proposal_detail", args=[proposal.pk])
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                 decision=Decision.PASS, meeting=meeting_record(attendees=[world.grandma]))
    proposal.refresh_from_db()
    before = count(client, url)
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                 decision=Decision.RETURN, reason="再议", meeting=meeting_record(photos=[]))
    proposal.refresh_from_db()
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                 decision=Decision.PASS, meeting=meeting_record(attendees=[world.grandma]))
    assert count(client, url) == before
    proposal.refresh_from_db()
    while proposal.stage.kind != StageKind.EVALUATE:
        verb = deliberation.proposal_implement if proposal.stage.kind == StageKind.IMPLEMENT else None
        if verb:
            verb(actor=world.reviewer, proposal=proposal, stage=proposal.stage, note="x", meeting=meeting_record())
        else:
            deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                         decision=Decision.PASS, meeting=meeting_record())
        proposal.refresh_from_db()
    evaluations.evaluation_record(actor=world.reviewer, proposal=proposal, household=world.households[0],
                                  rating="satisfied")
    before = count(client, url)
    for household in world.households[1:]:
        evaluations.evaluation_record(actor=world.reviewer, proposal=proposal, household=household,
                                      rating="basic")
    assert count(client, url) == before


def test_a_meetings_page_costs_the_same_for_more_invitees(world, login):
    meeting = meetings.meeting_open(actor=world.cast.grid_worker_a, area=world.cast.grid_a, kind=MeetingKind.COUNCIL,
                                    title="议事会", place="活动室", held_on=datetime.date(2026, 12, 3))
    client = login(world.cast.grid_worker_a)
    url = reverse("participation:meeting_detail", args=[meeting.pk])
    Invitation.objects.create(meeting=meeting, resident=world.grandma)
    before = count(client, url)
    for index in range(4):
        resident = Resident.objects.create(grid=world.cast.grid_a, name=f"居民{index}", gender="F")
        Invitation.objects.create(meeting=meeting, resident=resident, signed_in_at=timezone.now())
    assert count(client, url) == before
