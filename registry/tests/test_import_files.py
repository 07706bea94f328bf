"""The files around an import: templates, the rejected-rows workbook, the import_registry command."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from registry.imports.columns import columns_for
from registry.imports.importer import run_job
from registry.imports.templates import DATA_SHEET, LISTS_SHEET, NOTES_SHEET, template_workbook
from registry.models import ImportJob, ImportKind, ImportStatus, Resident
from registry.tests.fixtures import RESIDENT_HEADER, csv_file, make_job, valid_id, wrong_checksum, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def dropdowns(workbook):
    """{header: [allowed labels]} of the data sheet's list validations."""
    data, lists = workbook[DATA_SHEET], workbook[LISTS_SHEET]
    headers = {cell.column_letter: str(cell.value).lstrip("*") for cell in data[1]}
    found = {}
    for validation in data.data_validations.dataValidation:
        target = str(validation.sqref).split(":")[0].rstrip("0123456789")
        source = validation.formula1.split("!")[1].replace("$", "")
        found[headers[target]] = [cell.value for row in lists[source] for cell in row]
    return found


@pytest.mark.parametrize("kind", ImportKind.values)
def test_it_builds_a_template_with_headers_example_and_notes(db, kind):
    workbook = load_workbook(io.BytesIO(template_workbook(kind)))
    assert workbook.sheetnames[0] == DATA_SHEET
    data = workbook[DATA_SHEET]
    columns = columns_for(kind)
    assert [cell.value for cell in data[1]] == [f"*{c.header}" if c.required else c.header for c in columns]
    assert [cell.value or "" for cell in data[2]] == [str(c.example) for c in columns]
    notes = workbook[NOTES_SHEET]
    assert [row[0].value for row in notes.iter_rows(min_row=2, max_row=len(columns) + 1)] == [c.header for c in columns]


def test_it_offers_dropdowns_for_coded_resident_columns(db):
    found = dropdowns(load_workbook(io.BytesIO(template_workbook("residents"))))
    assert found["性别"] == ["男", "女"]
    assert "居民身份证" in found["证件类型"] and "护照" in found["证件类型"]
    assert found["人口类型"] == ["户籍人口", "常住人口", "流动人口", "寄住人口", "境外人员"]
    assert "中共党员" in found["政治面貌"]
    assert "户主" in found["与户主关系"]
    assert "独居老人" in found["关爱标签"]


def test_it_offers_dropdowns_for_building_and_organisation_columns(db):
    buildings = dropdowns(load_workbook(io.BytesIO(template_workbook("buildings"))))
    assert buildings["房屋用途"] == ["自住", "出租", "空置", "经营", "其他"]
    assert "住宅" in buildings["楼栋类型"]
    organisations = dropdowns(load_workbook(io.BytesIO(template_workbook("organisations"))))
    assert "个体工商户" in organisations["单位类别"]


def test_it_imports_nothing_from_an_untouched_template(cast, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook("residents"))
    job = make_job(path, "residents", cast.grid_a, cast.superuser)
    run_job(job, commit=True)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.rejected_count) == (0, 0)
    assert job.report["notes"] == ["第2行是导入模板中的示例行，已跳过。"]


def test_it_gives_back_rejected_rows_with_original_cells_and_a_reason(cast, tmp_path):
    bad = wrong_checksum(valid_id(2))
    rows = [RESIDENT_HEADER, ["张三", valid_id(1), "", "", "", ""], ["李四", bad, "", "13812345678", "", ""]]
    job = make_job(xlsx_file(tmp_path, rows), "residents", cast.grid_a, cast.superuser)
    run_job(job, commit=False)
    sheet = load_workbook(job.rejected_file.path).active
    assert [cell.value for cell in sheet[1]] == [*RESIDENT_HEADER, "错误原因"]
    assert [cell.value for cell in sheet[2]] == [
        "李四", bad, None, "13812345678", None, None, "第3行「证件号码」：身份证号码校验位错误，请逐位核对。",
    ]
    assert sheet.max_row == 2


def test_it_keeps_text_that_looks_like_a_formula_as_text_in_the_rejected_rows(cast, tmp_path):
    """A cell typed as "=HYPERLINK(…)" must not run as a formula when the uploader opens the workbook."""
    formula = '=HYPERLINK("http://evil.example","点我")'
    rows = [[*RESIDENT_HEADER, "=1+2"], [formula, wrong_checksum(valid_id(2)), "", "", "", "", "=1+2"]]
    job = make_job(csv_file(tmp_path, rows), "residents", cast.grid_a, cast.superuser)
    run_job(job, commit=False)
    sheet = load_workbook(job.rejected_file.path).active
    assert [(cell.value, cell.data_type) for cell in sheet[1]][-2] == ("=1+2", "s")
    assert (sheet["A2"].value, sheet["A2"].data_type) == (formula, "s")
    assert (sheet["G2"].value, sheet["G2"].data_type) == ("=1+2", "s")


