"""The default roles as data: each role's code, name, description and permissions.

Plain data, read by ``accounts.catalog`` (which creates missing roles after ``migrate``) and by
``accounts.models`` (which translates the default names for display).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

VIEW = ["areas.view_area", "areas.view_gridtag", "accounts.view_teammember", "accounts.view_organisation"]
TEAM = ["accounts.add_teammember", "accounts.change_teammember", "accounts.delete_teammember", "areas.manage_team"]
AREA_ADMIN = [
    "areas.add_area", "areas.change_area", "areas.manage_boundaries",
    "areas.add_gridtag", "areas.change_gridtag", "areas.delete_gridtag",
]
ACCOUNT_ADMIN = [
    "accounts.view_user", "accounts.add_user", "accounts.change_user",
    "accounts.view_role", "accounts.view_roleassignment", "accounts.add_roleassignment",
    "accounts.change_roleassignment", "accounts.delete_roleassignment",
    "accounts.add_organisation", "accounts.change_organisation",
    "accounts.view_organisationmember", "accounts.add_organisationmember",
    "accounts.change_organisationmember", "accounts.delete_organisationmember",
]
AUDIT = ["audit.view_changelogentry"]
# The registry (基础信息). Grid workers register and verify but see ID numbers and phones
# masked only: unmasking (registry.unmask_resident) is for grid leaders, community staff,
# street leaders and area administrators, who answer for it in the access log. Existing
# databases keep their roles as they are: administrators add these permissions to roles
# created before the registry (docs/registry.md).
_REGISTRY_MODELS = ("building", "buildingunit", "dwelling", "household", "householdmember", "resident",
                    "establishment", "facility", "vehicle")
REGISTRY_VIEW = [f"registry.view_{name}" for name in _REGISTRY_MODELS] + [
    "registry.view_caretag", "registry.view_facilitycategory",
]
REGISTRY_EDIT = [f"registry.{action}_{name}" for name in _REGISTRY_MODELS for action in ("add", "change")]
REGISTRY_UNMASK = ["registry.unmask_resident"]
ACCESS_LOG = ["audit.view_accesslogentry"]
# Cases (事件办理). Who acts at which desk is decided by the area of the assignment: a street
# dispatcher's accept_case covers every grid and community of the street.
CASE_VIEW = ["cases.view_case", "cases.view_category"]
CASE_REPORT = ["cases.report_case"]
CASE_GRID = [*CASE_REPORT, "cases.self_handle_case", "cases.verify_case"]
CASE_DESK = ["cases.accept_case", "cases.export_case", "cases.supervise_case"]
CASE_HANDLE = ["cases.handle_case", "cases.view_category"]
CASE_CATALOG = [
    f"cases.{action}_{name}"
    for name in ("category", "categoryattribute", "routingrule", "calendarday", "supervisionstep")
    for action in ("view", "add", "change", "delete")
]
# Participation (共建共治): workers collect wishes and votes, the community reviews and runs ballots.
# 议事: workers record proposals and convene meetings; the community records the stage decisions.
# 公约: workers record comments and breaches; the community drafts, puts to vote, publishes, repeals.
PARTICIPATION_VIEW = ["participation.view_wish", "participation.view_ballot", "participation.view_proposal",
                      "participation.view_meeting", "participation.view_convention"]
PARTICIPATION_WORK = [*PARTICIPATION_VIEW, "participation.add_wish", "participation.handle_wish",
                      "participation.record_vote", "participation.add_proposal", "participation.add_meeting",
                      "participation.record_convention"]
PARTICIPATION_REVIEW = [*PARTICIPATION_WORK, "participation.review_wish", "participation.add_ballot",
                        "participation.change_ballot", "participation.decide_proposal",
                        "participation.add_convention"]
# Fieldwork (巡查走访). Routes are for the 网格长 and 督导员 (fieldwork.view_route); plans and
# checklists are managed by community staff and administrators.
FIELD_VIEW = ["fieldwork.view_patrol", "fieldwork.view_visit", "fieldwork.view_patrolplan", "fieldwork.view_checklist",
              "fieldwork.view_rectificationlist"]
# 整改清单: the 网格长 and community staff compile, send and reopen them (handlers act through their unit).
FIELD_RECTIFY = ["fieldwork.add_rectificationlist"]
# 结对帮扶: the 网格长 and community staff pair residents with helpers.
FIELD_PAIR = ["fieldwork.add_pairing", "fieldwork.change_pairing", "fieldwork.view_pairing"]
FIELD_WORK = [*FIELD_VIEW, "fieldwork.add_patrol", "fieldwork.add_visit"]
FIELD_LEAD = ["fieldwork.view_route", "fieldwork.view_compliance"]
FIELD_PLAN = [f"fieldwork.{action}_{name}" for name in ("patrolplan", "patrolwindow", "plantarget")
              for action in ("add", "change", "delete")]
FIELD_CATALOG = [f"fieldwork.{action}_{name}" for name in ("checklist", "checklistversion", "checklistitem")
                 for action in ("add", "change", "delete")]
# Webhooks (开放接口): an administrator subscribes an organisation's system to its areas' case events.
WEBHOOKS = ["api.manage_webhook"]

# (code, name, description, permissions). The names and descriptions are stored in Chinese as
# data; they are marked for translation so Role.display_name shows a default role in the user's
# language (a renamed or custom role is shown as stored).
DEFAULT_ROLES: list[tuple[str, str, str, list[str]]] = [
    (
        "grid_worker", gettext_noop("网格员"), gettext_noop("专职或兼职网格员：巡查、走访、登记、上报。"),
        VIEW + REGISTRY_VIEW + REGISTRY_EDIT + CASE_VIEW + CASE_GRID + PARTICIPATION_WORK + FIELD_WORK,
    ),
    (
        "building_head", gettext_noop("楼栋长"), gettext_noop("负责一栋或几栋楼的信息与联络。"),
        VIEW + REGISTRY_VIEW + CASE_VIEW + CASE_REPORT + ["participation.view_ballot", "participation.record_vote"]
        + ["fieldwork.view_visit", "fieldwork.add_visit"],
    ),
    (
        "grid_leader", gettext_noop("网格长"), gettext_noop("负责网格的统筹，管理网格服务团队。"),
        VIEW + TEAM + REGISTRY_VIEW + REGISTRY_EDIT + REGISTRY_UNMASK + CASE_VIEW + CASE_GRID + ["cases.accept_case"]
        + PARTICIPATION_WORK + FIELD_WORK + FIELD_LEAD + FIELD_RECTIFY + FIELD_PAIR,
    ),
    (
        "supervisor", gettext_noop("督导员"), gettext_noop("督导若干网格的工作。"),
        VIEW + REGISTRY_VIEW + CASE_VIEW + ["cases.supervise_case"] + FIELD_VIEW + FIELD_LEAD,
    ),
    (
        "community_staff", gettext_noop("社区工作人员"), gettext_noop("社区两委与工作人员：汇总、派单给物业。"),
        VIEW + TEAM + REGISTRY_VIEW + REGISTRY_EDIT + REGISTRY_UNMASK + CASE_VIEW + CASE_GRID + CASE_DESK
        + PARTICIPATION_REVIEW + FIELD_WORK + ["fieldwork.view_compliance"] + FIELD_PLAN + FIELD_RECTIFY + FIELD_PAIR,
    ),
    (
        "street_dispatcher", gettext_noop("街道调度员"), gettext_noop("街道网格中心：派单、督办。"),
        VIEW + TEAM + REGISTRY_VIEW + CASE_VIEW + CASE_REPORT + CASE_DESK + ["cases.verify_case"],
    ),
    (
        "street_leader", gettext_noop("街道领导"), gettext_noop("查看街道全部网格、统计与日志。"),
        VIEW + AUDIT + REGISTRY_VIEW + REGISTRY_UNMASK + CASE_VIEW + ["cases.supervise_case", "cases.export_case"]
        + PARTICIPATION_VIEW + FIELD_VIEW + ["fieldwork.view_compliance"],
    ),
    # Handlers see the cases assigned to their unit, not every case of the area they work in.
    ("department_handler", gettext_noop("部门处置人员"), gettext_noop("职能部门、执法中队的处置人员。"),
     VIEW + CASE_HANDLE),
    ("property_handler", gettext_noop("物业处置人员"), gettext_noop("物业公司的处置人员。"),
     VIEW + CASE_HANDLE),
    (
        "area_admin", gettext_noop("区域管理员"), gettext_noop("管理所辖区域的边界、团队、单位、账号与日志。"),
        VIEW + TEAM + AREA_ADMIN + ACCOUNT_ADMIN + AUDIT + REGISTRY_VIEW + REGISTRY_EDIT + REGISTRY_UNMASK
        # An administrator may grant only roles no stronger than their own, so they hold every
        # case permission (handle_case acts only through membership of a unit).
        + ACCESS_LOG + CASE_VIEW + CASE_CATALOG + CASE_GRID + CASE_DESK + CASE_HANDLE + PARTICIPATION_REVIEW
        + FIELD_WORK + ["fieldwork.view_compliance"] + FIELD_PLAN + FIELD_CATALOG + WEBHOOKS + FIELD_RECTIFY
        + FIELD_PAIR,
    ),
]

# The stored texts that have a translation: the default roles' names and descriptions.
DEFAULT_ROLE_TEXTS: frozenset[str] = frozenset(
    text for _code, name, description, _granted in DEFAULT_ROLES for text in (name, description)
)
