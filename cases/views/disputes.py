"""The dispute page (矛盾纠纷调解档案) of a dispute case: the record, parties and mediation sessions.

``/cases/<number>/dispute/`` shows the record to everyone who may see the case (404 outside
scope, or when the case is not a dispute); editing needs ``cases.accept_case`` or
``cases.self_handle_case`` on the case's desk or grid (``cases.disputes.may_edit``, 403
otherwise). Each form posts to its own address and calls one operation of ``cases.disputes``;
bad input re-shows the page with the errors next to the fields (status 400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from cases import disputes, selectors
from cases.forms.disputes import DisputeForm, PartyForm, SessionForm
from cases.models import Case, Dispute, DisputeParty, MediationSession
from cases.workflow import ActionRefused
from registry.pii import mask_phone

NUMBER = r"^(?P<number>[0-9]{8,20})/dispute/"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _get_dispute_for_user(request: HttpRequest, number: str) -> Dispute:
    """The dispute of the case with this number, if the user may see the case; 404 otherwise."""
    if not selectors.works_on_cases(request.user):
        raise Http404
    case = (Case.objects.visible_to(request.user).select_related("category", "grid", "desk_area")
            .filter(number=number).first())
    dispute = (
        Dispute.objects.filter(case=case)
        .prefetch_related(
            Prefetch("parties", queryset=DisputeParty.objects.order_by("role", "pk")),
            Prefetch("sessions", queryset=MediationSession.objects.select_related("recorded_by")),
            "mediators",
        ).first() if case else None
    )
    if case is None or dispute is None:
        raise Http404(_("没有找到这个矛盾纠纷。"))
    dispute.case = case
    return dispute


def _get_editable_dispute(request: HttpRequest, number: str) -> Dispute:
    dispute = _get_dispute_for_user(request, number)
    if not disputes.may_edit(request.user, dispute.case):
        raise PermissionDenied(_("您没有权限编辑这个矛盾纠纷的调解档案。"))
    return dispute


def _page(request: HttpRequest, dispute: Dispute, *, status: int = 200, **bound: Any) -> HttpResponse:
    editable = disputes.may_edit(request.user, dispute.case)
    context = {
        "dispute": dispute,
        "case": dispute.case,
        "editable": editable,
        "parties": [(party, mask_phone(party.phone) if party.phone else "") for party in dispute.parties.all()],
        "sessions": dispute.sessions.all(),
        "mediators": [user.full_name or user.get_username() for user in dispute.mediators.all()],
    }
    if editable:
        context["record_form"] = bound.get("record_form") or DisputeForm(dispute=dispute)
        context["party_form"] = bound.get("party_form") or PartyForm(prefix="party")
        context["session_form"] = bound.get("session_form") or SessionForm(prefix="session", case=dispute.case)
    return render(request, "cases/disputes/detail.html", context, status=status)


def _done(request: HttpRequest, dispute: Dispute, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("cases:dispute", kwargs={"number": dispute.case.number}))


def _refused(request: HttpRequest, dispute: Dispute, error: ActionRefused) -> HttpResponse:
    messages.error(request, error.message)
    return redirect(reverse("cases:dispute", kwargs={"number": dispute.case.number}))


@login_required
@require_GET
def dispute_detail(request: HttpRequest, number: str) -> HttpResponse:
    """矛盾纠纷调解档案: the record of a dispute case, with forms for those who may edit it."""
    return _page(request, _get_dispute_for_user(request, number))


@login_required
@require_POST
def dispute_edit(request: HttpRequest, number: str) -> HttpResponse:
    dispute = _get_editable_dispute(request, number)
    form = DisputeForm(request.POST, dispute=dispute)
    if not form.is_valid():
        return _page(request, dispute, status=400, record_form=form)
    try:
        disputes.dispute_update(dispute=dispute, actor=_user(request), mediators=list(form.cleaned_data["mediators"]),
                                **form.values())
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, dispute, status=400, record_form=form)
    except ActionRefused as error:
        return _refused(request, dispute, error)
    return _done(request, dispute, _("调解档案已保存。"))


@login_required
@require_POST
def party_add(request: HttpRequest, number: str) -> HttpResponse:
    dispute = _get_editable_dispute(request, number)
    form = PartyForm(request.POST, prefix="party")
    if not form.is_valid():
        return _page(request, dispute, status=400, party_form=form)
    try:
        disputes.dispute_add_party(dispute=dispute, actor=_user(request), **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, dispute, status=400, party_form=form)
    except ActionRefused as error:
        return _refused(request, dispute, error)
    return _done(request, dispute, _("已添加当事人。"))


@login_required
@require_POST
def party_remove(request: HttpRequest, number: str, party_id: int) -> HttpResponse:
    dispute = _get_editable_dispute(request, number)
    try:
        disputes.dispute_remove_party(dispute=dispute, actor=_user(request), party_id=int(party_id))
    except ActionRefused as error:
        return _refused(request, dispute, error)
    return _done(request, dispute, _("已移除当事人。"))


@login_required
@require_POST
def session_add(request: HttpRequest, number: str) -> HttpResponse:
    dispute = _get_editable_dispute(request, number)
    form = SessionForm(request.POST, prefix="session", case=dispute.case)
    if not form.is_valid():
        return _page(request, dispute, status=400, session_form=form)
    try:
        disputes.dispute_add_session(dispute=dispute, actor=_user(request), **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, dispute, status=400, session_form=form)
    except ActionRefused as error:
        return _refused(request, dispute, error)
    return _done(request, dispute, _("已添加调解记录。"))


urlpatterns: list[URLPattern | URLResolver] = [
    re_path(NUMBER + r"$", dispute_detail, name="dispute"),
    re_path(NUMBER + r"edit/$", dispute_edit, name="dispute_edit"),
    re_path(NUMBER + r"parties/$", party_add, name="dispute_party_add"),
    re_path(NUMBER + r"parties/(?P<party_id>[0-9]+)/delete/$", party_remove, name="dispute_party_remove"),
    re_path(NUMBER + r"sessions/$", session_add, name="dispute_session_add"),
]
