"""Demo 共建共治 for the demo grid: twenty micro-wishes in every state, a door-to-door ballot that
reaches its threshold (a few households voting by link/QR with an SMS code; its result public
once closed), an owners' vote that passes on heads but fails on floor area, and the
charging-pile proposal through the five steps (``demo.deliberation``).

Told through the app's own operations (``participation.wishes``, ``participation.ballots``) by the
demo logins: the grid worker records and collects, the community staff reviews and opens ballots.
Written once: when the demo grid already has wishes, nothing is done (idempotent).
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count
from django.utils import timezone
from PIL import Image

from accounts.models import User
from areas.models import Area
from cases.workflow import Photo
from demo import data
from demo.conventions import seed_conventions
from demo.deliberation import seed_deliberation
from demo.people import mobile_number
from participation import ballots, votelinks, wishes
from participation.models import Ballot, ClaimantKind, ThresholdRule, UnitKind, Vote, VoteLink, Wish
from registry.models import Building, Dwelling, Resident

WISHES = (
    ("一台收音机", "80"), ("一副老花镜", "60"), ("冬天的棉拖鞋", "50"), ("一套课外书", "120"), ("新书包", "90"),
    ("助行器", "200"), ("理发上门一次", "30"), ("一床电热毯", "150"), ("台灯", "70"), ("保温杯", "40"),
    ("学习用的台式计算器", "60"), ("一盆绿萝", "25"), ("血压计", "180"), ("羽绒背心", "160"), ("足球", "100"),
    ("一次家庭合影", "0"), ("更换厨房灯泡", "20"), ("毛线和织针", "45"), ("象棋一副", "35"), ("一本新华字典", "30"),
)
# How far each wish goes: 0 collected … 6 confirmed, with one declined.
STAGES = (6, 6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, -1, -1, 0, 0, 0)
CLAIMANTS = ((ClaimantKind.PARTY_MEMBER, "党员 李建国"), (ClaimantKind.VOLUNTEER_TEAM, "茜城花园青年志愿服务队"),
             (ClaimantKind.PARTNER_UNIT, "中原区供电公司党支部"), (ClaimantKind.PUBLIC, "热心居民 周女士"))


def _photo() -> Photo:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 60)).save(buffer, "JPEG")
    return Photo(buffer.getvalue(), 64, 48)


def _label(resident: Resident, today: datetime.date) -> str:
    """What a beneficiary agrees to show: surname, how one calls them, age — never the full name."""
    age = (today - resident.birth_date).days // 365 if resident.birth_date else None
    child = age is not None and age < 18
    call = "小朋友" if child else "奶奶" if resident.gender == "F" else "爷爷"
    return f"{resident.name[0]}{call}，{age}岁" if age is not None else f"{resident.name[0]}{call}"


def seed_participation(areas: dict[str, Area], users: dict[str, User]) -> dict[str, int]:
    """Write the demo wishes and ballots once; returns rows created per kind."""
    grid, community = areas[data.DEMO_GRID], areas["C1"]
    created: dict[str, int] = {}
    if not Wish.objects.filter(area_code__startswith=grid.code).exists():
        worker, reviewer = users["gridworker"], users["communitystaff"]
        created["微心愿"] = _seed_wishes(grid, worker, reviewer)
        created["表决"] = _seed_ballots(grid, community, worker, reviewer)
    created.update(seed_deliberation(areas, users))  # the charging-pile proposal's five steps, once
    created.update(seed_conventions(areas, users))  # the 楼道公约 adopted, signed and watched, once
    return created


def _seed_wishes(grid: Area, worker: User, reviewer: User) -> int:
    today = timezone.localdate()
    residents = list(Resident.objects.filter(grid_code__startswith=grid.code, care_tags__isnull=False)
                     .prefetch_related("care_tags").distinct().order_by("pk")[: len(WISHES)])
    start = timezone.now() - datetime.timedelta(days=60)
    for index, (resident, (title, value), stage) in enumerate(zip(residents, WISHES, STAGES, strict=False)):
        at = start + datetime.timedelta(days=index * 2)
        wish = wishes.wish_record(
            actor=worker, area=resident.grid, resident=resident, care_tag=resident.care_tags.all()[0], title=title,
            estimated_value=Decimal(value), consent_to_publish=index % 7 != 3, public_label=_label(resident, today),
            now=at,
        )
        Wish.objects.filter(pk=wish.pk).update(created_at=at)
        _advance(wish, stage, index, at, worker, reviewer)
    return len(residents)


def _advance(wish: Wish, stage: int, index: int, at: datetime.datetime, worker: User, reviewer: User) -> None:
    meeting = f"社区党委会 {(at + datetime.timedelta(days=3)).date():%Y-%m-%d}"
    if stage == -1:
        wishes.wish_decline(actor=reviewer, wish=wish, meeting=meeting, reason="已纳入民政临时救助，不再重复征集。",
                            now=at + datetime.timedelta(days=3))
        return
    steps = [
        lambda when: wishes.wish_approve(actor=reviewer, wish=wish, meeting=meeting, now=when),
        lambda when: wishes.wish_publish(actor=reviewer, wish=wish, now=when) if wish.consent_to_publish else None,
        lambda when: wishes.wish_claim(actor=worker, wish=wish, kind=CLAIMANTS[index % 4][0],
                                       name=CLAIMANTS[index % 4][1], phone=mobile_number(f"wish:{index}"), now=when),
        lambda when: wishes.wish_fulfil(actor=worker, wish=wish, note="已送到家中。", photo=_photo(), now=when),
        lambda when: wishes.wish_confirm(actor=worker, wish=wish, note="老人说很实用，谢谢大家。", now=when),
    ]
    for step, run in enumerate(steps[: max(stage - 1, 0)], start=1):
        if run(at + datetime.timedelta(days=2 + step * 2)) is None and step == 2:
            return  # no consent to publish: it stays approved, off the wall


def _seed_ballots(grid: Area, community: Area, worker: User, reviewer: User) -> int:
    buildings = list(Building.objects.filter(grid_code__startswith=grid.code)
                     .annotate(doors=Count("dwellings__households")).filter(doors__gt=0).order_by("-doors", "pk")[:2])
    if len(buildings) < 2:
        return 0
    charging = ballots.ballot_open(
        actor=reviewer, area=community, question="安装电动自行车集中充电桩", buildings=buildings,
        unit_kind=UnitKind.HOUSEHOLD, rule=ThresholdRule.SHARE, share=Fraction(2, 3),
        description="召开民主会议，广泛收集民意，逐户签字协商确认。", publish_result=True,
    )
    for position, unit in enumerate(ballots.eligible_units(charging)):
        choice = "against" if position % 10 == 9 else "abstain" if position % 10 == 8 else "agree"
        if position % 20 != 7:  # a few doors not reached yet
            ballots.vote_record(actor=worker, ballot=charging, dwelling=unit.dwelling, household=unit.household,
                                choice=choice, signer_name=unit.household.head.name if unit.household and
                                unit.household.head else "户主", signer_relation="户主")
    _seed_link_votes(charging, buildings[0], worker)
    ballots.ballot_close(actor=reviewer, ballot=charging)
    _seed_owners_vote(buildings[0], community, worker, reviewer)
    return Ballot.objects.filter(area=community).count()


def _no_text(phone: str, message: str) -> None:
    """The demo's residents are invented: their codes are not texted to anyone."""


