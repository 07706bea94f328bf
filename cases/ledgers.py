"""The ledgers (台账): the 事件台账 of every case and the 矛盾纠纷台账 of the disputes, as pages
and as .xlsx downloads with the same filters.

The querysets come scoped and filtered from the views (``Case.objects.visible_to`` + the shared
filter); here they are joined for display and written with openpyxl's write-only mode through
``registry.exports`` (rows streamed in chunks, never a whole workbook in memory; text cells only,
so nothing typed becomes a formula). Phones are masked (``registry.pii.mask_phone``); names of
communities and streets are looked up in bulk.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from areas.models import Area
from cases.models import Case, Dispute, DisputeParty
from registry.exports import CHUNK_SIZE, xlsx_response
from registry.pii import mask_phone

# --- the rows ----------------------------------------------------------------------------------------

def ledger_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The case ledger's rows: newest first, with what every column needs joined in."""
    return cases.select_related("category", "grid", "lead_organisation", "reporter").order_by("-reported_at", "-pk")


def ledger_disputes(cases: QuerySet[Case]) -> QuerySet[Dispute]:
    """The dispute ledger's rows for the (already scoped and filtered) ``cases``."""
    return (
        Dispute.objects.filter(case__in=cases.values("pk"))
        .select_related("case", "case__grid", "case__category")
        .prefetch_related(Prefetch("parties", queryset=DisputeParty.objects.order_by("role", "pk")),
                          Prefetch("mediators", queryset=User.objects.order_by("pk")))
        .annotate(session_count=Count("sessions", distinct=True), last_session_on=Max("sessions__held_on"))
        .order_by("-case__reported_at", "-pk")
    )


class AreaNames:
    """Names of communities and streets by code, fetched in bulk for each batch of rows."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def load(self, cases: Iterable[Case]) -> None:
        wanted = {code for case in cases for code in (case.community_code, case.street_code)} - set(self.names)
        if wanted:
            self.names.update(Area.objects.filter(code__in=wanted).values_list("code", "name"))
            self.names.update({code: code for code in wanted if code not in self.names})

    def __getitem__(self, code: str) -> str:
        return self.names.get(code, code)


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A time as the site's local wall-clock time without a zone (what a spreadsheet shows)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def yes_no(flag: bool | None) -> str:
    if flag is None:
        return ""
    return _("是") if flag else _("否")


def reporter_of(case: Case) -> tuple[str, str]:
    """(name, masked phone) of the reporter; an anonymous reporter stays anonymous."""
    if case.anonymous:
        return _("匿名"), ""
    name = case.reporter_name or (case.reporter.full_name if case.reporter_id and case.reporter else "")
    return name, mask_phone(case.reporter_phone) if case.reporter_phone else ""


def lead_unit(case: Case) -> str:
    if case.lead_organisation_id and case.lead_organisation:
        return case.lead_organisation.name
    return _("网格自办") if case.self_handled else ""


# --- 事件台账 --------------------------------------------------------------------------------------

def case_headers() -> list[str]:
    return [
        _("事件编号"), _("类别"), _("问题描述"), _("地点"), _("所属网格"), _("所属社区"), _("所属街道"), _("来源渠道"),
        _("反映人"), _("联系电话"), _("状态"), _("上报时间"), _("受理时限"), _("受理时间"), _("受理超期"),
        _("派遣时限"), _("派遣超期"), _("主办单位"), _("处置时限"), _("处置反馈时间"), _("处置超期"), _("核查时限"),
        _("核查时间"), _("核查超期"), _("结案时限"), _("结案时间"), _("结案超期"), _("曾超期"), _("办理结果"),
        _("评价"), _("评价意见"),
    ]


def case_values(case: Case, names: AreaNames) -> list[Any]:
    """One row of the case ledger, in the order of ``case_headers()``."""
    reporter, phone = reporter_of(case)
    return [
        case.number, case.category.display_name, case.description, case.address, case.grid.name,
        names[case.community_code], names[case.street_code], case.get_channel_display(), reporter, phone,
        case.get_status_display(), local(case.reported_at), local(case.accept_due_at), local(case.accepted_at),
        yes_no(case.accept_overdue), local(case.dispatch_due_at), yes_no(case.dispatch_overdue), lead_unit(case),
        local(case.handle_due_at), local(case.handled_at), yes_no(case.handle_overdue), local(case.verify_due_at),
        local(case.verified_at), yes_no(case.verify_overdue), local(case.close_due_at), local(case.closed_at),
        yes_no(case.close_overdue), yes_no(case.ever_overdue), case.get_outcome_display(), case.get_rating_display(),
        case.rating_comment,
    ]


def _in_batches(rows: QuerySet[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        batch.append(row)
        if len(batch) == CHUNK_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def case_rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    names = AreaNames()
    for batch in _in_batches(ledger_cases(cases)):
        names.load(batch)
        yield from (case_values(case, names) for case in batch)


def export_cases(cases: QuerySet[Case]) -> FileResponse:
    """事件台账 as .xlsx: the scoped, filtered ``cases``."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(_("事件台账"), case_headers(), case_rows(cases), f"case-ledger-{stamp}.xlsx")


# --- 矛盾纠纷台账 ----------------------------------------------------------------------------------

def party_text(party: DisputeParty) -> str:
    """"申请人：张三（138****5678）": role, name and the masked phone of a party."""
    values = {"role": party.get_role_display(), "name": party.name}
    if party.phone:
        return _("%(role)s：%(name)s（%(phone)s）") % {**values, "phone": mask_phone(party.phone)}
    return _("%(role)s：%(name)s") % values


def mediator_text(dispute: Dispute) -> str:
    names = [user.full_name or user.get_username() for user in dispute.mediators.all()]
    if dispute.other_mediators:
        names.append(dispute.other_mediators)
    return pgettext("list separator", "、").join(names)


def dispute_headers() -> list[str]:
    return [
        _("事件编号"), _("上报时间"), _("所属网格"), _("所属社区"), _("纠纷类型"), _("当事人"), _("问题描述"),
        _("调解员"), _("调解次数"), _("最近调解日期"), _("调解结果"), _("调解结束日期"), _("调解协议"),
        _("回访日期"), _("回访情况"), _("事件状态"),
    ]


def dispute_values(dispute: Dispute, names: AreaNames) -> list[Any]:
    """One row of the dispute ledger, in the order of ``dispute_headers()``."""
    case = dispute.case
    return [
        case.number, local(case.reported_at), case.grid.name, names[case.community_code], dispute.get_kind_display(),
        pgettext("party separator", "；").join(party_text(party) for party in dispute.parties.all()),
        case.description, mediator_text(dispute),
        dispute.session_count, dispute.last_session_on,  # type: ignore[attr-defined]  # from ledger_disputes
        dispute.get_result_display(), dispute.concluded_on, dispute.agreement, dispute.follow_up_on,
        dispute.follow_up_notes, case.get_status_display(),
    ]


def dispute_rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    names = AreaNames()
    for batch in _in_batches(ledger_disputes(cases)):
        names.load(dispute.case for dispute in batch)
        yield from (dispute_values(dispute, names) for dispute in batch)


def export_disputes(cases: QuerySet[Case]) -> FileResponse:
    """矛盾纠纷台账 as .xlsx: the disputes of the scoped, filtered ``cases``."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(_("矛盾纠纷台账"), dispute_headers(), dispute_rows(cases), f"dispute-ledger-{stamp}.xlsx")
