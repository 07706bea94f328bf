"""矛盾纠纷台账 (/cases/disputes/ledger/ and its .xlsx export): parties with masked phones,
mediators, sessions, result, agreement and follow-up; scope and filters."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.testing import make_user
from cases.ledger_workbook import HEADER_ROW
from cases.models import Dispute, DisputeKind, DisputeParty, DisputeResult, MediationSession
from cases.tests.stats_factory import make_category, make_row

URL = reverse("cases:dispute_ledger")
EXPORT = reverse("cases:dispute_ledger_export")


@pytest.fixture
def rows(cast):
    neighbours = make_category("t-dispute", "邻里纠纷", is_dispute=True)
    lamp = make_category("t-lamp", "路灯")
    settled = make_row(cast, neighbours, reported="2026-03-02 09:00", description="漏水纠纷")
    dispute = Dispute.objects.get(case=settled)
    dispute.kind = DisputeKind.NEIGHBOUR
    dispute.result = DisputeResult.SUCCESS
    dispute.concluded_on = datetime.date(2026, 3, 10)
    dispute.agreement = "楼上修复防水层。"
    dispute.other_mediators = "李老师"
    dispute.follow_up_on = datetime.date(2026, 3, 20)
    dispute.follow_up_notes = "已修复，双方满意。"
    dispute.save()
    mediator = make_user("mediator_a", "community_staff", cast.community1, full_name="调解员甲")
    dispute.mediators.add(mediator)
    DisputeParty.objects.create(dispute=dispute, role="applicant", name="张三", phone="13812345678")
    DisputeParty.objects.create(dispute=dispute, role="respondent", name="李四")
    for day in (4, 8):
        MediationSession.objects.create(dispute=dispute, held_on=datetime.date(2026, 3, day), place="调解室",
                                        notes="记录")
    open_case = make_row(cast, neighbours, grid=cast.grid_b, reported="2026-03-05 09:00")
    elsewhere = make_row(cast, neighbours, grid=cast.grid_c, reported="2026-03-06 09:00")
    make_row(cast, lamp)  # not a dispute: never in this ledger
    return {"settled": settled, "open": open_case, "elsewhere": elsewhere, "dispute": dispute}


def read(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW, values_only=True)]
    return sheet, [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_it_lists_the_disputes_in_scope(rows, cast, login):
    html = login(cast.street_leader).get(URL).content.decode()

    assert rows["settled"].number in html and rows["open"].number in html
    assert rows["elsewhere"].number not in html
    assert "申请人：张三（138****5678）" in html and "13812345678" not in html
    assert "共 2 条" in html


def test_it_exports_the_mediation_record(rows, cast, login):
    sheet, found = read(login(cast.street_leader).get(EXPORT))

    assert sheet.title == "矛盾纠纷台账"
    assert [row["事件编号"] for row in found] == [rows["open"].number, rows["settled"].number]
    settled = found[1]
    assert settled["纠纷类型"] == "邻里纠纷"
    assert settled["当事人"] == "申请人：张三（138****5678）；被申请人：李四"
    assert settled["调解员"] == "调解员甲、李老师"
    assert settled["调解次数"] == 2
    assert settled["最近调解日期"].date() == datetime.date(2026, 3, 8)
    assert settled["调解结果"] == "调解成功"
    assert settled["调解结束日期"].date() == datetime.date(2026, 3, 10)
    assert settled["调解协议"] == "楼上修复防水层。"
    assert (settled["回访日期"].date(), settled["回访情况"]) == (datetime.date(2026, 3, 20), "已修复，双方满意。")
    assert settled["所属社区"] == "百花社区"
    assert found[0]["调解结果"] == "调解中" and found[0]["调解次数"] == 0
    assert "13812345678" not in str(found)


def test_it_filters_by_mediation_result_and_area(rows, cast, login):
    client = login(cast.superuser)

    _sheet, pending = read(client.get(EXPORT, {"result": "pending"}))
    _sheet, success = read(client.get(EXPORT, {"result": "success", "area": cast.street1.code}))
    html = client.get(URL, {"area": cast.street2.code}).content.decode()

    assert [row["事件编号"] for row in pending] == [rows["elsewhere"].number, rows["open"].number]
    assert [row["事件编号"] for row in success] == [rows["settled"].number]
    assert rows["elsewhere"].number in html and rows["settled"].number not in html
    assert 'name="kind"' not in html  # every row is a dispute here


def test_it_sends_a_bad_filter_back_to_the_page(rows, cast, login):
    response = login(cast.street_leader).get(EXPORT, {"result": "won"})

    assert response.status_code == 302
    page = login(cast.street_leader).get(response["Location"]).content.decode()
    assert "请从列表中选择调解结果。" in page


def test_it_refuses_users_who_may_not_export(rows, cast, login):
    assert login(cast.grid_worker_a).get(URL).status_code == 403
    assert login(cast.outsider).get(EXPORT).status_code == 403


def test_it_shows_another_district_nothing(rows, cast, login):
    _sheet, found = read(login(cast.other_district_admin).get(EXPORT))

    assert found == []


def test_it_pages_with_a_constant_number_of_queries(rows, cast, login, django_assert_max_num_queries):
    client = login(cast.street_leader)
    client.get(URL)
    with django_assert_max_num_queries(20) as first:
        client.get(URL)
    neighbours = rows["settled"].category
    for day in range(1, 15):
        case = make_row(cast, neighbours, reported=f"2026-02-{day:02d} 10:00")
        DisputeParty.objects.create(dispute=case.dispute, role="applicant", name=f"甲{day}", phone="13900000000")
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(URL)
    assert "共 16 条" in response.content.decode()


def test_it_exports_with_a_constant_number_of_queries(rows, cast, login, django_assert_max_num_queries):
    client = login(cast.street_leader)
    client.get(EXPORT)
    with django_assert_max_num_queries(20) as first:
        read(client.get(EXPORT))
    neighbours = rows["settled"].category
    for day in range(1, 15):
        case = make_row(cast, neighbours, reported=f"2026-02-{day:02d} 10:00")
        MediationSession.objects.create(dispute=case.dispute, held_on=datetime.date(2026, 2, day), place="调解室",
                                        notes="记录")
    with django_assert_max_num_queries(len(first.captured_queries)):
        _sheet, found = read(client.get(EXPORT))
    assert len(found) == 16
