"""Cases (事件) and what hangs on them: assignments to units, extension requests, the timeline.

A case changes state only through ``cases.transitions``; nothing else writes ``status``.
Deadlines are columns per stage (受理 accept, 待派遣 dispatch, 处置 handle, 核查 verify, 待结案
close): every state that waits on a person has a clock. ``stage_due_at`` is the running stage's
deadline, indexed, the one the supervision worker scans. When a stage ends its
``*_overdue`` flag is frozen, so past statistics never change.
"""

from __future__ import annotations

import functools
import operator
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import connections, models, router
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import UNIT_WORK_PERMISSION, OrganisationMember
from accounts.scope import permission_prefixes
from areas.models import PREFIX_LENGTH, Level
from audit.models import AppendOnlyModel
from core.models import TimeStampedModel
from registry.fields import EncryptedCharField
from registry.pii import index_value

from .catalog import HandlingLevel, Priority


class Status(models.TextChoices):
    REPORTED = "reported", _("待受理")
    REJECTED = "rejected", _("不予受理")
    PENDING_DISPATCH = "pending_dispatch", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    ON_HOLD = "on_hold", _("挂账")
    PENDING_VERIFY = "pending_verify", _("待核查")
    VERIFIED = "verified", _("待结案")
    CLOSED = "closed", _("已结案")
    CANCELLED = "cancelled", _("已撤销")
    MERGED = "merged", _("已合并")
    SPLIT = "split", _("已拆分")


# States a case never leaves (except ``closed``, which ``reopen`` may leave).
FINAL_STATUSES = frozenset({Status.REJECTED, Status.CLOSED, Status.CANCELLED, Status.MERGED, Status.SPLIT})
OPEN_STATUSES = frozenset(set(Status) - FINAL_STATUSES)


