"""The commit reads the rows its dry run cached (registry.imports.rowcache) instead of parsing the
roster again, falls back to the file when the cache does not describe it, and never keeps the
cache (ID numbers in clear) longer than the upload."""

import datetime
import os
from pathlib import Path

import pytest
from django.db import connection

from core.bulk import insert_rows
from registry.imports import importer
from registry.imports.importer import run_job
from registry.imports.rowcache import SUFFIX, _decoded, _encoded
from registry.models import ImportStatus, Resident
from registry.pii import document_index
from registry.tests.fixtures import RESIDENT_HEADER, make_job, valid_id, xlsx_file

pytestmark = pytest.mark.django_db

ROWS = [
    ["网格居民花名册（2026年11月）"],
    RESIDENT_HEADER,
    ["张秀兰", valid_id(31, female=True), "女", "13800001111", "", ""],
    ["李建国", valid_id(32), "男", "", "中共党员", ""],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def checked(cast, tmp_path, rows=ROWS):
    job = make_job(xlsx_file(tmp_path, rows), "residents", cast.grid_a, cast.grid_worker_a)
    run_job(job, commit=False)
    assert job.status == ImportStatus.VALIDATED, job.report
    return job


def cache_of(job) -> Path:
    return Path(job.file.path + SUFFIX)


def test_the_commit_reads_the_dry_runs_rows_without_parsing_the_file_again(cast, tmp_path, monkeypatch):
    job = checked(cast, tmp_path)
    assert cache_of(job).exists()
    upload, cache = job.file.path, cache_of(job)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the commit parsed the roster again")

    monkeypatch.setattr(importer, "open_roster", no_parsing)
    run_job(job, commit=True)

    assert job.status == ImportStatus.DONE and job.created_count == 2, job.report
    # The title line above the header is still reported, and the rows keep their file row numbers.
    assert any("第2行" in note for note in job.report["notes"])
    names = set(Resident.objects.values_list("name", flat=True))
    assert names == {"张秀兰", "李建国"}
    # The upload and its cache are gone once committed.
    assert not os.path.exists(upload) and not cache.exists()


def test_a_cache_that_does_not_describe_the_upload_is_not_used(cast, tmp_path, monkeypatch):
    job = checked(cast, tmp_path)
    cache = cache_of(job)
    # The cache says otherwise than the file (a forged name): the commit must read the file.
    text = cache.read_text(encoding="utf-8").replace("李建国", "王伪造")
    cache.write_text(text, encoding="utf-8")
    stat = os.stat(job.file.path)
    os.utime(job.file.path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # the upload changed since

    opened = []
    real = importer.open_roster
    monkeypatch.setattr(importer, "open_roster", lambda *a, **k: opened.append(a) or real(*a, **k))
    run_job(job, commit=True)

    assert opened, "the commit should have read the file"
    assert set(Resident.objects.values_list("name", flat=True)) == {"张秀兰", "李建国"}


def test_a_broken_cache_falls_back_to_the_file(cast, tmp_path):
    job = checked(cast, tmp_path)
    cache_of(job).write_text("not json\n", encoding="utf-8")
    run_job(job, commit=True)
    assert job.status == ImportStatus.DONE and Resident.objects.count() == 2


def test_a_refused_dry_run_leaves_no_cache(cast, tmp_path, settings):
    settings.REGISTRY_IMPORT_MAX_ROWS = 1  # two data rows: refused while streaming
    job = make_job(xlsx_file(tmp_path, ROWS), "residents", cast.grid_a, cast.grid_worker_a)
    folder = Path(job.file.path).parent
    run_job(job, commit=False)
    assert job.status == ImportStatus.FAILED
    assert not [name for name in os.listdir(folder) if name.endswith((SUFFIX, SUFFIX + ".part"))]


def test_cells_keep_their_types_through_the_cache():
    cells = [None, True, 3, 2.5, "一号楼", datetime.date(1950, 3, 1), datetime.datetime(2026, 11, 2, 8, 30),
             datetime.time(9, 15)]
    assert [_decoded(_encoded(cell)) for cell in cells] == cells


def test_insert_rows_gives_keys_and_stores_values_as_save_would(cast):
    number = valid_id(41)
    residents = [Resident(grid=cast.grid_a, grid_code=cast.grid_a.code, name=f"居民{i}", id_number=number if i == 0
                          else valid_id(42 + i), id_number_index=document_index("id_card", number) if i == 0 else "")
                 for i in range(3)]
    saved = insert_rows(residents, batch_size=2)
    assert [r.pk for r in saved] == sorted(r.pk for r in saved) and all(r.pk for r in saved)
    stored = Resident.objects.get(pk=saved[0].pk)
    assert stored.name == "居民0" and stored.id_number == number  # decrypted on read
    assert stored.created_at is not None and not residents[0]._state.adding
    # Encrypted at rest: the column does not hold the number in clear.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number FROM {Resident._meta.db_table} WHERE id = %s", [saved[0].pk])
        (raw,) = cursor.fetchone()
    assert raw and number not in raw
