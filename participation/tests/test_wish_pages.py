"""The staff pages of wishes: scope, recording through the form, review and fulfilment by page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from participation import wishes
from participation.models import ClaimantKind, Wish, WishState

from .conftest import jpeg, published, recorded

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_wishes_in_scope(world, login):
    recorded(world)
    page = login(world.cast.grid_worker_a).get(reverse("participation:wish_list"))
    assert page.status_code == 200 and "一台收音机" in page.content.decode()
    other = login(world.cast.grid_worker_b).get(reverse("participation:wish_list"))
    assert "一台收音机" not in other.content.decode()


def test_a_wish_outside_scope_is_404(world, login):
    wish = recorded(world)
    assert login(world.cast.grid_worker_b).get(reverse("participation:wish_detail", args=[wish.pk])).status_code == 404
    assert login(world.cast.outsider).get(reverse("participation:wish_list")).status_code == 403


def test_a_worker_records_a_wish_through_the_form(world, login):
    world.grandma.care_tags.add(world.tag)
    client = login(world.cast.grid_worker_a)
    form = {"area": world.cast.grid_a.pk, "resident": world.grandma.pk, "care_tag": world.tag.pk,
            "title": "一副老花镜", "estimated_value": "60", "consent_to_publish": "on", "public_label": "王奶奶，78岁"}
    response = client.post(reverse("participation:wish_new"), form)
    wish = Wish.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("participation:wish_detail",
                                                                            args=[wish.pk])
    assert wish.state == WishState.COLLECTED and wish.recorded_by == world.cast.grid_worker_a


def test_a_label_with_the_name_is_refused_naming_the_field(world, login):
    world.grandma.care_tags.add(world.tag)
    response = login(world.cast.grid_worker_a).post(reverse("participation:wish_new"), {
        "area": world.cast.grid_a.pk, "resident": world.grandma.pk, "care_tag": world.tag.pk, "title": "收音机",
        "estimated_value": "60", "consent_to_publish": "on", "public_label": "王秀兰"})
    assert response.status_code == 200
    assert "公开称呼：公开称呼不能包含心愿人的姓名。" in response.content.decode()
    assert not Wish.objects.exists()


def test_the_reviewer_approves_on_the_page_and_the_worker_sees_no_review(world, login):
    wish = recorded(world)
    worker_page = login(world.cast.grid_worker_a).get(reverse("participation:wish_detail", args=[wish.pk]))
    assert 'id="action-approve"' not in worker_page.content.decode()
    refused = login(world.cast.grid_worker_a).post(reverse("participation:wish_act", args=[wish.pk, "approve"]),
                                                   {"meeting": "x"})
    assert refused.status_code == 302 and Wish.objects.get().state == WishState.COLLECTED
    client = login(world.reviewer)
    missing = client.post(reverse("participation:wish_act", args=[wish.pk, "approve"]), {"meeting": ""})
    assert missing.status_code == 400 and "审核会议：" in missing.content.decode()
    client.post(reverse("participation:wish_act", args=[wish.pk, "approve"]), {"meeting": "社区党委会"})
    assert Wish.objects.get().state == WishState.APPROVED


def test_fulfilment_is_recorded_with_a_re_encoded_photo(world, login):
    wish = published(world)
    wishes.wish_claim(actor=world.cast.grid_worker_a, wish=wish, kind=ClaimantKind.PARTY_MEMBER, name="党员张")
    client = login(world.cast.grid_worker_a)
    upload = SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg")
    response = client.post(reverse("participation:wish_act", args=[wish.pk, "fulfil"]),
                           {"note": "已送到", "photo": upload})
    assert response.status_code == 302
    wish.refresh_from_db()
    assert wish.state == WishState.FULFILLED
    photo = client.get(reverse("participation:wish_photo", args=[wish.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert login(world.cast.grid_worker_b).get(reverse("participation:wish_photo", args=[wish.pk])).status_code == 404


def test_a_fulfilment_without_photo_names_the_field(world, login):
    wish = published(world)
    wishes.wish_claim(actor=world.cast.grid_worker_a, wish=wish, kind=ClaimantKind.PARTY_MEMBER, name="党员张")
    response = login(world.cast.grid_worker_a).post(reverse("participation:wish_act", args=[wish.pk, "fulfil"]),
                                                    {"note": "x"})
    assert response.status_code == 400 and "圆梦照片：" in response.content.decode()
    assert Wish.objects.get().state == WishState.CLAIMED


def test_figures_count_collected_and_fulfilled_by_grid(world, login):
    recorded(world)
    wish = published(world, title="书包")
    wishes.wish_claim(actor=world.cast.grid_worker_a, wish=wish, kind=ClaimantKind.PARTY_MEMBER, name="张")
    from .conftest import photo

    wishes.wish_fulfil(actor=world.cast.grid_worker_a, wish=wish, note="", photo=photo())
    response = login(world.reviewer).get(reverse("participation:wish_figures"), {"area": world.cast.community1.code})
    rows = {row.area.code: row for row in response.context["rows"]}
    assert rows[world.cast.grid_a.code].collected == 2 and rows[world.cast.grid_a.code].fulfilled == 1
    assert rows[world.cast.grid_b.code].collected == 0
    assert rows[world.cast.grid_a.code].claimed_by == {"party_member": 1, "volunteer_team": 0, "partner_unit": 0,
                                                       "public": 0}
    assert rows[world.cast.grid_a.code].average_days == 0.0


def test_figures_count_only_the_period(world, login):
    wish = recorded(world)
    Wish.objects.filter(pk=wish.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    recorded(world, title="书包")
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    response = login(world.reviewer).get(reverse("participation:wish_figures"),
                                         {"area": world.cast.community1.code, "since": since, "until": "bad"})
    rows = {row.area.code: row for row in response.context["rows"]}
    assert rows[world.cast.grid_a.code].collected == 1


def test_the_wall_poster_carries_the_wall_address(world, login):
    response = login(world.cast.grid_worker_a).get(reverse("participation:wall_poster", args=[world.cast.grid_a.code]))
    assert response.status_code == 200
    assert f"/w/{world.cast.community1.code}/" in response.content.decode()
    assert "<svg" in response.content.decode()
