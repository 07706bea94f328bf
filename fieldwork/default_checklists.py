"""The default checklists (检查清单) as data: 四查四报, 消防安全, 燃气安全, 食品安全.

Plain data, read by ``fieldwork.catalog`` (which creates missing checklists after ``migrate``)
and by ``FieldworkConfig.ready`` (which marks their texts for translation on display). Problem
items name the default case category (``cases.catalog``) a finding is reported under.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from fieldwork.models import ItemKind


@dataclass(frozen=True)
class ItemSpec:
    label: str
    kind: str = ItemKind.YES_NO
    required: bool = True
    options: tuple[str, ...] = ()
    problem_answers: tuple[str, ...] = ()
    min_ok: int | None = None
    max_ok: int | None = None
    category_code: str = ""


@dataclass(frozen=True)
class ChecklistSpec:
    code: str
    name: str
    description: str = ""
    items: tuple[ItemSpec, ...] = field(default_factory=tuple)


YES_NO = ItemKind.YES_NO

DEFAULT_CHECKLISTS: tuple[ChecklistSpec, ...] = (
    ChecklistSpec(
        "four-checks", gettext_noop("四查四报"),
        gettext_noop("查人员变动报信息、查安全隐患报风险、查矛盾纠纷报动态、查环境秩序报问题。"),
        (
            ItemSpec(gettext_noop("人员是否有变动（迁入迁出、新租户、新生儿）"), problem_answers=("yes",)),
            ItemSpec(gettext_noop("是否发现安全隐患"), problem_answers=("yes",), category_code="public-security"),
            ItemSpec(gettext_noop("是否发现矛盾纠纷"), problem_answers=("yes",), category_code="neighbour-dispute"),
            ItemSpec(gettext_noop("环境卫生与公共秩序是否良好"), problem_answers=("no",), category_code="sanitation"),
            ItemSpec(gettext_noop("现场照片"), kind=ItemKind.PHOTO, required=False),
        ),
    ),
    ChecklistSpec(
        "fire-safety", gettext_noop("消防安全检查"), gettext_noop("楼道、消防通道、灭火器、消火栓与电动车充电。"),
        (
            ItemSpec(gettext_noop("消防通道、楼道是否畅通"), problem_answers=("no",),
                     category_code="fire-exit-blocked"),
            ItemSpec(gettext_noop("灭火器是否在有效期内"), problem_answers=("no",), category_code="facility-damage"),
            ItemSpec(gettext_noop("每层灭火器数量"), kind=ItemKind.NUMBER, min_ok=2, category_code="facility-damage"),
            ItemSpec(gettext_noop("消火栓状况"), kind=ItemKind.CHOICE, options=(
                gettext_noop("完好"), gettext_noop("缺损"), gettext_noop("无水")),
                problem_answers=(gettext_noop("缺损"), gettext_noop("无水")), category_code="facility-damage"),
            ItemSpec(gettext_noop("是否有电动车楼道停放或飞线充电"), problem_answers=("yes",),
                     category_code="ebike-charging"),
            ItemSpec(gettext_noop("现场照片"), kind=ItemKind.PHOTO),
        ),
    ),
    ChecklistSpec(
        "gas-safety", gettext_noop("燃气安全检查"), gettext_noop("餐饮与居民用气的软管、报警器和通风。"),
        (
            ItemSpec(gettext_noop("燃气软管是否老化或超长"), problem_answers=("yes",), category_code="public-security"),
            ItemSpec(gettext_noop("是否安装燃气报警器"), problem_answers=("no",), category_code="public-security"),
            ItemSpec(gettext_noop("检查情况说明"), kind=ItemKind.TEXT, required=False),
        ),
    ),
    ChecklistSpec(
        "food-safety", gettext_noop("食品安全检查"), gettext_noop("餐饮和食品经营单位的证照、卫生与留样。"),
        (
            ItemSpec(gettext_noop("证照是否齐全并公示"), problem_answers=("no",), category_code="food-safety"),
            ItemSpec(gettext_noop("从业人员是否持健康证"), problem_answers=("no",), category_code="food-safety"),
            ItemSpec(gettext_noop("后厨卫生状况"), kind=ItemKind.CHOICE, options=(
                gettext_noop("良好"), gettext_noop("一般"), gettext_noop("较差")),
                problem_answers=(gettext_noop("较差"),), category_code="food-safety"),
            ItemSpec(gettext_noop("现场照片"), kind=ItemKind.PHOTO, required=False),
        ),
    ),
)

DEFAULT_CHECKLIST_TEXTS: frozenset[str] = frozenset(
    text
    for spec in DEFAULT_CHECKLISTS
    for text in (spec.name, spec.description, *(item.label for item in spec.items),
                 *(option for item in spec.items for option in item.options))
)
