"""Records made offline on the phone (离线记录), sent later in batches and saved exactly once.

The phone queues what the worker recorded without signal — a check-in with its checklist and
photos, a visit, a diary entry, a case report (上报事件, the cases report form) — as the fields of
the page's own form, each with a random idempotency ``key`` made when the record was made
(``static/wangge/offline.js``). ``sync_record`` saves one of them through the same form and the
same operation as the page would:

1. A key already saved by this user answers the first result again (nothing is saved twice).
2. The record's address (the form's own page, e.g. ``/fieldwork/patrols/5/check-in/target/3/``)
   names what it is about; that object is read through ``visible_to`` like the page reads it.
3. The page's form checks the fields and prepares the photos (``cases.photos``: size and pixel
   limits, decoded in a bounded child process, re-encoded without metadata).
4. In one transaction the ``SyncedRecord`` row (unique per user and key) is inserted first, then
   the operation runs. A concurrent send of the same key waits on that row and, once the first
   commits, fails on the unique constraint: its transaction rolls back and it answers the
   first's result. A refusal rolls back everything of that record, and only that record.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from cases import transitions
from cases.forms.intake import StaffReportForm
from cases.workflow import ActionRefused
from fieldwork.diary import diary_add
from fieldwork.forms import CheckInForm, DiaryEntryForm, VisitForm
from fieldwork.models import CheckInMethod, Patrol, PlanTarget, SyncedRecord, SyncKind
from fieldwork.patrols import patrol_check_in
from fieldwork.selectors import colleagues
from fieldwork.visits import visit_record
from registry.models import Building, Resident

MAX_RECORDS = 50  # per request; the phone sends its queue in smaller batches anyway
KIND_OF_VIEW = {
    "fieldwork:check_in": SyncKind.CHECK_IN,
    "fieldwork:visit_new": SyncKind.VISIT,
    "fieldwork:diary_add": SyncKind.DIARY,
    "fieldwork:report": SyncKind.CASE,
}
TEXT_LIMIT = 5000


@dataclass
class Saved:
    """What the operation made: its id, the page that shows it and a line for the phone's list."""

    object_id: int
    url: str
    label: str


@dataclass
class SyncResult:
    """The answer for one record: ``ok`` (saved now or before) or ``refused`` with the reasons."""

    key: str
    status: str
    message: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    label: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "message": self.message,
            "errors": self.errors,
            "url": self.url,
            "label": self.label,
        }


class Refused(Exception):
    """A record that cannot be saved; ``errors`` are (field, label, message), shown to the worker."""

    def __init__(self, errors: Sequence[tuple[str, str, str]]) -> None:
        super().__init__(errors)
        self.errors = list(errors)

    @classmethod
    def one(cls, name: str, label: str, message: str) -> Refused:
        return cls([(name, label, message)])


@dataclass
class Record:
    """One queued record as the phone sent it, its fields and photos as the page's form would get them."""

    key: uuid.UUID
    kind: str
    view: str
    kwargs: dict[str, Any]
    query: dict[str, list[str]]
    data: QueryDict
    files: MultiValueDict[str, Any]
    recorded_at: datetime.datetime | None


def _form_refusal(form: forms.Form, error: ValidationError | None = None) -> Refused:
    """The form's (or the operation's) errors, each naming its field by the form's label."""
    errors = (
        error.message_dict
        if error is not None and hasattr(error, "error_dict")
        else ({"__all__": error.messages} if error is not None else form.errors)
    )
    found: list[tuple[str, str, str]] = []
    for name, messages in errors.items():
        label = str(form.fields[name].label or "") if name in form.fields else ""
        found.extend((name, label, str(message)) for message in messages)
    return Refused(found)


def _bad_format() -> Refused:
    return Refused.one("record", "", _("离线记录的格式无效，无法发送。"))


