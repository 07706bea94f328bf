"""Actions of the handling units through the case page: sign, return, feedback with photos,
extension requests and decisions, and supervision by leaders."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import AssignmentState, AttachmentKind, Case, CaseSupervision, ExtensionState, Status
from cases.testing import advance, report
from cases.tests.case_actions import act, done


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_it_signs_for_the_lead_unit_and_for_an_assisting_unit(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.DISPATCHED, cc)
    done(act(client, cc.enforcement_handler, case, "sign"), "签收")
    assert fresh(case).status == Status.DISPATCHED  # an assisting unit's signature does not start handling
    done(act(client, cc.property_handler, case, "sign"), "签收")
    assert fresh(case).status == Status.HANDLING
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.SIGNED}


def test_it_refuses_to_sign_for_someone_outside_the_units(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.DISPATCHED, cc)
    html = act(client, cc.dispatcher, case, "sign").content.decode()
    assert "您没有权限对这个事件签收。" in html
    assert fresh(case).status == Status.DISPATCHED


def test_it_returns_to_the_dispatcher_with_a_reason(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.DISPATCHED, cc)
    client.force_login(cc.property_handler)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-confirm="确定退单吗？事件将退回派遣人重新派遣。"' in html
    response = act(client, cc.property_handler, case, "return", reason="")
    assert response.status_code == 400 and "请填写退单理由。" in response.content.decode()
    assert fresh(case).status == Status.DISPATCHED
    done(act(client, cc.property_handler, case, "return", reason="不属于物业管理范围。"), "退单")
    case = fresh(case)
    assert case.status == Status.PENDING_DISPATCH and case.lead_organisation is None
    html = act(client, cc.enforcement_handler, case, "return", reason="也不是我们。").content.decode()
    assert "事件当前为“待派遣”，不能退单。" in html


def test_it_takes_feedback_with_before_and_after_photos(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    response = act(client, cc.property_handler, case, "feedback", comment="已清理完毕。",
                   before_photos=[jpeg("before.jpg")], after_photos=[jpeg("after1.jpg"), jpeg("after2.jpg")])
    done(response, "反馈办理结果")
    case = fresh(case)
    assert case.status == Status.PENDING_VERIFY
    kinds = sorted(case.attachments.values_list("kind", flat=True))
    assert kinds == [AttachmentKind.AFTER, AttachmentKind.AFTER, AttachmentKind.BEFORE]
    photo = case.attachments.first()
    assert f"/cases/photo/{photo.token}/" in response.content.decode()


def test_it_refuses_feedback_without_a_comment_or_with_a_file_that_is_no_photo(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    response = act(client, cc.property_handler, case, "feedback", comment="")
    assert response.status_code == 400 and "请填写办理情况。" in response.content.decode()
    fake = SimpleUploadedFile("notes.jpg", b"this is no picture", content_type="image/jpeg")
    response = act(client, cc.property_handler, case, "feedback", comment="已清理。", after_photos=[fake])
    html = response.content.decode()
    assert response.status_code == 400 and "“notes.jpg”不是可识别的图片" in html
    case = fresh(case)
    assert case.status == Status.HANDLING and not case.attachments.exists()


def test_it_refuses_feedback_by_a_unit_that_has_not_signed(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    html = act(client, cc.enforcement_handler, case, "feedback", comment="已处理。").content.decode()
    assert "您没有权限对这个事件反馈办理结果。" in html
    assert fresh(case).status == Status.HANDLING


def test_it_requests_an_extension_and_the_dispatcher_decides(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    due = fresh(case).handle_due_at
    response = act(client, cc.property_handler, case, "request_extension", extra_days="40", reason="材料未到。")
    assert response.status_code == 400 and not case.extensions.exists()
    response = act(client, cc.property_handler, case, "request_extension", extra_days="", reason="材料未到。")
    assert response.status_code == 400 and "请填写延长的工作日数。" in response.content.decode()
    done(act(client, cc.property_handler, case, "request_extension", extra_days="3", reason="材料未到。"), "申请延期")
    html = act(client, cc.property_handler, case, "request_extension", extra_days="3", reason="再延。").content.decode()
    assert "这个事件已有待审批的延期申请，或不需要申请延期。" in html

    response = act(client, cc.dispatcher, case, "decide_extension", decision="deny", note="")
    assert response.status_code == 400 and "请填写驳回理由。" in response.content.decode()
    response = act(client, cc.dispatcher, case, "decide_extension")
    assert response.status_code == 400 and "请选择批准或驳回。" in response.content.decode()
    html = act(client, cc.property_handler, case, "decide_extension", decision="approve").content.decode()
    assert "您没有权限对这个事件审批延期。" in html
    done(act(client, cc.dispatcher, case, "decide_extension", decision="approve", note="同意。"), "审批延期")
    assert case.extensions.get().state == ExtensionState.APPROVED
    assert fresh(case).handle_due_at > due


def test_it_records_supervision_by_a_leader(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    response = act(client, cc.cast.street_leader, case, "supervise", kind="", comment="")
    html = response.content.decode()
    assert response.status_code == 400 and "请选择督办方式。" in html
    response = act(client, cc.cast.street_leader, case, "supervise", kind="purple", comment="快")
    assert response.status_code == 400 and not CaseSupervision.objects.exists()
    done(act(client, cc.cast.street_leader, case, "supervise", kind="red", comment="限今日办结。"), "督办")
    supervision = CaseSupervision.objects.get()
    assert supervision.kind == "red" and supervision.issued_by == cc.cast.street_leader
    html = act(client, cc.property_handler, case, "supervise", kind="reminder", comment="自己催自己").content.decode()
    assert "您没有权限对这个事件督办。" in html and CaseSupervision.objects.count() == 1


def test_feedback_photos_follow_the_staff_photo_limit(cc, client, settings):  # type: ignore[no-untyped-def]
    settings.CASES_STAFF_MAX_PHOTOS = 2
    case = advance(report(cc), Status.HANDLING, cc)
    response = act(client, cc.property_handler, case, "feedback", comment="已清理。",
                   after_photos=[jpeg("a.jpg"), jpeg("b.jpg"), jpeg("c.jpg")])
    assert response.status_code == 400 and "最多上传2张照片。" in response.content.decode()
    assert fresh(case).status == Status.HANDLING and not fresh(case).attachments.exists()
