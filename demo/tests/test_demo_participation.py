"""The demo's 共建共治: wishes in every state, a ballot that reaches its share, an owners' vote that
passes on heads and fails on area; written once."""

import pytest

from accounts.models import User
from areas.models import Area
from demo.participation import seed_participation
from demo.seed import seed_demo
from participation import ballots, conventions
from participation.models import (
    Ballot,
    Convention,
    ConventionState,
    Proposal,
    ProposalState,
    ThresholdRule,
    VoteChange,
    VoteChannel,
    Wish,
    WishState,
)

pytestmark = pytest.mark.django_db


def test_it_tells_wishes_and_ballots_once():
    seed_demo(password="demo-test-pw")
    areas = {"a": Area.objects.get(code="410102005001001"), "C1": Area.objects.get(code="410102005001")}
    users = {name: User.objects.get(username=name) for name in ("gridworker", "communitystaff")}
    created = seed_participation(areas, users)
    assert created["微心愿"] == 20
    assert set(Wish.objects.values_list("state", flat=True)) == set(WishState.values)
    for wish in Wish.objects.filter(state=WishState.PUBLISHED):
        assert wish.resident.name not in wish.public_label
    charging = Ballot.objects.get(rule=ThresholdRule.SHARE)
    assert ballots.ballot_result(charging).passed and charging.publish_result
    assert charging.buildings.count() == 2
    by_link = charging.votes.filter(channel=VoteChannel.LINK)
    assert by_link.count() == 3 and VoteChange.objects.filter(vote__in=by_link).count() == 4
    funds = Ballot.objects.get(rule=ThresholdRule.CIVIL_CODE_SPECIAL)
    figures = {figure.name: figure for figure in ballots.ballot_result(funds).figures}
    assert figures["approval_owners"].met and not figures["approval_area"].met
    proposal = Proposal.objects.get(title="安装电动自行车集中充电桩")
    assert proposal.state == ProposalState.CLOSED and proposal.source_meeting.attendees.exists()
    assert [e.verb for e in proposal.events.all()] == ["record", "submit", "pass", "pass", "pass", "implement",
                                                       "close"]
    assert proposal.meetings.count() == 5 and all(meeting.minutes for meeting in proposal.meetings.all())
    assert created["居民评议"] == proposal.evaluations.count() > 0
    assert proposal.evaluations.filter(by_code=True).exists()
    convention = Convention.objects.get(title__endswith="楼道公约")
    assert convention.state == ConventionState.ADOPTED and convention.published_at
    assert [version.number for version in convention.versions.all()] == [1, 2]
    assert convention.comments.count() == 3 and convention.ballot and ballots.ballot_result(convention.ballot).passed
    figures = conventions.signature_figures(convention)
    assert figures and all(row.signed * 2 > row.total for row in figures)  # most households signed
    assert convention.breaches.get().case.category.code == "stairwell-clutter"
    assert seed_participation(areas, users) == {}
    assert Wish.objects.count() == 20 and Proposal.objects.count() == 1
