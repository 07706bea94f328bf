"""The commit reads the rows its dry run cached (registry.imports.rowcache) instead of parsing the
roster again, falls back to the file when the cache does not describe it, and never keeps the
cache (ID numbers in clear) longer than the upload."""

import datetime
import os
from pathlib import Path

import pytest
from django.db import connection

from audit.models import ChangeLogEntry
from core.bulk import _preparer, _related_preparer, insert_rows, instance_maker
from registry.imports import importer, planners
from registry.imports.importer import run_job
from registry.imports.rowcache import SUFFIX, _decoded, _encoded
from registry.models import Building, Dwelling, Household, HouseholdMember, ImportStatus, Resident
from registry.pii import document_index, index_value
from registry.tests.fixtures import RESIDENT_HEADER, make_job, valid_id, xlsx_file
from registry.validators import id_birth_date

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


def test_insert_rows_prepares_every_value_as_django_does(cast):
    """The values ``insert_rows`` writes are those of each field's own ``pre_save``/``get_db_prep_save``
    (its shortcuts for Django's plain fields change nothing), for the models an import inserts."""
    resident = Resident.objects.create(grid=cast.grid_a, name="王芳", id_number=valid_id(51), gender="F",
                                       birth_date=datetime.date(1980, 5, 6), phone="13800002222")
    household = Household(grid=cast.grid_a, grid_code=cast.grid_a.code, dwelling=None, head=resident, notes="")
    stay = HouseholdMember(household=household, resident=resident, relation="head",
                           moved_in_on=datetime.date(2026, 1, 2), moved_out_on=None)
    entry = ChangeLogEntry(user=None, user_name="", action="create", object_id="7", object_repr="王芳",
                           area_code=cast.grid_a.code, before=None, after={"name": "王芳", "n": 3})
    household.dwelling_id, household.pk, stay.household_id = 5, None, 9  # unsaved, as the import's are
    for instance in (resident, household, stay, entry):
        fields = [field for field in type(instance)._meta.concrete_fields if not field.primary_key
                  and not getattr(field, "personal_data", False)]  # encrypted: a random IV each time
        fast = _preparer(fields, connection)(instance)
        expected = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
        for field, got, want in zip(fields, fast, expected, strict=True):
            if field.attname in ("created_at", "updated_at", "time"):  # now(): a little later the second time
                assert type(got) is type(want) and got <= want, field.attname
            else:
                assert (type(got), repr(got)) == (type(want), repr(want)), field.attname


def _state_of(instance):
    return {k: v for k, v in instance.__dict__.items() if k != "_state"}, dict(instance._state.fields_cache)


def test_insert_rows_keys_relations_as_save_does(cast, django_assert_num_queries):
    """Before inserting, a related object saved after it was assigned gives its key, a cached object
    whose key was changed since is forgotten, an unsaved one is refused: what ``save()`` does
    (``_prepare_related_fields_for_save``), compared on the same instances."""
    resident = Resident.objects.create(grid=cast.grid_a, name="王芳", id_number=valid_id(61), gender="F")
    other = Resident.objects.create(grid=cast.grid_a, name="李四", id_number=valid_id(62), gender="M")
    third = Resident.objects.create(grid=cast.grid_a, name="赵五", id_number=valid_id(63), gender="M")
    building = Building.objects.create(grid=cast.grid_a, estate="百花小区", name="1号楼", address="百花路1号")
    dwelling = Dwelling.objects.create(grid=cast.grid_a, building=building, floor=1, room="101")

    def stays():
        saved_later = Household(grid=cast.grid_a, dwelling=dwelling)
        assigned = HouseholdMember(household=saved_later, resident=resident, relation="head")
        saved_later.save()  # after the assignment: the member has no household_id yet
        stand_in = Resident.objects.get(pk=other.pk)
        changed = HouseholdMember(household=saved_later, resident=stand_in, relation="child")
        stand_in.pk = third.pk  # the cached resident's key no longer matches the member's
        plain = HouseholdMember(household_id=saved_later.pk, resident_id=third.pk, relation="spouse")
        return [assigned, changed, plain]

    ours, django = stays(), stays()
    prepare = _related_preparer(HouseholdMember)
    for fast, slow in zip(ours, django, strict=True):
        prepare(fast)
        slow._prepare_related_fields_for_save(operation_name="insert_rows")
        assert fast._state.fields_cache.keys() == slow._state.fields_cache.keys()  # read before any lazy load
        assert _state_of(fast)[0] | {"household_id": None} == _state_of(slow)[0] | {"household_id": None}
        assert (fast.household_id, slow.household_id) == (fast.household.pk, slow.household.pk)
        assert fast.household_id is not None
    assert "resident" not in ours[1]._state.fields_cache and ours[1].resident == other
    with django_assert_num_queries(0):  # the household assigned before it was saved is still the one in memory
        assert ours[0].household.dwelling == dwelling

    saved = insert_rows(ours)
    assert [HouseholdMember.objects.get(pk=stay.pk).resident_id for stay in saved] == [resident.pk, other.pk, third.pk]

    unsaved = HouseholdMember(household=Household(grid=cast.grid_a, dwelling=dwelling), resident=resident,
                              relation="head")
    before = HouseholdMember.objects.count()
    with pytest.raises(ValueError, match="unsaved related object 'household'"):
        insert_rows([unsaved])
    assert HouseholdMember.objects.count() == before


