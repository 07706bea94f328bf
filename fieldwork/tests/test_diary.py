"""民情日志: composed from patrols, visits, cases and free entries; who may read it; Word read back."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from cases.models import Category, Channel
from cases.transitions import case_report
from fieldwork.diary import diary_add, diary_rows
from fieldwork.models import DiaryEntry, DiaryTag, VisitMethod
from fieldwork.patrols import patrol_finish, patrol_start
from fieldwork.testing import at
from fieldwork.visits import visit_record

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


@pytest.fixture
def month(fc):
    worker = fc.cast.grid_worker_a
    patrol = patrol_start(actor=worker, plan=fc.double_patrol, grid=fc.cast.grid_a, window=fc.morning,
                          now=at(MONDAY, 8, 30))
    patrol_finish(patrol=patrol, actor=worker, note="上午巡查正常", now=at(MONDAY, 10))
    visit_record(actor=worker, resident=fc.alone, method=VisitMethod.PHONE, opinions="想参加社区老年大学",
                 visited_at=at(MONDAY, 15), now=at(MONDAY, 16))
    case_report(actor=worker, category=Category.objects.get(code="sanitation"), description="垃圾桶满溢",
                channel=Channel.GRID_WORKER, grid=fc.cast.grid_a, address="百花小区东门", now=at(MONDAY, 11))
    diary_add(actor=worker, grid=fc.cast.grid_a, day=MONDAY, what="帮王大爷代办高龄补贴", place="社区服务站",
              people="王大爷", result="已提交", tags=[DiaryTag.NEED])
    # another month and another worker stay out
    diary_add(actor=worker, grid=fc.cast.grid_a, day=MONDAY + datetime.timedelta(days=30), what="下个月的事")
    diary_add(actor=fc.cast.grid_worker_b, grid=fc.cast.grid_b, day=MONDAY, what="别人的日志")
    return fc


def test_the_month_is_composed_from_patrols_visits_cases_and_entries_in_time_order(month):
    rows = diary_rows(month.cast.grid_worker_a, month.cast.grid_worker_a, 2026, 12)
    assert [row.source for row in rows] == ["patrol", "case", "visit", "entry"]
    patrol, case, visit, entry = rows
    assert "一日双巡 · 上午巡" in patrol.what and patrol.result == "上午巡查正常"
    assert "垃圾桶满溢" in case.what and case.place == "百花小区东门"
    assert "想参加社区老年大学" in visit.what and visit.people == "王桂娟"
    assert entry.what == "帮王大爷代办高龄补贴" and entry.tags == ["需求"]


def test_a_leader_reads_the_workers_diary_and_others_do_not(month, login):
    url = reverse("fieldwork:diary", args=[month.cast.grid_worker_a.pk, 2026, 12])
    assert "帮王大爷代办高龄补贴" in login(month.grid_leader).get(url).content.decode()
    assert login(month.supervisor).get(url).status_code == 200
    assert login(month.cast.grid_worker_b).get(url).status_code == 404
    assert login(month.building_head).get(url).status_code == 404
    own = login(month.cast.grid_worker_a).get(url).content.decode()
    assert "记一笔" in own and "别人的日志" not in own and "下个月的事" not in own


def test_the_word_export_reads_back_as_the_paper_diary(month, login):
    url = reverse("fieldwork:diary_word", args=[month.cast.grid_worker_a.pk, 2026, 12])
    response = login(month.grid_leader).get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    assert "民情日志 · grid_worker_a · 2026年12月" in document.paragraphs[0].text
    [table] = document.tables
    assert [cell.text for cell in table.rows[0].cells] == ["日期", "地点", "人员", "事由", "处理情况", "结果"]
    assert len(table.rows) == 5
    assert [cell.text for cell in table.rows[4].cells] == ["12-07", "社区服务站", "王大爷", "帮王大爷代办高龄补贴", "",
                                                           "已提交"]


def test_a_free_entry_needs_what_happened_and_is_posted_from_the_page(fc, login):
    with pytest.raises(ValidationError) as refused:
        diary_add(actor=fc.cast.grid_worker_a, grid=fc.cast.grid_a, day=MONDAY, what=" ")
    assert refused.value.message_dict["what"] == ["请填写事由。"]
    client = login(fc.cast.grid_worker_a)
    response = client.post(reverse("fieldwork:diary_add"), {"grid": fc.cast.grid_a.pk, "day": "2026-12-08",
                                                            "what": "楼栋长会议", "tags": ["suggestion"]}, follow=True)
    assert "已记入民情日志。" in response.content.decode() and "楼栋长会议" in response.content.decode()
    refused_page = client.post(reverse("fieldwork:diary_add"), {"grid": fc.cast.grid_b.pk, "day": "2026-12-08",
                                                                "what": "越界"}, follow=True)
    assert "网格：" in refused_page.content.decode()
    assert not DiaryEntry.objects.filter(what="越界").exists()
