"""``manage.py generate_city`` (``demo.city``): a synthetic city in the demo's proportions, the
same with the same seed, whose cases open for the people of their areas and no one else."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F

from accounts.models import User
from areas.models import Area, Level
from cases.models import Case, CaseAssignment, CaseEvent, Status
from demo.bulk import without_secondary_indexes
from demo.city import BULK_MODELS, CITY_DISTRICT_CODE, CitySize, generate_city
from registry.addresses import refresh_address_keys
from registry.models import Household, HouseholdMember, Resident
from registry.pii import document_index, index_value

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 3, 18)
SIZE = CitySize(streets=2, communities=2, grids=2, residents=1_200, cases=800, years=1, seed=7, as_of=AS_OF)
PASSWORD = "city-test-password"


@pytest.fixture
def city():
    return generate_city(SIZE, password=PASSWORD)


def shares(values: list[str]) -> dict[str, float]:
    counts = Counter(values)
    return {key: count / len(values) for key, count in counts.items()}


def test_it_writes_the_areas_and_the_asked_numbers_of_residents_and_cases(city):
    levels = Counter(Area.objects.filter(code__startswith=CITY_DISTRICT_CODE[:6]).values_list("level", flat=True))
    assert levels == {Level.DISTRICT: 1, Level.STREET: 2, Level.COMMUNITY: 4, Level.GRID: 8}
    assert Resident.objects.count() == 1_200
    assert Case.objects.count() == 800
    assert city.rows["residents"] == 1_200 and city.rows["cases"] == 800
    # Every resident lives in one household, whose head is one of its members.
    assert HouseholdMember.objects.count() == 1_200
    assert not Household.objects.exclude(members__resident=F("head")).exists()


def test_its_cases_follow_the_demo_mix_of_states(city):
    statuses = shares(list(Case.objects.values_list("status", flat=True)))
    assert 0.7 < statuses[Status.CLOSED] < 0.95
    for status in (Status.REJECTED, Status.CANCELLED, Status.MERGED):
        assert 0.01 < statuses[status] < 0.08
    assert set(statuses) <= set(Status.values)
    # Closed cases were rated mostly satisfied.
    ratings = shares([r for r in Case.objects.filter(status=Status.CLOSED).values_list("rating", flat=True) if r])
    assert ratings["satisfied"] > 0.6


def test_its_timelines_agree_with_the_deadlines(city):
    for case in Case.objects.filter(status=Status.CLOSED)[:200]:
        assert case.reported_at <= case.accepted_at <= case.handled_at <= case.verified_at <= case.closed_at
        assert case.accept_overdue == (case.accepted_at > case.accept_due_at)
        assert case.handle_overdue == (case.handled_at > case.handle_due_at)
        assert case.ever_overdue == any((case.accept_overdue, case.dispatch_overdue, case.handle_overdue,
                                         case.verify_overdue, case.close_overdue))
        assert case.stage == "" and case.stage_due_at is None
    running = Case.objects.filter(status=Status.HANDLING)
    assert running.exists()
    assert not running.filter(stage_due_at__isnull=True).exists()
    assert not running.exclude(stage="handle").exists()
    # Each case's timeline starts with its report and ends in its status.
    first = CaseEvent.objects.filter(verb="report").count()
    assert first == 800
    merged = Case.objects.filter(status=Status.MERGED)
    assert not merged.filter(duplicate_of__isnull=True).exists()
    dispatched = Case.objects.filter(status=Status.DISPATCHED)
    assert CaseAssignment.objects.filter(case__in=dispatched, state="dispatched").count() == dispatched.count()


def test_its_residents_have_population_types_care_tags_and_searchable_numbers(city):
    types = shares(list(Resident.objects.values_list("residency_type", flat=True)))
    assert 0.5 < types["registered"] < 0.8
    assert 0.1 < types["floating"] < 0.4
    tagged = Resident.objects.filter(care_tags__code="very_old").distinct()
    assert tagged.exists()
    assert all(r.birth_date <= AS_OF - datetime.timedelta(days=80 * 365) for r in tagged[:50])
    tagged_share = Resident.objects.filter(care_tags__isnull=False).distinct().count() / 1_200
    assert 0.03 < tagged_share < 0.3
    # Stored encrypted, indexed exactly as a save would: found by the blind index.
    resident = Resident.objects.exclude(phone="").first()
    assert Resident.objects.filter(id_number_index=document_index("id_card", resident.id_number)).get() == resident
    assert Resident.objects.filter(phone_index=index_value("phone", resident.phone)).exists()
    assert len(resident.id_number) == 18
    # The address order's key, as the registry keeps it (registry.addresses).
    stored = dict(Resident.objects.values_list("pk", "address_sort_key")[:300])
    refresh_address_keys(list(stored))
    assert dict(Resident.objects.filter(pk__in=stored).values_list("pk", "address_sort_key")) == stored


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


def test_a_generated_street_dispatcher_works_on_their_street_only(city, client):
    dispatcher = User.objects.get(username="city-s001-dispatcher")
    mine = Case.objects.filter(street_code="410199001000", status=Status.CLOSED).first()
    other = Case.objects.filter(street_code="410199002000").first()
    client.force_login(dispatcher)
    assert client.get(f"/cases/{mine.number}/").status_code == 200
    assert client.get(f"/cases/{other.number}/").status_code == 404
    page = client.get("/cases/?queue=all")
    assert page.status_code == 200
    numbers = set(Case.objects.filter(street_code="410199001000").values_list("number", flat=True))
    shown = {number for number in numbers if number in page.content.decode()}
    assert shown
    assert not any(number in page.content.decode()
                   for number in Case.objects.filter(street_code="410199002000").values_list("number", flat=True))


def test_a_generated_grid_worker_sees_their_grid_in_the_workbench(city, client):
    grid = "410199001001001"
    worker = User.objects.get(username=f"city-{grid}-worker")
    client.force_login(worker)
    page = client.get("/cases/?queue=all")
    assert page.status_code == 200
    text = page.content.decode()
    assert any(number in text for number in Case.objects.filter(grid_code=grid).values_list("number", flat=True))
    case = Case.objects.filter(grid_code=grid).first()
    assert client.get(f"/cases/{case.number}/").status_code == 200
    assert client.get(f"/cases/{Case.objects.exclude(grid_code=grid).first().number}/").status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL-only")
def test_its_history_is_copied_into_the_partitioned_timeline_and_filed_by_month(city):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_caseevent_default")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM cases_caseevent_p2026_02")
        assert cursor.fetchone()[0] > 0
    assert CaseEvent.objects.count() > 800
    assert city.rows["monthly partitions"] > 0


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
