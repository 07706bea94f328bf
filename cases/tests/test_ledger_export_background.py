"""Large ledger exports run on the task queue: the progress page, the download, who may fetch the
file (its owner, within scope), a task delivered twice, failures, and the retention period."""

import datetime
import io
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import RoleAssignment
from cases import ledger_exports, ledgers
from cases.ledger_workbook import HEADER_ROW
from cases.models import ExportStatus, LedgerExport
from cases.tests.stats_factory import make_category, make_row

EXPORT = reverse("cases:ledger_export")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def background(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE
    settings.CASES_LEDGER_BACKGROUND_ROWS = 1


@pytest.fixture
def rows(cast):
    lamp = make_category("t-lamp", "路灯")
    return [make_row(cast, lamp, grid=grid, reported=f"2026-03-0{day} 09:00")
            for day, grid in ((2, cast.grid_a), (3, cast.grid_b), (4, cast.grid_c))]


def export_now(client, django_capture_on_commit_callbacks, **query):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT, query)
    assert response.status_code == 302
    return LedgerExport.objects.get(), response["Location"]


def numbers_in(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def test_it_exports_a_large_ledger_in_the_background(rows, cast, login, django_capture_on_commit_callbacks):
    client = login(cast.street_leader)

    export, page = export_now(client, django_capture_on_commit_callbacks)

    assert page == reverse("cases:ledger_export_job", args=[export.pk])
    assert (export.status, export.created_by, export.total_rows) == (ExportStatus.DONE, cast.street_leader, 2)
    html = client.get(page).content.decode()
    assert "导出完成，共 2 行。" in html and 'id="export-download"' in html
    response = client.get(reverse("cases:ledger_export_download", args=[export.pk]))
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert numbers_in(response) == [rows[1].number, rows[0].number]  # grid C is not the leader's


def test_it_keeps_the_pages_filter(rows, cast, login, django_capture_on_commit_callbacks, settings):
    settings.CASES_LEDGER_BACKGROUND_ROWS = 0
    client = login(cast.street_leader)

    export, _page = export_now(client, django_capture_on_commit_callbacks, area=cast.grid_b.code)

    assert export.query == f"area={cast.grid_b.code}"
    assert export.total_rows == 1
    response = client.get(reverse("cases:ledger_export_download", args=[export.pk]))
    assert numbers_in(response) == [rows[1].number]


def test_it_shows_a_progress_bar_that_polls_while_the_task_waits(rows, cast, login):
    client = login(cast.street_leader)

    response = client.get(EXPORT)  # the task is queued after the commit, which never comes here

    export = LedgerExport.objects.get()
    assert export.status == ExportStatus.QUEUED
    html = client.get(response["Location"]).content.decode()
    assert f'hx-get="{reverse("cases:ledger_export_status", args=[export.pk])}"' in html
    assert 'role="progressbar"' in html and "已写入 0 / 2 行" in html
    assert 'id="export-download"' not in html
    assert client.get(reverse("cases:ledger_export_download", args=[export.pk])).status_code == 404


def test_it_streams_small_exports_without_a_task(rows, cast, login, settings):
    settings.CASES_LEDGER_BACKGROUND_ROWS = 2

    response = login(cast.street_leader).get(EXPORT)

    assert response.status_code == 200
    assert not LedgerExport.objects.exists()


def test_it_hands_the_file_to_its_owner_only(rows, cast, login, django_capture_on_commit_callbacks):
    export, page = export_now(login(cast.street_leader), django_capture_on_commit_callbacks)

    for other in (cast.district_admin, cast.other_street_leader, cast.superuser):
        client = login(other)
        assert client.get(page).status_code == 404
        assert client.get(reverse("cases:ledger_export_status", args=[export.pk])).status_code == 404
        assert client.get(reverse("cases:ledger_export_download", args=[export.pk])).status_code == 404


def test_it_withdraws_the_file_when_the_owner_loses_the_area(rows, cast, login, django_capture_on_commit_callbacks):
    export, page = export_now(login(cast.street_leader), django_capture_on_commit_callbacks)
    RoleAssignment.objects.filter(user=cast.street_leader).update(valid_until=timezone.localdate()
                                                                  - datetime.timedelta(days=1))

    client = login(cast.street_leader)

    assert client.get(page).status_code == 404
    assert client.get(reverse("cases:ledger_export_download", args=[export.pk])).status_code == 404


def test_it_runs_an_export_once_when_the_task_comes_twice(rows, cast, login, django_capture_on_commit_callbacks):
    export, _page = export_now(login(cast.street_leader), django_capture_on_commit_callbacks)
    name = export.file.name

    assert ledger_exports.run_export(str(export.pk)) == ExportStatus.DONE

    export.refresh_from_db()
    assert export.file.name == name


def test_it_says_when_an_export_failed(rows, cast, login, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ledgers, "write", broken)
    client = login(cast.street_leader)

    export, page = export_now(client, django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.FAILED and not export.file
    assert "导出失败，请稍后重试" in client.get(page).content.decode()


def test_it_purges_exports_past_the_retention_period(rows, cast, login, django_capture_on_commit_callbacks):
    old, _page = export_now(login(cast.street_leader), django_capture_on_commit_callbacks)
    path = old.file.path
    LedgerExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        login(cast.district_admin).get(EXPORT)
    out = io.StringIO()

    call_command("purge_ledger_exports", stdout=out)

    assert "已删除 1 个超过保留期限的台账导出。" in out.getvalue()
    assert list(LedgerExport.objects.values_list("created_by", flat=True)) == [cast.district_admin.pk]
    assert not os.path.exists(path)
    assert os.path.exists(LedgerExport.objects.get().file.path)


def test_it_purges_files_whose_owner_is_gone(rows, cast, login, django_capture_on_commit_callbacks):
    export, _page = export_now(login(cast.street_leader), django_capture_on_commit_callbacks)
    path = export.file.path
    old = (timezone.now() - datetime.timedelta(days=4)).timestamp()
    os.utime(path, (old, old))
    cast.street_leader.delete()  # the export row goes with its owner, the file stays behind

    call_command("purge_ledger_exports", stdout=io.StringIO())

    assert not os.path.exists(path)
