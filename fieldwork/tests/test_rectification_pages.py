"""The 整改清单 pages: compile from a patrol, send, the handler's list (their unit's only), done, reopen."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fieldwork.models import PhotoStage, RectificationList
from fieldwork.rectification import rectification_create_from_patrol, rectification_send
from fieldwork.testing import build_rectify_cast, matrix_rectification
from fieldwork.tests.test_rectification import checked

pytestmark = pytest.mark.django_db


def jpeg(name="after.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (60, 160, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def rc(fc):
    return build_rectify_cast(fc)


@pytest.fixture
def sent(fc, rc):
    patrol, _answers = checked(fc, fc.building1, i0="no")
    rectification = rectification_create_from_patrol(
        patrol=patrol, actor=fc.grid_leader, deadline=timezone.localdate()
    ).lists[0]
    return rectification_send(rectification=rectification, actor=fc.grid_leader)


def test_the_leader_compiles_from_the_patrol_page_and_sends(client, fc, rc):
    patrol, _answers = checked(fc, fc.building1, i0="no")
    client.force_login(fc.grid_leader)
    page = client.get(reverse("fieldwork:patrol", args=[patrol.pk]))
    assert b'id="rectify-form"' in page.content
    bad = client.post(
        reverse("fieldwork:rectification_from_patrol", args=[patrol.pk]), {"deadline": "tomorrow"}, follow=True
    )
    assert "请填写有效的整改期限。" in bad.content.decode() and not RectificationList.objects.exists()
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(reverse("fieldwork:rectification_from_patrol", args=[patrol.pk]), {"deadline": deadline})
    rectification = RectificationList.objects.get()
    assert response.url == reverse("fieldwork:rectification", args=[rectification.pk])
    page = client.get(response.url).content.decode()
    assert "草稿" in page and "发送给整改单位" in page and "百花物业" in page
    client.post(reverse("fieldwork:rectification_send", args=[rectification.pk]))
    rectification.refresh_from_db()
    assert rectification.sent_by == fc.grid_leader


def test_a_grid_worker_sees_no_compile_button(client, fc, rc):
    patrol, _answers = checked(fc, fc.building1, i0="no")
    client.force_login(fc.cast.grid_worker_a)
    assert b'id="rectify-form"' not in client.get(reverse("fieldwork:patrol", args=[patrol.pk])).content


def test_the_handler_sees_only_their_units_lists(client, fc, rc, sent):
    other = matrix_rectification(fc.cast.grid_a, rc.enforcement)
    client.force_login(rc.property_handler)
    index = client.get(reverse("fieldwork:rectifications")).content.decode()
    assert f'data-rectification="{sent.pk}"' in index and f'data-rectification="{other.pk}"' not in index
    assert client.get(reverse("fieldwork:rectification", args=[other.pk])).status_code == 404
    before = sent.items.get().photos.get(stage=PhotoStage.BEFORE)
    assert client.get(reverse("fieldwork:rectification_photo", args=[before.token])).status_code == 200
    client.force_login(rc.enforcement_handler)
    assert client.get(reverse("fieldwork:rectification", args=[sent.pk])).status_code == 404
    assert client.get(reverse("fieldwork:rectification_photo", args=[before.token])).status_code == 404


def test_the_handler_marks_an_item_done_and_bad_input_names_the_field(client, fc, rc, sent):
    item = sent.items.get()
    client.force_login(rc.property_handler)
    url = reverse("fieldwork:rectification_done", args=[item.pk])
    missing = client.post(url, {f"item{item.pk}-note": "已清理"})
    assert missing.status_code == 400 and "整改后照片" in missing.content.decode()
    item.refresh_from_db()
    assert item.done_at is None
    done = client.post(url, {f"item{item.pk}-note": "已清理", f"item{item.pk}-after_photos": jpeg()})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.done_by == rc.property_handler and item.photos.filter(stage=PhotoStage.AFTER).count() == 1
    page = client.get(reverse("fieldwork:rectification", args=[sent.pk])).content.decode()
    assert 'data-state="done"' in page and "已完成 1" in page


def test_the_leader_reopens_a_fix_with_a_reason(client, fc, rc, sent):
    item = sent.items.get()
    client.force_login(rc.property_handler)
    client.post(
        reverse("fieldwork:rectification_done", args=[item.pk]),
        {f"item{item.pk}-note": "已清理", f"item{item.pk}-after_photos": jpeg()},
    )
    client.force_login(fc.grid_leader)
    empty = client.post(reverse("fieldwork:rectification_reopen", args=[item.pk]), {"reason": ""}, follow=True)
    assert "请填写退回原因。" in empty.content.decode()
    client.post(reverse("fieldwork:rectification_reopen", args=[item.pk]), {"reason": "纸箱还在"})
    item.refresh_from_db()
    assert item.done_at is None and item.reopen_note == "纸箱还在"


def test_the_community_sees_progress_across_grids(client, fc, rc, sent):
    matrix_rectification(fc.cast.grid_b, rc.property_company)
    client.force_login(rc.community_staff)
    page = client.get(reverse("fieldwork:rectifications")).content.decode()
    assert f'data-grid="{fc.cast.grid_a.code}"' in page and f'data-grid="{fc.cast.grid_b.code}"' in page
    client.force_login(fc.cast.grid_worker_b)
    page = client.get(reverse("fieldwork:rectifications")).content.decode()
    assert f'data-grid="{fc.cast.grid_a.code}"' not in page and f'data-grid="{fc.cast.grid_b.code}"' in page


def test_someone_without_lists_is_refused_the_index(client, fc, rc):
    client.force_login(fc.building_head)
    assert client.get(reverse("fieldwork:rectifications")).status_code == 403
