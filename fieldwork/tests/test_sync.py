"""The sync endpoint (离线同步): records queued on the phone are saved exactly once, each through the
page's own form and operation, bad ones refused with a reason naming the field, nothing half-saved."""

from __future__ import annotations

import datetime
import io
import json
import threading
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from PIL import Image

from accounts.testing import make_user
from cases.models import Case, CaseAttachment, Category, Channel, Status
from fieldwork.checklists import field_name
from fieldwork.models import Answer, CheckIn, CheckInMethod, DiaryEntry, FieldPhoto, Patrol, SyncedRecord, Visit
from fieldwork.sync import sync_record
from fieldwork.testing import FieldCast

pytestmark = pytest.mark.django_db
SYNC = "/fieldwork/sync/"


def jpeg(name: str = "scene.jpg", exif: bool = False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (40, 30), (120, 160, 90))
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x9286] = "secret comment"
        image.save(buffer, "JPEG", exif=data.tobytes())
    else:
        image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def patrol(fc: FieldCast) -> Patrol:
    today = timezone.localdate()
    fc.fire_campaign.starts_on, fc.fire_campaign.ends_on = today - datetime.timedelta(days=1), today
    fc.fire_campaign.save()
    return Patrol.objects.create(plan=fc.fire_campaign, grid=fc.cast.grid_a, worker=fc.cast.grid_worker_a, day=today)


def check_in_record(patrol: Patrol, key: str | None = None, photo_part: str | None = "photo-0", **changes: str) -> dict:
    assert patrol.plan.checklist is not None
    version = patrol.plan.checklist.current_version()
    assert version is not None
    items = list(version.items.all())
    values = {0: "no", 1: "yes", 2: "3", 3: "完好", 4: "no"}
    values.update({int(index[1:]): value for index, value in changes.items()})
    target = patrol.plan.targets.get(building__name="1号楼")
    return {
        "key": key or str(uuid.uuid4()),
        "kind": "checkin",
        "path": f"/fieldwork/patrols/{patrol.pk}/check-in/target/{target.pk}/?via=qr",
        "recorded_at": (timezone.now() - datetime.timedelta(minutes=20)).isoformat(),
        "fields": [[field_name(items[index]), value] for index, value in values.items()] + [["note", "楼道堆物"]],
        "files": [[field_name(items[5]), photo_part]] if photo_part else [],
    }


def visit_record(fc: FieldCast, key: str | None = None, **changes: str) -> dict:
    fields = {
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "method": "home",
        "purpose": "care",
        "met": "1",
        "retry_on": "",
        "findings": "",
        "opinions": "想装扶手",
        "follow_up": "",
    }
    fields.update(changes)
    return {
        "key": key or str(uuid.uuid4()),
        "kind": "visit",
        "path": f"/fieldwork/visits/new/{fc.alone.pk}/",
        "fields": [[name, value] for name, value in fields.items()],
        "files": [],
    }


def diary_record(fc: FieldCast, what: str = "帮王阿姨代缴水费") -> dict:
    fields = [
        ["grid", str(fc.cast.grid_a.pk)],
        ["day", timezone.localdate().isoformat()],
        ["what", what],
        ["tags", "need"],
    ]
    return {"key": str(uuid.uuid4()), "kind": "diary", "path": "/fieldwork/diary/add/", "fields": fields, "files": []}


def case_record(fc: FieldCast, key: str | None = None, photo_part: str | None = "photo-0", **changes: str) -> dict:
    fields = {
        "category": str(Category.objects.get(code="stairwell-clutter").pk),
        "description": "3号楼2单元楼道堆放纸箱",
        "grid": str(fc.cast.grid_a.pk),
        "address": "3号楼2单元",
        "longitude": "",
        "latitude": "",
        "system": "WGS84",
        "building": str(fc.building1.pk),
        "link_q": "",
    }
    fields.update(changes)
    return {
        "key": key or str(uuid.uuid4()),
        "kind": "case",
        "path": "/fieldwork/report/",
        "recorded_at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
        "fields": [[name, value] for name, value in fields.items()],
        "files": [["photos", photo_part]] if photo_part else [],
    }


def send(client: Any, records: list[dict], **files: Any) -> Any:
    return client.post(SYNC, {"records": json.dumps(records), **files})


