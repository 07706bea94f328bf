"""The tracking page (/s/track/<code>/): status, public timeline and photos, the reporter's actions."""

import pytest
from django.core.cache import caches

from cases import transitions as t
from cases.models import AttachmentKind, Case, CaseAttachment, Channel, Rating, Status
from cases.testing import advance, report, tiny_photo
from cases.workflow import REPORTER


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    caches["default"].clear()



def _resident_case(cc) -> Case:  # type: ignore[no-untyped-def]
    return t.case_report(actor=REPORTER, category=cc.category("t-clutter"), description="5号楼楼道堆物。",
                         channel=Channel.RESIDENT, grid=cc.cast.grid_a, reporter_phone="13912345678",
                         photos=[tiny_photo()])


def _url(case: Case, suffix: str = "") -> str:
    return f"/s/track/{case.tracking_code}/{suffix}"


def test_it_finds_a_case_by_the_code_typed_in(cc, client):
    case = _resident_case(cc)
    assert client.get("/s/track/").status_code == 200
    response = client.get("/s/track/", {"code": f" {case.tracking_code[:5].lower()}-{case.tracking_code[5:]} "})
    assert response.status_code == 302 and response["Location"] == _url(case)
    response = client.get("/s/track/", {"code": "abc"})
    assert "查询码：查询码是10位字母和数字，请核对后重新输入。" in response.content.decode()


def test_it_shows_status_and_the_public_timeline_only(cc, client):
    case = _resident_case(cc)
    case = t.case_accept(case=case, actor=cc.dispatcher, comment="已受理，转物业处理。", reply="已受理，请耐心等待。")
    t.case_supervise(case=case, actor=cc.supervisor, kind="reminder", comment="内部督办：请尽快派单。")
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company)
    response = client.get(_url(case))
    content = response.content.decode()
    assert response.status_code == 200
    assert "楼道堆物" in content and "待签收" in content and "5号楼楼道堆物。" in content
    assert "提交反映" in content and "已受理，请耐心等待。" in content and "交由百花物业办理。" in content
    assert "已受理，转物业处理。" not in content  # the internal note stays at the desk
    assert "内部督办" not in content  # supervision is not public
    assert "13912345678" not in content and "dispatcher1" not in content
    assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in response["Cache-Control"]


def test_it_redirects_a_lower_case_code_to_the_page_of_the_code(cc, client):
    case = _resident_case(cc)
    response = client.get(f"/s/track/{case.tracking_code.lower()}/")
    assert response.status_code == 302 and response["Location"] == _url(case)


def test_an_unknown_code_answers_a_friendly_404_and_guessing_is_limited(cc, client, settings):
    settings.CASES_TRACK_FAILED_LOOKUPS_PER_IP_HOUR = 3
    case = _resident_case(cc)
    response = client.get("/s/track/ABCDEFGHJK/")
    assert response.status_code == 404
    assert "没有找到这个查询码对应的反映" in response.content.decode()
    client.get("/s/track/ABCDEFGHJM/")
    client.get("/s/track/not-a-code/")
    response = client.get(_url(case))  # even a real code waits now
    assert response.status_code == 429 and "查询过于频繁，请一小时后再试。" in response.content.decode()
    assert client.get(_url(case), REMOTE_ADDR="198.51.100.50").status_code == 200


def test_a_real_code_may_be_looked_up_again_and_again(cc, client, settings):
    settings.CASES_TRACK_FAILED_LOOKUPS_PER_IP_HOUR = 2
    case = _resident_case(cc)
    for _ in range(5):
        assert client.get(_url(case)).status_code == 200


