"""扫码表决: links issued per unit, phone → SMS code → vote, changes logged; published results."""

import datetime
import re
import threading
from fractions import Fraction

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import sms
from participation import ballots, votelinks
from participation.models import (
    Ballot,
    BallotState,
    ThresholdRule,
    UnitKind,
    Vote,
    VoteChange,
    VoteChannel,
    VoteCode,
    VoteLink,
)
from participation.wishes import ActionRefused
from registry.models import Resident

pytestmark = pytest.mark.django_db

PHONE = "13800138000"


@pytest.fixture(autouse=True)
def sms_outbox(settings):  # type: ignore[no-untyped-def]
    settings.CASES_SMS_BACKEND = "cases.sms.MemorySMSBackend"
    sms.outbox.clear()
    cache.clear()
    yield sms.outbox
    sms.outbox.clear()
    cache.clear()


def open_ballot(world, **extra):  # type: ignore[no-untyped-def]
    world.grandma.phone = PHONE
    world.grandma.save()
    fields = {"actor": world.reviewer, "area": world.cast.community1, "question": "3号楼安装电动车充电桩",
              "buildings": [world.building], "rule": ThresholdRule.SHARE, "share": Fraction(2, 3), **extra}
    return ballots.ballot_open(**fields)


def issue(world, ballot):  # type: ignore[no-untyped-def]
    links = votelinks.links_issue(actor=world.cast.grid_worker_a, ballot=ballot, building=world.building)
    return {link.unit.key: link.token for link in links}


def url(token: str) -> str:
    return reverse("public_votes:vote", args=[token])


def sent_code(outbox) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r"\d{6}", outbox[-1].message)
    assert match
    return match.group(0)


def verify(client, world, token, outbox):  # type: ignore[no-untyped-def]
    assert client.post(url(token), {"step": "phone", "phone": PHONE}).status_code == 302
    assert client.post(url(token), {"step": "code", "code": sent_code(outbox)}).status_code == 302


def test_a_worker_issues_a_buildings_slips_shown_once(world, login):
    ballot = open_ballot(world)
    client = login(world.cast.grid_worker_a)
    form = client.get(reverse("participation:ballot_links", args=[ballot.pk]))
    assert form.status_code == 200 and world.building.name in form.content.decode()
    page = client.post(reverse("participation:ballot_links", args=[ballot.pk]), {"building": world.building.pk})
    text = page.content.decode()
    assert page.status_code == 200 and text.count('class="col-6 col-md-3 text-center wg-label vote-slip"') == 4
    tokens = re.findall(r"/v/([A-Za-z0-9_-]{20,})/", text)
    assert len(set(tokens)) == 4 and "<svg" in text
    stored = set(VoteLink.objects.values_list("token_hash", flat=True))
    assert not stored & set(tokens)  # only hashes at rest
    assert stored == {votelinks.hash_token(token) for token in set(tokens)}


def test_issuing_again_replaces_the_old_slips(world, client):
    ballot = open_ballot(world)
    first = issue(world, ballot)
    second = issue(world, ballot)
    assert VoteLink.objects.count() == 4
    key = f"h{world.households[0].pk}"
    assert client.get(url(first[key])).status_code == 404
    assert client.get(url(second[key])).status_code == 200


def test_a_worker_of_another_grid_may_not_issue(world):
    ballot = open_ballot(world)
    with pytest.raises(ActionRefused):
        votelinks.links_issue(actor=world.cast.grid_worker_b, ballot=ballot, building=world.building)
    assert not VoteLink.objects.exists()


