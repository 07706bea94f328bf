"""Fieldwork on the phone: one check-in POST, and a sync batch of 50 records queued offline.

Run with ``make bench`` (on PostgreSQL with ``DATABASE_URL``, as the issue asks). The check-in
is the page's own POST: the fire-safety checklist of six items with one photo, which goes
through the photo pipeline (a bounded child process). The batch is what a worker's phone sends
after a day in basements: 10 check-ins with a photo each, 30 visits and 10 diary entries, each
with a new idempotency key.
"""

from __future__ import annotations

import datetime
import io
import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fieldwork.checklists import field_name
from fieldwork.models import CheckIn, DiaryEntry, Patrol, SyncedRecord, Visit
from fieldwork.testing import FieldCast, build_field_cast

pytestmark = pytest.mark.django_db

CHECK_INS, VISITS, DIARY = 10, 30, 10


def _photo(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 160, 90)).save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _patrol(cast: Any) -> tuple[FieldCast, Patrol]:
    fc = build_field_cast(cast)
    today = timezone.localdate()
    fc.fire_campaign.starts_on, fc.fire_campaign.ends_on = today - datetime.timedelta(days=1), today
    fc.fire_campaign.save()
    patrol = Patrol.objects.create(plan=fc.fire_campaign, grid=cast.grid_a, worker=cast.grid_worker_a, day=today)
    return fc, patrol


def _answers(patrol: Patrol) -> tuple[list[list[str]], str]:
    assert patrol.plan.checklist is not None
    version = patrol.plan.checklist.current_version()
    assert version is not None
    items = list(version.items.all())
    values = ["no", "yes", "3", "完好", "no"]
    return [[field_name(item), value] for item, value in zip(items, values, strict=False)], field_name(items[5])


def _client(cast: Any) -> Client:
    client = Client()
    client.force_login(cast.grid_worker_a)
    return client


def test_a_check_in_post(benchmark: Any, cast: Any) -> None:
    fc, patrol = _patrol(cast)
    target = patrol.plan.targets.get(building=fc.building1)
    url = reverse("fieldwork:check_in", args=[patrol.pk, "target", target.pk])
    answers, photo_field = _answers(patrol)
    client = _client(cast)

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (), {"data": {**dict(answers), "note": "楼道堆物", photo_field: _photo("scene.jpg")}}

    def post(data: dict[str, Any]) -> int:
        return client.post(url, data).status_code

    assert benchmark.pedantic(post, setup=setup, rounds=5, iterations=1) == 302
    assert CheckIn.objects.count() == 5


def test_a_sync_batch_of_50_queued_records(benchmark: Any, cast: Any) -> None:
    fc, patrol = _patrol(cast)
    target = patrol.plan.targets.get(building=fc.building1)
    answers, photo_field = _answers(patrol)
    check_in_path = reverse("fieldwork:check_in", args=[patrol.pk, "target", target.pk])
    visit_path = reverse("fieldwork:visit_new", args=[fc.alone.pk])
    moment = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client = _client(cast)

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        records: list[dict[str, Any]] = []
        files: dict[str, Any] = {}
        for n in range(CHECK_INS):
            files[f"photo-{n}"] = _photo(f"scene-{n}.jpg")
            records.append(
                {
                    "key": str(uuid.uuid4()),
                    "kind": "checkin",
                    "path": check_in_path,
                    "fields": [*answers, ["note", f"第{n}处"]],
                    "files": [[photo_field, f"photo-{n}"]],
                }
            )
        for n in range(VISITS):
            fields = {"visited_at": moment, "method": "home", "purpose": "care", "met": "1", "opinions": f"第{n}条民意"}
            records.append(
                {
                    "key": str(uuid.uuid4()),
                    "kind": "visit",
                    "path": visit_path,
                    "fields": [[name, value] for name, value in fields.items()],
                    "files": [],
                }
            )
        for n in range(DIARY):
            fields = {"grid": str(cast.grid_a.pk), "day": timezone.localdate().isoformat(), "what": f"代办第{n}件"}
            records.append(
                {
                    "key": str(uuid.uuid4()),
                    "kind": "diary",
                    "path": reverse("fieldwork:diary_add"),
                    "fields": [[name, value] for name, value in fields.items()],
                    "files": [],
                }
            )
        return (), {"data": {"records": json.dumps(records), **files}}

    def sync(data: dict[str, Any]) -> int:
        response = client.post(reverse("fieldwork:sync"), data)
        return sum(result["status"] == "ok" for result in response.json()["results"])

    assert benchmark.pedantic(sync, setup=setup, rounds=3, iterations=1) == CHECK_INS + VISITS + DIARY
    assert CheckIn.objects.count() == 3 * CHECK_INS and Visit.objects.count() == 3 * VISITS
    assert DiaryEntry.objects.count() == 3 * DIARY and SyncedRecord.objects.count() == 150