def test_the_commit_takes_the_checked_documents_and_values_from_the_dry_run(cast, tmp_path, monkeypatch):
    job = checked(cast, tmp_path)

    def not_again(*args, **kwargs):
        raise AssertionError("the commit checked the cells again")

    monkeypatch.setattr(planners, "validate_document", not_again)
    monkeypatch.setattr(planners, "normalise_name", not_again)
    run_job(job, commit=True)

    assert job.status == ImportStatus.DONE and job.created_count == 2, job.report
    stored = Resident.objects.get(name="张秀兰")
    number = valid_id(31, female=True)
    assert stored.id_number == number and stored.id_number_index == document_index("id_card", number)
    assert stored.gender == "F" and stored.birth_date == id_birth_date(number)
    assert stored.phone == "13800001111" and stored.phone_index == index_value("phone", "13800001111")
    assert Resident.objects.get(name="李建国").political_status == "party_member"


def test_the_commit_checks_the_registry_as_it_is_then(cast, tmp_path):
    """Residents registered between the dry run and the commit: the commit merges into the one
    with the same name, and refuses the row whose number now belongs to someone else's name."""
    job = checked(cast, tmp_path)
    assert job.report["counts"]["created"] == 2
    Resident.objects.create(grid=cast.grid_a, name="张秀兰", id_number=valid_id(31, female=True), gender="F")
    Resident.objects.create(grid=cast.grid_a, name="李四", id_number=valid_id(32), gender="M")

    run_job(job, commit=True)

    assert job.status == ImportStatus.DONE, job.report
    assert (job.created_count, job.merged_count, job.rejected_count) == (0, 1, 1)
    assert "第4行「姓名」：与系统中同一证件号码的居民姓名（李*）不一致，请核对。" in [
        row["reason"] for row in job.report["rejected"]]
    merged = Resident.objects.get(name="张秀兰")
    assert merged.phone == "13800001111"
    assert Resident.objects.count() == 2


def test_a_cache_written_under_another_index_key_is_not_used(cast, tmp_path, monkeypatch, settings):
    job = checked(cast, tmp_path)
    settings.PII_INDEX_KEY = "another-blind-index-key-of-at-least-32-characters"
    opened = []
    real = importer.open_roster
    monkeypatch.setattr(importer, "open_roster", lambda *a, **k: opened.append(a) or real(*a, **k))
    run_job(job, commit=True)

    assert opened, "the commit should have read the file"
    number = valid_id(32)
    assert Resident.objects.get(name="李建国").id_number_index == document_index("id_card", number)


def test_instance_maker_makes_what_the_model_makes(cast):
    """``instance_maker(model)(**values)`` is ``model(**values)``: the same values, defaults and cached relations."""
    resident = Resident(grid=cast.grid_a, name="王芳", gender="F")
    household = Household(grid=cast.grid_a, dwelling_id=5)
    made = [
        (Resident, {"grid": cast.grid_a, "id_number_index": "a" * 64, "name": "王芳", "gender": "F",
                    "birth_date": datetime.date(1980, 5, 6), "phone": "13800002222", "residency_type": "floating"}),
        (Household, {"grid": cast.grid_a, "dwelling_id": 5}),
        (HouseholdMember, {"household": household, "resident": resident, "relation": "head",
                           "moved_in_on": datetime.date(2026, 1, 2)}),
        (HouseholdMember, {"household_id": 3, "resident_id": 4, "relation": "child"}),  # moved_in_on: its default
    ]
    for model, values in made:
        expected, got = model(**values), instance_maker(model)(**values)
        state = ("_state",)
        assert ({k: v for k, v in got.__dict__.items() if k not in state}
                == {k: v for k, v in expected.__dict__.items() if k not in state}), model
        assert got._state.fields_cache == expected._state.fields_cache and got._state.adding
    with pytest.raises(TypeError):
        instance_maker(Resident)(nickname="芳")