def _seed_link_votes(ballot: Ballot, building: Building, worker: User, households: int = 3) -> None:
    """The doors not reached yet get their QR slips; a few households vote by link with the SMS
    code sent to a member's phone (one of them changes its mind)."""
    votelinks.links_issue(actor=worker, ballot=ballot, building=building)
    waiting = [link for link in VoteLink.objects.filter(ballot=ballot, dwelling__building=building)
               .select_related("ballot", "dwelling", "household").order_by("pk")
               if not Vote.objects.filter(ballot=ballot, household=link.household).exists()]
    voted = 0
    for link in waiting:
        phone = next((person.phone for person in votelinks.unit_members(link) if person.phone), "")
        if not phone or voted == households:
            continue
        sent = votelinks.code_send(link=link, phone=phone, deliver=_no_text)  # demo phones are invented
        votelinks.code_check(link=link, code_id=sent.row.pk, code=sent.code)
        if voted == 0:
            votelinks.link_vote(link=link, code_id=sent.row.pk, choice="abstain")
        votelinks.link_vote(link=link, code_id=sent.row.pk, choice="agree")
        voted += 1


def _seed_owners_vote(building: Building, community: Area, worker: User, reviewer: User) -> None:
    """Everyone votes; the largest quarter of the flats is against: 3/4 of the owners agree, but
    less than 3/4 of the area does — the double test shows why it fails."""
    funds = ballots.ballot_open(
        actor=reviewer, area=community, question=f"{building}使用专项维修资金更换屋面防水", buildings=[building],
        unit_kind=UnitKind.DWELLING, rule=ThresholdRule.CIVIL_CODE_SPECIAL,
    )
    dwellings = list(Dwelling.objects.filter(building=building).exclude(floor_area=None).select_related("owner")
                     .order_by("-floor_area", "pk"))
    against = {dwelling.pk for dwelling in dwellings[: len(dwellings) // 4]}
    for dwelling in dwellings:
        owner = dwelling.owner.name if dwelling.owner else dwelling.owner_name or "业主"
        ballots.vote_record(actor=worker, ballot=funds, dwelling=dwelling, signer_name=owner,
                            choice="against" if dwelling.pk in against else "agree", signer_relation="产权人")