def test_the_reporter_cancels_before_handling(cc, client):
    case = _resident_case(cc)
    assert 'id="cancel-form"' in client.get(_url(case)).content.decode()
    response = client.post(_url(case, "cancel/"), {"cancel-reason": "物业已经清理了。"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CANCELLED
    assert "您的反映已撤销。" in client.get(_url(case)).content.decode()


def test_the_reporter_cannot_cancel_once_handling_started(cc, client):
    case = advance(_resident_case(cc), Status.HANDLING, cc)
    assert 'id="cancel-form"' not in client.get(_url(case)).content.decode()
    response = client.post(_url(case, "cancel/"), {"cancel-reason": "不想等了"}, follow=True)
    assert "事件当前为“处置中”，不能撤销。" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.HANDLING


def test_the_reporter_confirms_the_fix(cc, client):
    case = advance(_resident_case(cc), Status.PENDING_VERIFY, cc)
    assert 'id="verify-form"' in client.get(_url(case)).content.decode()
    response = client.post(_url(case, "verify/"), {})
    assert response.status_code == 400 and "请选择“已解决”或“未解决”。" in response.content.decode()
    response = client.post(_url(case, "verify/"), {"verify-passed": "yes"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.VERIFIED
    assert "感谢您的确认。" in client.get(_url(case)).content.decode()


def test_the_reporter_says_it_is_not_fixed_with_a_reason(cc, client):
    case = advance(_resident_case(cc), Status.PENDING_VERIFY, cc)
    response = client.post(_url(case, "verify/"), {"verify-passed": "no"})
    assert response.status_code == 400
    assert "说明：请说明还有什么问题没有解决。" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.PENDING_VERIFY
    client.post(_url(case, "verify/"), {"verify-passed": "no", "verify-comment": "纸箱还在。"})
    case.refresh_from_db()
    assert case.status == Status.HANDLING and case.rework_count == 1


def test_the_reporter_rates_a_closed_case_once(cc, client):
    case = advance(_resident_case(cc), Status.CLOSED, cc)
    assert 'id="rate-form"' in client.get(_url(case)).content.decode()
    response = client.post(_url(case, "rate/"), {"rate-rating": Rating.DISSATISFIED})
    assert response.status_code == 400 and "意见：请说明不满意的原因。" in response.content.decode()
    response = client.post(_url(case, "rate/"), {"rate-rating": Rating.SATISFIED, "rate-comment": "很快。"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED and case.rating_comment == "很快。"
    content = client.get(_url(case)).content.decode()
    assert 'id="rate-form"' not in content and "您的评价" in content
    response = client.post(_url(case, "rate/"), {"rate-rating": Rating.DISSATISFIED, "rate-comment": "改主意"},
                           follow=True)
    assert "这个事件已经评价过了。" in response.content.decode()
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED


def test_an_unhappy_rating_asks_for_rework(cc, client):
    case = advance(_resident_case(cc), Status.CLOSED, cc)
    client.post(_url(case, "rate/"), {"rate-rating": Rating.DISSATISFIED, "rate-comment": "没清理干净。"})
    case.refresh_from_db()
    assert case.rating == Rating.DISSATISFIED and case.reopen_requested


def test_unknown_actions_are_not_found(cc, client):
    case = _resident_case(cc)
    assert client.post(_url(case, "close/"), {}).status_code == 404


def test_it_serves_public_photos_to_the_code_holder_only(cc, client):
    case = _resident_case(cc)
    other = _resident_case(cc)
    case = advance(case, Status.PENDING_VERIFY, cc)
    t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True, comment="现场已清理。", photos=[tiny_photo()])
    report_photo = case.attachments.get(kind=AttachmentKind.REPORT)
    evidence = case.attachments.get(kind=AttachmentKind.EVIDENCE)
    content = client.get(_url(case)).content.decode()
    assert f"/photo/{report_photo.token}/" in content and f"/photo/{evidence.token}/" not in content
    response = client.get(_url(case, f"photo/{report_photo.token}/"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"  # a shared phone keeps no copy
    assert client.get(_url(case, f"photo/{evidence.token}/")).status_code == 404
    assert client.get(_url(other, f"photo/{report_photo.token}/")).status_code == 404
    assert client.get(f"/s/track/ABCDEFGHJK/photo/{report_photo.token}/").status_code == 404
    assert client.get(_url(case, f"photo/{report_photo.pk}/")).status_code == 404  # never by sequential id
    assert CaseAttachment.objects.count() == 3


def test_a_merged_case_follows_the_case_it_joined(cc, client):
    original = report(cc)
    case = _resident_case(cc)
    t.case_merge(case=case, actor=cc.dispatcher, into=original)
    content = client.get(_url(case)).content.decode()
    assert "已与之合并办理" in content and "待受理" in content


def test_reloading_an_action_with_errors_goes_back_to_the_tracking_page(cc, client):
    case = _resident_case(cc)
    response = client.get(_url(case, "rate/"))
    assert response.status_code == 302 and response["Location"] == _url(case)
