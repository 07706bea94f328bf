"""The ledgers (台账): the 事件台账 of every case and the 矛盾纠纷台账 of the disputes, as pages
and as .xlsx downloads with the same filters.

The querysets come scoped and filtered from the views (``Case.objects.visible_to`` + the shared
filter); here they are joined for display and streamed: one query read with
``iterator(chunk_size=CHUNK_SIZE)`` (``select_related`` for the case's category, grid and unit;
the disputes' parties and mediators prefetched per chunk), names of communities and streets
looked up per chunk, and every translated label (states, channels, ratings, yes/no, categories)
looked up once per export (``Labels``), not once per cell. The workbook's layout is
``cases.ledger_workbook``. Phones are masked (``registry.pii.mask_phone``).

``LEDGERS`` describes both ledgers for the views and the background export
(``cases.ledger_exports``): title, filter form, columns, rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Count, Max, Prefetch, QuerySet
from django.db.models.enums import ChoicesType
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import Organisation, User
from areas.models import Area
from cases.filters import CaseFilterForm
from cases.forms.disputes import DisputeFilterForm
from cases.ledger_workbook import DATE, DATETIME, NUMBER, WRAP, Column, Progress, write_ledger
from cases.models import Case, Category, Channel, Dispute, DisputeParty, Outcome, Rating, Status
from cases.models.dispute import DisputeKind, DisputeResult, PartyRole
from registry.pii import mask_phone

CHUNK_SIZE = 2000

# --- the rows ----------------------------------------------------------------------------------------

def ledger_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The case ledger's rows: newest first, with what every column needs joined in."""
    return (
        cases.select_related("category", "grid", "lead_organisation", "reporter")
        .defer("attributes", "closing_note", "hold_reason")
        .order_by("-reported_at", "-pk")
    )


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
        self.load_codes(code for case in cases for code in (case.community_code, case.street_code))

    def load_codes(self, codes: Iterable[str]) -> None:
        wanted = set(codes) - set(self.names)
        if wanted:
            self.names.update(Area.objects.filter(code__in=wanted).values_list("code", "name"))
            self.names.update({code: code for code in wanted if code not in self.names})

    def __getitem__(self, code: str) -> str:
        return self.names.get(code, code)


def _choice_labels(choices: ChoicesType) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}  # type: ignore[attr-defined]


class Labels:
    """Every translated word an export writes, looked up once (in the active language), not per cell."""

    def __init__(self) -> None:
        self.channel, self.status = _choice_labels(Channel), _choice_labels(Status)
        self.outcome, self.rating = _choice_labels(Outcome), _choice_labels(Rating)
        self.dispute_kind, self.result = _choice_labels(DisputeKind), _choice_labels(DisputeResult)
        self.role = _choice_labels(PartyRole)
        self.yes, self.no = _("是"), _("否")
        self.anonymous, self.self_handled = _("匿名"), _("网格自办")
        self.list_separator = pgettext("list separator", "、")
        self.party_separator = pgettext("party separator", "；")
        self.party_with_phone, self.party = _("%(role)s：%(name)s（%(phone)s）"), _("%(role)s：%(name)s")
        self._categories: dict[int, str] = {}

    def category(self, category: Category) -> str:
        if category.pk not in self._categories:
            self._categories[category.pk] = category.display_name
        return self._categories[category.pk]

    def yes_no(self, flag: bool | None) -> str:
        if flag is None:
            return ""
        return self.yes if flag else self.no


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A time as the site's local wall-clock time without a zone (what a spreadsheet shows)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def reporter_of(case: Case, labels: Labels | None = None) -> tuple[str, str]:
    """(name, masked phone) of the reporter; an anonymous reporter stays anonymous."""
    if case.anonymous:
        return (labels.anonymous if labels else _("匿名")), ""
    name = case.reporter_name or (case.reporter.full_name if case.reporter_id and case.reporter else "")
    return name, mask_phone(case.reporter_phone) if case.reporter_phone else ""