def test_a_household_votes_by_link_and_changes_its_vote(world, client, sms_outbox):
    ballot = open_ballot(world)
    token = issue(world, ballot)[f"h{world.households[0].pk}"]
    page = client.get(url(token)).content.decode()
    assert "3号楼安装电动车充电桩" in page and "link-phone-form" in page
    verify(client, world, token, sms_outbox)
    assert sms_outbox[-1].phone == PHONE and len(sms_outbox) == 1
    assert "link-vote-form" in client.get(url(token)).content.decode()
    done = client.post(url(token), {"step": "vote", "choice": "agree"})
    assert done.status_code == 200 and "已记录本户的意见：同意" in done.content.decode()
    client.post(url(token), {"step": "vote", "choice": "against"})
    vote = Vote.objects.get(ballot=ballot)
    assert (vote.household, vote.choice, vote.channel, vote.recorded_by) == (world.households[0], "against",
                                                                              VoteChannel.LINK, None)
    assert vote.signer_name == "王秀兰"
    changes = list(VoteChange.objects.values_list("previous_choice", "choice", "channel"))
    assert changes == [("", "agree", "link"), ("agree", "against", "link")]
    assert "本户当前意见：反对" in client.get(url(token)).content.decode()


def test_a_phone_not_registered_for_the_household_is_refused_without_showing_it(world, client, sms_outbox):
    ballot = open_ballot(world)
    token = issue(world, ballot)[f"h{world.households[1].pk}"]  # grandma heads household 0, not 1
    response = client.post(url(token), {"step": "phone", "phone": PHONE})
    text = response.content.decode()
    assert response.status_code == 400 and "不是本户登记的手机号" in text
    assert sms_outbox == [] and not VoteCode.objects.exists()
    assert "0013" not in text.replace(PHONE, "")


def test_a_member_of_the_household_confirms_with_their_phone(world, client, sms_outbox):
    ballot = open_ballot(world)
    member = Resident.objects.create(grid=world.cast.grid_a, name="李四", gender="M", phone="13912345678")
    world.households[1].members.create(resident=member, relation="head")
    token = issue(world, ballot)[f"h{world.households[1].pk}"]
    assert client.post(url(token), {"step": "phone", "phone": "139 1234 5678"}).status_code == 302
    assert sms_outbox[-1].phone == "13912345678"


def test_wrong_and_expired_codes_are_refused(world, client, sms_outbox):
    ballot = open_ballot(world)
    token = issue(world, ballot)[f"h{world.households[0].pk}"]
    client.post(url(token), {"step": "phone", "phone": PHONE})
    right = sent_code(sms_outbox)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(url(token), {"step": "code", "code": wrong})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert VoteCode.objects.get().attempts == 1
    VoteCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = client.post(url(token), {"step": "code", "code": right})
    assert expired.status_code == 400 and "验证码已过期" in expired.content.decode()
    refused = client.post(url(token), {"step": "vote", "choice": "agree"})
    assert refused.status_code == 302 and not Vote.objects.exists()  # not verified: back to the code step


def test_too_many_attempts_need_a_new_code(world):
    ballot = open_ballot(world)
    issue(world, ballot)
    link = VoteLink.objects.get(household=world.households[0])
    sent = votelinks.code_send(link=link, phone=PHONE)
    VoteCode.objects.update(attempts=votelinks.MAX_ATTEMPTS)
    with pytest.raises(Exception) as error:
        votelinks.code_check(link=link, code_id=sent.row.pk, code=sent.code)
    assert "code" in error.value.message_dict  # type: ignore[attr-defined]


def test_codes_are_limited_per_link(world, client, settings, sms_outbox):
    settings.PARTICIPATION_VOTE_CODES_PER_LINK_HOUR = 2
    ballot = open_ballot(world)
    token = issue(world, ballot)[f"h{world.households[0].pk}"]
    for _round in range(2):
        client.post(url(token), {"step": "phone", "phone": PHONE})
        client.post(url(token), {"step": "restart"})
    response = client.post(url(token), {"step": "phone", "phone": PHONE})
    assert response.status_code == 429 and len(sms_outbox) == 2


def test_a_closed_ballot_takes_no_more_votes(world, client, sms_outbox):
    ballot = open_ballot(world)
    token = issue(world, ballot)[f"h{world.households[0].pk}"]
    verify(client, world, token, sms_outbox)
    ballots.ballot_close(actor=world.reviewer, ballot=ballot)
    page = client.get(url(token)).content.decode()
    assert "表决已结束" in page and "link-vote-form" not in page
    client.post(url(token), {"step": "vote", "choice": "agree"})
    assert not Vote.objects.exists()


