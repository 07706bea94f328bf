"""The dispute page (/cases/<number>/dispute/): who sees it, who edits it, parties with masked
phones, mediation sessions, bad input, and the change log."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.testing import make_user
from audit.models import ChangeLogEntry
from cases.models import Dispute, DisputeKind, DisputeParty, DisputeResult, MediationSession
from cases.testing import report
from cases.tests.stats_factory import make_category, make_row

TODAY = timezone.localdate()



@pytest.fixture
def dispute(cc):
    """A 邻里纠纷 reported by grid A's worker through the real transition (which opens the record)."""
    case = report(cc, category="t-dispute", description="楼上楼下因漏水发生争执。")
    return Dispute.objects.get(case=case)


def url(dispute, name="cases:dispute", *args):
    return reverse(name, args=[dispute.case.number, *args])


def log_entries(dispute):
    return ChangeLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Dispute),
                                         object_id=str(dispute.pk))


def test_it_opens_the_record_for_users_in_scope(dispute, cc, login):
    response = login(cc.cast.grid_worker_a).get(url(dispute))

    assert response.status_code == 200
    html = response.content.decode()
    assert "矛盾纠纷调解档案" in html and "楼上楼下因漏水发生争执。" in html
    assert 'id="dispute-form"' in html


def test_it_answers_404_outside_scope_and_for_cases_that_are_not_disputes(dispute, cc, login):
    assert login(cc.cast.grid_worker_b).get(url(dispute)).status_code == 404
    assert login(cc.cast.other_district_admin).get(url(dispute)).status_code == 404
    plain = report(cc)
    assert login(cc.cast.grid_worker_a).get(reverse("cases:dispute", args=[plain.number])).status_code == 404
    assert login(cc.cast.grid_worker_a).get(reverse("cases:dispute", args=["20990101999999"])).status_code == 404


def test_it_shows_the_record_read_only_to_a_street_leader(dispute, cc, login):
    client = login(cc.cast.street_leader)

    html = client.get(url(dispute)).content.decode()

    assert 'id="dispute-facts"' in html and 'id="dispute-form"' not in html
    assert client.post(url(dispute, "cases:dispute_edit"), {"kind": DisputeKind.FAMILY}).status_code == 403
    assert client.post(url(dispute, "cases:dispute_party_add"), {"party-role": "applicant",
                                                                 "party-name": "张三"}).status_code == 403


def test_it_saves_the_record_and_logs_the_change(dispute, cc, login):
    client = login(cc.community_staff)
    data = {
        "kind": DisputeKind.NEIGHBOUR, "mediators": [cc.cast.grid_worker_a.pk, cc.grid_leader.pk],
        "other_mediators": "人民调解员李老师", "agreement": "楼上负责修复防水层，赔偿500元。",
        "result": DisputeResult.SUCCESS, "concluded_on": TODAY.isoformat(), "follow_up_on": "",
        "follow_up_notes": "",
    }

    response = client.post(url(dispute, "cases:dispute_edit"), data)

    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.kind == DisputeKind.NEIGHBOUR and dispute.result == DisputeResult.SUCCESS
    assert dispute.concluded_on == TODAY
    assert set(dispute.mediators.all()) == {cc.cast.grid_worker_a, cc.grid_leader}
    entries = log_entries(dispute)
    assert entries.filter(action="update", user=cc.community_staff).exists()
    assert any((entry.after or {}).get("result") == "success" for entry in entries)
    assert "调解档案已保存。" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"result": "success", "concluded_on": "", "agreement": "已和解"}, "concluded_on",
     "调解已有结果，请填写调解结束日期。"),
    ({"result": "success", "concluded_on": "TODAY", "agreement": " "}, "agreement", "调解成功时请填写调解协议内容。"),
    ({"result": "", "concluded_on": "TODAY"}, "concluded_on", "调解尚未结束，不能填写调解结束日期。"),
    ({"result": "failed", "concluded_on": "TOMORROW"}, "concluded_on", "调解结束日期不能晚于今天。"),
    ({"result": "failed", "concluded_on": "TODAY", "follow_up_on": "YESTERDAY"}, "follow_up_on",
     "回访日期不能早于调解结束日期。"),
    ({"follow_up_notes": "双方满意"}, "follow_up_on", "填写回访情况时请填写回访日期。"),
    ({"kind": "feud"}, "kind", "请从列表中选择纠纷类型。"),
    ({"concluded_on": "2026-02-30", "result": "failed"}, "concluded_on", "请填写有效的日期。"),
])
def test_it_refuses_a_bad_record_naming_the_field(dispute, cc, login, data, field, message):
    days = {"TODAY": TODAY, "TOMORROW": TODAY + datetime.timedelta(days=1),
            "YESTERDAY": TODAY - datetime.timedelta(days=1)}
    values = {"kind": DisputeKind.OTHER, **{key: str(days.get(value, value)) for key, value in data.items()}}

    response = login(cc.community_staff).post(url(dispute, "cases:dispute_edit"), values)

    assert response.status_code == 400
    html = response.content.decode()
    section = html.split(f'id="field-{field}"', 1)[1].split('id="field-', 1)[0]
    assert message in section
    dispute.refresh_from_db()
    assert dispute.result == "" and dispute.kind == DisputeKind.OTHER
    assert not log_entries(dispute).filter(action="update").exists()


