"""Row and column caps of an import: refused with a clear message while streaming, for .xlsx and CSV."""

import re
import zipfile

import pytest

from registry.imports.importer import run_job
from registry.imports.reader import MAX_LINE_CHARS
from registry.models import ImportStatus, Resident
from registry.tests.fixtures import RESIDENT_HEADER, csv_file, make_job, valid_id, xlsx_file

pytestmark = pytest.mark.django_db
ROW_CAP = ("文件超过5行（表头以下，空行也计算在内），整个文件未导入。"
           "请分成几个文件导入；如果表格末尾有大量空行，请先删除。")


@pytest.fixture(autouse=True)
def small_caps(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REGISTRY_IMPORT_MAX_ROWS = 5
    settings.REGISTRY_IMPORT_MAX_COLUMNS = 10


def people(count):
    return [["居民", valid_id(serial), "", "", "", ""] for serial in range(1, count + 1)]


def dry_run(path, cast):
    job = make_job(path, "residents", cast.grid_a, cast.superuser)
    run_job(job, commit=False)
    job.refresh_from_db()
    return job


def rewrite_sheet(path, edit):
    """The workbook at ``path`` with its first sheet's XML passed through ``edit`` (cells openpyxl won't write)."""
    with zipfile.ZipFile(path) as source:
        parts = {item: source.read(item) for item in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = edit(parts[sheet].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def add_cell(xml, row, reference, text):
    end = xml.index("</row>", xml.index(f'<row r="{row}"'))
    return xml[:end] + f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>' + xml[end:]


def test_it_imports_a_file_of_exactly_the_row_cap(cast, tmp_path):
    job = dry_run(csv_file(tmp_path, [[], RESIDENT_HEADER, *people(5)]), cast)
    assert job.status == ImportStatus.VALIDATED and job.created_count == 5


def test_it_refuses_a_csv_over_the_row_cap_without_reading_the_rest(cast, tmp_path):
    """The line after the cap is too long to read: the message is the cap's, so reading stopped there."""
    rows = [RESIDENT_HEADER, *people(5), [], ["x" * (MAX_LINE_CHARS + 10)]]
    job = dry_run(csv_file(tmp_path, rows), cast)
    assert job.status == ImportStatus.FAILED
    assert job.report["error"] == ROW_CAP
    assert Resident.objects.count() == 0


def test_it_refuses_a_workbook_over_the_row_cap_without_reading_the_rest(cast, tmp_path):
    """The row after the cap has a cell openpyxl cannot parse: it is never reached."""
    path = xlsx_file(tmp_path, [RESIDENT_HEADER, *people(6), ["坏"]])
    path = rewrite_sheet(path, lambda xml: add_cell(xml, 8, "AAAA8", "坏"))
    job = dry_run(path, cast)
    assert job.status == ImportStatus.FAILED
    assert job.report["error"] == ROW_CAP


def test_it_counts_blank_rows_against_the_cap(cast, tmp_path):
    job = dry_run(csv_file(tmp_path, [RESIDENT_HEADER, *people(1), *[[""]] * 5]), cast)
    assert job.report["error"] == ROW_CAP


def test_it_refuses_a_value_beyond_the_column_cap_naming_the_row(cast, tmp_path):
    rows = [RESIDENT_HEADER, *people(1), [*people(2)[1], "", "", "", "", "多余"]]
    for path in (csv_file(tmp_path, rows), xlsx_file(tmp_path, rows)):
        job = dry_run(path, cast)
        assert job.status == ImportStatus.FAILED
        assert job.report["error"] == "第3行超过10列，整个文件未导入。请删除多余的列后再导入。"


def test_it_ignores_empty_cells_beyond_the_column_cap(cast, tmp_path):
    rows = [[*RESIDENT_HEADER, *[""] * 20], [*people(1)[0], *[None] * 20]]
    job = dry_run(csv_file(tmp_path, rows), cast)
    assert job.status == ImportStatus.VALIDATED and job.created_count == 1


def test_it_refuses_a_cell_beyond_the_last_excel_column_clearly(cast, tmp_path):
    """Today a column past ZZZ (more than 16,384 columns) ends in 导入时发生系统错误."""
    path = rewrite_sheet(xlsx_file(tmp_path, [RESIDENT_HEADER, *people(1)]),
                         lambda xml: add_cell(xml, 2, "AAAA2", "多余"))
    job = dry_run(path, cast)
    assert job.status == ImportStatus.FAILED
    assert job.report["error"] == "Excel文件从第2行起无法读取：某行超过10列，或文件已损坏。"


def test_it_reads_rows_as_wide_as_their_cells_whatever_the_declared_dimension(cast, tmp_path):
    path = xlsx_file(tmp_path, [RESIDENT_HEADER, *people(2)])
    path = rewrite_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>',
                                                   xml))
    job = dry_run(path, cast)
    assert job.status == ImportStatus.VALIDATED and job.created_count == 2
    assert job.total_rows == 2


def test_it_refuses_a_csv_line_too_long_to_be_a_roster(cast, tmp_path, settings):
    settings.REGISTRY_IMPORT_MAX_COLUMNS = 200
    rows = [RESIDENT_HEADER, ["张三", valid_id(1), *["x"] * (MAX_LINE_CHARS // 2)]]
    job = dry_run(csv_file(tmp_path, rows), cast)
    assert job.report["error"] == f"CSV文件第2行太长（超过{MAX_LINE_CHARS}个字符），整个文件未导入。"
