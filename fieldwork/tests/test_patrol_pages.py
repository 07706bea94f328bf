"""The patrol on the phone through the pages: today, start, check in (tap and QR), findings, finish, scope."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.models import Case
from fieldwork.checklists import field_name
from fieldwork.models import Answer, CheckIn, CheckInMethod, FieldPhoto, Patrol
from fieldwork.patrols import patrol_start

pytestmark = pytest.mark.django_db


def jpeg(name="scene.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def fire_patrol(fc):
    return patrol_start(actor=fc.cast.grid_worker_a, plan=fc.fire_campaign, grid=fc.cast.grid_a)


def fire_post(fc, **changes):
    items = list(fc.fire_campaign.checklist.current_version().items.all())
    data = {field_name(items[0]): "yes", field_name(items[1]): "yes", field_name(items[2]): "3",
            field_name(items[3]): "完好", field_name(items[4]): "no", "note": "",
            field_name(items[5]): jpeg()}
    for index, value in changes.items():
        data[field_name(items[int(index[1:])])] = value
    return data


def test_the_today_page_offers_the_windows_and_campaigns_of_the_workers_grid(fc, login):
    page = login(fc.cast.grid_worker_a).get(reverse("fieldwork:today"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "百花社区第一网格" in text and "百花社区第二网格" not in text
    assert "消防安全专项" in text and "本周待走访" in text


def test_a_worker_starts_a_campaign_patrol_and_lands_on_its_page(fc, login):
    client = login(fc.cast.grid_worker_a)
    response = client.post(reverse("fieldwork:start"), {"grid": fc.cast.grid_a.code, "plan": fc.fire_campaign.pk})
    patrol = Patrol.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fieldwork:patrol", args=[patrol.pk])
    page = client.get(response["Location"]).content.decode()
    assert "百花小区1号楼" in page and "百花小区2号楼" in page and "5号楼" not in page


def test_a_worker_cannot_start_in_another_grid(fc, login):
    response = login(fc.cast.grid_worker_b).post(reverse("fieldwork:start"),
                                                 {"grid": fc.cast.grid_a.code, "plan": fc.fire_campaign.pk})
    assert response.status_code == 404
    assert not Patrol.objects.exists()


def test_a_check_in_with_answers_and_a_photo_is_saved_by_tap(fc, login, fire_patrol):
    target = fc.fire_campaign.targets.get(building=fc.building1)
    url = reverse("fieldwork:check_in", args=[fire_patrol.pk, "target", target.pk])
    client = login(fc.cast.grid_worker_a)
    assert "消防通道、楼道是否畅通" in client.get(url).content.decode()
    response = client.post(url, fire_post(fc, i0="no"))
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert checkin.target == target and checkin.method == CheckInMethod.TAP
    assert FieldPhoto.objects.filter(checkin=checkin).count() == 1
    page = client.get(reverse("fieldwork:patrol", args=[fire_patrol.pk])).content.decode()
    assert "上报事件" in page and "当场解决" in page


def test_bad_answers_come_back_on_their_fields_and_nothing_is_saved(fc, login, fire_patrol):
    url = reverse("fieldwork:check_in", args=[fire_patrol.pk, "building", fc.building1.pk])
    data = fire_post(fc, i2="很多")
    items = list(fc.fire_campaign.checklist.current_version().items.all())
    del data[field_name(items[5])]
    response = login(fc.cast.grid_worker_a).post(url, data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "“每层灭火器数量”须为数字。" in text and "“现场照片”需要拍照。" in text
    assert not CheckIn.objects.exists()


def test_the_qr_label_of_a_building_opens_its_check_in_during_the_patrol(fc, login, fire_patrol):
    client = login(fc.cast.grid_worker_a)
    response = client.get(reverse("fieldwork:building_label", args=[fc.building2.pk]))
    target = fc.fire_campaign.targets.get(building=fc.building2)
    assert response["Location"] == reverse("fieldwork:check_in", args=[fire_patrol.pk, "target", target.pk]) + "?via=qr"
    client.post(response["Location"], fire_post(fc))
    assert CheckIn.objects.get().method == CheckInMethod.QR


def test_the_qr_label_without_an_active_patrol_asks_to_start_one(fc, login):
    response = login(fc.cast.grid_worker_a).get(reverse("fieldwork:building_label", args=[fc.building1.pk]),
                                                follow=True)
    assert "请先开始巡查，再扫码签到。" in response.content.decode()


def test_one_tap_reports_a_problem_as_a_case_linked_both_ways(fc, login, fire_patrol):
    client = login(fc.cast.grid_worker_a)
    client.post(reverse("fieldwork:check_in", args=[fire_patrol.pk, "building", fc.building1.pk]),
                fire_post(fc, i0="no"))
    answer = Answer.objects.get(is_problem=True)
    response = client.post(reverse("fieldwork:finding", args=[answer.pk, "report"]), follow=True)
    case = Case.objects.get()
    assert f"已上报事件 {case.number}。" in response.content.decode()
    assert case.patrol_answers.get() == answer and case.attachments.count() == 0
    assert reverse("cases:case", args=[case.number]) in response.content.decode()
    case_page = client.get(reverse("cases:case", args=[case.number])).content.decode()
    assert reverse("fieldwork:patrol", args=[fire_patrol.pk]) in case_page  # and back from the case
    assert "消防安全专项 · 百花小区1号楼 · 消防通道、楼道是否畅通" in case_page


def test_one_tap_resolves_on_the_spot_with_a_note(fc, login, fire_patrol):
    client = login(fc.cast.grid_worker_a)
    client.post(reverse("fieldwork:check_in", args=[fire_patrol.pk, "building", fc.building1.pk]),
                fire_post(fc, i4="yes"))
    answer = Answer.objects.get(is_problem=True)
    refused = client.post(reverse("fieldwork:finding", args=[answer.pk, "resolve"]), {"note": ""}, follow=True)
    assert "请说明处理情况。" in refused.content.decode() and not Case.objects.exists()
    response = client.post(reverse("fieldwork:finding", args=[answer.pk, "resolve"]), {"note": "已劝导推走"},
                           follow=True)
    case = Case.objects.get()
    assert case.status == "pending_verify"  # 小事不出网格 is checked by someone else
    assert f"已当场解决，事件 {case.number} 等待他人核查。" in response.content.decode()


def test_others_cannot_act_on_the_patrol_and_outsiders_get_404(fc, login, fire_patrol):
    leader = login(fc.grid_leader)
    page = leader.get(reverse("fieldwork:patrol", args=[fire_patrol.pk]))
    assert page.status_code == 200 and "结束巡查" not in page.content.decode()
    leader.post(reverse("fieldwork:finish", args=[fire_patrol.pk]))
    fire_patrol.refresh_from_db()
    assert fire_patrol.is_active
    assert login(fc.cast.grid_worker_b).get(reverse("fieldwork:patrol", args=[fire_patrol.pk])).status_code == 404
    assert login(fc.cast.outsider).get(reverse("fieldwork:patrol", args=[fire_patrol.pk])).status_code == 404


def test_finishing_keeps_the_summary(fc, login, fire_patrol):
    login(fc.cast.grid_worker_a).post(reverse("fieldwork:finish", args=[fire_patrol.pk]), {"note": "全部正常"})
    fire_patrol.refresh_from_db()
    assert fire_patrol.finished_at and fire_patrol.note == "全部正常"


def test_the_route_is_for_grid_leaders_and_supervisors_only(fc, login, fire_patrol, settings):
    url = reverse("fieldwork:route", args=[fire_patrol.pk])
    assert login(fc.cast.grid_worker_a).get(url).status_code == 404
    assert login(fc.grid_leader).get(url).json()["geometry"]["type"] == "LineString"
    assert login(fc.supervisor).get(url).status_code == 200
    assert login(fc.building_head).get(url).status_code == 404


def test_location_points_are_refused_without_consent(fc, login, fire_patrol, settings):
    settings.FIELDWORK_ROUTE_TRACKING = True
    response = login(fc.cast.grid_worker_a).post(reverse("fieldwork:location", args=[fire_patrol.pk]),
                                                 '{"lng": 113.51, "lat": 34.72}', content_type="application/json")
    assert response.status_code == 409 and fire_patrol.route.count() == 0


def test_check_in_photos_are_shown_only_to_users_who_see_the_patrol(fc, login, fire_patrol):
    client = login(fc.cast.grid_worker_a)
    client.post(reverse("fieldwork:check_in", args=[fire_patrol.pk, "building", fc.building1.pk]), fire_post(fc))
    photo = FieldPhoto.objects.get()
    assert client.get(reverse("fieldwork:photo", args=[photo.token])).status_code == 200
    assert login(fc.cast.grid_worker_b).get(reverse("fieldwork:photo", args=[photo.token])).status_code == 404


def test_a_daily_patrol_lists_the_grids_buildings(fc, login):
    patrol = patrol_start(actor=fc.cast.grid_worker_a, plan=fc.double_patrol, grid=fc.cast.grid_a,
                          window=fc.morning, now=datetime.datetime.now(datetime.UTC))
    page = login(fc.cast.grid_worker_a).get(reverse("fieldwork:patrol", args=[patrol.pk])).content.decode()
    assert "百花小区1号楼" in page and "5号楼" not in page


def test_the_printable_labels_carry_each_buildings_check_in_address(fc, login, settings):
    settings.PUBLIC_BASE_URL = "https://wangge.example.cn"
    page = login(fc.cast.grid_worker_a).get(reverse("fieldwork:building_labels", args=[fc.cast.grid_a.code]))
    text = page.content.decode()
    assert page.status_code == 200 and text.count("<svg") == 2  # buildings 1 and 2 of grid A
    assert "百花小区1号楼" in text and "5号楼" not in text
    assert page.context["labels"][0][1] == "https://wangge.example.cn" + reverse("fieldwork:building_label",
                                                                                args=[fc.building1.pk])
    assert login(fc.cast.grid_worker_b).get(
        reverse("fieldwork:building_labels", args=[fc.cast.grid_a.code])).status_code == 404


def test_the_nearest_targets_are_proposed_from_the_browsers_position(fc, login, fire_patrol):
    type(fc.building1).objects.filter(pk=fc.building1.pk).update(lng=113.510, lat=34.720)
    type(fc.building2).objects.filter(pk=fc.building2.pk).update(lng=113.520, lat=34.740)
    client = login(fc.cast.grid_worker_a)
    url = reverse("fieldwork:nearest", args=[fire_patrol.pk])
    found = client.get(url, {"lng": "113.5195", "lat": "34.7395"}).json()["stops"]
    assert [stop["label"] for stop in found] == ["百花小区2号楼", "百花小区1号楼"]
    assert found[0]["url"].endswith("?via=location")
    client.post(found[0]["url"], fire_post(fc))
    assert CheckIn.objects.get().method == CheckInMethod.LOCATION
    assert client.get(url, {"lng": "east", "lat": "34.7"}).status_code == 400
    assert login(fc.grid_leader).get(url, {"lng": "113.5", "lat": "34.7"}).status_code == 400  # not their patrol
