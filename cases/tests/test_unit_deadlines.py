"""Each unit has its own deadline: assisting units (协办) get theirs at dispatch, their own
extension requests and approvals, and their own lamp on the case page.

Monday 2 March 2026, office hours 09:00–12:00 and 13:00–18:00; t-clutter handles in 3 working days.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases import transitions as t
from cases.models import AssignmentRole, CaseAssignment, ExtensionRequest, ExtensionState, Notification, Status
from cases.testing import advance, report
from cases.tests.case_actions import act, done

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
LEAD_DUE = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)  # + 3 working days
ASSIST_DUE = datetime.datetime(2026, 3, 3, 17, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def office_hours(settings):  # type: ignore[no-untyped-def]
    settings.CASES_OFFICE_HOURS = "09:00-12:00,13:00-18:00"
    settings.TIME_ZONE = "Asia/Shanghai"


def dispatched(cc, **extra):  # type: ignore[no-untyped-def]
    case = advance(report(cc, now=MONDAY_10), Status.PENDING_DISPATCH, cc, now=MONDAY_10)
    return t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, assists=[cc.enforcement],
                           now=MONDAY_10, **extra)


def part(case, role):  # type: ignore[no-untyped-def]
    return CaseAssignment.objects.get(case=case, role=role)


def handling(cc):  # type: ignore[no-untyped-def]
    case = dispatched(cc, assist_due_at=ASSIST_DUE)
    case = t.case_sign(case=case, actor=cc.property_handler, now=MONDAY_10)
    return t.case_sign(case=case, actor=cc.enforcement_handler, now=MONDAY_10)


def test_the_assisting_unit_gets_its_own_deadline_at_dispatch(cc):
    case = dispatched(cc, assist_due_at=ASSIST_DUE)
    assert case.handle_due_at == LEAD_DUE == part(case, AssignmentRole.LEAD).due_at
    assert part(case, AssignmentRole.ASSIST).due_at == ASSIST_DUE
    assert case.events.get(verb="dispatch").data["assist_due_at"] == ASSIST_DUE.isoformat()


def test_without_one_the_assisting_unit_shares_the_leads(cc):
    case = dispatched(cc)
    assert part(case, AssignmentRole.ASSIST).due_at == LEAD_DUE


@pytest.mark.parametrize("assist_due", [LEAD_DUE + datetime.timedelta(minutes=1), MONDAY_10])
def test_an_assisting_deadline_after_the_leads_or_not_in_the_future_is_refused(cc, assist_due):
    case = advance(report(cc, now=MONDAY_10), Status.PENDING_DISPATCH, cc, now=MONDAY_10)
    with pytest.raises(ValidationError) as refused:
        t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, assists=[cc.enforcement],
                        assist_due_at=assist_due, now=MONDAY_10)
    assert "assist_due_at" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == Status.PENDING_DISPATCH and not case.assignments.exists()


def test_an_assisting_unit_asks_for_and_gets_its_own_extension(cc):
    case = handling(cc)
    assisting = t.case_request_extension(case=case, actor=cc.enforcement_handler, extra_days=2,
                                         reason="需要协调执法车辆。", now=MONDAY_10)
    assert assisting.assignment == part(case, AssignmentRole.ASSIST)
    # The lead may ask for its own at the same time; the assisting unit may not ask twice.
    leading = t.case_request_extension(case=case, actor=cc.property_handler, extra_days=1, reason="材料未到。",
                                       now=MONDAY_10)
    assert leading.assignment == part(case, AssignmentRole.LEAD)
    with pytest.raises(t.ActionRefused):
        t.case_request_extension(case=case, actor=cc.enforcement_handler, extra_days=1, reason="再延一天。",
                                 now=MONDAY_10)
    case = t.case_decide_extension(case=case, actor=cc.dispatcher, approve=True, extension=assisting.pk,
                                   now=MONDAY_10)
    assert part(case, AssignmentRole.ASSIST).due_at == datetime.datetime(2026, 3, 5, 17, 0, tzinfo=SHANGHAI)
    assert case.handle_due_at == LEAD_DUE == part(case, AssignmentRole.LEAD).due_at == case.stage_due_at
    case = t.case_decide_extension(case=case, actor=cc.dispatcher, approve=True, now=MONDAY_10)
    assert case.handle_due_at == datetime.datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI)
    assert part(case, AssignmentRole.LEAD).due_at == case.handle_due_at
    assert part(case, AssignmentRole.ASSIST).due_at == datetime.datetime(2026, 3, 5, 17, 0, tzinfo=SHANGHAI)
    assert not ExtensionRequest.objects.filter(state=ExtensionState.PENDING).exists()


def test_deciding_a_request_already_decided_names_the_field(cc):
    case = handling(cc)
    request = t.case_request_extension(case=case, actor=cc.enforcement_handler, extra_days=2, reason="协调。",
                                       now=MONDAY_10)
    t.case_request_extension(case=case, actor=cc.property_handler, extra_days=1, reason="材料未到。", now=MONDAY_10)
    case = t.case_decide_extension(case=case, actor=cc.dispatcher, approve=False, note="不同意。",
                                   extension=request.pk, now=MONDAY_10)
    with pytest.raises(ValidationError) as refused:
        t.case_decide_extension(case=case, actor=cc.dispatcher, approve=True, extension=request.pk, now=MONDAY_10)
    assert "extension" in refused.value.message_dict


def test_a_hold_moves_each_units_own_deadline(cc):
    case = handling(cc)
    case = t.case_hold(case=case, actor=cc.dispatcher, reason="等待产权单位答复。", now=MONDAY_10)
    case = t.case_resume(case=case, actor=cc.dispatcher, now=MONDAY_10 + datetime.timedelta(hours=2))
    assert part(case, AssignmentRole.LEAD).due_at == LEAD_DUE + datetime.timedelta(hours=2) == case.handle_due_at
    assert part(case, AssignmentRole.ASSIST).due_at == datetime.datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)


def test_the_case_page_shows_a_lamp_per_unit(cc, client):
    case = handling(cc)
    client.force_login(cc.dispatcher)
    with time_machine.travel(ASSIST_DUE + datetime.timedelta(hours=1), tick=False):
        html = client.get(f"/cases/{case.number}/").content.decode()
    units = html[html.index('id="assignments"'):html.index('id="timeline"')]
    lead = units[units.index('class="assignment-lead"'):]
    assist = units[units.index('class="assignment-assist"'):]
    assert 'data-lamp="green"' in lead.split("</tr>")[0]
    assert 'data-lamp="red"' in assist.split("</tr>")[0] and "2026-03-03 17:00" in assist


def test_the_dispatch_form_sets_the_assisting_deadline(cc, client):
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    due = (datetime.datetime.now(SHANGHAI) + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    done(act(client, cc.dispatcher, case, "dispatch", lead=cc.property_company.pk, assists=[cc.enforcement.pk],
             due_at=(due + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
             assist_due_at=due.strftime("%Y-%m-%dT%H:%M")), "派遣")
    assert part(case, AssignmentRole.ASSIST).due_at == due


def test_the_dispatch_form_names_a_bad_assisting_deadline(cc, client):
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    later = datetime.datetime.now(SHANGHAI) + datetime.timedelta(days=2)
    response = act(client, cc.dispatcher, case, "dispatch", lead=cc.property_company.pk, assists=[cc.enforcement.pk],
                   due_at=later.strftime("%Y-%m-%dT%H:%M"),
                   assist_due_at=(later + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    html = response.content.decode()
    assert "协办时限必须晚于现在，且不晚于主办单位的办理时限。" in html
    assert 'id="field-dispatch-assist_due_at"' in html
    case.refresh_from_db()
    assert case.status == Status.PENDING_DISPATCH


def test_the_decide_form_decides_the_oldest_pending_request_and_shows_its_unit(cc, client):
    case = handling(cc)
    first = t.case_request_extension(case=case, actor=cc.enforcement_handler, extra_days=2, reason="协调。")
    t.case_request_extension(case=case, actor=cc.property_handler, extra_days=1, reason="材料未到。")
    client.force_login(cc.dispatcher)
    html = client.get(f"/cases/{case.number}/").content.decode()
    pending = html[html.index('id="pending-extension"'):]
    assert pending.index(cc.enforcement.name) < pending.index("</p>")
    assert f'name="decide_extension-extension" value="{first.pk}"' in html
    done(act(client, cc.dispatcher, case, "decide_extension", decision="deny", note="不同意。", extension=first.pk),
         "审批延期")
    first.refresh_from_db()
    assert first.state == ExtensionState.DENIED
    assert ExtensionRequest.objects.get(state=ExtensionState.PENDING).assignment.role == AssignmentRole.LEAD


def test_the_decision_on_an_assisting_units_request_is_told_to_that_unit(cc, django_capture_on_commit_callbacks):
    case = handling(cc)
    request = t.case_request_extension(case=case, actor=cc.enforcement_handler, extra_days=2, reason="协调。",
                                       now=MONDAY_10)
    with django_capture_on_commit_callbacks(execute=True):
        t.case_decide_extension(case=case, actor=cc.dispatcher, approve=True, extension=request.pk, now=MONDAY_10)
    told = set(Notification.objects.filter(verb="extension_approved").values_list("user__username", flat=True))
    assert told == {"enforcement_handler"}