def test_it_imports_from_the_command_line_with_progress(cast, tmp_path):
    path = xlsx_file(tmp_path, [RESIDENT_HEADER, ["张三", valid_id(1), "", "", "", ""]])
    out, err = io.StringIO(), io.StringIO()
    call_command("import_registry", str(path), kind="residents", area=cast.grid_a.code, stdout=out, stderr=err)
    assert "导入完成：新增 1" in out.getvalue()
    assert "100%" in err.getvalue()
    assert Resident.objects.count() == 1
    assert ImportJob.objects.get().status == ImportStatus.DONE


def test_it_only_checks_from_the_command_line_with_dry_run(cast, tmp_path):
    path = xlsx_file(tmp_path, [RESIDENT_HEADER, ["张三", valid_id(1), "", "", "", ""]])
    out = io.StringIO()
    call_command("import_registry", str(path), "--dry-run", kind="residents", area=cast.grid_a.code,
                 stdout=out, stderr=io.StringIO())
    assert "检查完成（未保存）：将新增 1" in out.getvalue()
    assert Resident.objects.count() == 0


def test_it_exits_with_an_error_on_rejected_rows_and_files(cast, tmp_path):
    rows = [RESIDENT_HEADER, ["张三", valid_id(1), "", "", "", ""],
            ["李四", wrong_checksum(valid_id(2)), "", "", "", ""]]
    path = xlsx_file(tmp_path, rows)
    out = io.StringIO()
    with pytest.raises(CommandError) as rejected:
        call_command("import_registry", str(path), kind="residents", area=cast.grid_a.code, stdout=out,
                     stderr=io.StringIO())
    assert rejected.value.returncode == 1
    assert "第3行「证件号码」" in out.getvalue()
    assert (tmp_path / "roster-rejected.xlsx").exists()
    assert Resident.objects.count() == 1
    refused = xlsx_file(tmp_path, [["姓名"], ["张三"]], name="bad.xlsx")
    with pytest.raises(CommandError, match="表头缺少必填列「证件号码」"):
        call_command("import_registry", str(refused), kind="residents", area=cast.grid_a.code,
                     stdout=io.StringIO(), stderr=io.StringIO())


def test_it_checks_the_users_permission_from_the_command_line(cast, tmp_path):
    path = xlsx_file(tmp_path, [RESIDENT_HEADER, ["李四", valid_id(2), "", "", "", ""]], name="own.xlsx")
    call_command("import_registry", str(path), kind="residents", area=cast.grid_a.code, user="grid_worker_a",
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert Resident.objects.get().grid == cast.grid_a
    path = xlsx_file(tmp_path, [RESIDENT_HEADER, ["张三", valid_id(1), "", "", "", ""]])
    with pytest.raises(CommandError, match="您没有在「百花社区第一网格」导入居民的权限"):
        call_command("import_registry", str(path), kind="residents", area=cast.grid_a.code, user="grid_worker_b",
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert Resident.objects.count() == 1


def test_it_finds_the_header_of_a_csv_below_its_title_lines(cast, tmp_path):
    rows = [["百花社区第一网格居民花名册"], [], ["制表：张三", "", "2026年11月"],
            ["姓名", "身份证号码", "人口类型"], ["张秀兰", valid_id(3, female=True), "流动"], ["李四", "1234", ""]]
    job = make_job(csv_file(tmp_path, rows, encoding="gb18030"), "residents", cast.grid_a, cast.superuser)
    run_job(job, commit=True)
    assert job.status == ImportStatus.DONE and job.created_count == 1
    assert job.report["notes"] == ["表头在第4行，上方的标题行已跳过。"]
    assert job.report["rejected"][0]["reason"].startswith("第6行「证件号码」")
    assert Resident.objects.get().residency_type == "floating"


def test_it_still_names_the_missing_column_when_no_header_is_found(cast, tmp_path):
    rows = [["百花社区花名册"], ["姓名", "电话"], ["张秀兰", "13812345678"]]
    job = make_job(xlsx_file(tmp_path, rows), "residents", cast.grid_a, cast.superuser)
    run_job(job, commit=False)
    assert job.status == ImportStatus.FAILED
    assert job.report["error"].startswith("表头缺少必填列「证件号码」")  # against row 2, not the title
