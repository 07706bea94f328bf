"""Workflow verbs through the API: each calls its transition; refusals as JSON (409 for the
state, 403 for the user, 404 out of sight), in the requested language; If-Match guards updates."""

from __future__ import annotations

import pytest

from cases.forms.actions import ACTION_FORMS
from cases.models import CaseEvent
from cases.testing import advance, report

pytestmark = pytest.mark.django_db


def _post(client, case, verb, body=None, **headers):
    return client.post(f"/api/v1/cases/{case.number}/{verb}/", body or {}, content_type="application/json",
                       **headers)


def test_every_verb_has_its_endpoint(cc, api):
    case = report(cc)
    client = api(cc.cast.superuser)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for verb in ACTION_FORMS:
        assert f"/api/v1/cases/{{number}}/{verb}/" in schema["paths"], verb
    assert _post(client, case, "nonsense").status_code == 404


def test_accept_calls_the_transition(cc, api):
    case = report(cc)
    response = _post(api(cc.dispatcher), case, "accept", {"comment": "收到"})
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert case.status == "pending_dispatch"
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert (event.verb, event.comment, event.actor) == ("accept", "收到", cc.dispatcher)
    assert response.json()["status"] == "pending_dispatch"
    assert response["ETag"] == f'"{case.pk}-{case.version}"'


def test_the_whole_way_to_closed(cc, api):
    case = advance(report(cc), "pending_dispatch", cc)
    dispatcher, handler = api(cc.dispatcher), api(cc.property_handler)
    steps = [
        (dispatcher, "dispatch", {"lead": cc.property_company.pk, "assists": [], "comment": "请处理"}),
        (handler, "sign", {}),
        (handler, "feedback", {"comment": "已清理"}),
        (api(cc.cast.grid_worker_a), "verify", {"passed": True, "comment": "已核实"}),
        (dispatcher, "close", {"outcome": "resolved", "note": "已解决"}),
    ]
    for client, verb, body in steps:
        response = _post(client, case, verb, body)
        assert response.status_code == 200, (verb, response.json())
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.lead_organisation == cc.property_company


def test_a_state_conflict_is_409(cc, api):
    case = advance(report(cc), "pending_dispatch", cc)
    response = _post(api(cc.dispatcher), case, "accept")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "待派遣" in response.json()["detail"]


def test_a_step_out_of_order_is_409(cc, api):
    case = advance(report(cc), "dispatched", cc)
    response = _post(api(cc.property_handler), case, "close", {"outcome": "resolved", "note": "x"})
    assert response.status_code == 409  # closing needs 待结案 first
    response = _post(api(cc.dispatcher), case, "dispatch", {"lead": cc.property_company.pk})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == "dispatched"


def test_a_user_who_may_not_act_gets_403_with_the_reason(cc, api):
    case = report(cc, category="t-building")
    response = _post(api(cc.property_handler), case, "accept")
    assert response.status_code == 404  # a handler does not even see a case not dispatched to their unit
    response = _post(api(cc.supervisor), case, "reject", {"reason": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    case.refresh_from_db()
    assert case.status == "reported"


def test_the_refusal_speaks_the_requested_language(cc, api):
    case = advance(report(cc), "pending_dispatch", cc)
    response = _post(api(cc.dispatcher), case, "accept", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 409
    assert response["Content-Language"] == "en"
    assert "待派遣" not in response.json()["detail"]
    chinese = _post(api(cc.dispatcher), case, "accept", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "待派遣" in chinese.json()["detail"]


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(cc, api):
    case = advance(report(cc), "pending_dispatch", cc)
    response = _post(api(cc.dispatcher), case, "dispatch", {"lead": 999999})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lead"]
    response = _post(api(cc.dispatcher), case, "dispatch", ["not", "an", "object"])
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "pending_dispatch"


def test_a_missing_reason_comes_back_from_the_transition(cc, api):
    case = report(cc)
    response = _post(api(cc.dispatcher), case, "reject", {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_if_match_guards_against_a_silent_overwrite(cc, api):
    case = report(cc)
    client = api(cc.dispatcher)
    etag = client.get(f"/api/v1/cases/{case.number}/")["ETag"]
    advance(case, "pending_dispatch", cc)  # someone else acts meanwhile
    response = _post(client, case, "escalate", {"reason": "社区处理不了"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert not CaseEvent.objects.filter(case=case, verb="escalate").exists()
    fresh = client.get(f"/api/v1/cases/{case.number}/")["ETag"]
    assert _post(client, case, "escalate", {"reason": "社区处理不了"}, HTTP_IF_MATCH=fresh).status_code == 200


def test_a_case_out_of_sight_is_404_for_actions(cc, api):
    case = report(cc)
    response = _post(api(cc.other_street_dispatcher), case, "accept")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "reported"


def test_photos_come_as_multipart_and_reach_the_timeline(cc, api):
    import io

    from PIL import Image

    case = advance(report(cc), "handling", cc)
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 120, 0)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "after.jpg"
    response = api(cc.property_handler).post(f"/api/v1/cases/{case.number}/feedback/",
                                             {"comment": "已清理", "after_photos": buffer})
    assert response.status_code == 200, response.json()
    event = CaseEvent.objects.filter(case=case, verb="feedback").get()
    assert event.attachments.count() == 1


def test_form_data_keeps_every_value_of_a_list(cc, api):
    from accounts.models import Organisation, OrganisationKind

    water = Organisation.objects.create(name="供水所", kind=OrganisationKind.ENFORCEMENT, home_area=cc.cast.street1)
    water.service_areas.add(cc.cast.street1)
    case = advance(report(cc), "pending_dispatch", cc)
    response = api(cc.dispatcher).post(f"/api/v1/cases/{case.number}/dispatch/", {
        "lead": cc.property_company.pk, "assists": [cc.enforcement.pk, water.pk], "comment": "请处理"})
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert set(case.assignments.values_list("organisation", flat=True)) == {cc.property_company.pk,
                                                                             cc.enforcement.pk, water.pk}
