"""The shipped stage sets (议事规程): the 五步工作法 as the default, and 四议两公开 to choose.

Data, editable in the admin afterwards; reversing removes only sets no proposal uses.
"""

from typing import Any

from django.db import migrations

STAGE_SETS = [
    ("five_steps", "五步工作法", "由群众提议，经网格党支部审议、党员服务区初议、社区党委决议，实施后由居民进行评议。", True, [
        ("网格党支部审议", "网格党支部", "deliberate"),
        ("党员服务区初议", "党员服务区", "deliberate"),
        ("社区党委决议", "社区党委", "deliberate"),
        ("实施", "社区居委会", "implement"),
        ("居民评议", "居民", "evaluate"),
    ]),
    ("four_two", "四议两公开", "党组织提议、两委会商议、党员大会审议、居民代表会议决议；决议公开、实施结果公开。", False, [
        ("党组织提议", "社区党组织", "deliberate"),
        ("两委会商议", "社区两委", "deliberate"),
        ("党员大会审议", "党员大会", "deliberate"),
        ("居民代表会议决议", "居民代表会议", "deliberate"),
        ("决议公开", "社区两委", "deliberate"),
        ("实施", "社区居委会", "implement"),
        ("实施结果公开", "居民", "evaluate"),
    ]),
]


def create(apps: Any, schema_editor: Any) -> None:
    stage_set_model = apps.get_model("participation", "StageSet")
    stage_model = apps.get_model("participation", "Stage")
    for code, name, description, is_default, stages in STAGE_SETS:
        if stage_set_model.objects.filter(code=code).exists():
            continue
        is_default = is_default and not stage_set_model.objects.filter(is_default=True).exists()
        stage_set = stage_set_model.objects.create(code=code, name=name, description=description,
                                                   is_default=is_default)
        for position, (stage_name, body, kind) in enumerate(stages, start=1):
            stage_model.objects.create(stage_set=stage_set, position=position, name=stage_name,
                                       deciding_body=body, kind=kind)


def remove(apps: Any, schema_editor: Any) -> None:
    stage_set_model = apps.get_model("participation", "StageSet")
    proposal_model = apps.get_model("participation", "Proposal")
    used = proposal_model.objects.values("stage_set_id")
    stage_set_model.objects.filter(code__in=[row[0] for row in STAGE_SETS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("participation", "0002_deliberation")]
    operations = [migrations.RunPython(create, remove)]
