"""One world for the generated tests (the fuzz test and the scope matrix): the test cast, the case
cast, and the same set of records at three sites.

* site ``in``: grid A (street 1, 中原区), where every role of the matrix works;
* site ``street2``: grid C (street 2, same district), outside every street-level role;
* site ``district2``: a grid of 二七区, outside every role but the superuser.

Each site has a building with a dwelling, a household and a resident, a case being handled by a
unit of the site (with a photo), a dispute case with a party, a notification for the site's
dispatcher, an import job and a ledger export of that dispatcher. Grid A also has cases in the
other states of the workflow.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from accounts.models import Organisation, OrganisationKind, OrganisationMember, User
from accounts.testing import PASSWORD, Cast, build_cast, make_area, make_user
from areas.models import Area, Level
from cases import transitions as t
from cases.ledger_exports import ledger_export_start
from cases.ledgers import LEDGERS
from cases.models import Case, Channel, DisputeParty, LedgerExport, Notification, PartyRole, Status
from cases.testing import CaseCast, advance, build_case_cast, report, tiny_photo
from participation.models import Ballot, Wish, WishState
from registry.models import Building, CareTag, Dwelling, Household, HouseholdMember, ImportJob, Relation, Resident
from registry.models.import_job import ImportKind

SITES = ("in", "street2", "district2")


@dataclass
class Site:
    grid: Area
    dispatcher: User
    unit: Organisation
    handler: User
    building: Building
    dwelling: Dwelling
    household: Household
    member: HouseholdMember
    resident: Resident
    case: Case
    dispute_case: Case
    party: DisputeParty
    notification: Notification
    import_job: ImportJob
    ledger_export: LedgerExport
    wish: Wish  # 微心愿 (published) and a household ballot over the site's building
    ballot: Ballot

    def photo_token(self) -> uuid.UUID:
        return self.case.attachments.get().token


@dataclass
class World:
    cast: Cast
    cc: CaseCast
    building_head: User
    sites: dict[str, Site] = field(default_factory=dict)
    # Cases of grid A in the states whose action forms the handling case does not show.
    cases_by_status: dict[str, Case] = field(default_factory=dict)

    def users(self) -> dict[str, User | None]:
        """The matrix's cast: one user per documented role (all in street 1), plus the edges."""
        cast, cc = self.cast, self.cc
        return {
            "anonymous": None, "outsider": cast.outsider, "superuser": cast.superuser,
            "grid_worker": cast.grid_worker_a, "building_head": self.building_head, "grid_leader": cc.grid_leader,
            "supervisor": cc.supervisor, "community_staff": cc.community_staff, "street_dispatcher": cc.dispatcher,
            "street_leader": cast.street_leader, "department_handler": cc.enforcement_handler,
            "property_handler": cc.property_handler, "area_admin": cast.district_admin,
        }


def _site_people(cc: CaseCast, grid: Area, street: Area, suffix: str) -> tuple[User, Organisation, User]:
    if suffix == "in":
        return cc.dispatcher, cc.property_company, cc.property_handler
    dispatcher = make_user(f"dispatcher_{suffix}", "street_dispatcher", street)
    unit = Organisation.objects.create(name=f"物业{suffix}", kind=OrganisationKind.PROPERTY, home_area=street)
    assert grid.parent is not None
    unit.service_areas.add(grid.parent)
    handler = make_user(f"handler_{suffix}", "property_handler", street)
    OrganisationMember.objects.create(organisation=unit, user=handler)
    return dispatcher, unit, handler


def _handled_case(cc: CaseCast, grid: Area, dispatcher: User, unit: Organisation, handler: User) -> Case:
    reporter = User.objects.create_superuser(f"reporter_{grid.code}", f"r{grid.code}@example.com", PASSWORD)
    case = t.case_report(actor=reporter, category=cc.category("t-clutter"), description="楼道堆放杂物。",
                         channel=Channel.GRID_WORKER, grid=grid, address="1号楼", photos=[tiny_photo()])
    case = t.case_accept(case=case, actor=dispatcher)
    assists = [cc.enforcement] if unit == cc.property_company else []
    case = t.case_dispatch(case=case, actor=dispatcher, lead=unit, assists=assists)
    return t.case_sign(case=case, actor=handler)


def _site(cc: CaseCast, name: str, grid: Area, street: Area) -> Site:
    dispatcher, unit, handler = _site_people(cc, grid, street, name)
    building = Building.objects.create(grid=grid, name=f"{name}1号楼", address=f"{grid.name}1号", floors=6)
    dwelling = Dwelling.objects.create(grid=grid, building=building, floor=1, room="101")
    household = Household.objects.create(grid=grid, dwelling=dwelling)
    resident = Resident.objects.create(grid=grid, name=f"居民{name}", gender="F")
    member = HouseholdMember.objects.create(household=household, resident=resident, relation=Relation.HEAD)
    case = _handled_case(cc, grid, dispatcher, unit, handler)
    reporter = User.objects.get(username=f"reporter_{grid.code}")
    dispute_case = t.case_report(actor=reporter, category=cc.category("t-dispute"),
                                 description="邻里噪音纠纷。", channel=Channel.GRID_WORKER, grid=grid, address="1号楼")
    party = DisputeParty.objects.create(dispute=dispute_case.dispute, name="张某", role=PartyRole.APPLICANT)
    notification = Notification.objects.create(user=dispatcher, case=case, verb="dispatch", title="新派单")
    job = ImportJob.objects.create(kind=ImportKind.RESIDENTS, area=grid, created_by=dispatcher,
                                   file=ContentFile(b"x", name="residents.xlsx"), original_filename="residents.xlsx")
    export = ledger_export_start(ledger=LEDGERS["cases"], query="", user=dispatcher, total=1)
    tag, _created = CareTag.objects.get_or_create(code="living_alone_elderly", defaults={"name": "独居老人"})
    wish = Wish.objects.create(area=grid, resident=resident, care_tag=tag, title="收音机", estimated_value=80,
                               consent_to_publish=True, public_label="王奶奶", state=WishState.PUBLISHED)
    ballot = Ballot.objects.create(area=grid, question="安装充电桩")
    ballot.buildings.add(building)
    return Site(grid, dispatcher, unit, handler, building, dwelling, household, member, resident, case,
                dispute_case, party, notification, job, export, wish, ballot)


def build_world() -> World:
    cast = build_cast()
    cc = build_case_cast(cast)
    head = make_user("building_head_a", "building_head", cast.grid_a)
    community_x = make_area("410103001001", "淮河社区", Level.COMMUNITY, cast.other_street,
                            (113.50, 34.60, 113.55, 34.65))
    grid_x = make_area("410103001001001", "淮河社区第一网格", Level.GRID, community_x, (113.50, 34.60, 113.55, 34.65))
    world = World(cast=cast, cc=cc, building_head=head)
    for name, grid, street in (("in", cast.grid_a, cast.street1), ("street2", cast.grid_c, cast.street2),
                               ("district2", grid_x, cast.other_street)):
        world.sites[name] = _site(cc, name, grid, street)
    world.sites["in"].building.heads.add(head)
    for status in (Status.REPORTED, Status.PENDING_DISPATCH, Status.PENDING_VERIFY, Status.CLOSED):
        world.cases_by_status[status] = advance(report(cc), status, cc)
    return world


def user_label(user: Any) -> str:
    return "anonymous" if user is None else user.username