def results(response: Any) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_same_check_in_sent_three_times_is_saved_once(patrol, login):
    client = login(patrol.worker)
    record = check_in_record(patrol)
    answers = [results(send(client, [record], **{"photo-0": jpeg()}))[0] for _ in range(3)]
    assert [answer["status"] for answer in answers] == ["ok", "ok", "ok"]
    assert {answer["url"] for answer in answers} == {reverse("fieldwork:patrol", args=[patrol.pk])}
    assert answers[0]["label"] == "签到：百花小区1号楼"
    checkin = CheckIn.objects.get()
    assert checkin.method == CheckInMethod.QR and checkin.note == "楼道堆物"
    assert checkin.answers.count() == 6 and checkin.photos.count() == 1
    assert Answer.objects.get(is_problem=True).item.label == "消防通道、楼道是否畅通"
    assert SyncedRecord.objects.get().object_id == checkin.pk


def test_the_same_case_report_sent_three_times_is_one_case(fc, login):
    client = login(fc.cast.grid_worker_a)
    record = case_record(fc)
    answers = [results(send(client, [record], **{"photo-0": jpeg(exif=True)}))[0] for _ in range(3)]
    assert [answer["status"] for answer in answers] == ["ok", "ok", "ok"], answers[0]["message"]
    case = Case.objects.get()
    assert {answer["url"] for answer in answers} == {reverse("cases:case", kwargs={"number": case.number})}
    assert answers[0]["label"] == f"上报事件：{case.number} 楼道堆物"
    assert case.status == Status.REPORTED and case.channel == Channel.GRID_WORKER
    assert case.reporter == fc.cast.grid_worker_a and case.grid == fc.cast.grid_a and case.building == fc.building1
    assert case.description == "3号楼2单元楼道堆放纸箱" and case.address == "3号楼2单元"
    photo = CaseAttachment.objects.get()
    with photo.image.open("rb") as handle:
        assert not Image.open(handle).getexif()  # through the cases photo pipeline
    assert SyncedRecord.objects.get().object_id == case.pk


def test_a_case_report_with_a_bad_category_or_place_is_refused_and_saves_nothing(fc, login):
    client = login(fc.cast.grid_worker_a)
    bad_category = case_record(fc, category="999999")
    other_grid = case_record(fc, grid=str(fc.cast.grid_b.pk))
    no_description = case_record(fc, photo_part=None, description=" ")
    answers = results(send(client, [bad_category, other_grid, no_description], **{"photo-0": jpeg()}))
    assert [answer["status"] for answer in answers] == ["refused"] * 3
    assert answers[0]["message"] == "事件类别：请选择有效的事件类别。"
    assert answers[0]["errors"] == [{"field": "category", "label": "事件类别", "message": "请选择有效的事件类别。"}]
    assert answers[1]["message"] == "所在网格：请选择您负责的网格。"
    assert answers[2]["message"] == "问题描述：请填写问题描述。"
    assert Case.objects.count() == 0 and CaseAttachment.objects.count() == 0 and SyncedRecord.objects.count() == 0
    fixed = case_record(fc, key=bad_category["key"])
    assert results(send(client, [fixed], **{"photo-0": jpeg()}))[0]["status"] == "ok"
    assert Case.objects.count() == 1


def test_a_case_report_resolved_on_the_spot_offline(fc, login):
    record = case_record(fc, resolved="on", note="已清理")
    record["files"].append(["after_photos", "photo-1"])
    answer = results(send(login(fc.cast.grid_worker_a), [record], **{"photo-0": jpeg(), "photo-1": jpeg("after.jpg")}))
    assert answer[0]["status"] == "ok"
    case = Case.objects.get()
    assert case.status == Status.PENDING_VERIFY and CaseAttachment.objects.filter(case=case).count() == 2


def test_a_case_report_from_someone_who_may_not_report_is_refused(fc, login):
    answer = results(send(login(fc.supervisor), [case_record(fc)], **{"photo-0": jpeg()}))[0]
    assert answer["status"] == "refused" and Case.objects.count() == 0


def test_the_report_page_in_the_workers_app(fc, login):
    client = login(fc.cast.grid_worker_a)
    page = client.get(reverse("fieldwork:report") + f"?building={fc.building1.pk}").content.decode()
    assert 'data-offline="case"' in page and 'id="offline-queue"' in page and 'rel="manifest"' in page
    assert 'id="report-form"' in page and "wangge/case-report.js" in page
    today = client.get(reverse("fieldwork:today")).content.decode()
    assert f'href="{reverse("fieldwork:report")}"' in today
    sent = client.post(reverse("fieldwork:report"), {
        "category": Category.objects.get(code="stairwell-clutter").pk, "description": "楼道堆物",
        "grid": fc.cast.grid_a.pk, "system": "WGS84",
    })
    case = Case.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("cases:case", kwargs={"number": case.number})
    refused = client.post(reverse("fieldwork:report"), {"description": "楼道堆物", "grid": fc.cast.grid_a.pk})
    assert refused.status_code == 400 and 'data-offline="case"' in refused.content.decode()


