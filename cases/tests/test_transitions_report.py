"""case_report and case_report_resolved: where a report lands, who may report, bad input."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import transitions as t
from cases.models import Case, CaseEvent, Channel, Dispute, HandlingLevel, Outcome, Stage, Status
from cases.testing import report, tiny_photo
from cases.workflow import REPORTER, ActionRefused


def test_a_point_on_the_map_finds_its_grid_and_the_area_path(cc):
    case = report(cc, actor=cc.community_staff, grid=None, longitude=113.53, latitude=34.72)
    assert case.grid == cc.cast.grid_b
    assert (case.grid_code, case.community_code, case.street_code) == (
        "410102001001002", "410102001001", "410102001000")


def test_gcj02_coordinates_are_converted_to_wgs84(cc):
    case = report(cc, grid=None, longitude=113.515, latitude=34.725, system="GCJ02")
    assert case.longitude is not None and abs(case.longitude - 113.515) > 0.001  # shifted back to WGS-84


def test_a_point_outside_every_grid_is_refused_naming_the_location(cc):
    with pytest.raises(ValidationError) as error:
        report(cc, grid=None, longitude=100.0, latitude=30.0)
    assert "location" in error.value.message_dict
    assert not Case.objects.exists()


def test_a_report_needs_a_description_and_a_place(cc):
    with pytest.raises(ValidationError) as error:
        report(cc, description="  ")
    assert "description" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        report(cc, grid=None)
    assert "location" in error.value.message_dict


def test_a_grid_worker_cannot_report_in_another_grid(cc):
    with pytest.raises(ActionRefused):
        report(cc, grid=cc.cast.grid_c)
    assert not Case.objects.exists()


def test_residents_may_report_only_public_categories(cc):
    with pytest.raises(ValidationError) as error:
        report(cc, actor=REPORTER, category="t-dispute", channel=Channel.RESIDENT)
    assert "category" in error.value.message_dict
    case = report(cc, actor=REPORTER, channel=Channel.RESIDENT, reporter_name="王女士",
                  reporter_phone="139 0000 1234")
    assert case.reporter is None and case.reporter_phone == "13900001234" and case.reporter_phone_index


def test_a_bad_reporter_phone_names_the_field(cc):
    with pytest.raises(ValidationError) as error:
        report(cc, actor=REPORTER, channel=Channel.RESIDENT, reporter_phone="12345")
    assert "reporter_phone" in error.value.message_dict


def test_an_anonymous_report_keeps_no_contact(cc):
    case = report(cc, actor=REPORTER, channel=Channel.RESIDENT, anonymous=True, reporter_name="王",
                  reporter_phone="13900001234")
    assert (case.reporter_name, case.reporter_phone) == ("", "")


def test_extra_attributes_are_checked_by_kind(cc):
    with pytest.raises(ValidationError) as error:
        report(cc, category="t-building", attributes={"area": "很大"})
    assert "attr_area" in error.value.message_dict
    case = report(cc, category="t-building", attributes={"area": "12.5", "unknown": "x"})
    assert case.attributes == {"area": 12.5}


def test_hotline_reports_land_at_the_category_desk(cc):
    case = report(cc, actor=cc.dispatcher, category="t-building", channel=Channel.HOTLINE)
    assert (case.level, case.desk_area) == (HandlingLevel.STREET, cc.cast.street1)


def test_an_urgent_category_skips_to_the_street_on_escalation(cc):
    case = t.case_accept(case=report(cc, category="t-fire-exit"), actor=cc.grid_leader)
    case = t.case_escalate(case=case, actor=cc.grid_leader, reason="消防通道被堵，需执法。")
    assert (case.level, case.desk_area) == (HandlingLevel.STREET, cc.cast.street1)


def test_escalation_climbs_one_level_at_a_time(cc):
    case = t.case_accept(case=report(cc), actor=cc.grid_leader)
    case = t.case_escalate(case=case, actor=cc.grid_leader, reason="需要社区协调。")
    assert case.desk_area == cc.cast.community1
    # The grid leader has no desk at the community: the community decides now.
    assert "escalate" not in t.allowed_verbs(case, cc.grid_leader)
    case = t.case_escalate(case=case, actor=cc.community_staff, reason="需要街道派单。")
    case = t.case_escalate(case=case, actor=cc.dispatcher, reason="需要区级部门。")
    assert case.desk_area == cc.cast.district
    with pytest.raises(ActionRefused, match="最高层级"):
        t.case_escalate(case=case, actor=cc.cast.district_admin, reason="再上报。")


def test_a_dispute_category_opens_a_mediation_record(cc):
    case = report(cc, category="t-dispute")
    assert Dispute.objects.filter(case=case).exists()


def test_on_the_spot_resolution_is_fed_back_and_waits_for_someone_else_to_verify(cc):
    case = t.case_report_resolved(
        actor=cc.cast.grid_worker_a, category=cc.category("t-clutter"), description="楼道堆放纸箱。",
        note="已与住户沟通，当场清理。", grid=cc.cast.grid_a, photos=[tiny_photo()], after_photos=[tiny_photo()],
    )
    assert (case.status, case.self_handled, case.handler, case.stage) == (
        Status.PENDING_VERIFY, True, cc.cast.grid_worker_a, Stage.VERIFY)
    verbs = list(CaseEvent.objects.filter(case=case).values_list("verb", flat=True))
    assert verbs == ["report", "accept", "self_handle", "feedback"]
    assert sorted(case.attachments.values_list("kind", flat=True)) == ["after", "report"]
    # 小事不出网格 is checked by someone else: not the worker who did it…
    assert "verify" not in t.allowed_verbs(case, cc.cast.grid_worker_a)
    with pytest.raises(ActionRefused, match="没有权限"):
        t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True)
    # …but another member of the grid team (the 网格长) or the community.
    assert "verify" in t.allowed_verbs(case, cc.community_staff)
    case = t.case_verify(case=case, actor=cc.grid_leader, passed=True, comment="复核属实。")
    case = t.case_close(case=case, actor=cc.grid_leader, outcome=Outcome.RESOLVED, note="已解决。")
    assert case.status == Status.CLOSED


def test_on_the_spot_resolution_needs_the_right_to_self_handle(cc):
    with pytest.raises(ActionRefused):
        t.case_report_resolved(actor=cc.dispatcher, category=cc.category("t-clutter"), description="纸箱。",
                               note="已清理。", grid=cc.cast.grid_a)
    assert not Case.objects.exists()


def test_a_new_case_is_numbered_by_its_reporting_day_and_id_in_one_write(cc):
    """事件编号 = the local reporting day and the id. On PostgreSQL the id is drawn first and the
    row inserted with its number: no second write of the new row (each one is a new version in
    every index of the case table)."""
    with CaptureQueriesContext(connection) as queries:
        case = report(cc)
    case.refresh_from_db()
    assert case.number == f"{timezone.localtime(case.reported_at):%Y%m%d}{case.pk:06d}"
    assert Case.objects.filter(number=case.number).get() == case
    number_writes = [query["sql"] for query in queries if query["sql"].startswith('UPDATE "cases_case" SET "number"')]
    if connection.vendor == "postgresql":
        assert not number_writes
    else:  # SQLite learns the id from the insert, then writes the number
        assert len(number_writes) == 1
