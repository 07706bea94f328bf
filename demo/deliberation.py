"""Demo 议事: the charging-pile proposal of the source documents, through all five steps.

"网格员在日常巡查时发现小区很多单元楼道存在飞线充电……通过召开民主会议，广泛收集民意，逐户签字
协商确认……组织党员志愿者、物业人员对违规停放在楼道内的电瓶车等进行搬离" — told through the app's
own operations by the demo logins: a 民主协商会 of the two buildings with sign-ins and minutes that
makes the proposal; the 网格党支部, 党员服务区 and 社区党委 meetings (communitystaff records them);
the installation; the households' evaluation, door to door and by code; closing. Written once.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from demo import data
from participation import deliberation, evaluations, meetings
from participation.models import Decision, Meeting, MeetingKind, Proposal, Rating
from registry.models import Building, Household, Resident

TITLE = "安装电动自行车集中充电桩"
STEPS = (
    ("网格党支部活动室", "支部审议：楼道飞线充电隐患突出，居民意见集中，同意提交党员服务区初议。"),
    ("党员服务区", "党员初议：建议在3号楼、5号楼前空地集中设置充电区，费用与家用电价相当，征求供电部门意见。"),
    ("社区党群服务中心", "社区党委决议：逐户签字协商同意率超过三分之二，决定实施；由第三方公司安装，物业配合。"),
)


def seed_deliberation(areas: dict[str, Area], users: dict[str, User]) -> dict[str, int]:
    """Write the charging-pile story once; returns rows created per kind."""
    grid = areas[data.DEMO_GRID]
    if Proposal.objects.filter(area_code__startswith=grid.code, title=TITLE).exists():
        return {}
    buildings: list[Building] = list(Building.objects.filter(grid_code__startswith=grid.code)
                     .annotate(doors=Count("dwellings__households")).filter(doors__gt=0).order_by("-doors", "pk")[:2])
    if not buildings:
        return {}
    worker, reviewer = users["gridworker"], users["communitystaff"]
    start = timezone.now() - datetime.timedelta(days=75)
    meeting = _consultation(grid, buildings, worker, start)
    proposal = meetings.meeting_spawn_proposal(actor=worker, meeting=meeting, title=TITLE, now=start,
                                               details="楼道飞线充电、电动车乱停放，挤占消防通道，居民要求集中安装充电桩。")
    deliberation.proposal_submit(actor=worker, proposal=proposal, now=start + datetime.timedelta(days=1))
    for index, (place, minutes) in enumerate(STEPS):
        proposal.refresh_from_db()
        when = start + datetime.timedelta(days=4 + index * 7)
        deliberation.proposal_decide(
            actor=reviewer, proposal=proposal, stage=proposal.stage, decision=Decision.PASS, now=when,
            meeting=_record(when, place, minutes, meeting, [worker, reviewer]),
        )
    proposal.refresh_from_db()
    when = start + datetime.timedelta(days=45)
    deliberation.proposal_implement(
        actor=reviewer, proposal=proposal, stage=proposal.stage, now=when,
        note="在单元楼前安装充电桩85个，居民刷卡充电，一度电0.66元；党员志愿者和物业清理楼道杂物、搬离电瓶车。",
        meeting=_record(when, "3号楼前充电区", "现场验收：充电桩运行正常，楼道已清理。", meeting, [worker, reviewer]),
    )
    proposal.refresh_from_db()
    rated = _evaluate(proposal, buildings, worker)
    proposal.refresh_from_db()
    when = start + datetime.timedelta(days=60)
    deliberation.proposal_close(
        actor=reviewer, proposal=proposal, stage=proposal.stage, now=when, note="居民评议满意率较高，议题办结。",
        meeting=_record(when, "社区党群服务中心", "通报居民评议结果，议题办结；持续监管各幢楼充电停放情况。", meeting,
                        [reviewer]),
    )
    return {"议题": 1, "议事会议": 6, "居民评议": rated}


def _consultation(grid: Area, buildings: list[Building], worker: User, start: datetime.datetime) -> Meeting:
    meeting = meetings.meeting_open(
        actor=worker, area=grid, kind=MeetingKind.CONSULTATION, title="充电桩安装民主协商会", place="小区议事亭",
        held_on=start.date(), agenda="一、通报楼道飞线充电隐患；二、听取居民意见；三、商议充电桩位置和收费。",
    )
    meetings.meeting_invite(actor=worker, meeting=meeting, buildings=buildings)
    for position, invitation in enumerate(meeting.invitations.select_related("resident")[:40]):
        if position % 3 != 2:
            meetings.meeting_mark_present(actor=worker, invitation=invitation, now=start)
    meetings.meeting_record_minutes(
        actor=worker, meeting=meeting, staff=[worker], now=start,
        minutes="到会居民一致认为楼道充电危险，同意申请集中安装充电桩，随后逐户签字征求意见。",
    )
    return meeting


def _record(when: datetime.datetime, place: str, minutes: str, meeting: Meeting,
            staff: list[User]) -> deliberation.MeetingRecord:
    attendees = list(Resident.objects.filter(pk__in=meeting.attendees.values("pk"))[:6])
    return deliberation.MeetingRecord(held_on=when.date(), place=place, minutes=minutes, attendees=attendees,
                                      staff=staff)


def _evaluate(proposal: Proposal, buildings: list[Building], worker: User) -> int:
    """Most households of the two buildings rate it at the door; a few by their code."""
    households = list(Household.objects.filter(dwelling__building__in=buildings).order_by("pk"))
    rated = 0
    for position, household in enumerate(households):
        if position % 5 == 4:
            continue  # not reached
        rating = Rating.DISSATISFIED if position % 13 == 6 else Rating.BASIC if position % 4 == 1 else Rating.SATISFIED
        if position % 6 == 0:
            code = evaluations.evaluation_code_issue(actor=worker, proposal=proposal, household=household).code
            evaluations.evaluation_by_code(proposal=proposal, code=code, rating=rating, comment="充电方便多了。")
        else:
            evaluations.evaluation_record(actor=worker, proposal=proposal, household=household, rating=rating)
        rated += 1
    return rated