def _pairs(value: Any) -> list[tuple[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(pair, list) and len(pair) == 2 for pair in value):
        raise _bad_format()
    return [(str(name), item) for name, item in value]


def read_record(raw: Mapping[str, Any], uploads: MultiValueDict[str, Any]) -> Record:
    """The record's parts, checked for shape; the photos are taken from the request's file parts."""
    try:
        key = uuid.UUID(str(raw.get("key", "")))
    except ValueError:
        raise Refused.one("key", "", _("离线记录缺少有效的幂等键。")) from None
    parts = urlsplit(str(raw.get("path", "")))
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise _bad_format() from None
    kind = KIND_OF_VIEW.get(match.view_name)
    if kind is None or kind != raw.get("kind"):
        raise _bad_format()
    data = QueryDict(mutable=True)
    for name, value in _pairs(raw.get("fields", [])):
        if not isinstance(value, str) or len(value) > TEXT_LIMIT:
            raise _bad_format()
        data.appendlist(name, value)
    files: MultiValueDict[str, Any] = MultiValueDict()
    for name, part in _pairs(raw.get("files", [])):
        upload = uploads.get(str(part))
        if upload is None:
            raise Refused.one(name, "", _("照片没有收到，请重新发送。"))
        files.appendlist(name, upload)
    try:
        recorded_at = parse_datetime(str(raw.get("recorded_at") or ""))
    except ValueError:
        recorded_at = None  # a clock that says nonsense: the time it arrives
    if recorded_at is not None and timezone.is_naive(recorded_at):
        recorded_at = None
    return Record(key, kind, match.view_name, dict(match.kwargs), parse_qs(parts.query), data, files, recorded_at)


# --- one preparer per kind: scope and form checks outside the transaction, a save function for inside


def _prepare_check_in(actor: User, record: Record, now: datetime.datetime) -> Callable[[], Saved]:
    patrol = (
        Patrol.objects.visible_to(actor)
        .select_related("plan__checklist", "grid")
        .filter(pk=record.kwargs["pk"])
        .first()
    )
    if patrol is None:
        raise Refused.one("patrol", _("巡查"), _("这次巡查不存在或不在您的范围内。"))
    if patrol.worker_id != actor.pk:
        raise Refused.one("patrol", _("巡查"), _("只有巡查人本人可以操作这次巡查。"))
    target, building = None, None
    if record.kwargs["kind"] == "target":
        target = PlanTarget.objects.visible_to(actor).filter(plan=patrol.plan, pk=record.kwargs["target"]).first()
    elif record.kwargs["kind"] == "building":
        building = Building.objects.visible_to(actor).filter(pk=record.kwargs["target"]).first()
    if target is None and building is None:
        raise Refused.one("target", _("巡查目标"), _("请选择签到的目标。"))
    version = patrol.plan.checklist.current_version() if patrol.plan.checklist else None
    form = CheckInForm(record.data, record.files, items=list(version.items.all()) if version else [])
    if not form.is_valid():
        raise _form_refusal(form)
    via = (record.query.get("via") or [""])[0]
    method = via if via in CheckInMethod.values else CheckInMethod.TAP
    at = min(record.recorded_at or now, now)  # when it was done offline; never in the future

    def save() -> Saved:
        try:
            checkin = patrol_check_in(
                patrol=patrol,
                actor=actor,
                target=target,
                building=building,
                method=method,
                answers=form.answers(),
                photos=form.photos(),
                note=form.cleaned_data["note"],
                now=at,
            )
        except ValidationError as error:
            raise _form_refusal(form, error) from None
        return Saved(
            checkin.pk, reverse("fieldwork:patrol", args=[patrol.pk]), _("签到：%(place)s") % {"place": checkin.label}
        )

    return save


def _prepare_visit(actor: User, record: Record, now: datetime.datetime) -> Callable[[], Saved]:
    person = Resident.objects.visible_to(actor).select_related("grid").filter(pk=record.kwargs["resident"]).first()
    if person is None:
        raise Refused.one("resident", _("居民"), _("这位居民不存在或不在您的范围内。"))
    if not actor.has_perm("fieldwork.add_visit", person.grid):
        raise Refused.one("resident", _("居民"), _("您没有权限在这个网格记录走访。"))
    form = VisitForm(record.data, colleagues=colleagues(person.grid, actor))
    if not form.is_valid():
        raise _form_refusal(form)
    data = form.cleaned_data

    def save() -> Saved:
        try:
            visit = visit_record(
                actor=actor,
                resident=person,
                workers=list(data["workers"]),
                visited_at=data["visited_at"],
                method=data["method"],
                purpose=data["purpose"],
                met=data["met"],
                retry_on=data["retry_on"],
                findings=data["findings"],
                opinions=data["opinions"],
                follow_up=data["follow_up"],
                now=now,
            )
        except ValidationError as error:
            raise _form_refusal(form, error) from None
        return Saved(visit.pk, reverse("fieldwork:visit", args=[visit.pk]), _("走访：%(name)s") % {"name": person.name})

    return save


def _prepare_diary(actor: User, record: Record, now: datetime.datetime) -> Callable[[], Saved]:
    form = DiaryEntryForm(record.data, user=actor)
    if not form.is_valid():
        raise _form_refusal(form)
    data = form.cleaned_data

    def save() -> Saved:
        try:
            entry = diary_add(
                actor=actor,
                grid=data["grid"],
                what=data["what"],
                day=data["day"],
                place=data["place"],
                people=data["people"],
                handling=data["handling"],
                result=data["result"],
                tags=data["tags"],
            )
        except ValidationError as error:
            raise _form_refusal(form, error) from None
        return Saved(
            entry.pk,
            reverse("fieldwork:diary", args=[actor.pk, entry.day.year, entry.day.month]),
            _("民情日志：%(what)s") % {"what": entry.what[:30]},
        )

    return save


def _prepare_case(actor: User, record: Record, now: datetime.datetime) -> Callable[[], Saved]:
    """上报事件 made offline: the cases report form and ``case_report`` (or ``case_report_resolved``).

    The case is reported when it arrives (its clocks start when the desk can see it)."""
    if not actor.has_perm("cases.report_case"):
        raise Refused.one("category", _("事件类别"), _("您没有上报事件的权限。"))
    form = StaffReportForm(record.data, record.files, user=actor)
    if not form.is_valid():
        raise _form_refusal(form)

    def save() -> Saved:
        values = form.report_kwargs()
        try:
            if form.wants_resolved:
                case = transitions.case_report_resolved(
                    actor=actor,
                    note=form.cleaned_data["note"],
                    after_photos=form.cleaned_data.get("after_photos", []),
                    now=now,
                    **values,
                )
            else:
                case = transitions.case_report(actor=actor, now=now, **values)
        except ValidationError as error:
            raise _form_refusal(form, error) from None
        return Saved(
            case.pk,
            reverse("cases:case", kwargs={"number": case.number}),
            _("上报事件：%(number)s %(category)s") % {"number": case.number, "category": case.category.name},
        )

    return save


PREPARERS: dict[str, Callable[[User, Record, datetime.datetime], Callable[[], Saved]]] = {
    SyncKind.CHECK_IN: _prepare_check_in,
    SyncKind.VISIT: _prepare_visit,
    SyncKind.DIARY: _prepare_diary,
    SyncKind.CASE: _prepare_case,
}


def _done(row: SyncedRecord) -> SyncResult:
    return SyncResult(str(row.key), "ok", url=row.url, label=row.label)


def _refused(key: str, errors: Sequence[tuple[str, str, str]]) -> SyncResult:
    message = "；".join(f"{label}：{text}" if label else text for _name, label, text in errors)
    return SyncResult(
        key,
        "refused",
        message=message,
        errors=[{"field": name, "label": label, "message": text} for name, label, text in errors],
    )


def _save_once(actor: User, record: Record, save: Callable[[], Saved]) -> SyncResult:
    """Claim the key and save, in one transaction; a concurrent claim of the same key answers the first."""
    try:
        with transaction.atomic():
            claim = SyncedRecord.objects.create(user=actor, key=record.key, kind=record.kind)
            saved = save()
            claim.object_id, claim.url, claim.label = saved.object_id, saved.url, saved.label[:200]
            claim.save(update_fields=["object_id", "url", "label"])
    except IntegrityError:
        first = SyncedRecord.objects.filter(user=actor, key=record.key).first()
        if first is None:
            raise
        return _done(first)
    return _done(claim)


def sync_record(
    *,
    actor: User,
    raw: Any,
    uploads: MultiValueDict[str, Any],
    now: datetime.datetime | None = None,
) -> SyncResult:
    """Save one queued record once (see the module docstring); a refusal names the field and saves nothing."""
    now = now or timezone.now()
    raw_key = str(raw.get("key", "")) if isinstance(raw, dict) else ""
    try:
        if not isinstance(raw, dict):
            raise _bad_format()
        record = read_record(raw, uploads)
        first = SyncedRecord.objects.filter(user=actor, key=record.key).first()
        if first is not None:
            return _done(first)  # a retried send: the first result, nothing saved again
        save = PREPARERS[record.kind](actor, record, now)
        return _save_once(actor, record, save)
    except Refused as refused:
        return _refused(raw_key, refused.errors)
    except ActionRefused as refused:
        return _refused(raw_key, [("__all__", "", str(refused.message))])


def sync_batch(
    *,
    actor: User,
    records: Sequence[Any],
    uploads: MultiValueDict[str, Any],
    now: datetime.datetime | None = None,
) -> list[SyncResult]:
    """Each record on its own: the good ones are saved, the bad ones refused; none half-saved."""
    if len(records) > MAX_RECORDS:
        raise ValidationError({"records": [_("一次最多发送%(limit)d条离线记录。") % {"limit": MAX_RECORDS}]})
    return [sync_record(actor=actor, raw=raw, uploads=uploads, now=now) for raw in records]
