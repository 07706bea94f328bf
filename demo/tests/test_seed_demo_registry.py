"""``seed_demo`` fills the demo street's registry: plausible people with valid documents, their
homes, units, facilities and vehicles — encrypted at rest, consistent by grid, seeded once; and
the stories told on that registry (巡查走访, 共建共治), which share the one seeding here because
seeding the registry again for each of them cost a minute of CI time."""

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from shapely.geometry import Point, shape

from accounts.models import Duty, OrganisationKind, TeamMember, User
from areas.models import Area
from audit.models import ChangeLogEntry
from demo.fieldwork import DAYS, seed_fieldwork
from demo.participation import seed_participation
from demo.registry_people import AS_OF
from demo.seed import SeedReport
from fieldwork.care import due_visits
from fieldwork.compliance import campaign_progress, grid_figures
from fieldwork.models import (
    Answer,
    DiaryEntry,
    HelperKind,
    Pairing,
    Patrol,
    PhotoStage,
    PlanKind,
    RectificationItem,
    RectificationList,
    Visit,
)
from fieldwork.selectors import list_progress
from participation import ballots, conventions
from participation.models import (
    Ballot,
    Convention,
    ConventionState,
    Proposal,
    ProposalState,
    ThresholdRule,
    VoteChange,
    VoteChannel,
    Wish,
    WishState,
)
from registry.addresses import dwelling_key
from registry.models import (
    Building,
    BuildingKind,
    BuildingUnit,
    CareTag,
    DocumentType,
    Dwelling,
    DwellingUse,
    Establishment,
    EstablishmentKind,
    Facility,
    FacilityState,
    Household,
    HouseholdMember,
    PoliticalStatus,
    ResidencyType,
    Resident,
    ResidentStatus,
    Vehicle,
    VehicleKind,
    VerificationState,
)
from registry.pii import decrypt, document_index, index_value
from registry.validators import (
    validate_credit_code,
    validate_document_number,
    validate_id_matches,
    validate_id_number,
    validate_mobile,
    validate_plate,
)

pytestmark = pytest.mark.django_db

STREET = "410102005000"
DEMO_GRID = "410102005001001"
FACILITY_CLASSES = {"0112": "路灯", "0401": "凉亭", "0402": "健身器材", "0111": "电动自行车充电桩",
                    "0110": "消防设施", "0303": "垃圾分类收集点"}


@pytest.fixture
def seeded(demo_registry: SeedReport) -> None:
    """The demo registry, seeded once for the module (demo/tests/conftest.py)."""


def age(born: datetime.date) -> int:
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


def share(part: int, whole: int) -> float:
    return part / whole * 100


def test_it_registers_thousands_of_residents_with_valid_unique_documents(seeded):
    residents = list(Resident.objects.all())
    assert len(residents) >= 2000
    documents = Counter((resident.document_type, resident.id_number) for resident in residents)
    assert max(documents.values()) == 1
    for resident in residents:
        assert resident.grid_code.startswith("410102005")
        assert resident.id_number_index == document_index(resident.document_type, resident.id_number)
        assert resident.phone_index == index_value("phone", resident.phone)
        if resident.phone:
            validate_mobile(resident.phone)
        if resident.document_type == DocumentType.ID_CARD:
            validate_id_number(resident.id_number)
            validate_id_matches(resident.id_number, resident.birth_date, resident.gender)
        else:
            assert resident.residency_type == ResidencyType.OVERSEAS
            validate_document_number(resident.id_number)
    registered = [r for r in residents if r.residency_type == ResidencyType.REGISTERED]
    assert share(sum(r.id_number.startswith("4101") for r in registered), len(registered)) > 75
    floating = [r for r in residents if r.residency_type == ResidencyType.FLOATING]
    assert share(sum(not r.id_number.startswith("41") for r in floating), len(floating)) > 30
    adults = [r for r in residents if age(r.birth_date) >= 18]
    assert share(sum(bool(r.phone) for r in adults), len(adults)) > 98
    assert not any(r.phone for r in residents if age(r.birth_date) < 18)


