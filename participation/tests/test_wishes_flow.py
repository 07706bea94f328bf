"""Every verb of the wish workflow, its refusals, its timeline and claim expiry."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from participation import wishes
from participation.models import ClaimantKind, Wish, WishState
from participation.wishes import ActionRefused

from .conftest import photo, published, recorded

pytestmark = pytest.mark.django_db


def test_it_walks_a_wish_from_collection_to_confirmation(world):
    wish = published(world)
    assert wish.state == WishState.PUBLISHED and wish.published_at
    wishes.wish_claim(actor=None, wish=wish, kind=ClaimantKind.PUBLIC, name="李先生", phone="138 0013 8000")
    wish.refresh_from_db()
    assert wish.state == WishState.CLAIMED
    assert wish.claimant_phone == "13800138000"
    assert wish.claim_expires_at - wish.claimed_at == datetime.timedelta(days=14)
    wishes.wish_fulfil(actor=world.cast.grid_worker_a, wish=wish, note="已送到", photo=photo())
    wishes.wish_confirm(actor=world.cast.grid_worker_a, wish=wish, note="老人很满意")
    wish.refresh_from_db()
    assert wish.state == WishState.CONFIRMED and wish.fulfilment_photo.name.endswith(".jpg")
    assert [e.verb for e in wish.events.all()] == ["record", "approve", "publish", "claim", "fulfil", "confirm"]
    assert wish.events.get(verb="claim").actor_label == "李先生"


def test_the_claimant_phone_is_stored_encrypted(world):
    from django.db import connection

    wish = published(world)
    wishes.wish_claim(actor=None, wish=wish, kind=ClaimantKind.PUBLIC, name="李先生", phone="13800138000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT claimant_phone FROM participation_wish WHERE id = %s", [wish.pk])
        stored = cursor.fetchone()[0]
    assert "13800138000" not in stored
    assert Wish.objects.filter(claimant_phone_index=wish.__class__.objects.get(pk=wish.pk).claimant_phone_index)


def test_a_decline_needs_a_reason_and_a_meeting(world):
    wish = recorded(world)
    with pytest.raises(ValidationError) as error:
        wishes.wish_decline(actor=world.reviewer, wish=wish, meeting="党委会", reason=" ")
    assert "reason" in error.value.message_dict
    wishes.wish_decline(actor=world.reviewer, wish=wish, meeting="党委会", reason="已由民政救助解决")
    wish.refresh_from_db()
    assert wish.state == WishState.DECLINED and wish.review_reason == "已由民政救助解决"
    with pytest.raises(ActionRefused):
        wishes.wish_publish(actor=world.reviewer, wish=wish)


def test_a_grid_worker_may_not_review(world):
    wish = recorded(world)
    with pytest.raises(ActionRefused):
        wishes.wish_approve(actor=world.cast.grid_worker_a, wish=wish, meeting="x")
    assert Wish.objects.get(pk=wish.pk).state == WishState.COLLECTED


def test_a_worker_of_another_grid_may_not_record(world):
    with pytest.raises(ActionRefused):
        recorded(world, actor=world.cast.grid_worker_b)
    assert not Wish.objects.exists()


def test_a_wish_without_consent_is_never_published(world):
    wish = recorded(world, consent_to_publish=False, public_label="")
    wishes.wish_approve(actor=world.reviewer, wish=wish, meeting="党委会")
    with pytest.raises(ActionRefused):
        wishes.wish_publish(actor=world.reviewer, wish=wish)


@pytest.mark.parametrize("label", ["王秀兰奶奶", "3号楼的王奶奶", "百花路3号王奶奶"])
def test_the_public_label_may_not_name_or_place_the_beneficiary(world, label):
    with pytest.raises(ValidationError) as error:
        recorded(world, resident=None, household=world.households[0], public_label=label)
    assert "public_label" in error.value.message_dict
    assert not Wish.objects.exists()


def test_bad_input_names_the_field(world):
    for fields, name in [({"title": " "}, "title"), ({"estimated_value": Decimal("-1")}, "estimated_value"),
                         ({"resident": None}, "resident")]:
        with pytest.raises(ValidationError) as error:
            recorded(world, **fields)
        assert name in error.value.message_dict


def test_a_public_claim_needs_a_valid_phone(world):
    wish = published(world)
    for phone in ["", "12345"]:
        with pytest.raises(ValidationError) as error:
            wishes.wish_claim(actor=None, wish=wish, kind=ClaimantKind.PUBLIC, name="李", phone=phone)
        assert "phone" in error.value.message_dict
    assert Wish.objects.get(pk=wish.pk).state == WishState.PUBLISHED


def test_a_claimed_wish_cannot_be_claimed_again(world):
    wish = published(world)
    wishes.wish_claim(actor=world.cast.grid_worker_a, wish=wish, kind=ClaimantKind.PARTY_MEMBER, name="党员张")
    with pytest.raises(ActionRefused) as refused:
        wishes.wish_claim(actor=None, wish=wish, kind=ClaimantKind.PUBLIC, name="李", phone="13800138000")
    assert "已认领" in refused.value.message


def test_fulfilment_needs_a_photo(world):
    wish = published(world)
    wishes.wish_claim(actor=world.cast.grid_worker_a, wish=wish, kind=ClaimantKind.VOLUNTEER_TEAM, name="青年志愿队")
    with pytest.raises(ValidationError) as error:
        wishes.wish_fulfil(actor=world.cast.grid_worker_a, wish=wish, note="", photo=None)
    assert "photo" in error.value.message_dict


def test_an_expired_claim_returns_the_wish_to_the_wall(world):
    wish = published(world)
    past = timezone.now() - datetime.timedelta(days=15)
    wishes.wish_claim(actor=None, wish=wish, kind=ClaimantKind.PUBLIC, name="李", phone="13800138000", now=past)
    fresh = published(world, title="一副老花镜")
    wishes.wish_claim(actor=None, wish=fresh, kind=ClaimantKind.PUBLIC, name="赵", phone="13900139000")
    call_command("release_expired_wish_claims")
    wish.refresh_from_db()
    assert wish.state == WishState.PUBLISHED and wish.claimant_name == "" and wish.claimant_phone == ""
    assert wish.events.last().verb == "expire"
    assert Wish.objects.get(pk=fresh.pk).state == WishState.CLAIMED
    assert wishes.wish_release_expired_claims() == 0  # running twice is harmless
