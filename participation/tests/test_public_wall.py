"""The public wish wall: only what the beneficiary agreed to show; claiming; the rate limit."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from participation.models import ClaimantKind, Wish, WishState

from .conftest import published, recorded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    cache.clear()


def wall(client, world):  # type: ignore[no-untyped-def]
    return client.get(reverse("public_participation:wall", args=[world.cast.community1.code]))


def test_the_wall_shows_the_label_and_nothing_that_identifies(world, client):
    published(world, resident=None, household=world.households[0])
    recorded(world, title="未审核的心愿")
    page = wall(client, world).content.decode().split('id="wall"')[1]
    assert "王奶奶，78岁，独居" in page and "一台收音机" in page
    for secret in ["王秀兰", "3号楼", "百花路3号", "101", "独居老人"]:
        assert secret not in page
    assert "未审核的心愿" not in page


def test_a_grid_address_leads_to_its_communitys_wall(world, client):
    response = client.get(reverse("public_participation:wall", args=[world.cast.grid_a.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("public_participation:wall", args=[world.cast.community1.code])


def test_the_public_grid_page_links_to_the_wall(world, client):
    page = client.get(reverse("public_grid", args=[world.cast.grid_a.code])).content.decode()
    assert f'href="/w/{world.cast.community1.code}/"' in page


def test_a_member_of_the_public_claims_a_wish(world, client):
    wish = published(world)
    url = reverse("public_participation:claim", args=[wish.token])
    assert "王秀兰" not in client.get(url).content.decode()
    response = client.post(url, {"name": "李先生", "phone": "13800138000"})
    assert response.status_code == 200 and "认领成功" in response.content.decode()
    wish.refresh_from_db()
    assert wish.state == WishState.CLAIMED and wish.claimant_kind == ClaimantKind.PUBLIC
    assert wish.claim_source_key  # the address, hashed
    again = client.get(url).content.decode()
    assert 'id="claim-taken"' in again


def test_a_bad_phone_is_named_and_nothing_is_claimed(world, client):
    wish = published(world)
    response = client.post(reverse("public_participation:claim", args=[wish.token]), {"name": "李", "phone": "123"})
    assert response.status_code == 400 and "手机号：" in response.content.decode()
    assert Wish.objects.get().state == WishState.PUBLISHED


def test_the_honeypot_claims_nothing(world, client):
    wish = published(world)
    response = client.post(reverse("public_participation:claim", args=[wish.token]),
                           {"name": "bot", "phone": "13800138000", "website": "http://spam"})
    assert response.status_code == 400 and Wish.objects.get().state == WishState.PUBLISHED


def test_an_unpublished_wish_is_not_found_by_token(world, client):
    wish = recorded(world)
    assert client.get(reverse("public_participation:claim", args=[wish.token])).status_code == 404


def test_claims_are_limited_per_address(world, client, settings):
    settings.PARTICIPATION_PUBLIC_CLAIMS_PER_IP_HOUR = 2
    tokens = [published(world, title=f"心愿{i}").token for i in range(3)]
    for index, token in enumerate(tokens[:2]):
        ok = client.post(reverse("public_participation:claim", args=[token]),
                         {"name": "李", "phone": f"1380013800{index}"})
        assert ok.status_code == 200
    refused = client.post(reverse("public_participation:claim", args=[tokens[2]]),
                          {"name": "李", "phone": "13800138009"})
    assert refused.status_code == 429 and "每小时最多认领2个心愿" in refused.content.decode()
    assert Wish.objects.filter(state=WishState.CLAIMED).count() == 2


def test_failed_claims_count_against_the_address(world, client, settings):
    settings.PARTICIPATION_PUBLIC_CLAIMS_PER_IP_HOUR = 2
    wish = published(world)
    url = reverse("public_participation:claim", args=[wish.token])
    for _attempt in range(2):
        assert client.post(url, {"name": "李", "phone": "1"}).status_code == 400
    assert client.post(url, {"name": "李", "phone": "13800138000"}).status_code == 429


def test_claims_are_limited_per_phone(world, client, settings):
    settings.PARTICIPATION_PUBLIC_CLAIMS_PER_PHONE_HOUR = 1
    first, second = published(world, title="甲").token, published(world, title="乙").token
    client.post(reverse("public_participation:claim", args=[first]), {"name": "李", "phone": "13800138000"})
    refused = client.post(reverse("public_participation:claim", args=[second]),
                          {"name": "李", "phone": "138 0013 8000"}, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429 and "同一手机号" in refused.content.decode()