def test_a_link_votes_only_for_its_own_unit(world):
    ballot = open_ballot(world)
    issue(world, ballot)
    link = VoteLink.objects.get(household=world.households[0])
    with pytest.raises(ActionRefused):
        ballots.vote_record(actor=None, link=link, ballot=ballot, dwelling=world.dwellings[1],
                            household=world.households[1], choice="agree", signer_name="x")
    with pytest.raises(ActionRefused):
        ballots.vote_record(actor=None, ballot=ballot, dwelling=world.dwellings[0],
                            household=world.households[0], choice="agree", signer_name="x")
    assert not Vote.objects.exists()


def test_an_owners_vote_is_confirmed_by_the_owners_phone(world, client, sms_outbox):
    ballot = open_ballot(world, unit_kind=UnitKind.DWELLING, rule=ThresholdRule.CIVIL_CODE_SPECIAL)
    world.dwellings[2].owner = world.grandma
    world.dwellings[2].save()
    token = issue(world, ballot)[f"d{world.dwellings[2].pk}"]
    verify(client, world, token, sms_outbox)
    client.post(url(token), {"step": "vote", "choice": "agree"})
    vote = Vote.objects.get()
    assert vote.dwelling == world.dwellings[2] and vote.household is None and vote.channel == "link"


# ----- published results -----------------------------------------------------------------------

def test_results_are_public_only_after_close_and_when_the_ballot_allows(world, client):
    ballot = open_ballot(world, publish_result=True)
    for index in range(3):
        ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=world.dwellings[index],
                            household=world.households[index], choice="agree", signer_name="王秀兰")
    results = reverse("public_votes:results", args=[world.cast.grid_a.code])
    grid_page = reverse("public_grid", args=[world.cast.grid_a.code])
    assert "3号楼安装电动车充电桩" not in client.get(results).content.decode()  # open: nothing
    assert "ballot-results-link" not in client.get(grid_page).content.decode()
    ballots.ballot_close(actor=world.reviewer, ballot=ballot)
    text = client.get(results).content.decode()
    assert "3号楼安装电动车充电桩" in text and "表决通过" in text and "参与 3 / 4" in text
    assert "同意的户数占全部户数：3 / 4 = 75.00%" in text
    assert "王秀兰" not in text and str(world.dwellings[0]) not in text  # no person, no door
    assert "ballot-results-link" in client.get(grid_page).content.decode()
    Ballot.objects.filter(pk=ballot.pk).update(publish_result=False)
    assert "3号楼安装电动车充电桩" not in client.get(results).content.decode()


def test_the_ballot_form_sets_the_publication(world, login):
    client = login(world.reviewer)
    response = client.post(reverse("participation:ballot_new"), {
        "area": world.cast.community1.pk, "question": "加装电梯", "buildings": [world.building.pk],
        "unit_kind": "household", "rule": "majority", "share_numerator": 2, "share_denominator": 3,
        "publish_result": "on",
    })
    assert response.status_code == 302
    assert Ballot.objects.get(question="加装电梯").publish_result


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_link_vote_and_a_door_vote_at_once_leave_one_vote(world):
    ballot = open_ballot(world)
    issue(world, ballot)
    link = VoteLink.objects.get(household=world.households[0])
    sent = votelinks.code_send(link=link, phone=PHONE)
    votelinks.code_check(link=link, code_id=sent.row.pk, code=sent.code)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def by_link(choice: str) -> None:
        try:
            barrier.wait()
            votelinks.link_vote(link=link, code_id=sent.row.pk, choice=choice)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def at_door() -> None:
        try:
            barrier.wait()
            ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=world.dwellings[0],
                                household=world.households[0], choice="abstain", signer_name="王秀兰")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=by_link, args=("agree",)), threading.Thread(target=by_link, args=("against",)),
               threading.Thread(target=at_door)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Vote.objects.filter(ballot=ballot).count() == 1
    assert VoteChange.objects.filter(vote__ballot=ballot).count() == 3
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.OPEN
