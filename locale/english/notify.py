"""English for notifications (the inbox, e-mails, texts to reporters) and the supervision worker."""

from __future__ import annotations

ENGLISH: dict[str, str | tuple[str, str]] = {
    # inbox titles (cases/notifications.py TITLES)
    "新事件待受理：%(number)s %(category)s": "New case to accept: %(number)s %(category)s",
    "事件上报至本级，待处理：%(number)s %(category)s": "Case escalated to your desk: %(number)s %(category)s",
    "新派单待签收：%(number)s %(category)s": "New case dispatched to you, please sign for it: %(number)s %(category)s",
    "事件被退单，请重新派遣：%(number)s %(category)s": "Case returned, please dispatch again: %(number)s %(category)s",
    "延期申请待审批：%(number)s %(category)s": "Extension request to decide: %(number)s %(category)s",
    "延期申请已批准：%(number)s %(category)s": "Extension approved: %(number)s %(category)s",
    "延期申请被驳回：%(number)s %(category)s": "Extension denied: %(number)s %(category)s",
    "事件已反馈办理结果，待核查：%(number)s %(category)s": "Case handled, please verify: %(number)s %(category)s",
    "协办单位已反馈：%(number)s %(category)s": "Assisting unit reported back: %(number)s %(category)s",
    "事件核查通过，待结案：%(number)s %(category)s": "Case verified, ready to close: %(number)s %(category)s",
    "事件核查未通过，请重新处置：%(number)s %(category)s":
        "Verification failed, please handle again: %(number)s %(category)s",
    "事件已挂账：%(number)s %(category)s": "Case put on hold: %(number)s %(category)s",
    "事件已恢复办理：%(number)s %(category)s": "Case resumed: %(number)s %(category)s",
    "事件已被反映人撤销：%(number)s %(category)s": "Case withdrawn by the reporter: %(number)s %(category)s",
    "您上报的事件已受理：%(number)s %(category)s": "Your report was accepted: %(number)s %(category)s",
    "您上报的事件不予受理：%(number)s %(category)s": "Your report was declined: %(number)s %(category)s",
    "您上报的事件已结案：%(number)s %(category)s": "Your report was closed: %(number)s %(category)s",
    "反映人不满意，申请重办：%(number)s %(category)s": "Reporter dissatisfied, asks to reopen: %(number)s %(category)s",
    "事件即将超期：%(number)s %(category)s": "Case about to be overdue: %(number)s %(category)s",
    "事件已超期：%(number)s %(category)s": "Case overdue: %(number)s %(category)s",
    "催办：%(number)s %(category)s": "Reminder: %(number)s %(category)s",
    "黄牌督办：%(number)s %(category)s": "Yellow card: %(number)s %(category)s",
    "红牌督办：%(number)s %(category)s": "Red card: %(number)s %(category)s",
    "领导催办：%(number)s %(category)s": "Reminder from a leader: %(number)s %(category)s",
    "领导黄牌督办：%(number)s %(category)s": "Yellow card from a leader: %(number)s %(category)s",
    "领导红牌督办：%(number)s %(category)s": "Red card from a leader: %(number)s %(category)s",
    # texts and e-mails to the reporter
    "您反映的问题已受理，我们会尽快办理。查询码 %(code)s，办理进度：%(link)s":
        "Your report has been accepted and will be handled soon. Tracking code %(code)s, progress: %(link)s",
    "您反映的问题未予受理：%(reason)s 查询码 %(code)s，详情：%(link)s":
        "Your report was declined: %(reason)s Tracking code %(code)s, details: %(link)s",
    "您反映的问题已办结，办理结果：%(outcome)s。查询码 %(code)s，请查看并评价：%(link)s":
        "Your report has been dealt with, outcome: %(outcome)s. Tracking code %(code)s, please look and rate: "
        "%(link)s",
    "事件%(number)s办理进度": "Progress of case %(number)s",
    # the supervision worker's timeline entries
    "系统": "System",
    "%(stage)s时限将于%(due)s到期。": "The %(stage)s time limit ends at %(due)s.",
    "%(stage)s已超过时限（%(due)s）。": "%(stage)s is past its time limit (%(due)s).",
    "%(stage)s用时已达时限的%(percent)d%%（时限%(due)s）。":
        "%(stage)s has taken %(percent)d%% of its time limit (limit %(due)s).",
    # the inbox page
    "消息": "Messages",
    "未读": "Unread",
    "未读：": "Unread: ",
    "标为已读": "Mark read",
    "全部标为已读": "Mark all read",
    "没有未读消息": "No unread messages",
    "没有未读消息。": "No unread messages.",
    "还没有消息。事件派给您、需要您核查或被督办时，这里会通知您。":
        "No messages yet. You are told here when a case is dispatched to you, waits for your verification or is "
        "supervised.",
    "%(count)s 条未读": ("%(count)s unread", "%(count)s unread"),
    "已将 %(count)d 条消息标为已读。": ("Marked %(count)d message read.", "Marked %(count)d messages read."),
}