def lead_unit(case: Case, labels: Labels | None = None) -> str:
    if case.lead_organisation_id and case.lead_organisation:
        return case.lead_organisation.name
    if case.self_handled:
        return labels.self_handled if labels else _("网格自办")
    return ""


# --- 事件台账 --------------------------------------------------------------------------------------

def case_columns() -> list[Column]:
    """The columns of 事件台账 (headers translated when the file is written)."""
    label = gettext_lazy
    return [
        Column(label("事件编号"), width=16), Column(label("类别"), width=14),
        Column(label("问题描述"), WRAP, 40), Column(label("地点"), WRAP, 24),
        Column(label("所属网格"), width=18), Column(label("所属社区"), width=14), Column(label("所属街道"), width=14),
        Column(label("来源渠道"), width=12), Column(label("反映人"), width=10), Column(label("联系电话"), width=14),
        Column(label("状态"), width=10), Column(label("上报时间"), DATETIME), Column(label("受理时限"), DATETIME),
        Column(label("受理时间"), DATETIME), Column(label("受理超期"), width=8),
        Column(label("派遣时限"), DATETIME), Column(label("派遣超期"), width=8), Column(label("主办单位"), width=18),
        Column(label("处置时限"), DATETIME), Column(label("处置反馈时间"), DATETIME),
        Column(label("处置超期"), width=8),
        Column(label("核查时限"), DATETIME), Column(label("核查时间"), DATETIME), Column(label("核查超期"), width=8),
        Column(label("结案时限"), DATETIME), Column(label("结案时间"), DATETIME), Column(label("结案超期"), width=8),
        Column(label("曾超期"), width=8), Column(label("办理结果"), width=12), Column(label("评价"), width=10),
        Column(label("评价意见"), WRAP, 30),
    ]


def case_headers() -> list[str]:
    return [str(column.header) for column in case_columns()]


# The case fields the ledger reads, fetched as tuples: no model instances, no joins; the names of
# categories, grids, units and reporting users come from ``Names`` (one query per batch at most).
CASE_FIELDS = (
    "number", "category_id", "description", "address", "grid_id", "community_code", "street_code", "channel",
    "anonymous", "reporter_name", "reporter_id", "reporter_phone", "status", "reported_at", "accept_due_at",
    "accepted_at", "accept_overdue", "dispatch_due_at", "dispatch_overdue", "lead_organisation_id", "self_handled",
    "handle_due_at", "handled_at", "handle_overdue", "verify_due_at", "verified_at", "verify_overdue",
    "close_due_at", "closed_at", "close_overdue", "ever_overdue", "outcome", "rating", "rating_comment",
)


class Names:
    """Names of related rows by primary key, fetched in bulk for each batch and kept for the export."""

    def __init__(self, queryset: QuerySet[Any], name: str = "name") -> None:
        self.queryset, self.name = queryset, name
        self.names: dict[Any, str] = {}

    def load(self, keys: Iterable[Any]) -> None:
        wanted = {key for key in keys if key is not None} - set(self.names)
        if wanted:
            self.names.update(self.queryset.filter(pk__in=wanted).values_list("pk", self.name))

    def get(self, key: Any) -> str:
        return self.names.get(key, "") if key is not None else ""