def test_it_adds_a_party_with_an_encrypted_masked_phone(dispute, cc, login):
    client = login(cc.cast.grid_worker_a)

    response = client.post(url(dispute, "cases:dispute_party_add"), {
        "party-role": "applicant", "party-name": " 张三 ", "party-phone": "138 1234 5678", "party-address": "3号楼201"})

    assert response.status_code == 302
    party = DisputeParty.objects.get(dispute=dispute)
    assert (party.name, party.phone, party.role) == ("张三", "13812345678", "applicant")
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM cases_disputeparty WHERE id = %s", [party.pk])
        assert "13812345678" not in cursor.fetchone()[0]
    html = client.get(url(dispute)).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    entry = log_entries(dispute).latest("pk")
    assert entry.before == {"parties": []} and entry.after == {"parties": ["申请人：张三"]}
    assert "13812345678" not in str(entry.after)


def test_it_refuses_a_bad_phone_or_a_missing_name(dispute, cc, login):
    client = login(cc.cast.grid_worker_a)

    response = client.post(url(dispute, "cases:dispute_party_add"), {
        "party-role": "applicant", "party-name": "  ", "party-phone": "12345"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写姓名或名称。" in html
    assert "手机号码应为11位数字" in html
    assert not DisputeParty.objects.exists()


def test_it_removes_a_party(dispute, cc, login):
    party = DisputeParty.objects.create(dispute=dispute, role="respondent", name="李四")
    client = login(cc.grid_leader)
    page = client.get(url(dispute, "cases:dispute")).content.decode()
    assert 'data-confirm="确定移除当事人 李四 吗？"' in page  # asked before it is gone

    response = client.post(url(dispute, "cases:dispute_party_remove", party.pk))

    assert response.status_code == 302
    assert not DisputeParty.objects.exists()
    entry = log_entries(dispute).latest("pk")
    assert entry.before == {"parties": ["被申请人：李四"]} and entry.after == {"parties": []}


def test_it_cannot_remove_a_party_of_another_dispute(dispute, cc, login):
    other = Dispute.objects.get(case=report(cc, category="t-dispute"))
    party = DisputeParty.objects.create(dispute=other, role="respondent", name="李四")
    client = login(cc.grid_leader)

    response = client.post(url(dispute, "cases:dispute_party_remove", party.pk))

    assert response.status_code == 302
    assert DisputeParty.objects.filter(pk=party.pk).exists()
    assert "这位当事人已不在档案中。" in client.get(response["Location"]).content.decode()


def test_it_records_a_mediation_session(dispute, cc, login):
    client = login(cc.cast.grid_worker_a)

    response = client.post(url(dispute, "cases:dispute_session_add"), {
        "session-held_on": TODAY.isoformat(), "session-place": "社区调解室",
        "session-notes": "双方陈述，约定三日内修复。"})

    assert response.status_code == 302
    session = MediationSession.objects.get(dispute=dispute)
    assert session.recorded_by == cc.cast.grid_worker_a and session.place == "社区调解室"
    assert "双方陈述，约定三日内修复。" in client.get(url(dispute)).content.decode()
    assert log_entries(dispute).latest("pk").after == {"sessions": [f"{TODAY.isoformat()} 社区调解室"]}


def test_it_refuses_a_session_in_the_future_or_before_the_report(dispute, cc, login):
    client = login(cc.cast.grid_worker_a)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    before = (timezone.localdate(dispute.case.reported_at) - datetime.timedelta(days=1)).isoformat()

    future = client.post(url(dispute, "cases:dispute_session_add"), {
        "session-held_on": tomorrow, "session-place": "调解室", "session-notes": "记录"})
    early = client.post(url(dispute, "cases:dispute_session_add"), {
        "session-held_on": before, "session-place": "  ", "session-notes": "记录"})

    assert future.status_code == 400 and "调解日期不能晚于今天。" in future.content.decode()
    assert early.status_code == 400 and "调解日期不能早于事件上报日期。" in early.content.decode()
    assert "请填写地点。" in early.content.decode()
    assert not MediationSession.objects.exists()


def test_it_lets_the_street_dispatcher_edit_a_community_desk_dispute(dispute, cc, login):
    assert dispute.case.desk_area.code.startswith(cc.cast.street1.code[:9])

    response = login(cc.dispatcher).post(url(dispute, "cases:dispute_party_add"), {
        "party-role": "respondent", "party-name": "赵五"})

    assert response.status_code == 302
    assert DisputeParty.objects.filter(name="赵五").exists()


def test_it_offers_mediators_working_in_the_cases_street(dispute, cc, login):
    elsewhere = make_user("mediator_elsewhere", "community_staff", cc.cast.community2)

    html = login(cc.community_staff).get(url(dispute)).content.decode()

    mediators = html.split('name="mediators"', 1)[1].split("</select>", 1)[0]
    assert "grid_worker_a" in mediators and "dispatcher1" in mediators
    assert elsewhere.username not in mediators


def test_it_works_for_hand_built_disputes_too(cast, login):
    dispute_category = make_category("t-hand-dispute", "物业纠纷", is_dispute=True)
    case = make_row(cast, dispute_category)

    assert login(cast.grid_worker_a).get(reverse("cases:dispute", args=[case.number])).status_code == 200


def test_it_reads_the_page_in_few_queries(dispute, cc, login, django_assert_max_num_queries):
    for index in range(5):
        DisputeParty.objects.create(dispute=dispute, role="other", name=f"当事人{index}", phone="13812345678")
        MediationSession.objects.create(dispute=dispute, held_on=TODAY, place="调解室", notes="记录",
                                        recorded_by=cc.cast.grid_worker_a)
    client = login(cc.community_staff)

    with django_assert_max_num_queries(20):
        assert client.get(url(dispute)).status_code == 200
