"""Import files (ID numbers in clear) are kept no longer than needed: refusals and commits drop them at
once, ``purge_import_files`` removes the rest after the retention period, and the job page says so."""

import datetime
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from registry.imports import planners
from registry.imports.importer import run_job
from registry.models import ImportJob, ImportStatus, Resident
from registry.tests.fixtures import RESIDENT_HEADER, make_job, valid_id, wrong_checksum, xlsx_file

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ROWS = [RESIDENT_HEADER, ["张秀兰", valid_id(21, female=True), "", "", "", ""],
        ["李四", wrong_checksum(valid_id(22)), "", "", "", ""]]


@pytest.fixture(autouse=True)
def media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    settings.REGISTRY_IMPORT_RETENTION_DAYS = 7


def checked_job(client, cast, tmp_path, rows=ROWS):
    """A dry run through the page: the job, its upload's path and its rejected rows' path."""
    upload = SimpleUploadedFile("花名册.xlsx", xlsx_file(tmp_path, rows).read_bytes())
    client.post(reverse("registry:import"), {"kind": "residents", "area": cast.grid_a.code, "file": upload})
    job = ImportJob.objects.get()
    return job, job.file.path, job.rejected_file.path if job.rejected_file else None


def age(job, days):
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def purge(*args):
    out = io.StringIO()
    call_command("purge_import_files", *args, stdout=out)
    return out.getvalue()


def test_it_purges_a_dry_run_never_committed_after_the_retention_period(cast, login, tmp_path):
    client = login(cast.grid_worker_a)
    job, upload, rejects = checked_job(client, cast, tmp_path)
    assert os.path.exists(upload) and os.path.exists(rejects)
    age(job, 8)
    assert "已删除 2 个超过保留期限的导入文件。" in purge()
    assert not os.path.exists(upload) and not os.path.exists(rejects)
    job.refresh_from_db()
    assert not job.file and not job.rejected_file
    assert job.status == ImportStatus.VALIDATED and (job.created_count, job.rejected_count) == (1, 1)

    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "第3行「证件号码」" in page  # the report stays
    assert "上传的文件已在保留 7 天后删除，不能再确认导入；如需导入，请重新上传。" in page
    assert "被拒绝的行已在保留 7 天后删除，不能再下载。" in page
    assert "确认导入 1 条" not in page and reverse("registry:import_rejects", args=[job.pk]) not in page
    client.post(reverse("registry:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED and Resident.objects.count() == 0
    assert client.get(reverse("registry:import_rejects", args=[job.pk])).status_code == 404


def test_it_keeps_the_files_of_jobs_younger_than_the_retention_period(cast, login, tmp_path, settings):
    job, upload, rejects = checked_job(login(cast.grid_worker_a), cast, tmp_path)
    age(job, 6)
    assert "已删除 0 个" in purge()
    assert os.path.exists(upload) and os.path.exists(rejects)
    settings.REGISTRY_IMPORT_RETENTION_DAYS = 5
    purge()
    assert not os.path.exists(upload)


def test_it_takes_days_and_dry_run_options(cast, login, tmp_path):
    job, upload, rejects = checked_job(login(cast.grid_worker_a), cast, tmp_path)
    age(job, 3)
    listing = purge("--days", "2", "--dry-run")
    assert job.file.name in listing and "找到 2 个超过保留期限的导入文件。" in listing
    assert os.path.exists(upload) and ImportJob.objects.get().file
    purge("--days", "2")
    assert not os.path.exists(upload) and not os.path.exists(rejects)
    with pytest.raises(CommandError):
        purge("--days", "0")


def test_it_keeps_rejected_rows_after_a_commit_until_the_retention_period(cast, login, tmp_path):
    client = login(cast.grid_worker_a)
    job, upload, _rejects = checked_job(client, cast, tmp_path)
    client.post(reverse("registry:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and not os.path.exists(upload)
    rejects = job.rejected_file.path
    assert os.path.exists(rejects)
    age(job, 8)
    purge()
    assert not os.path.exists(rejects)
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "导入完成。" in page and "被拒绝的行已在保留 7 天后删除，不能再下载。" in page
    assert "上传的文件已在保留" not in page


def test_it_deletes_the_upload_at_once_when_the_file_is_refused(cast, tmp_path):
    job = make_job(xlsx_file(tmp_path, [["姓名"], ["张三"]]), "residents", cast.grid_a, cast.grid_worker_a)
    upload = job.file.path
    run_job(job, commit=False)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "表头缺少必填列" in job.report["error"]
    assert not job.file and not os.path.exists(upload)


def test_it_deletes_upload_and_rejected_rows_at_once_when_the_commit_fails(cast, tmp_path, monkeypatch):
    job = make_job(xlsx_file(tmp_path, ROWS), "residents", cast.grid_a, cast.grid_worker_a)
    run_job(job, commit=False)
    upload, rejects = job.file.path, job.rejected_file.path

    def failing_create(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(planners.ResidentPlanner, "flush", failing_create)
    run_job(job, commit=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "整个文件没有保存任何数据" in job.report["error"]
    assert not job.file and not job.rejected_file
    assert not os.path.exists(upload) and not os.path.exists(rejects)


def test_it_refuses_to_run_a_job_whose_upload_was_purged(cast, tmp_path):
    job = make_job(xlsx_file(tmp_path, ROWS), "residents", cast.grid_a, cast.grid_worker_a)
    run_job(job, commit=False)
    age(job, 8)
    purge()
    job.refresh_from_db()
    run_job(job, commit=True)
    assert job.status == ImportStatus.FAILED
    assert job.report["error"] == "上传的文件已超过保留期限并已删除，请重新上传。"
    assert Resident.objects.count() == 0


def test_it_deletes_old_files_no_job_refers_to(cast, login, tmp_path, settings):
    _job, upload, _rejects = checked_job(login(cast.grid_worker_a), cast, tmp_path)
    folder = settings.MEDIA_ROOT / "imports" / "2025" / "01"
    folder.mkdir(parents=True)
    old, young = folder / "lost.xlsx", folder / "just-stored.xlsx"
    old.write_bytes(b"roster")
    young.write_bytes(b"roster")
    eight_days_ago = time.time() - 8 * 86400
    os.utime(old, (eight_days_ago, eight_days_ago))
    os.utime(upload, (eight_days_ago, eight_days_ago))  # an old file, but its job is young
    assert "已删除 1 个" in purge()
    assert not old.exists() and young.exists() and os.path.exists(upload)