class CaseRowMaker:
    """Turns the ``CASE_FIELDS`` tuples of one batch into ledger rows (its lookups kept across batches)."""

    def __init__(self) -> None:
        self.labels, self.areas = Labels(), AreaNames()
        self.grids = Names(Area.objects.all())
        self.units = Names(Organisation.objects.all())
        self.users = Names(User.objects.all(), "full_name")
        self.categories = {category.pk: category.display_name for category in Category.objects.all()}
        self.zone = timezone.get_current_timezone()

    def load(self, batch: list[tuple[Any, ...]]) -> None:
        index = CASE_FIELDS.index
        self.areas.load_codes(code for row in batch for code in (row[index("community_code")],
                                                                   row[index("street_code")]))
        self.grids.load(row[index("grid_id")] for row in batch)
        self.units.load(row[index("lead_organisation_id")] for row in batch)
        self.users.load(row[index("reporter_id")] for row in batch if not row[index("reporter_name")])

    def local(self, moment: datetime.datetime | None) -> datetime.datetime | None:
        return moment.astimezone(self.zone).replace(tzinfo=None) if moment else None

    def row(self, values: tuple[Any, ...]) -> list[Any]:
        """One row of the case ledger, in the order of ``case_columns()``."""
        (number, category_id, description, address, grid_id, community_code, street_code, channel, anonymous,
         reporter_name, reporter_id, reporter_phone, status, reported_at, accept_due_at, accepted_at,
         accept_overdue, dispatch_due_at, dispatch_overdue, lead_organisation_id, self_handled, handle_due_at,
         handled_at, handle_overdue, verify_due_at, verified_at, verify_overdue, close_due_at, closed_at,
         close_overdue, ever_overdue, outcome, rating, rating_comment) = values
        labels, local = self.labels, self.local
        if anonymous:
            reporter, phone = labels.anonymous, ""
        else:
            reporter = reporter_name or self.users.get(reporter_id)
            phone = mask_phone(reporter_phone) if reporter_phone else ""
        unit = self.units.get(lead_organisation_id) or (labels.self_handled if self_handled else "")
        return [
            number, self.categories.get(category_id, ""), description, address, self.grids.get(grid_id),
            self.areas[community_code], self.areas[street_code], labels.channel.get(channel, channel), reporter,
            phone, labels.status.get(status, status), local(reported_at), local(accept_due_at), local(accepted_at),
            labels.yes_no(accept_overdue), local(dispatch_due_at), labels.yes_no(dispatch_overdue), unit,
            local(handle_due_at), local(handled_at), labels.yes_no(handle_overdue), local(verify_due_at),
            local(verified_at), labels.yes_no(verify_overdue), local(close_due_at), local(closed_at),
            labels.yes_no(close_overdue), labels.yes_no(ever_overdue), labels.outcome.get(outcome, outcome),
            labels.rating.get(rating, rating), rating_comment,
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
    """The case ledger's rows of the scoped, filtered ``cases``: one streamed query, lookups per batch."""
    maker = CaseRowMaker()
    for batch in _in_batches(cases.order_by("-reported_at", "-pk").values_list(*CASE_FIELDS)):
        maker.load(batch)
        yield from (maker.row(values) for values in batch)


# --- 矛盾纠纷台账 ----------------------------------------------------------------------------------

def party_text(party: DisputeParty, labels: Labels | None = None) -> str:
    """"申请人：张三（138****5678）": role, name and the masked phone of a party."""
    labels = labels or Labels()
    values = {"role": labels.role.get(party.role, party.role), "name": party.name}
    if party.phone:
        return labels.party_with_phone % {**values, "phone": mask_phone(party.phone)}
    return labels.party % values


def mediator_text(dispute: Dispute, labels: Labels | None = None) -> str:
    names = [user.full_name or user.get_username() for user in dispute.mediators.all()]
    if dispute.other_mediators:
        names.append(dispute.other_mediators)
    return (labels.list_separator if labels else pgettext("list separator", "、")).join(names)


def dispute_columns() -> list[Column]:
    """The columns of 矛盾纠纷台账."""
    label = gettext_lazy
    return [
        Column(label("事件编号"), width=16), Column(label("上报时间"), DATETIME), Column(label("所属网格"), width=18),
        Column(label("所属社区"), width=14), Column(label("纠纷类型"), width=14), Column(label("当事人"), WRAP, 30),
        Column(label("问题描述"), WRAP, 40), Column(label("调解员"), WRAP, 16), Column(label("调解次数"), NUMBER),
        Column(label("最近调解日期"), DATE), Column(label("调解结果"), width=12), Column(label("调解结束日期"), DATE),
        Column(label("调解协议"), WRAP, 30), Column(label("回访日期"), DATE), Column(label("回访情况"), WRAP, 30),
        Column(label("事件状态"), width=10),
    ]


def dispute_headers() -> list[str]:
    return [str(column.header) for column in dispute_columns()]


def dispute_values(dispute: Dispute, names: AreaNames, labels: Labels) -> list[Any]:
    """One row of the dispute ledger, in the order of ``dispute_columns()``."""
    case = dispute.case
    return [
        case.number, local(case.reported_at), case.grid.name, names[case.community_code],
        labels.dispute_kind.get(dispute.kind, dispute.kind),
        labels.party_separator.join(party_text(party, labels) for party in dispute.parties.all()),
        case.description, mediator_text(dispute, labels),
        dispute.session_count, dispute.last_session_on,  # type: ignore[attr-defined]  # from ledger_disputes
        labels.result.get(dispute.result, dispute.result), dispute.concluded_on, dispute.agreement,
        dispute.follow_up_on, dispute.follow_up_notes, labels.status.get(case.status, case.status),
    ]


def dispute_rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    names, labels = AreaNames(), Labels()
    for batch in _in_batches(ledger_disputes(cases)):
        names.load(dispute.case for dispute in batch)
        yield from (dispute_values(dispute, names, labels) for dispute in batch)


# --- both ledgers -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ledger:
    """What the views and the background export need to know about one ledger."""

    kind: str
    title: Promise
    slug: str  # the ASCII file name for clients that cannot read the Chinese one
    form_class: type[CaseFilterForm]
    columns: Callable[[], list[Column]]
    rows: Callable[[QuerySet[Case]], Iterator[list[Any]]]
    page: str  # the URL name of the ledger's page

    def count(self, cases: QuerySet[Case]) -> int:
        return ledger_disputes(cases).count() if self.kind == DISPUTES else cases.count()


CASES, DISPUTES = "cases", "disputes"
LEDGERS = {
    CASES: Ledger(CASES, gettext_lazy("事件台账"), "case-ledger", CaseFilterForm, case_columns, case_rows,
                  "cases:ledger"),
    DISPUTES: Ledger(DISPUTES, gettext_lazy("矛盾纠纷台账"), "dispute-ledger", DisputeFilterForm, dispute_columns,
                     dispute_rows, "cases:dispute_ledger"),
}


@dataclass(frozen=True)
class Heading:
    """What the title rows and the file name say: the ledger, its area, the filter, the time."""

    title: str
    area: str
    filters: list[str]
    exported_at: datetime.datetime

    @property
    def title_line(self) -> str:
        return _("%(ledger)s（%(area)s）") % {"ledger": self.title, "area": self.area}

    @property
    def detail_line(self) -> str:
        filters = pgettext("filter separator", "；").join(self.filters) or _("无（全部）")
        return _("筛选条件：%(filters)s　　导出时间：%(time)s") % {
            "filters": filters, "time": f"{timezone.localtime(self.exported_at):%Y-%m-%d %H:%M}"}

    def filename(self) -> str:
        """"事件台账_林山寨街道_20260302-1015.xlsx": like the import templates, a Chinese name."""
        area = _UNSAFE_IN_FILE_NAMES.sub("", self.area)[:40]
        return f"{self.title}_{area}_{timezone.localtime(self.exported_at):%Y%m%d-%H%M}.xlsx"


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def heading(ledger: Ledger, form: CaseFilterForm, now: datetime.datetime | None = None) -> Heading:
    """The heading of an export of ``ledger`` with the (bound or unbound) filter ``form``."""
    return Heading(title=str(ledger.title), area=form.area_in_words(), filters=form.in_words(),
                   exported_at=now or timezone.now())


def write(ledger: Ledger, target: IO[bytes], cases: QuerySet[Case], head: Heading,
          progress: Progress | None = None) -> int:
    """Stream ``ledger`` of the scoped, filtered ``cases`` to ``target``; returns the number of rows."""
    return write_ledger(target, sheet_title=head.title, title=head.title_line, subtitle=head.detail_line,
                        columns=ledger.columns(), rows=ledger.rows(cases), progress=progress,
                        progress_every=CHUNK_SIZE)