def test_a_check_in_keeps_the_time_it_was_made_offline(patrol, login):
    record = check_in_record(patrol)
    results(send(login(patrol.worker), [record], **{"photo-0": jpeg()}))
    made = datetime.datetime.fromisoformat(record["recorded_at"])
    assert abs((CheckIn.objects.get().at - made).total_seconds()) < 1


def test_a_visit_and_a_diary_entry_are_saved_through_their_forms(fc, login):
    answers = results(send(login(fc.cast.grid_worker_a), [visit_record(fc), diary_record(fc)]))
    assert [answer["status"] for answer in answers] == ["ok", "ok"]
    visit = Visit.objects.get()
    assert visit.resident == fc.alone and visit.opinions == "想装扶手" and visit.recorded_by == fc.cast.grid_worker_a
    assert answers[0]["url"] == reverse("fieldwork:visit", args=[visit.pk])
    entry = DiaryEntry.objects.get()
    assert entry.what == "帮王阿姨代缴水费" and entry.tags == ["need"] and entry.author == fc.cast.grid_worker_a


def test_a_mixed_batch_saves_the_good_and_refuses_the_bad_with_reasons(patrol, fc, login):
    client = login(patrol.worker)
    records = [
        check_in_record(patrol),
        check_in_record(patrol, photo_part=None, i2="很多"),  # a number that is not one, and no photo
        visit_record(fc, met="0"),  # nobody met, but no date to come back
        diary_record(fc),
    ]
    answers = results(send(client, records, **{"photo-0": jpeg()}))
    assert [answer["status"] for answer in answers] == ["ok", "refused", "refused", "ok"]
    assert "“每层灭火器数量”须为数字。" in answers[1]["message"]
    assert "现场照片" in answers[1]["message"]
    assert answers[2]["message"] == "再次走访日期：未见到本人时请填写再次走访日期。"
    assert answers[2]["errors"] == [
        {"field": "retry_on", "label": "再次走访日期", "message": "未见到本人时请填写再次走访日期。"}
    ]
    assert CheckIn.objects.count() == 1 and Answer.objects.count() == 6 and FieldPhoto.objects.count() == 1
    assert Visit.objects.count() == 0 and DiaryEntry.objects.count() == 1
    assert SyncedRecord.objects.count() == 2  # refused keys are not used up: fixed, they may be sent again


