"""The import pages: upload → dry-run report → commit → done, downloads, polling, scope."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.testing import make_user
from registry.models import ImportJob, ImportStatus, Resident
from registry.tests.fixtures import RESIDENT_HEADER, csv_file, valid_id, wrong_checksum, xlsx_file

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def roster(tmp_path, rows=None):
    rows = rows or [RESIDENT_HEADER, ["张秀兰", valid_id(21, female=True), "", "13812345678", "", ""],
                    ["李四", wrong_checksum(valid_id(22)), "", "", "", ""]]
    path = xlsx_file(tmp_path, rows)
    return SimpleUploadedFile("花名册.xlsx", path.read_bytes())


def upload(client, cast, tmp_path, area=None, kind="residents"):
    return client.post(reverse("registry:import"), {
        "kind": kind, "area": (area or cast.grid_a).code, "file": roster(tmp_path),
    })


def test_it_shows_the_upload_form_with_template_links(cast, login):
    response = login(cast.grid_worker_a).get(reverse("registry:import"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入基础信息" in page and cast.grid_a.code in page
    assert cast.grid_b.code not in page
    for kind in ("residents", "households", "buildings", "organisations"):
        assert reverse("registry:import_template", args=[kind]) in page


def test_it_offers_in_the_template_only_the_care_tags_the_user_may_see(cast, login):
    leader = make_user("grid_leader_a", "grid_leader", cast.grid_a)
    url = reverse("registry:import_template", args=["residents"])

    def tag_choices(user):
        workbook = load_workbook(io.BytesIO(login(user).get(url).content))
        notes = [row for row in workbook["填写说明"].iter_rows(values_only=True) if row[0] == "关爱标签"]
        return notes[0][3].split("、")

    worker_tags = tag_choices(cast.grid_worker_a)
    assert "残疾人" in worker_tags and "重点关注" not in worker_tags
    assert "重点关注" in tag_choices(leader)


def test_it_walks_from_upload_to_dry_run_report_to_commit(cast, login, tmp_path, django_assert_max_num_queries):
    client = login(cast.grid_worker_a)
    response = upload(client, cast, tmp_path)
    job = ImportJob.objects.get()
    uploaded = job.file.path
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_job", args=[job.pk])
    assert job.status == ImportStatus.VALIDATED and Resident.objects.count() == 0
    with django_assert_max_num_queries(12):
        page = client.get(response["Location"]).content.decode()
    assert "检查完成（尚未保存）" in page
    assert "确认导入将新增 1 条、合并 0 条、更新 0 条，0 条无变化，1 条被拒绝。" in page
    assert "第3行「证件号码」：身份证号码校验位错误，请逐位核对。" in page
    assert "张*兰 410" + "*" * 13 in page and valid_id(21, female=True) not in page
    assert "确认导入 1 条" in page

    response = client.post(reverse("registry:import_commit", args=[job.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "导入完成。" in page and "新增 1 条" in page
    assert "确认导入" not in page
    assert Resident.objects.get().name == "张秀兰"
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and not job.dry_run
    assert not job.file and not os.path.exists(uploaded)  # the roster is not kept after the import


def test_it_commits_a_job_only_once(cast, login, tmp_path):
    client = login(cast.grid_worker_a)
    upload(client, cast, tmp_path)
    job = ImportJob.objects.get()
    client.post(reverse("registry:import_commit", args=[job.pk]))
    client.post(reverse("registry:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.created_count == 1 and Resident.objects.count() == 1


def test_it_serves_the_rejected_rows_and_the_templates(cast, login, tmp_path):
    client = login(cast.grid_worker_a)
    upload(client, cast, tmp_path)
    job = ImportJob.objects.get()
    response = client.get(reverse("registry:import_rejects", args=[job.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["G1"].value == "错误原因" and sheet["A2"].value == "李四"
    template = client.get(reverse("registry:import_template", args=["buildings"]))
    assert template.status_code == 200
    assert "attachment" in template["Content-Disposition"]
    headers = [cell.value for cell in load_workbook(io.BytesIO(template.content))["数据"][1]]
    assert "*楼栋号" in headers and "房屋用途" in headers
    assert client.get(reverse("registry:import_template", args=["aliens"])).status_code == 404


def test_it_polls_the_status_fragment_while_the_task_runs(cast, login, tmp_path):
    client = login(cast.grid_worker_a)
    path = csv_file(tmp_path, [RESIDENT_HEADER])
    job = ImportJob.objects.create(kind="residents", area=cast.grid_a, created_by=cast.grid_worker_a,
                                   file=str(path), original_filename="x.csv", status=ImportStatus.VALIDATING,
                                   total_rows=2000, processed_rows=500)
    fragment = client.get(reverse("registry:import_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert 'aria-valuenow="25"' in fragment and "已处理 500 / 2000 行" in fragment
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATED, processed_rows=2000)
    fragment = client.get(reverse("registry:import_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and "检查完成" in fragment


def test_it_hides_jobs_from_users_outside_the_area(cast, login, tmp_path):
    upload(login(cast.grid_worker_a), cast, tmp_path)
    job = ImportJob.objects.get()
    client = login(cast.grid_worker_b)
    for name in ("registry:import_job", "registry:import_status", "registry:import_rejects"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("registry:import_commit", args=[job.pk])).status_code == 404
    assert Resident.objects.count() == 0


def test_it_refuses_an_area_the_user_may_not_import_into(cast, login, tmp_path):
    response = upload(login(cast.grid_worker_a), cast, tmp_path, area=cast.grid_b)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_it_refuses_other_file_types(cast, login):
    response = login(cast.grid_worker_a).post(reverse("registry:import"), {
        "kind": "residents", "area": cast.grid_a.code, "file": SimpleUploadedFile("a.xls", b"old"),
    })
    assert "只支持 .xlsx 和 .csv 文件。" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_it_shows_why_a_whole_file_was_refused(cast, login, tmp_path):
    client = login(cast.grid_worker_a)
    path = xlsx_file(tmp_path, [["姓名"], ["张三"]])
    response = client.post(reverse("registry:import"), {
        "kind": "residents", "area": cast.grid_a.code, "file": SimpleUploadedFile("a.xlsx", path.read_bytes()),
    }, follow=True)
    page = response.content.decode()
    assert "文件未导入。" in page and "表头缺少必填列「证件号码」" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_imports_in_the_browser_watching_the_progress_bar(browser_login, settings, tmp_path, artifacts_dir):
    from accounts.testing import build_cast

    cast = build_cast()
    page = browser_login(cast.grid_worker_a)
    path = xlsx_file(tmp_path, [RESIDENT_HEADER, ["张秀兰", valid_id(31, female=True), "", "", "", ""],
                                ["王五", valid_id(32), "", "", "", ""]], name="花名册.xlsx")
    page.goto(reverse("registry:import"))
    page.select_option("#id_area", cast.grid_a.code)
    page.set_input_files("#id_file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-status[data-status=validated]")
    assert "确认导入将新增 2 条" in page.inner_text("#import-summary")
    page.screenshot(path=str(artifacts_dir / "registry-import-report.png"), full_page=True)
    page.click("#import-commit-form button")
    page.wait_for_selector("#import-status[data-status=done]")
    assert page.get_attribute("#import-status .progress", "aria-valuenow") == "100"
    assert "新增 2 条" in page.inner_text("#import-summary")
    assert Resident.objects.count() == 2

    # A job still running: the page polls until the worker finishes it.
    job = ImportJob.objects.create(kind="residents", area=cast.grid_a, created_by=cast.grid_worker_a,
                                   file=str(path), original_filename="slow.xlsx", status=ImportStatus.VALIDATING,
                                   total_rows=10, processed_rows=4)
    page.goto(reverse("registry:import_job", args=[job.pk]))
    assert page.get_attribute("#import-status .progress", "aria-valuenow") == "40"
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=str(artifacts_dir / "registry-import-progress-phone.png"), full_page=True)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATED, processed_rows=10, created_count=10)
    page.wait_for_selector("#import-status[data-status=validated]", timeout=5000)
    assert "确认导入将新增 10 条" in page.inner_text("#import-summary")


# The worker closes its database connection when it finishes a batch: on PostgreSQL that would
# end the test's wrapping transaction, so this test commits for real (and is flushed after).
@pytest.mark.django_db(transaction=True)
def test_it_queues_the_job_for_the_database_worker(cast, login, tmp_path, settings):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = login(cast.grid_worker_a)
    response = upload(client, cast, tmp_path)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    call_command("task_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED and job.created_count == 1


def test_it_lists_every_rejected_row_a_page_at_a_time(cast, login, tmp_path):
    rows = [RESIDENT_HEADER] + [[f"居民{i}", wrong_checksum(valid_id(i)), "", "", "", ""] for i in range(60)]
    client = login(cast.grid_worker_a)
    client.post(reverse("registry:import"), {
        "kind": "residents", "area": cast.grid_a.code,
        "file": SimpleUploadedFile("花名册.xlsx", xlsx_file(tmp_path, rows).read_bytes()),
    })
    job = ImportJob.objects.get()
    url = reverse("registry:import_job", args=[job.pk])
    first = client.get(url).content.decode()
    assert "拒绝（60）" in first and "第 1 / 2 页" in first
    assert "第51行「证件号码」" in first and "第52行「证件号码」" not in first
    assert f"{url}?page=2#import-rejected" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "第52行「证件号码」" in second and "第61行「证件号码」" in second and "第51行「证件号码」" not in second


def test_it_offers_to_create_missing_buildings_and_rooms_with_one_tick(cast, login, tmp_path):
    rows = [["姓名", "证件号码", "楼栋号", "房号", "与户主关系"],
            ["张秀兰", valid_id(31, female=True), "7栋", "2-602", "户主"]]
    client = login(cast.grid_worker_a)
    client.post(reverse("registry:import"), {
        "kind": "residents", "area": cast.grid_a.code,
        "file": SimpleUploadedFile("花名册.xlsx", xlsx_file(tmp_path, rows).read_bytes()),
    })
    job = ImportJob.objects.get()
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "系统中还没有的楼栋和房屋：1 个楼栋、1 个单元、1 户房屋" in page
    assert "7号楼（百花社区第一网格）" in page
    assert 'name="create_places"' in page and 'form="import-commit-form"' in page
    client.post(reverse("registry:import_commit", args=[job.pk]), {"create_places": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.create_places
    stay = Resident.objects.get().stays.get()
    assert (str(stay.household.dwelling), stay.household.dwelling.floor) == ("7号楼2单元602", 6)
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "按花名册新建了 1 个楼栋、1 个单元、1 户房屋" in page


def test_it_rejects_rows_naming_missing_places_without_the_tick(cast, login, tmp_path):
    rows = [["姓名", "证件号码", "楼栋号", "房号", "与户主关系"],
            ["张秀兰", valid_id(31, female=True), "7栋", "602", "户主"]]
    client = login(cast.grid_worker_a)
    client.post(reverse("registry:import"), {
        "kind": "residents", "area": cast.grid_a.code,
        "file": SimpleUploadedFile("花名册.xlsx", xlsx_file(tmp_path, rows).read_bytes()),
    })
    job = ImportJob.objects.get()
    client.post(reverse("registry:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.create_places, job.rejected_count) == (ImportStatus.DONE, False, 1)
    assert Resident.objects.count() == 0
