"""Uploaded files in an S3-compatible bucket (``S3_BUCKET``, docs/scaling.md): photos, roster imports
and ledger exports work with their files only in the bucket, are served through the views that
check scope, and are deleted from the bucket when purged.

The bucket is real HTTP: moto's S3 server on a free port, spoken to by boto3 over the wire, as a
MinIO or a cloud's object storage would be.
"""

from __future__ import annotations

import datetime
import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer
from openpyxl import load_workbook
from PIL import Image

from cases import ledger_exports
from cases.models import Case, ExportStatus, LedgerExport
from cases.photofiles import purge_orphan_photos
from cases.testing import build_case_cast
from cases.tests.intake_files import GRID_A_POINT, jpeg_upload
from cases.tests.stats_factory import make_category, make_row
from core.tests.test_settings import settings_seen
from fieldwork.testing import matrix_photo
from registry.imports import importer
from registry.imports.retention import purge_import_files
from registry.models import ImportJob, ImportStatus, Resident
from registry.tests.fixtures import RESIDENT_HEADER, valid_id, wrong_checksum, xlsx_file

pytestmark = pytest.mark.django_db
ACCESS_KEY, SECRET_KEY, REGION = "wangge-test", "wangge-test-secret", "us-east-1"


@dataclass
class Bucket:
    client: Any
    name: str

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def s3_storage(s3_endpoint) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """STORAGES["default"] as config/settings.py makes it of the S3_* variables, for the test server."""
    seen = settings_seen(S3_BUCKET="to-be-replaced", S3_ENDPOINT_URL=s3_endpoint, S3_REGION=REGION,
                         S3_ACCESS_KEY_ID=ACCESS_KEY, S3_SECRET_ACCESS_KEY=SECRET_KEY)
    storage = seen["storage"]
    assert isinstance(storage, dict)
    return storage


@pytest.fixture
def bucket(s3_endpoint, s3_storage, settings, tmp_path) -> Bucket:  # type: ignore[no-untyped-def]
    """A fresh bucket as the default storage."""
    name = f"wangge-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, region_name=REGION)
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES,
                         "default": {**s3_storage, "OPTIONS": {**s3_storage["OPTIONS"], "bucket_name": name}}}
    settings.MEDIA_ROOT = str(tmp_path / "media")  # must stay empty: nothing is written to disk
    return Bucket(client, name)


@pytest.fixture(autouse=True)
def nothing_on_disk(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    yield
    assert not os.path.exists(settings.MEDIA_ROOT) or not os.listdir(settings.MEDIA_ROOT)


def test_a_report_photo_is_stored_in_the_bucket_and_served_only_within_scope(bucket, cast, client, login):
    cc = build_case_cast(cast)
    response = client.post("/s/report/", {
        "category": cc.category("t-clutter").pk, "description": "5号楼楼道里堆了很多纸箱。", "system": "WGS84",
        "reporter_phone": "13912345678", "longitude": GRID_A_POINT[0], "latitude": GRID_A_POINT[1],
        "photos": [jpeg_upload("scene.jpg", size=(800, 600))],
    })
    assert response.status_code == 302
    photo = Case.objects.get().attachments.get()
    assert bucket.keys("cases/") == [photo.image.name]
    stored = bucket.read(photo.image.name)
    assert Image.open(io.BytesIO(stored)).format == "JPEG"

    url = reverse("cases:photo", args=[photo.token])
    response = login(cast.grid_worker_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == stored
    assert login(cast.grid_worker_b).get(url).status_code == 404  # another grid's worker

    # A file no row refers to (a rolled-back transaction's) is purged from the bucket; the photo stays.
    orphan = f"{photo.image.name.rsplit('/', 1)[0]}/orphan.jpg"
    bucket.client.put_object(Bucket=bucket.name, Key=orphan, Body=stored)
    assert purge_orphan_photos(older_than=datetime.timedelta(0)) == [orphan]
    assert bucket.keys("cases/") == [photo.image.name]


def test_a_roster_import_runs_with_its_files_only_in_the_bucket(bucket, cast, login, tmp_path, monkeypatch):
    client = login(cast.grid_worker_a)
    rows = [RESIDENT_HEADER, ["张秀兰", valid_id(21, female=True), "", "13812345678", "", ""],
            ["李四", wrong_checksum(valid_id(22)), "", "", "", ""]]
    roster = xlsx_file(tmp_path, rows)
    with roster.open("rb") as file:
        response = client.post(reverse("registry:import"), {"kind": "residents", "area": cast.grid_a.code,
                                                            "file": file})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.VALIDATED, job.report
    upload, rejects = job.file.name, job.rejected_file.name
    assert bucket.keys("imports/") == sorted([upload, upload + ".rows.jsonl", rejects])

    # The commit reads the dry run's rows from the bucket, never the roster again.
    monkeypatch.setattr(importer, "open_roster", lambda *args, **kwargs: pytest.fail("parsed again"))
    client.post(reverse("registry:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Resident.objects.get().name == "张秀兰"
    assert bucket.keys("imports/") == [rejects]  # the roster and its rows are gone once committed

    response = client.get(reverse("registry:import_rejects", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["李四"]

    stray = "imports/2025/01/lost.xlsx"
    bucket.client.put_object(Bucket=bucket.name, Key=stray, Body=b"roster")
    assert sorted(purge_import_files(older_than=datetime.timedelta(0))) == sorted([stray, rejects])
    assert bucket.keys("imports/") == []


def test_a_ledger_export_is_stored_in_the_bucket_downloaded_and_purged(bucket, cast, login, settings,
                                                                        django_capture_on_commit_callbacks):
    settings.CASES_LEDGER_BACKGROUND_ROWS = 0
    lamp = make_category("t-lamp", "路灯")
    row = make_row(cast, lamp, grid=cast.grid_a, reported="2026-03-02 09:00")
    client = login(cast.street_leader)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(reverse("cases:ledger_export")).status_code == 302
    export = LedgerExport.objects.get()
    assert export.status == ExportStatus.DONE
    assert bucket.keys("ledgers/") == [export.file.name]

    response = client.get(reverse("cases:ledger_export_download", args=[export.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert row.number in [cells[0] for cells in sheet.iter_rows(values_only=True)]

    assert ledger_exports.purge_ledger_exports(older_than=datetime.timedelta(0)) == 1
    assert bucket.keys() == [] and not LedgerExport.objects.exists()


def test_a_field_photo_is_served_from_the_bucket_within_scope(bucket, cast, login):
    photo = matrix_photo(cast.grid_a)
    assert bucket.keys("fieldwork/") == [photo.image.name]
    url = reverse("fieldwork:photo", args=[photo.token])
    response = login(cast.grid_worker_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bucket.read(photo.image.name)
    assert login(cast.grid_worker_b).get(url).status_code == 404