def test_it_stores_documents_and_phones_as_ciphertext(seeded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, id_number, phone FROM registry_resident WHERE phone <> '' ORDER BY id LIMIT 200")
        rows = cursor.fetchall()
        cursor.execute("SELECT contact_phone FROM registry_establishment WHERE contact_phone <> ''")
        contacts = [row[0] for row in cursor.fetchall()]
    assert len(rows) == 200 and contacts
    clear = {resident.pk: resident for resident in Resident.objects.filter(pk__in=[row[0] for row in rows])}
    for pk, stored_number, stored_phone in rows:
        assert not re.search(r"\d{11}", stored_number) and not re.search(r"\d{11}", stored_phone)
        assert decrypt(stored_number) == clear[pk].id_number
        assert decrypt(stored_phone) == clear[pk].phone
    for stored in contacts:
        assert not re.search(r"\d{11}", stored)
        validate_mobile(decrypt(stored))


def test_it_describes_a_plausible_population(seeded):
    present = list(Resident.objects.filter(status=ResidentStatus.PRESENT).prefetch_related("care_tags"))
    total = len(present)
    residency = Counter(r.residency_type for r in present)
    assert 62 <= share(residency[ResidencyType.REGISTERED], total) <= 78
    assert 10 <= share(residency[ResidencyType.PERMANENT], total) <= 20
    assert 8 <= share(residency[ResidencyType.FLOATING], total) <= 18
    assert 0 < residency[ResidencyType.OVERSEAS] <= total * 0.01
    assert 6 <= share(sum(r.political_status == PoliticalStatus.PARTY_MEMBER for r in present), total) <= 11
    ethnicities = Counter(r.ethnicity for r in present)
    assert share(ethnicities["汉族"], total) > 95
    assert ethnicities["回族"] and ethnicities["满族"] and ethnicities["蒙古族"]
    ages = Counter(min(age(r.birth_date) // 20, 4) for r in present)
    assert all(share(ages[band], total) > 5 for band in range(5)), ages  # children, young, middle, old, 80+
    assert all(r.workplace for r in present if 6 <= age(r.birth_date) < 18)
    genders = Counter(r.gender for r in present)
    assert 45 <= share(genders["M"], total) <= 55


def test_it_tags_care_needs_in_plausible_proportions(seeded):
    present = list(Resident.objects.filter(status=ResidentStatus.PRESENT).prefetch_related("care_tags"))
    total = len(present)
    tagged = Counter(tag.code for resident in present for tag in resident.care_tags.all())
    assert 1.5 <= share(tagged["disabled"], total) <= 2.5
    assert 1.0 <= share(tagged["subsistence_allowance"], total) <= 2.0
    assert 1.5 <= share(tagged["veteran"], total) <= 2.5
    assert 0 < tagged["left_behind_child"] <= total * 0.01
    for code in ("extreme_poverty", "child_in_difficulty", "special_attention"):
        assert 0 < tagged[code] <= total * 0.005, code
    for resident in present:
        codes = {tag.code for tag in resident.care_tags.all()}
        assert ("very_old" in codes) == (age(resident.birth_date) >= 80), resident
        if codes & {"living_alone_elderly", "empty_nest_elderly"}:
            assert age(resident.birth_date) >= 60
        if "left_behind_child" in codes:
            assert age(resident.birth_date) < 16
    alone = Resident.objects.filter(care_tags__code="living_alone_elderly")
    assert alone.exists()
    for resident in alone.prefetch_related("stays__household__members"):
        (stay,) = [stay for stay in resident.stays.all() if stay.moved_out_on is None]
        assert [m for m in stay.household.members.all() if m.moved_out_on is None] == [stay]
    veterans = Resident.objects.filter(care_tags__code="veteran")
    assert set(veterans.values_list("gender", flat=True)) == {"M"}
    sensitive = CareTag.objects.filter(is_sensitive=True, residents__isnull=False).distinct()
    assert sensitive.count() >= 4


def test_it_houses_every_resident_in_a_dwelling_of_their_grid(seeded):
    stays = HouseholdMember.objects.current().select_related(
        "resident", "household__dwelling__building", "household__dwelling__unit"
    )
    grids = {area.code: area for area in Area.objects.filter(code__startswith=DEMO_GRID[:9])}
    assert stays.count() >= 2000
    for stay in stays:
        household, dwelling = stay.household, stay.household.dwelling
        building = dwelling.building
        codes = {stay.resident.grid_code, household.grid_code, dwelling.grid_code, building.grid_code,
                 grids[building.grid_code].code}
        assert len(codes) == 1, stay
        assert grids[building.grid_code].is_grid
        assert dwelling.unit.building_id == building.pk
        assert 1 <= dwelling.floor <= building.floors
        assert stay.resident.status == ResidentStatus.PRESENT
        assert stay.moved_in_on >= stay.resident.birth_date
        assert stay.resident.address_sort_key == dwelling_key(dwelling)  # listed in address order
    assert HouseholdMember.objects.filter(moved_out_on__isnull=False).exists()  # history: moved away, deceased
    heads = Household.objects.exclude(head=None).select_related("head")
    assert all(household.head.grid_code == household.grid_code for household in heads)


def test_it_builds_the_buildings_and_dwellings_of_each_grid(seeded):
    buildings = list(Building.objects.select_related("grid", "property_company").prefetch_related("units"))
    assert len(buildings) >= 100
    assert {b.floors for b in buildings if b.kind == BuildingKind.RESIDENTIAL} >= {6, 18, 33}
    for building in buildings:
        assert shape(building.grid.boundary).contains(Point(building.lng, building.lat)), building
        assert building.grid.is_grid and building.grid_code == building.grid.code
        assert [unit.number for unit in building.units.all()] == [f"{n}单元" for n in range(1, building.unit_count + 1)]
        if building.property_company:
            assert building.property_company.kind == OrganisationKind.PROPERTY
            assert building.property_company.service_areas.filter(code=building.grid_code[:12]).exists()
    assert sum(b.property_company is not None for b in buildings) > len(buildings) / 2
    per_landing = Counter(Dwelling.objects.values_list("building", "unit", "floor"))
    assert set(per_landing.values()) <= {2, 3, 4}
    dwellings = list(Dwelling.objects.values_list("use", "floor_area", "floor", "building__kind"))
    uses = Counter(use for use, *_ in dwellings)
    assert 65 <= share(uses[DwellingUse.OWNER_OCCUPIED], len(dwellings)) <= 76
    assert 14 <= share(uses[DwellingUse.RENTED], len(dwellings)) <= 22
    assert 5 <= share(uses[DwellingUse.VACANT], len(dwellings)) <= 11
    assert 1 <= share(uses[DwellingUse.BUSINESS], len(dwellings)) <= 5
    assert all(50 <= area <= 140 for _use, area, *_ in dwellings)
    assert all(floor == 1 for use, _area, floor, _kind in dwellings if use == DwellingUse.BUSINESS)
    micro = Building.objects.filter(grid_code__startswith=DEMO_GRID).exclude(grid_code=DEMO_GRID)
    assert micro.count() == 8  # grid 410102005001001: one building per micro-grid


def test_it_leaves_a_few_coverage_gaps_on_purpose(seeded):
    assert Building.objects.filter(kind=BuildingKind.RESIDENTIAL, dwellings__isnull=True).count() == 1
    unhoused = Dwelling.objects.filter(use__in=[DwellingUse.OWNER_OCCUPIED, DwellingUse.RENTED], households=None)
    assert 1 <= unhoused.count() <= 3
    assert Household.objects.filter(members=None).count() == 1
    states = Counter(Resident.objects.values_list("verification_state", flat=True))
    total = sum(states.values())
    assert share(states[VerificationState.VERIFIED], total) > 75
    assert states[VerificationState.PENDING] and states[VerificationState.DOUBTFUL]
    verified = Resident.objects.filter(verification_state=VerificationState.VERIFIED)
    oldest = datetime.date.today() - datetime.timedelta(days=731)
    assert not verified.filter(verified_at=None).exists()
    assert not verified.filter(verified_at__date__lt=oldest).exists()
    assert verified.filter(verified_at__date__lt=datetime.date.today() - datetime.timedelta(days=400)).exists()


def test_it_registers_units_facilities_and_vehicles(seeded):
    units = list(Establishment.objects.all())
    for unit in units:
        validate_credit_code(unit.credit_code)
        assert unit.contact_name and unit.safety_person and unit.contact_phone
        assert unit.contact_phone_index == index_value("phone", unit.contact_phone)
    kinds = Counter(unit.kind for unit in units)
    assert kinds[EstablishmentKind.FOOD] >= 3 and kinds[EstablishmentKind.SHOP] >= 3
    assert kinds[EstablishmentKind.TWO_NEW] and kinds[EstablishmentKind.INSTITUTION]
    names = {unit.name for unit in units}
    assert {"郑州市中原区茜城小学", "郑州市中原区茜城花园幼儿园", "惠万家生活超市（通惠店）"} <= names
    school = Establishment.objects.get(name="郑州市中原区茜城小学")
    assert school.grid.served_unit == "郑州市中原区茜城小学"
    shops = Establishment.objects.filter(kind=EstablishmentKind.SHOP).select_related("building")
    assert all(shop.building and shop.grid_code == shop.building.grid_code for shop in shops)

    facilities = list(Facility.objects.select_related("category", "grid", "responsible"))
    assert {f.category.code for f in facilities} == set(FACILITY_CLASSES)
    for facility in facilities:
        assert re.fullmatch(r"410102\d{10}", facility.code) and facility.code[6:10] == facility.category.code
        assert facility.category.name == FACILITY_CLASSES[facility.category.code]
        assert shape(facility.grid.boundary).contains(Point(facility.lng, facility.lat)), facility
        assert facility.responsible is not None
        facility.full_clean()
    states = Counter(f.state for f in facilities)
    assert share(states[FacilityState.INTACT], len(facilities)) > 80
    assert states[FacilityState.DAMAGED] and states[FacilityState.OCCUPIED]

    vehicles = list(Vehicle.objects.select_related("owner"))
    kinds = Counter(vehicle.kind for vehicle in vehicles)
    assert kinds[VehicleKind.CAR] > 500 and kinds[VehicleKind.EBIKE] > 500
    for vehicle in vehicles:
        assert vehicle.owner.grid_code == vehicle.grid_code and age(vehicle.owner.birth_date) >= 16
        if vehicle.kind == VehicleKind.CAR:
            validate_plate(vehicle.plate)
    plates = [v.plate for v in vehicles if v.kind == VehicleKind.CAR]
    assert sum(plate.startswith("豫A") for plate in plates) > len(plates) * 0.8
    assert any(len(plate) == 8 for plate in plates)  # new energy: 豫AD12345


def test_it_makes_the_building_head_login_head_of_a_building_in_the_demo_grid(seeded):
    user = User.objects.get(username="buildinghead")
    (building,) = user.headed_buildings.all()
    assert building.grid_code.startswith(DEMO_GRID)
    seat = TeamMember.objects.get(area__code=DEMO_GRID, user=user)
    assert seat.duty == Duty.BUILDING_HEAD and str(building) in seat.responsibility
    visible = Resident.objects.visible_to(user)
    living = HouseholdMember.objects.current().filter(household__dwelling__building=building)
    assert visible.count() == living.count() > 10
    assert Dwelling.objects.visible_to(user).count() == building.dwellings.count()


def _state() -> dict[str, object]:
    return {
        **{model.__name__: model.objects.count() for model in (
            Building, BuildingUnit, Dwelling, Household, HouseholdMember, Resident, Establishment, Facility, Vehicle)},
        "tags": Resident.care_tags.through.objects.count(),
        "audit": ChangeLogEntry.objects.count(),
        "last resident change": Resident.objects.aggregate(last=Max("updated_at"))["last"],
    }


def test_it_changes_nothing_when_run_again(seeded):
    before = _state()
    out = StringIO()
    call_command("seed_demo", "--password", "demo-test-pw", "--without-cases", stdout=out)
    assert _state() == before
    assert "already up to date" in out.getvalue()
    figures = re.search(r"buildings (\d+), dwellings (\d+), households (\d+), residents (\d+)", out.getvalue())
    assert figures and int(figures[4]) == before["Resident"]


# -- the stories told on the registry: 巡查走访 (demo.fieldwork) and 共建共治 (demo.participation) --

def test_it_tells_three_months_of_fieldwork_once(seeded):
    """The demo's 巡查走访: three months of double patrols with gaps, two campaigns part done, care
    visits at about each tag's interval (some overdue, some doors not opened), a diary, findings
    linked to cases both ways; written once."""
    grid = Area.objects.get(code="410102005001001")
    users = {name: User.objects.get(username=name) for name in ("gridworker", "gridleader")}
    created = seed_fieldwork({"a": grid}, users)
    today = timezone.localdate()

    # 一日双巡 with realistic gaps: most windows kept, not all.
    figures = grid_figures([grid], today - datetime.timedelta(days=DAYS), today - datetime.timedelta(days=1),
                           timezone.now())[0]
    assert figures.planned == 2 * DAYS
    assert 70 <= figures.rate <= 95, figures.rate
    daily = Patrol.objects.filter(grid=grid, plan__kind=PlanKind.DAILY)
    assert daily.count() == figures.done and not daily.filter(finished_at__isnull=True).exists()

    # Findings became cases, linked both ways.
    linked = Answer.objects.filter(checkin__patrol__grid=grid, case__isnull=False).select_related("case")
    assert linked.count() == created.get("findings reported", 0) + created.get("findings resolved on the spot", 0) > 0
    for answer in linked:
        assert answer.case.grid_id == grid.pk and answer.is_problem

    # Two campaigns, each about two-thirds done.
    progress = {row.plan.name: row for row in campaign_progress(users["gridleader"], grid.code, today)}
    assert set(progress) == {"冬季消防安全专项巡查", "食品安全专项巡查"}
    for row in progress.values():
        assert 0 < row.checked < row.targets

    # Care visits: everyone visited, a few overdue, some doors not opened with a retry date.
    visits = Visit.objects.filter(grid__code__startswith=grid.code)
    assert visits.filter(met=False).exists() and not visits.filter(met=False, retry_on__isnull=True).exists()
    due = due_visits(users["gridworker"], today=today, until=today, grid=grid)
    assert any(row.overdue for row in due)
    assert all(row.last_visit is not None for row in due)

    assert DiaryEntry.objects.filter(author=users["gridworker"]).count() == created["diary entries"] > 10

    # 整改清单: the fire campaign's problems sent to the estate's 物业, some fixed, some overdue.
    sent = RectificationList.objects.get(plan__name="冬季消防安全专项巡查")
    assert sent.is_sent and sent.organisation.name == "郑州茜城物业服务有限公司" and sent.deadline < today
    items = RectificationItem.objects.filter(rectification=sent)
    done, still_open = items.filter(done_at__isnull=False), items.filter(done_at__isnull=True)
    assert done.exists() and still_open.exists()
    for item in done:
        stages = set(item.photos.values_list("stage", flat=True))
        assert stages == {PhotoStage.BEFORE, PhotoStage.AFTER} and item.done_by.username == "propertyhandler"
    progress = list_progress(RectificationList.objects.filter(pk=sent.pk), today)[sent.pk]
    assert progress.overdue == still_open.count() > 0
    handler = User.objects.get(username="propertyhandler")
    assert RectificationList.objects.visible_to(handler).filter(pk=sent.pk).exists()

    # 结对帮扶: care-tagged residents paired with the worker, a 党员 and a 志愿者.
    pairings = Pairing.objects.filter(grid__code__startswith=grid.code)
    assert pairings.count() == created["pairings"] >= 3
    assert set(pairings.values_list("helper_kind", flat=True)) == {
        HelperKind.WORKER, HelperKind.PARTY_MEMBER, HelperKind.VOLUNTEER}
    assert pairings.filter(helper=users["gridworker"]).exists()
    assert seed_fieldwork({"a": grid}, users) == {}
    assert Patrol.objects.filter(grid=grid).count() == created["patrols"]


def test_it_tells_wishes_and_ballots_once(seeded):
    """The demo's 共建共治: wishes in every state, a ballot that reaches its share, an owners' vote
    that passes on heads and fails on area; written once."""
    areas = {"a": Area.objects.get(code="410102005001001"), "C1": Area.objects.get(code="410102005001")}
    users = {name: User.objects.get(username=name) for name in ("gridworker", "communitystaff")}
    created = seed_participation(areas, users)
    assert created["微心愿"] == 20
    assert set(Wish.objects.values_list("state", flat=True)) == set(WishState.values)
    for wish in Wish.objects.filter(state=WishState.PUBLISHED):
        assert wish.resident.name not in wish.public_label
    charging = Ballot.objects.get(rule=ThresholdRule.SHARE)
    assert ballots.ballot_result(charging).passed and charging.publish_result
    assert charging.buildings.count() == 2
    by_link = charging.votes.filter(channel=VoteChannel.LINK)
    assert by_link.count() == 3 and VoteChange.objects.filter(vote__in=by_link).count() == 4
    funds = Ballot.objects.get(rule=ThresholdRule.CIVIL_CODE_SPECIAL)
    figures = {figure.name: figure for figure in ballots.ballot_result(funds).figures}
    assert figures["approval_owners"].met and not figures["approval_area"].met
    proposal = Proposal.objects.get(title="安装电动自行车集中充电桩")
    assert proposal.state == ProposalState.CLOSED and proposal.source_meeting.attendees.exists()
    assert [e.verb for e in proposal.events.all()] == ["record", "submit", "pass", "pass", "pass", "implement",
                                                       "close"]
    assert proposal.meetings.count() == 5 and all(meeting.minutes for meeting in proposal.meetings.all())
    assert created["居民评议"] == proposal.evaluations.count() > 0
    assert proposal.evaluations.filter(by_code=True).exists()
    convention = Convention.objects.get(title__endswith="楼道公约")
    assert convention.state == ConventionState.ADOPTED and convention.published_at
    assert [version.number for version in convention.versions.all()] == [1, 2]
    assert convention.comments.count() == 3 and convention.ballot and ballots.ballot_result(convention.ballot).passed
    figures = conventions.signature_figures(convention)
    assert figures and all(row.signed * 2 > row.total for row in figures)  # most households signed
    assert convention.breaches.get().case.category.code == "stairwell-clutter"
    assert seed_participation(areas, users) == {}
    assert Wish.objects.count() == 20 and Proposal.objects.count() == 1
