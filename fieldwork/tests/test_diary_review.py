"""民情日志 review: the 网格长 and 督导员 comment on a worker's day; the month exported to Excel and read back."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import ChangeLogEntry
from cases.workflow import ActionRefused
from fieldwork.diary import diary_add
from fieldwork.diary_review import diary_comment
from fieldwork.models import DiaryComment, DiaryTag

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)


@pytest.fixture
def diary(fc):
    worker = fc.cast.grid_worker_a
    diary_add(
        actor=worker,
        grid=fc.cast.grid_a,
        day=MONDAY,
        what="帮王大爷代办高龄补贴",
        place="社区服务站",
        people="王大爷",
        result="已提交",
        tags=[DiaryTag.NEED],
    )
    diary_add(actor=worker, grid=fc.cast.grid_a, day=MONDAY, what='=HYPERLINK("http://x")', place="东门")
    return fc


def test_the_grid_leader_and_the_supervisor_comment_but_not_the_author_or_another_worker(diary):
    fc = diary
    diary_comment(actor=fc.grid_leader, author=fc.cast.grid_worker_a, day=MONDAY, text="代办及时，继续跟进")
    diary_comment(actor=fc.supervisor, author=fc.cast.grid_worker_a, day=MONDAY, text="注意留存材料")
    for outsider in (fc.cast.grid_worker_a, fc.cast.grid_worker_b, fc.building_head):
        with pytest.raises(ActionRefused):
            diary_comment(actor=outsider, author=fc.cast.grid_worker_a, day=MONDAY, text="x")
    assert list(DiaryComment.objects.values_list("text", flat=True)) == ["代办及时，继续跟进", "注意留存材料"]
    entry = ChangeLogEntry.objects.filter(content_type__model="diarycomment").first()
    assert entry is not None and entry.area_code == fc.cast.grid_a.code


def test_the_comment_form_on_the_diary_page(client, diary):
    fc = diary
    url = reverse("fieldwork:diary_comment", args=[fc.cast.grid_worker_a.pk, 2026, 12])
    client.force_login(fc.grid_leader)
    empty = client.post(url, {"day": "2026-12-07", "text": " "}, follow=True).content.decode()
    assert "请填写点评内容。" in empty
    outside = client.post(url, {"day": "2026-11-30", "text": "好"}, follow=True).content.decode()
    assert "请选择这个月中的一天" in outside and not DiaryComment.objects.exists()
    client.post(url, {"day": "2026-12-07", "text": "代办及时"})
    client.force_login(fc.cast.grid_worker_a)
    page = client.get(reverse("fieldwork:diary", args=[fc.cast.grid_worker_a.pk, 2026, 12])).content.decode()
    assert 'data-comment-day="2026-12-07"' in page and "代办及时" in page
    assert 'id="comment-form"' not in page  # the author reads comments, does not write them


def test_the_excel_export_reads_back_as_the_paper_diary_with_comments(client, diary):
    fc = diary
    diary_comment(actor=fc.grid_leader, author=fc.cast.grid_worker_a, day=MONDAY, text="代办及时")
    diary_comment(
        actor=fc.grid_leader,
        author=fc.cast.grid_worker_a,
        day=MONDAY + datetime.timedelta(days=2),
        text="这天没有记录？",
    )
    client.force_login(fc.supervisor)
    response = client.get(reverse("fieldwork:diary_excel", args=[fc.cast.grid_worker_a.pk, 2026, 12]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["日期", "地点", "人员", "事由", "处理情况", "结果", "点评"]
    assert rows[2] == [
        "2026-12-07",
        "社区服务站",
        "王大爷",
        "帮王大爷代办高龄补贴",
        "",
        "已提交",
        "grid_leader_a：代办及时",
    ]
    assert rows[3][3] == '=HYPERLINK("http://x")' and rows[3][6] == ""  # text, never a formula
    assert sheet.cell(row=4, column=4).data_type == "s"
    assert rows[4] == ["2026-12-09", "", "", "", "", "", "grid_leader_a：这天没有记录？"]
    assert len(rows) == 5


def test_others_cannot_export_a_workers_diary(client, diary):
    fc = diary
    client.force_login(fc.cast.grid_worker_b)
    url = reverse("fieldwork:diary_excel", args=[fc.cast.grid_worker_a.pk, 2026, 12])
    assert client.get(url).status_code == 404
