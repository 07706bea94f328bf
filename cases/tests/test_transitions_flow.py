"""The whole life of a case through the transitions, step by step, by the people who act."""


from cases import transitions as t
from cases.models import AssignmentState, CaseEvent, Rating, Stage, Status
from cases.testing import advance, report, tiny_photo
from cases.workflow import REPORTER


def test_it_takes_a_case_from_report_to_rating(cc):  # type: ignore[no-untyped-def]
    case = report(cc, photos=[tiny_photo()])
    assert case.status == Status.REPORTED and case.stage == Stage.ACCEPT and case.number
    assert case.desk_area == cc.cast.grid_a and case.accept_due_at
    case = advance(case, Status.CLOSED, cc)
    case = t.case_rate(case=case, actor=REPORTER, rating=Rating.SATISFIED)
    assert case.rating == Rating.SATISFIED
    verbs = list(CaseEvent.objects.filter(case=case).values_list("verb", flat=True))
    assert verbs == ["report", "accept", "dispatch", "sign", "feedback", "verify", "close", "rate"]
    assert case.attachments.count() == 1
    lead = case.assignments.get(role="lead")
    assert lead.state == AssignmentState.FED_BACK and lead.signed_at and lead.fed_back_at
    assert case.accept_overdue is False and case.handle_overdue is False and case.verify_overdue is False


def test_the_leads_feedback_withdraws_assisting_units_that_have_not_fed_back(cc):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)  # lead 物业 signed; assist 执法中队 dispatched
    assist = case.assignments.get(role="assist")
    assert assist.state == AssignmentState.DISPATCHED
    case = t.case_feedback(case=case, actor=cc.property_handler, comment="已清理楼道。")
    assist.refresh_from_db()
    assert case.status == Status.PENDING_VERIFY and assist.state == AssignmentState.WITHDRAWN


def test_an_assisting_units_own_feedback_stays_on_record(cc):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    case = t.case_sign(case=case, actor=cc.enforcement_handler)
    case = t.case_feedback(case=case, actor=cc.enforcement_handler, comment="已协助劝离占道车辆。")
    assert case.status == Status.HANDLING  # only the lead's feedback ends the stage
    case = t.case_feedback(case=case, actor=cc.property_handler, comment="已清理楼道。")
    states = dict(case.assignments.values_list("role", "state"))
    assert states == {"lead": AssignmentState.FED_BACK, "assist": AssignmentState.FED_BACK}
