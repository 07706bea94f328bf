"""The demo's 巡查走访: three months of double patrols with gaps, two campaigns part done, care
visits at about each tag's interval (some overdue, some doors not opened), a diary, findings
linked to cases both ways; written once."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from demo.fieldwork import DAYS, seed_fieldwork
from demo.seed import seed_demo
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

pytestmark = pytest.mark.django_db


def test_it_tells_three_months_of_fieldwork_once():
    seed_demo(password="demo-test-pw")
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