def test_a_refused_record_fixed_on_the_phone_is_saved_under_the_same_key(fc, login):
    client = login(fc.cast.grid_worker_a)
    refused = visit_record(fc, met="0")
    assert results(send(client, [refused]))[0]["status"] == "refused"
    fixed = visit_record(
        fc, key=refused["key"], met="0", retry_on=(timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    )
    assert results(send(client, [fixed]))[0]["status"] == "ok"
    assert Visit.objects.get().met is False


def test_a_check_in_on_another_workers_patrol_is_refused(patrol, fc, login):
    colleague = make_user("grid_worker_a2", "grid_worker", fc.cast.grid_a)
    answer = results(send(login(colleague), [check_in_record(patrol)], **{"photo-0": jpeg()}))[0]
    assert answer["status"] == "refused" and answer["message"] == "巡查：只有巡查人本人可以操作这次巡查。"
    assert CheckIn.objects.count() == 0 and SyncedRecord.objects.count() == 0


def test_a_patrol_or_resident_of_another_grid_is_out_of_reach(patrol, fc, login):
    client = login(fc.cast.grid_worker_b)
    stranger_visit = visit_record(fc)
    answers = results(send(client, [check_in_record(patrol), stranger_visit], **{"photo-0": jpeg()}))
    assert answers[0]["message"] == "巡查：这次巡查不存在或不在您的范围内。"
    assert answers[1]["message"] == "居民：这位居民不存在或不在您的范围内。"
    assert CheckIn.objects.count() == 0 and Visit.objects.count() == 0


def test_a_check_in_on_a_finished_patrol_is_refused(patrol, login):
    Patrol.objects.filter(pk=patrol.pk).update(finished_at=timezone.now())
    answer = results(send(login(patrol.worker), [check_in_record(patrol)], **{"photo-0": jpeg()}))[0]
    assert answer["status"] == "refused" and answer["message"] == "这次巡查已经结束。"
    assert CheckIn.objects.count() == 0


def test_photos_are_re_encoded_like_every_upload(patrol, login):
    client = login(patrol.worker)
    answers = results(send(client, [check_in_record(patrol)], **{"photo-0": jpeg(exif=True)}))
    assert answers[0]["status"] == "ok"
    stored = FieldPhoto.objects.get()
    with stored.image.open("rb") as handle:
        image = Image.open(handle)
        assert image.format == "JPEG" and not image.getexif()
    not_a_photo = SimpleUploadedFile("notes.jpg", b"plain text, not an image", content_type="image/jpeg")
    refused = results(send(client, [check_in_record(patrol)], **{"photo-0": not_a_photo}))[0]
    assert refused["status"] == "refused" and refused["message"].startswith("现场照片：")
    assert FieldPhoto.objects.count() == 1


def test_a_missing_photo_part_or_a_bad_key_is_refused(patrol, login):
    client = login(patrol.worker)
    bad_key = check_in_record(patrol, key="not-a-key")
    no_part = check_in_record(patrol, photo_part="photo-9")
    answers = results(send(client, [bad_key, no_part], **{"photo-0": jpeg()}))
    assert answers[0]["message"] == "离线记录缺少有效的幂等键。"
    assert answers[1]["message"] == "照片没有收到，请重新发送。"
    assert CheckIn.objects.count() == 0


def test_a_record_for_another_page_is_refused(patrol, login):
    record = check_in_record(patrol)
    record["path"] = f"/fieldwork/patrols/{patrol.pk}/finish/"
    answer = results(send(login(patrol.worker), [record]))[0]
    assert answer["status"] == "refused" and answer["message"] == "离线记录的格式无效，无法发送。"


def test_the_batch_itself_must_make_sense(fc, client, login):
    assert client.post(SYNC, {"records": "[]"}).status_code == 401
    worker = login(fc.cast.grid_worker_a)
    assert worker.post(SYNC, {"records": "not json"}).json() == {"error": "没有收到离线记录。"}
    too_many = worker.post(SYNC, {"records": json.dumps([diary_record(fc) for _ in range(51)])})
    assert too_many.status_code == 400 and too_many.json() == {"error": "一次最多发送50条离线记录。"}
    assert worker.get(SYNC).status_code == 405
    assert DiaryEntry.objects.count() == 0


def test_the_manifest_and_the_service_worker(client):
    manifest = client.get(reverse("fieldwork:manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["name"] == "网格 · 巡查走访" and body["start_url"] == "/fieldwork/"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    worker = client.get(reverse("fieldwork:service_worker"))
    assert worker["Service-Worker-Allowed"] == "/" and worker["Content-Type"].startswith("text/javascript")
    assert b"wangge-pages" in worker.content


def test_the_workers_pages_link_the_manifest_and_the_queue(patrol, login):
    page = login(patrol.worker).get(reverse("fieldwork:patrol", args=[patrol.pk])).content.decode()
    assert 'rel="manifest"' in page and "wangge/offline.js" in page and 'id="offline-queue"' in page
    assert page.count("data-offline-cache") == 2  # the campaign's two targets in grid A


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_of_one_key_save_one_check_in(patrol):
    record = check_in_record(patrol, photo_part=None)
    items = list(patrol.plan.checklist.current_version().items.all())
    items[5].required = False
    items[5].save()
    barrier = threading.Barrier(2)
    answers: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            answers.append(sync_record(actor=patrol.worker, raw=record, uploads=MultiValueDict()).status)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and answers == ["ok", "ok"]
    assert CheckIn.objects.count() == 1 and SyncedRecord.objects.count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        1,
        "x",
        [],
        {"key": str(uuid.uuid4())},
        {"key": str(uuid.uuid4()), "kind": "visit", "path": 5},
        {"key": str(uuid.uuid4()), "kind": "visit", "path": "/fieldwork/visits/new/99999999999999999999999/"},
        {"key": str(uuid.uuid4()), "kind": "visit", "path": "/fieldwork/visits/new/1/", "fields": "met=1"},
        {"key": str(uuid.uuid4()), "kind": "visit", "path": "/fieldwork/visits/new/1/", "fields": [["met", 1]]},
        {"key": str(uuid.uuid4()), "kind": "checkin", "path": "/fieldwork/patrols/1/check-in/elsewhere/1/"},
        {"key": str(uuid.uuid4()), "kind": "diary", "path": "/fieldwork/diary/add/", "recorded_at": "2026-13-45T99:00"},
    ],
)
def test_nonsense_records_are_refused_never_a_500(fc, login, raw):
    answers = results(send(login(fc.cast.grid_worker_a), [raw]))
    assert answers[0]["status"] == "refused" and answers[0]["message"]
