"""``manage.py generate_city`` (``demo.city``): a synthetic city in the demo's proportions, the
same with the same seed, written with its secondary indexes dropped and rebuilt; what one
generated city holds is tested in test_generated_city.py, which generates it once."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from areas.models import Area
from cases.models import Case
from demo.bulk import without_secondary_indexes
from demo.city import BULK_MODELS, CITY_DISTRICT_CODE, CitySize, generate_city
from registry.models import Resident

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 3, 18)
SIZE = CitySize(streets=2, communities=2, grids=2, residents=1_200, cases=800, years=1, seed=7, as_of=AS_OF)
PASSWORD = "city-test-password"


def plaintext() -> list[tuple]:
    residents = list(Resident.objects.order_by("pk").values_list("name", "birth_date", "residency_type", "grid_code"))
    numbers = [(r.id_number, r.phone) for r in Resident.objects.order_by("pk")]
    cases = list(Case.objects.order_by("pk").values_list(
        "number", "tracking_code", "status", "category__code", "reported_at", "closed_at", "rating"))
    return [*residents, *numbers, *cases]


def test_it_draws_the_same_city_from_the_same_seed():
    with transaction.atomic():
        generate_city(SIZE, password=PASSWORD)
        first = plaintext()
        transaction.set_rollback(True)
    generate_city(SIZE, password=PASSWORD)
    assert plaintext() == first


def test_the_command_reports_its_rows_and_refuses_a_second_city():
    out = StringIO()
    call_command("generate_city", "--streets", "1", "--communities", "1", "--grids", "2", "--residents", "50",
                 "--cases", "20", "--as-of", "2026-03-18", stdout=out)
    assert "cases: 20" in out.getvalue() and "residents: 50" in out.getvalue()
    with pytest.raises(CommandError, match="already there"):
        call_command("generate_city", "--streets", "1", stdout=StringIO())


@pytest.mark.parametrize("arguments", [["--streets", "0"], ["--cases", "-1"], ["--as-of", "18.3.2026"]])
def test_the_command_names_the_bad_option(arguments):
    with pytest.raises(CommandError, match=arguments[0]):
        call_command("generate_city", *arguments, stdout=StringIO())
    assert not Area.objects.filter(code=CITY_DISTRICT_CODE).exists()


def _index_definitions() -> list[str]:
    tables = [model._meta.db_table for model in BULK_MODELS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY indexdef", [tables])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres_only
def test_the_indexes_dropped_for_the_copy_are_all_there_again_after():
    before = _index_definitions()
    generate_city(SIZE, password=PASSWORD)
    assert _index_definitions() == before
    assert any("case_street_reported" in definition for definition in before)
    assert Case.objects.filter(street_code=f"{CITY_DISTRICT_CODE[:6]}001000").count() > 0
    with connection.cursor() as cursor:
        # A partitioned table's index is valid only when every partition has its own.
        cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")
        assert cursor.fetchall() == []
        cursor.execute(
            """SELECT count(*) FROM pg_inherits i JOIN pg_class part ON part.oid = i.inhrelid
               WHERE i.inhparent = 'cases_caseevent'::regclass AND NOT EXISTS (
                 SELECT 1 FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
                 WHERE x.indrelid = part.oid AND a.attname = 'case_id')""")
        assert cursor.fetchone()[0] == 0  # every month of the timeline is indexed by case


@pytest.mark.postgres_only
def test_a_failed_copy_leaves_the_indexes_as_they_were():
    before = _index_definitions()
    with pytest.raises(RuntimeError), transaction.atomic(), without_secondary_indexes(*BULK_MODELS) as dropped:
        assert dropped > 0
        assert len(_index_definitions()) == len(before) - dropped
        raise RuntimeError("cut short")
    assert _index_definitions() == before