class Channel(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员上报")
    RESIDENT = "resident", _("居民随手拍")
    HOTLINE = "hotline", _("热线电话")
    WECHAT = "wechat", _("微信群")
    WALK_IN = "walk_in", _("来访")
    LEADER = "leader", _("领导交办")
    PLATFORM = "platform", _("上级平台转办")
    OPEN311 = "open311", _("Open311 接口")


# Channels through which residents report themselves (随手拍 and apps over Open311): such
# reports start at the grid's desk, like a grid worker's.
RESIDENT_CHANNELS = frozenset({Channel.RESIDENT, Channel.OPEN311})


class Stage(models.TextChoices):
    NONE = "", _("无")
    ACCEPT = "accept", _("受理")
    DISPATCH = "dispatch", _("派遣")
    HANDLE = "handle", _("处置")
    VERIFY = "verify", _("核查")
    CLOSE = "close", _("结案")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    PARTLY = "partly", _("部分解决")
    EXPLAINED = "explained", _("无法解决并已说明")
    UNTRUE = "untrue", _("不属实")
    DUPLICATE = "duplicate", _("重复")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class RatingSource(models.TextChoices):
    """Whose voice a rating is: the reporter's own (自评), or what a resident said on a call-back
    (回访) that someone other than the case's handler, verifier or closer recorded."""

    SELF = "self", _("反映人自评")
    CALLBACK = "callback", _("回访")


STREET_PREFIX = PREFIX_LENGTH[Level.STREET]
COMMUNITY_PREFIX = PREFIX_LENGTH[Level.COMMUNITY]

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    """Ten characters without look-alikes (no I, O, 0, 1): what a reporter types back in."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


def area_condition(prefixes: list[str]) -> Q:
    """Cases under any of these area-code prefixes, as conditions on the denormalised code that
    matches each prefix's length (equality on ``street_code``/``community_code`` where it can),
    so that PostgreSQL answers them from an index. Same rows as ``grid_code`` starting with the
    prefix: ``community_code`` is the grid code's first 12 digits, ``street_code`` its first 9
    followed by ``000``.

    Below a street the street's code is added (implied, so the same rows): it lets the street's
    composite indexes (``case_street_due``) answer a community's or a grid's queues too.
    """
    condition = Q(pk__in=[])
    for prefix in prefixes:
        street = Q(street_code=prefix[:STREET_PREFIX] + "000")
        if len(prefix) == COMMUNITY_PREFIX:
            condition |= street & Q(community_code=prefix)
        elif len(prefix) == STREET_PREFIX:
            condition |= street
        elif len(prefix) < STREET_PREFIX:
            condition |= Q(street_code__startswith=prefix)
        else:
            condition |= street & Q(grid_code__startswith=prefix)
    return condition


def unit_condition(user: Any) -> Q:
    """Cases assigned to a unit the user is an active member of (``OrganisationMember.objects.acting``),
    as an ``EXISTS`` on the assignment rows: a semi-join PostgreSQL drives from the unit's rows."""
    units = OrganisationMember.objects.unit_ids(user)
    return Q(Exists(CaseAssignment.objects.filter(case_id=OuterRef("pk"), organisation_id__in=units)))


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """Cases in the areas where the user may view cases, plus cases assigned to a unit the
        user is an active member of (a handler's role has no ``view_case``: they see their unit's
        cases only, and only while that role's assignment runs: ``OrganisationMember.objects.acting``).

        Written as conditions an index answers (see docs/performance.md, "Workbench and scope"):
        the area path on the denormalised codes, the unit path only for users whose roles hold
        ``UNIT_WORK_PERMISSION`` somewhere (nobody else is an acting member of any unit), read
        from the same cached role rows as ``user.has_perm``.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        prefixes = permission_prefixes(user, "cases").get("view_case", [])
        condition = area_condition(prefixes) if prefixes else None
        if user.has_perm(UNIT_WORK_PERMISSION):
            condition = unit_condition(user) if condition is None else condition | unit_condition(user)
        return self.none() if condition is None else self.filter(condition)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: Any = None) -> CaseQuerySet:
        return self.filter(stage_due_at__lt=now or timezone.now(), status__in=OPEN_STATUSES - {Status.ON_HOLD})


class Case(TimeStampedModel):
    """A reported problem or request (事件/诉求), from report to rating.

    Located in a grid; ``grid_code``/``community_code``/``street_code`` are denormalised for
    filtering. ``level`` and ``desk_area`` say which desk (grid, community, street, district)
    holds the case now.
    """

    number = models.CharField(_("事件编号"), max_length=20, unique=True, null=True, blank=True, editable=False)
    tracking_code = models.CharField(
        _("查询码"), max_length=12, unique=True, default=new_tracking_code, editable=False
    )
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases"
    )
    description = models.TextField(_("问题描述"))
    attributes = models.JSONField(_("补充信息"), default=dict, blank=True)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices, db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REPORTED,
                              db_index=True, editable=False)
    priority = models.PositiveSmallIntegerField(_("优先级"), choices=Priority.choices, default=Priority.NORMAL)
    level = models.PositiveSmallIntegerField(_("当前层级"), choices=HandlingLevel.choices, default=HandlingLevel.GRID)
    desk_area = models.ForeignKey(
        "areas.Area", verbose_name=_("当前受理区域"), on_delete=models.PROTECT, related_name="+"
    )

    # Where: WGS-84 and the area path, denormalised for fast subtree filters.
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地点"), max_length=200, blank=True)
    grid = models.ForeignKey("areas.Area", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("网格编码"), max_length=18, db_index=True, editable=False)
    community_code = models.CharField(max_length=12, db_index=True, editable=False)
    street_code = models.CharField(max_length=12, db_index=True, editable=False)
    building = models.ForeignKey(
        "registry.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cases",
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("户"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cases",
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("人员"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cases",
    )

    # Who reported: a user, or a resident with optional contact (phone encrypted, indexed).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上报人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("反映人"), max_length=50, blank=True)
    reporter_phone = EncryptedCharField(_("联系电话"), blank=True)
    reporter_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    anonymous = models.BooleanField(_("匿名"), default=False)
    source_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False,
                                  help_text="Keyed hash of the public reporter's IP address, for rate limits.")

    # Who handles: a lead unit (through assignments) or the grid itself (自办).
    lead_organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("主办单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_cases",
    )
    self_handled = models.BooleanField(_("网格自办"), default=False)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处置人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    # Stage clocks. ``stage``/``stage_started_at``/``stage_due_at`` describe the running stage.
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now, db_index=True)
    accept_due_at = models.DateTimeField(_("受理时限"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accept_overdue = models.BooleanField(_("受理超期"), null=True, blank=True)
    dispatch_due_at = models.DateTimeField(_("派遣时限"), null=True, blank=True)
    dispatch_overdue = models.BooleanField(_("派遣超期"), null=True, blank=True)
    handle_started_at = models.DateTimeField(_("处置开始"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("处置时限"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置反馈时间"), null=True, blank=True)
    handle_overdue = models.BooleanField(_("处置超期"), null=True, blank=True)
    verify_due_at = models.DateTimeField(_("核查时限"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    verify_overdue = models.BooleanField(_("核查超期"), null=True, blank=True)
    close_due_at = models.DateTimeField(_("结案时限"), null=True, blank=True)
    close_overdue = models.BooleanField(_("结案超期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True, db_index=True)
    stage = models.CharField(_("当前阶段"), max_length=10, choices=Stage.choices, blank=True, default="")
    stage_started_at = models.DateTimeField(null=True, blank=True)
    stage_due_at = models.DateTimeField(_("当前阶段时限"), null=True, blank=True, db_index=True)
    ever_overdue = models.BooleanField(_("曾超期"), default=False)

    # Supervision of the running stage: warned at 75 %, overdue at 100 %, then the ladder.
    warned_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    supervision_rank = models.PositiveSmallIntegerField(_("督办级次"), default=0)

    # On hold (挂账): the status to return to and when the clock stopped.
    held_at = models.DateTimeField(_("挂账时间"), null=True, blank=True)
    held_from = models.CharField(max_length=20, choices=Status.choices, blank=True)
    hold_reason = models.CharField(_("挂账原因"), max_length=200, blank=True)

    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    closing_note = models.TextField(_("结案说明"), blank=True)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True, db_index=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    rating_source = models.CharField(_("评价来源"), max_length=10, choices=RatingSource.choices, blank=True,
                                     db_index=True)
    rating_called_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    rating_caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # 撤销申请: the reporter's cancel after dispatch, waiting for the desk's decision.
    cancel_requested_at = models.DateTimeField(_("撤销申请时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("撤销申请理由"), blank=True)
    # 抽查 of a self-handled case by the 网格长: None = not checked, False = fine, True = flagged.
    spot_checked_at = models.DateTimeField(_("抽查时间"), null=True, blank=True)
    spot_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽查人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    spot_check_flagged = models.BooleanField(_("抽查有问题"), null=True, blank=True)
    reopen_requested = models.BooleanField(_("申请重办"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)

    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("合并到"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("拆分自"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("事件")
        verbose_name_plural = pgettext_lazy("plural", "事件")
        permissions = [
            ("report_case", _("上报事件")),
            ("accept_case", _("受理、派遣、结案事件")),
            ("self_handle_case", _("网格自办事件")),
            ("handle_case", _("签收、处置事件")),
            ("verify_case", _("核查事件")),
            ("supervise_case", _("督办事件")),
            ("export_case", _("导出事件台账")),
        ]
        indexes = [
            models.Index(fields=["status", "stage_due_at"], name="case_status_due"),
            # The statistics' "running late now, never overdue before" (cases.rollup_statistics):
            # the few open cases supervision has not marked yet, not every open late one.
            # The states as ORs, not IN: PostgreSQL prints an IN list back in a form that reads
            # differently when made again (generate_city drops and remakes the indexes it copies
            # into, and its test compares the definitions); the planner proves either.
            models.Index(
                fields=["stage_due_at"], name="case_late_unmarked",
                condition=Q(ever_overdue=False) & functools.reduce(
                    operator.or_, (Q(status=status) for status in sorted(OPEN_STATUSES - {Status.ON_HOLD}))
                ),
            ),
            models.Index(fields=["street_code", "reported_at"], name="case_street_reported"),
            models.Index(fields=["desk_area", "status"], name="case_desk_status"),
            # The workbench (docs/performance.md, "Workbench and scope"): a street's cases in
            # deadline order, read from the index by cursor; and the two rare queues, kept tiny.
            models.Index(fields=["street_code", "stage_due_at", "id"], name="case_street_due"),
            models.Index(fields=["desk_area", "status"], condition=Q(reopen_requested=True),
                         name="case_reopen_requested"),
            models.Index(fields=["desk_area"], condition=Q(cancel_requested_at__isnull=False),
                         name="case_cancel_requested"),
            # The public Open311 list pages in (reported_at, id) order within a date window.
            models.Index(fields=["reported_at", "id"], name="case_reported_id"),
        ]

    def __str__(self) -> str:
        return self.number or self.tracking_code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.reporter_phone_index = index_value("phone", self.reporter_phone)
        if self.grid_id:
            code = self.grid.code
            self.grid_code = code
            self.community_code = code[:12]
            self.street_code = code[:9] + "000"
        if self._state.adding and self.pk is None and not self.number:
            using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
            if connections[using].vendor == "postgresql":
                # The number holds the id: draw the id first and insert both at once. Writing the
                # number afterwards updated the new row, a new version in each of the table's
                # forty-odd indexes (6 ms of a 随手拍 POST at 1 M cases).
                with connections[using].cursor() as cursor:
                    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [self._meta.db_table])
                    self.pk = cursor.fetchone()[0]
                self.number = self._number()
                kwargs["force_insert"] = True
        super().save(*args, **kwargs)
        if not self.number:
            self.number = self._number()
            type(self).objects.filter(pk=self.pk).update(number=self.number)

    def _number(self) -> str:
        """事件编号: the reporting day and the id."""
        return f"{timezone.localtime(self.reported_at):%Y%m%d}{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """The running stage is past its deadline (derived; frozen flags hold the past stages)."""
        return bool(self.stage_due_at and self.status != Status.ON_HOLD and self.stage_due_at < timezone.now())


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协办")


class AssignmentState(models.TextChoices):
    DISPATCHED = "dispatched", _("待签收")
    SIGNED = "signed", _("已签收")
    FED_BACK = "fed_back", _("已反馈")
    RETURNED = "returned", _("已退单")
    WITHDRAWN = "withdrawn", _("已撤回")


class CaseAssignment(TimeStampedModel):
    """A unit's part in a dispatched case (主办 or 协办), with its own deadline.

    The lead's ``due_at`` is the case's handle deadline; an assisting unit's is set at dispatch
    (at most the lead's) and moves only by that unit's own approved extensions, and by holds.
    """

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="assignments")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="case_assignments"
    )
    role = models.CharField(_("角色"), max_length=10, choices=AssignmentRole.choices)
    state = models.CharField(_("状态"), max_length=12, choices=AssignmentState.choices,
                             default=AssignmentState.DISPATCHED, db_index=True)
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True, db_index=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("派遣人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签收人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    overdue = models.BooleanField(_("超期"), null=True, blank=True)
    note = models.TextField(_("派遣意见"), blank=True)

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("派遣记录")
        indexes = [
            # A unit's cases by state (待签收, 处置中): ``visible_to``'s and the queues' EXISTS.
            models.Index(fields=["organisation", "state", "case"], name="assignment_unit_state_case"),
        ]
        verbose_name_plural = pgettext_lazy("plural", "派遣记录")

    def __str__(self) -> str:
        return f"{self.case} · {self.organisation} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.state in (AssignmentState.DISPATCHED, AssignmentState.SIGNED)


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    DENIED = "denied", _("已驳回")


class ExtensionRequest(TimeStampedModel):
    """An application for more time (延期申请) by a unit on the case, decided by the dispatcher.

    ``assignment`` is the part it extends: the lead's (主办, which moves the case's handle
    deadline) or an assisting unit's (协办, which moves only that unit's own deadline). Requests
    from before units had their own deadlines have none and were the lead's.
    """

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="extensions")
    assignment = models.ForeignKey(
        "cases.CaseAssignment", verbose_name=_("派遣记录"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="extensions",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    extra_days = models.PositiveSmallIntegerField(_("延长工作日"))
    reason = models.TextField(_("延期理由"))
    state = models.CharField(_("状态"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("延期申请")
        verbose_name_plural = pgettext_lazy("plural", "延期申请")

    def __str__(self) -> str:
        return f"{self.case} +{self.extra_days}"


class CaseEvent(AppendOnlyModel):
    """One entry of a case's timeline: a transition, a reminder, a rating. Written once.

    ``comment`` is the internal note (仅工作人员可见); ``reply`` the optional answer to the reporter
    (给反映人的答复), the only text of an entry the tracking page shows. ``public`` entries appear
    on the reporter's tracking page; ``area_code`` (the case's grid) scopes the rows like every
    other log.
    """

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="events")
    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    verb = models.CharField(_("动作"), max_length=30, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=100, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    reply = models.TextField(_("给反映人的答复"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(_("对反映人公开"), default=False)
    area_code = models.CharField(max_length=18, db_index=True)

    class Meta:
        ordering = ["time", "pk"]
        verbose_name = _("事件日志")
        verbose_name_plural = pgettext_lazy("plural", "事件日志")

    def __str__(self) -> str:
        return f"{self.case} {self.verb}"


class AttachmentKind(models.TextChoices):
    REPORT = "report", _("上报照片")
    BEFORE = "before", _("处置前")
    AFTER = "after", _("处置后")
    EVIDENCE = "evidence", _("其他材料")


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    return f"cases/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.jpg"


class CaseAttachment(models.Model):
    """A photo of a case, re-encoded as JPEG without EXIF before it is stored.

    Its address carries ``token``, a random UUID, never the sequential id: a photo cannot be
    found by counting, whatever the view's check.
    """

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="attachments")
    token = models.UUIDField(_("访问令牌"), default=uuid.uuid4, unique=True, editable=False)
    # No constraint in the database: the timeline is partitioned on PostgreSQL (cases.partitions).
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("日志"), null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments",
        db_constraint=False,
    )
    kind = models.CharField(_("类型"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.REPORT)
    image = models.ImageField(_("照片"), upload_to=attachment_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    public = models.BooleanField(_("对反映人公开"), default=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("事件照片")
        verbose_name_plural = pgettext_lazy("plural", "事件照片")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"


class SupervisionSource(models.TextChoices):
    AUTOMATIC = "automatic", _("系统")
    MANUAL = "manual", _("领导督办")


class CaseSupervision(models.Model):
    """A reminder or card (催办/黄牌/红牌) issued on a case, by the worker or by a leader."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="supervisions")
    kind = models.CharField(_("督办方式"), max_length=10, choices=[
        ("warning", _("预警")), ("overdue", _("超期")), ("reminder", _("催办")), ("yellow", _("黄牌")),
        ("red", _("红牌")),
    ])
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    source = models.CharField(_("来源"), max_length=10, choices=SupervisionSource.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supervisions_issued",
    )
    issued_at = models.DateTimeField(_("督办时间"), default=timezone.now)
    comment = models.TextField(_("督办意见"), blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("督办记录")
        verbose_name_plural = pgettext_lazy("plural", "督办记录")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"
