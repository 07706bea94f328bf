"""Roster import speed: a 10,000-row resident roster with rooms, checked (dry run) and committed.

Run with ``make bench`` (add ``BENCH_ARGS="-k roster -s"`` to see the rows per second printed).
The roster is generated here with openpyxl, like an office's file: a title line above the
headers, 10,000 residents living three to a dwelling (户主, 配偶, 子女) in 20 buildings of two
units, every row with its building, unit and room. Two cases:

* ``with_rooms`` — the buildings and the 3,400 dwellings are registered already (the office
  imported them first); the roster creates residents, households and stays.
* ``from_the_roster_alone`` — nothing is registered; the commit, with “按花名册新建楼栋和房屋”
  ticked, also creates the buildings, units and dwellings.

Each case times the dry run and the commit of the same job once (one round: the commit changes
the database, and a second round would only merge), after openpyxl's bare read of the same file
(read-only, values only, every row): the floor under the dry run, which parses the file, and the
yardstick of issue 14 (a pass at most twice the bare read's CPU time, and at least 5,000 rows/s
on PostgreSQL). Results and history: docs/performance.md ("Roster import").
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from registry.imports.importer import run_job
from registry.models import Building, BuildingUnit, Dwelling, ImportJob, ImportStatus, Resident
from registry.tests.fixtures import make_job, valid_id

pytestmark = pytest.mark.django_db

ROWS = 10_000
BUILDINGS, UNITS, FLOORS, ROOMS_PER_FLOOR = 20, 2, 17, 5  # 3,400 dwellings: three people in each
HEADER = ["序号", "姓名", "公民身份号码", "性别", "联系电话", "户口性质", "小区", "楼栋", "单元", "房号", "与户主关系"]
RELATIONS = ("户主", "妻", "长子")


def _place(index: int) -> tuple[int, int, int, int]:
    """(building, unit, floor, room on the floor) of the dwelling of row ``index``, all from 1."""
    dwelling = index // len(RELATIONS)
    room = dwelling % ROOMS_PER_FLOOR
    floor = dwelling // ROOMS_PER_FLOOR % FLOORS
    unit = dwelling // (ROOMS_PER_FLOOR * FLOORS) % UNITS
    building = dwelling // (ROOMS_PER_FLOOR * FLOORS * UNITS)
    return building + 1, unit + 1, floor + 1, room + 1


def _roster(directory: Path) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["百花社区第一网格居民花名册（2026年11月）"])
    sheet.append(HEADER)
    for index in range(ROWS):
        building, unit, floor, room = _place(index)
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=index // 500)
        sheet.append([
            index + 1, f"居民{index}", valid_id(index % 500, born=born), "", f"138{index:08d}",
            ("户籍", "流动", "常住")[index % 3], "百花小区", f"{building}号楼", f"{unit}单元",
            f"{floor}{room:02d}", RELATIONS[index % len(RELATIONS)],
        ])
    path = directory / "花名册.xlsx"
    workbook.save(path)
    return path


def _register_places(grid: Any) -> None:
    buildings = Building.objects.bulk_create([
        Building(grid=grid, grid_code=grid.code, estate="百花小区", name=f"{b}号楼", address=f"百花路{b}号",
                 floors=FLOORS, unit_count=UNITS)
        for b in range(1, BUILDINGS + 1)
    ])
    units = BuildingUnit.objects.bulk_create([
        BuildingUnit(building=building, number=f"{u}单元") for building in buildings for u in range(1, UNITS + 1)
    ])
    Dwelling.objects.bulk_create([
        Dwelling(grid=grid, grid_code=grid.code, building=unit.building, unit=unit, floor=floor,
                 room=f"{floor}{room:02d}")
        for unit in units for floor in range(1, FLOORS + 1) for room in range(1, ROOMS_PER_FLOOR + 1)
    ], batch_size=1000)


def _timed(job: ImportJob, commit: bool) -> tuple[float, float]:
    """Wall-clock and this process's CPU seconds of one pass (the CPU time leaves out the database
    server's work on PostgreSQL, and other processes' load on a shared machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    run_job(job, commit=commit)
    return time.perf_counter() - started, time.process_time() - cpu


def _bare_read(path: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of openpyxl's bare read of the roster (read-only, values only,
    every row): the floor under the dry run, which parses the same file."""
    started, cpu = time.perf_counter(), time.process_time()
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
    finally:
        workbook.close()
    return time.perf_counter() - started, time.process_time() - cpu


def _dry_run_and_commit(path: Path, grid: Any, user: Any, create_places: bool) -> dict[str, float]:
    read, read_cpu = _bare_read(path)
    job = make_job(path, "residents", grid, user)
    checked, checked_cpu = _timed(job, commit=False)
    assert job.status == ImportStatus.VALIDATED and job.rejected_count == 0, job.report.get("error")
    job.create_places = create_places
    job.save()
    committed, committed_cpu = _timed(job, commit=True)
    assert job.status == ImportStatus.DONE and job.created_count == ROWS, job.report.get("error")
    return {
        "dry_run_rows_per_second": round(ROWS / checked), "commit_rows_per_second": round(ROWS / committed),
        "dry_run_rows_per_cpu_second": round(ROWS / checked_cpu),
        "commit_rows_per_cpu_second": round(ROWS / committed_cpu),
        "bare_read_rows_per_cpu_second": round(ROWS / read_cpu),
        "dry_run_cpu_to_bare_read": round(checked_cpu / read_cpu, 2),
        "commit_cpu_to_bare_read": round(committed_cpu / read_cpu, 2),
        "bare_read_rows_per_second": round(ROWS / read),
    }


@pytest.mark.parametrize("case", ["with_rooms", "from_the_roster_alone"])
def test_import_a_ten_thousand_row_roster(benchmark: Any, cast: Any, tmp_path: Path, settings: Any, case: str) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    path = _roster(tmp_path)
    if case == "with_rooms":
        _register_places(cast.grid_a)
    speeds = benchmark.pedantic(
        _dry_run_and_commit, args=(path, cast.grid_a, cast.grid_worker_a, case != "with_rooms"), rounds=1, iterations=1
    )
    benchmark.extra_info.update(speeds)
    print(f"\n{case}: {speeds}")
    assert Resident.objects.count() == ROWS
    registered = BUILDINGS * UNITS * FLOORS * ROOMS_PER_FLOOR if case == "with_rooms" else -(-ROWS // len(RELATIONS))
    assert Dwelling.objects.count() == registered
