"""The participation catalog, filled in after every ``migrate`` (and test flush):

* the default roles' participation permissions on installations older than this app — the
  deliberation permissions (议事) arrived after the first slice: a role that holds none of them
  gets the catalog's, even if it already holds wish or ballot permissions;
* the shipped stage sets (议事规程): the 五步工作法 (the default) and 四议两公开, created when
  there is no stage set at all. They are data: edit them, or add a street's own, in the admin;
  a deleted one does not come back while any other exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction

from accounts.catalog import grant_app_permissions
from accounts.default_roles import DEFAULT_ROLES
from accounts.models import Role
from participation.models import Stage, StageKind, StageSet

DELIBERATION = ("view_proposal", "add_proposal", "decide_proposal", "view_meeting", "add_meeting")
CONVENTIONS = ("view_convention", "record_convention", "add_convention")  # 公约, the third slice


def grant_deliberation_permissions() -> int:
    return _grant_group(DELIBERATION)


def grant_convention_permissions() -> int:
    return _grant_group(CONVENTIONS)


def _grant_group(group: tuple[str, ...]) -> int:
    """Give a default role the catalog's permissions of ``group`` when it holds none of them."""
    granted = 0
    for code, _name, _description, permissions in DEFAULT_ROLES:
        wanted = [name.split(".")[1] for name in permissions
                  if name.startswith("participation.") and name.split(".")[1] in group]
        role = Role.objects.filter(code=code).first()
        if role is None or not wanted or role.permissions.filter(
                content_type__app_label="participation", codename__in=group).exists():
            continue
        role.permissions.add(*Permission.objects.filter(content_type__app_label="participation",
                                                        codename__in=wanted))
        granted += 1
    return granted


STAGE_SETS = [
    ("five_steps", "五步工作法",
     "由群众提议，经网格党支部审议、党员服务区初议、社区党委决议，实施后由居民进行评议。", True, [
        ("网格党支部审议", "网格党支部", StageKind.DELIBERATE),
        ("党员服务区初议", "党员服务区", StageKind.DELIBERATE),
        ("社区党委决议", "社区党委", StageKind.DELIBERATE),
        ("实施", "社区居委会", StageKind.IMPLEMENT),
        ("居民评议", "居民", StageKind.EVALUATE),
    ]),
    ("four_two", "四议两公开",
     "党组织提议、两委会商议、党员大会审议、居民代表会议决议；决议公开、实施结果公开。", False, [
        ("党组织提议", "社区党组织", StageKind.DELIBERATE),
        ("两委会商议", "社区两委", StageKind.DELIBERATE),
        ("党员大会审议", "党员大会", StageKind.DELIBERATE),
        ("居民代表会议决议", "居民代表会议", StageKind.DELIBERATE),
        ("决议公开", "社区两委", StageKind.DELIBERATE),
        ("实施", "社区居委会", StageKind.IMPLEMENT),
        ("实施结果公开", "居民", StageKind.EVALUATE),
    ]),
]


def ensure_stage_sets() -> int:
    """Create the shipped stage sets when there are none; returns how many were created."""
    if StageSet.objects.exists():
        return 0
    for code, name, description, is_default, stages in STAGE_SETS:
        stage_set = StageSet.objects.create(code=code, name=name, description=description, is_default=is_default)
        Stage.objects.bulk_create([
            Stage(stage_set=stage_set, position=position, name=stage_name, deciding_body=body, kind=kind)
            for position, (stage_name, body, kind) in enumerate(stages, start=1)
        ])
    return len(STAGE_SETS)


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    if sender.name == "participation":
        with transaction.atomic():  # one commit, not one per row
            grant_app_permissions("participation")
            grant_deliberation_permissions()
            grant_convention_permissions()
            ensure_stage_sets()
