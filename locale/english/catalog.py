"""English for the case catalog (default categories, attributes, event classes), the holiday
calendar page, the seed_holidays command and the cases admin."""

from __future__ import annotations

ENGLISH: dict[str, str | tuple[str, str]] = {
    # default categories (事件类别)
    "违章搭建": "Illegal construction",
    "飞线充电/电动车楼道停放": "Unsafe e-bike charging / e-bikes in stairwells",
    "消防通道堵塞": "Blocked fire lane",
    "楼道堆物": "Clutter in stairwells",
    "高空抛物": "Objects thrown from height",
    "设施损坏": "Damaged facilities",
    "路面": "Road surface",
    "房屋漏水": "Leaking building",
    "有害生物": "Pests",
    "蜂窝": "Wasp nest",
    "环境卫生/垃圾": "Sanitation / rubbish",
    "噪音扰民": "Noise nuisance",
    "僵尸车/乱停车": "Abandoned vehicles / illegal parking",
    "快递点扰民": "Nuisance from a parcel station",
    "食品安全": "Food safety",
    "邻里纠纷": "Neighbour dispute",
    "物业纠纷": "Dispute with property management",
    "养老帮扶/困难救助": "Elderly care / hardship assistance",
    "政策咨询与代办": "Policy advice and errands",
    "退休认证": "Pension eligibility check",
    "团关系转接": "Youth League membership transfer",
    "独生子女奖励": "Only-child reward",
    "治安隐患": "Public security hazard",
    # category descriptions
    "未经批准的搭建、加建、改建，由街道综合执法中队查处。":
        "Building, extending or altering without approval; dealt with by the sub-district's law enforcement squad.",
    "私拉电线给电动车充电，或电动车停放在楼道、门厅里：火灾隐患，当天劝导整改。":
        "E-bikes charged from improvised cables or parked in stairwells and lobbies: a fire hazard, to be put "
        "right the same day.",
    "车辆或杂物占用消防车通道、安全出口：紧急，可直接报到街道。":
        "Vehicles or objects blocking a fire lane or an emergency exit: urgent, may be reported straight to the "
        "sub-district.",
    "从建筑物中抛掷物品：危及人身安全，可直接报到街道（派出所）。":
        "Objects thrown from a building: a danger to life, may be reported straight to the sub-district "
        "(police station).",
    "马蜂窝等：不要自行处理，尽快联系物业或消防摘除。":
        "Wasp nests and the like: do not remove them yourself; property management or the fire brigade will.",
    # attributes and their options
    "搭建面积（平方米）": "Built area (m²)",
    "结构": "Structure",
    "砖混": "Brick and concrete",
    "彩钢板": "Colour steel sheet",
    "木结构": "Timber",
    "楼道": "Stairwell",
    "门厅": "Lobby",
    "地下室": "Basement",
    "室外飞线": "Cable run from outside",
    "后果": "Consequences",
    "未造成伤害": "No harm done",
    "造成财物损失": "Damage to property",
    "造成人身伤害": "Injury to people",
    "时段": "Time of day",
    "早晨": "Early morning",
    "白天": "Daytime",
    "夜间": "Night",
    "噪音来源": "Source of the noise",
    "装修施工": "Renovation work",
    "商铺经营": "Shops",
    "广场舞": "Square dancing",
    "住户": "Residents",
    "车牌号": "Number plate",
    "发现日期": "Date found",
    "商户名称": "Name of the business",
    "需要的帮助": "Help needed",
    "生活照料": "Daily care",
    "就医陪护": "Accompanying to the doctor",
    "临时救助": "Emergency assistance",
    "政策申请": "Applying for benefits",
    # GB/T 30428.2 event classes (事件大类); 市容环境 is translated elsewhere
    "宣传广告": "Advertising and publicity",
    "施工管理": "Construction management",
    "突发事件": "Emergencies",
    "街面秩序": "Street order",
    "市场监管": "Market supervision",
    # the calendar page (工作日历)
    "%(year)s 年工作日历": "Working-day calendar %(year)s",
    "%(y)s 年": "%(y)s",
    "年份": "Year",
    "在系统管理中查看列表": "See the list in the administration",
    "周一至周五上班、周六周日休息，以下列出的法定节假日和调休上班日除外。事件的受理、处置、核查时限按这个日历计算工作日。":
        "Monday to Friday are working days and weekends are rest days, except for the public holidays and "
        "make-up working days shown here. Case deadlines for acceptance, handling and verification count "
        "working days on this calendar.",
    "工作日": "Working day",
    "休息日": "Rest day",
    "节假日": "Holiday",
    "调休上班": "Make-up working day",
    "全年工作日 %(workdays)s 天，休息日 %(rest)s 天（其中工作日放假 %(holidays)s 天），调休上班 %(makeup)s 天。":
        "%(workdays)s working days and %(rest)s rest days in the year (%(holidays)s of them weekdays off); "
        "%(makeup)s make-up working days.",
    "点选一天，可以把它改为上班或放假，并填写名称。新计算的时限按修改后的日历，已有的时限不变。":
        "Pick a day to make it a working day or a day off and give it a name. Deadlines computed from now on "
        "use the changed calendar; existing deadlines stay as they are.",
    "按周一至周五上班": "Monday to Friday rule",
    "如：国庆节、国庆节调休上班": "e.g. National Day, National Day make-up working day",
    "改为放假": "Make it a day off",
    "改为上班": "Make it a working day",
    "只保存名称": "Save the name only",
    "确定把 %(day)s 改为放假吗？": "Make %(day)s a day off?",
    "确定把 %(day)s 改为上班吗？": "Make %(day)s a working day?",
    "修改记入审计日志。新计算的时限按修改后的日历，已有的时限不变。":
        "Changes are recorded in the audit log. Deadlines computed from now on use the changed calendar; "
        "existing deadlines stay as they are.",
    "这一天": "This day",
    "上班": "Working day",
    "放假": "Day off",
    "请选择上班或放假。": "Please choose working day or day off.",
    "名称最多 %(limit_value)d 个字。": "The name can be at most %(limit_value)d characters long.",
    "您没有修改工作日历的权限。": "You may not change the working-day calendar.",
    "已把 %(day)s 设为上班。": "%(day)s is now a working day.",
    "已把 %(day)s 设为放假。": "%(day)s is now a day off.",
    # the seed_holidays command
    "年份应在 %(first)d 到 %(last)d 之间。": "The year must be between %(first)d and %(last)d.",
    "已添加 %(n)d 个节假日与调休日期。": "Added %(n)d holidays and make-up working days.",
    "%(year)d 年的调休安排尚未收录，只添加了法定节假日；国务院公布后请在工作日历页面补充。":
        "The make-up working days of %(year)d are not known yet, so only the statutory holidays were added; "
        "add the rest on the working-day calendar page once the State Council publishes them.",
    # the cases admin
    "办理": "Handling",
    "处置": "Handling",
    "事件页面": "Case page",
    "星期": "Weekday",
}

ENGLISH_IN_CONTEXT: dict[tuple[str, str], str] = {
    ("weekday", "一"): "Mon",
    ("weekday", "二"): "Tue",
    ("weekday", "三"): "Wed",
    ("weekday", "四"): "Thu",
    ("weekday", "五"): "Fri",
    ("weekday", "六"): "Sat",
    ("weekday", "日"): "Sun",
}
