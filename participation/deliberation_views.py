"""Staff pages of 议事: proposals through their stages, consultation meetings, 居民评议.

Every object comes through ``_proposal_for_user`` / ``_meeting_for_user`` (404 outside the
user's scope, 403 without the permission to see them); every change goes through the named
operations of ``deliberation``, ``meetings`` and ``evaluations``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case
from cases.workflow import ActionRefused
from participation import deliberation, evaluations, meetings
from participation import deliberation_forms as forms
from participation.models import Meeting, MeetingPhoto, Proposal, ProposalState, Stage, StageKind
from participation.views import _add_errors, _require_perm, _user

# The verbs of a proposal's page: the permission, its form, and when it is offered.
PROPOSAL_ACTIONS: dict[str, tuple[str, type[Form], Callable[[Proposal], bool]]] = {
    "submit": ("add_proposal", forms.SubmitForm, lambda p: p.state == ProposalState.PROPOSED),
    "decide": ("decide_proposal", forms.DecideForm, lambda p: _at(p, StageKind.DELIBERATE)),
    "implement": ("decide_proposal", forms.ImplementForm, lambda p: _at(p, StageKind.IMPLEMENT)),
    "close": ("decide_proposal", forms.CloseForm, lambda p: _at(p, StageKind.EVALUATE)),
    "issue_code": ("add_proposal", forms.IssueCodeForm, lambda p: p.evaluating),
    "evaluate": ("add_proposal", forms.DoorEvaluationForm, lambda p: p.evaluating),
    "spawn_case": ("add_proposal", forms.SpawnCaseForm, lambda p: p.area.is_grid and p.state != ProposalState.REJECTED),
}

MEETING_ACTIONS: dict[str, type[Form]] = {
    "invite": forms.InviteForm, "mark": forms.MarkForm, "minutes": forms.MinutesForm,
    "spawn_proposal": forms.SpawnProposalForm, "spawn_case": forms.MeetingSpawnCaseForm,
}


def _at(proposal: Proposal, kind: str) -> bool:
    return proposal.state == ProposalState.DELIBERATING and proposal.stage is not None and proposal.stage.kind == kind


def _proposal_for_user(request: HttpRequest, pk: int) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user)
                                 .select_related("area", "stage", "stage_set", "source_case"), pk=pk)
    _require_perm(request, "view_proposal")
    return proposal


def _meeting_for_user(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("area", "proposal"), pk=pk)
    _require_perm(request, "view_meeting")
    return meeting


def public_url(request: HttpRequest, name: str, *args: Any) -> str:
    path = reverse(name, args=args)
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "view_proposal")
    state = request.GET.get("state", "")
    state = state if state in ProposalState.values else ""
    shown = Proposal.objects.visible_to(request.user).select_related("area", "stage")
    shown = shown.filter(state=state) if state else shown
    return render(request, "participation/proposal_list.html", {
        "proposals": shown[:200], "state": state, "states": ProposalState.choices,
        "may_record": request.user.has_perm("participation.add_proposal"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "add_proposal")
    # ?resident=<pk>&source=visit: a link from a visit or a resident's page fills in who and how.
    initial = {"proposer": request.GET.get("resident"), "source": request.GET.get("source")}
    form = forms.ProposalForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = deliberation.proposal_record(
                actor=_user(request), area=data["area"], title=data["title"], details=data["details"],
                source=data["source"], proposer=data["proposer"], proposer_name=data["proposer_name"],
                phone=data["phone"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("议题已登记。"))
            return redirect("participation:proposal_detail", proposal.pk)
    return render(request, "participation/proposal_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_from_case(request: HttpRequest, number: str) -> HttpResponse:
    """转为议题: a case the user sees becomes a proposal (confirm, then convert)."""
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("grid", "category"), number=number)
    _require_perm(request, "add_proposal")
    existing = Proposal.objects.filter(source_case=case).first()
    if existing is not None:
        return redirect("participation:proposal_detail", existing.pk)
    if request.method == "POST":
        try:
            proposal = deliberation.proposal_from_case(actor=_user(request), case=case,
                                                       title=request.POST.get("title", ""))
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("事件已转为议题。"))
            return redirect("participation:proposal_detail", proposal.pk)
    return render(request, "participation/proposal_from_case.html", {"case": case})


def _stage_forms(request: HttpRequest, proposal: Proposal) -> dict[str, Form]:
    shown = {}
    for verb, (codename, form_class, offered) in PROPOSAL_ACTIONS.items():
        if offered(proposal) and request.user.has_perm(f"participation.{codename}", proposal.area):
            shown[verb] = form_class(user=request.user, proposal=proposal)  # type: ignore[call-arg]
    return shown


def _proposal_context(request: HttpRequest, proposal: Proposal,
                      failed: tuple[str, Form] | None = None) -> dict[str, Any]:
    actions = _stage_forms(request, proposal)
    if failed:
        actions[failed[0]] = failed[1]
    stages = list(proposal.stage_set.stages.all()) if proposal.stage_set else []
    return {
        "proposal": proposal, "actions": actions, "stages": stages,
        "events": proposal.events.select_related("meeting"),
        "meetings": proposal.meetings.prefetch_related("attendees", "staff", "photos").select_related("stage"),
        "spawned": proposal.spawned_cases.all(),
        "results": evaluations.results_by_building(proposal)
        if proposal.evaluating or proposal.evaluations.exists() else [],
        "evaluation_url": public_url(request, "public_deliberation:evaluate", proposal.token)
        if proposal.evaluating else "",
        "issued": request.session.pop(f"evaluation-code-{proposal.pk}", None),
    }


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for_user(request, pk)
    return render(request, "participation/proposal_detail.html", _proposal_context(request, proposal))


def _record(data: dict[str, Any]) -> deliberation.MeetingRecord:
    return deliberation.MeetingRecord(
        held_on=data["held_on"], place=data["place"], minutes=data["minutes"], title=data.get("title", ""),
        attendees=list(data.get("attendees") or []), staff=list(data.get("staff") or []),
        photos=list(data.get("photos") or []),
    )


def _stage_of(proposal: Proposal, data: dict[str, Any]) -> Stage:
    stage = Stage.objects.filter(pk=data.get("stage") or 0, stage_set_id=proposal.stage_set_id).first()
    if stage is None:
        raise ActionRefused(_("该议题的议事阶段已变化，请刷新后重试。"), conflict=True)
    return stage


def _run_proposal_action(request: HttpRequest, verb: str, proposal: Proposal, data: dict[str, Any]) -> str:
    actor = _user(request)
    if verb == "submit":
        deliberation.proposal_submit(actor=actor, proposal=proposal, stage_set=data["stage_set"])
        return _("已提交议事。")
    if verb == "decide":
        deliberation.proposal_decide(actor=actor, proposal=proposal, stage=_stage_of(proposal, data),
                                     decision=data["decision"], reason=data["reason"], meeting=_record(data))
        return _("决定已登记。")
    if verb == "implement":
        deliberation.proposal_implement(actor=actor, proposal=proposal, stage=_stage_of(proposal, data),
                                        note=data["note"], meeting=_record(data))
        return _("实施情况已登记，进入居民评议。")
    if verb == "close":
        deliberation.proposal_close(actor=actor, proposal=proposal, stage=_stage_of(proposal, data),
                                    note=data["note"], meeting=_record(data))
        return _("议题已办结。")
    if verb == "issue_code":
        issued = evaluations.evaluation_code_issue(actor=actor, proposal=proposal, household=data["household"])
        request.session[f"evaluation-code-{proposal.pk}"] = [str(issued.household.dwelling), issued.code]
        return _("评议码已生成。")
    if verb == "evaluate":
        evaluations.evaluation_record(actor=actor, proposal=proposal, household=data["household"],
                                      rating=data["rating"], comment=data["comment"])
        return _("评议已登记。")
    case = deliberation.proposal_spawn_case(actor=actor, proposal=proposal, category=data["category"],
                                            description=data["description"])
    return _("已转为事件 %(number)s。") % {"number": case.number}


@login_required
@require_POST
def proposal_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    proposal = _proposal_for_user(request, pk)
    if verb not in PROPOSAL_ACTIONS:
        raise Http404
    form_class = PROPOSAL_ACTIONS[verb][1]
    form = form_class(request.POST, request.FILES, user=request.user, proposal=proposal)  # type: ignore[call-arg]
    if form.is_valid():
        try:
            message = _run_proposal_action(request, verb, proposal, form.cleaned_data)
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("participation:proposal_detail", proposal.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("participation:proposal_detail", proposal.pk)
    return render(request, "participation/proposal_detail.html",
                  _proposal_context(request, proposal, (verb, form)), status=400)


# ----- consultation meetings -------------------------------------------------------------------

@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "view_meeting")
    shown = Meeting.objects.visible_to(request.user).select_related("area", "proposal")[:200]
    return render(request, "participation/meeting_list.html", {
        "meetings": shown, "may_open": request.user.has_perm("participation.add_meeting"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "add_meeting")
    form = forms.MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meetings.meeting_open(actor=_user(request), area=data["area"], kind=data["kind"],
                                            title=data["title"], place=data["place"], held_on=data["held_on"],
                                            agenda=data["agenda"])
        except ValidationError as error:
            _add_errors(form, error)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("participation:meeting_detail", meeting.pk)
    return render(request, "participation/meeting_form.html", {"form": form}, status=400 if form.errors else 200)


def _meeting_context(request: HttpRequest, meeting: Meeting, failed: tuple[str, Form] | None = None) -> dict[str, Any]:
    may = request.user.has_perm("participation.add_meeting", meeting.area) and meeting.kind != "stage"
    actions: dict[str, Form] = {}
    if may:
        wanted = ["invite", "minutes"] if not meeting.minuted_at else ["spawn_proposal", "spawn_case"]
        if not meeting.area.is_grid:
            wanted = [verb for verb in wanted if verb != "spawn_case"]
        actions = {verb: MEETING_ACTIONS[verb](user=request.user, meeting=meeting)  # type: ignore[call-arg]
                   for verb in wanted}
    if failed:
        actions[failed[0]] = failed[1]
    invitations = meeting.invitations.select_related("resident")
    return {
        "meeting": meeting, "actions": actions, "invitations": invitations, "may_mark": may and not meeting.minuted_at,
        "signed": sum(1 for row in invitations if row.signed_in_at), "photos": meeting.photos.all(),
        "sign_in_url": public_url(request, "public_deliberation:sign_in", meeting.token),
        "spawned_proposals": meeting.spawned_proposals.all(), "spawned_cases": meeting.spawned_cases.all(),
    }


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_user(request, pk)
    return render(request, "participation/meeting_detail.html", _meeting_context(request, meeting))


def _run_meeting_action(request: HttpRequest, verb: str, meeting: Meeting, data: dict[str, Any]) -> str:
    actor = _user(request)
    if verb == "invite":
        added = meetings.meeting_invite(actor=actor, meeting=meeting, buildings=list(data["buildings"]),
                                        households=list(data["households"]), tag=data["tag"])
        return _("新邀请 %(count)d 位居民。") % {"count": added}
    if verb == "mark":
        invitation = get_object_or_404(meeting.invitations, pk=data["invitation"])
        meetings.meeting_mark_present(actor=actor, invitation=invitation)
        return _("已代为签到。")
    if verb == "minutes":
        meetings.meeting_record_minutes(actor=actor, meeting=meeting, minutes=data["minutes"],
                                        staff=list(data["staff"]), photos=list(data.get("photos") or []))
        return _("会议纪要已登记。")
    if verb == "spawn_proposal":
        proposal = meetings.meeting_spawn_proposal(actor=actor, meeting=meeting, title=data["title"],
                                                   details=data["details"])
        return _("已形成议题“%(title)s”。") % {"title": proposal.title}
    case = meetings.meeting_spawn_case(actor=actor, meeting=meeting, category=data["category"],
                                       description=data["description"])
    return _("已转为事件 %(number)s。") % {"number": case.number}


@login_required
@require_POST
def meeting_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    meeting = _meeting_for_user(request, pk)
    if verb not in MEETING_ACTIONS:
        raise Http404
    form = MEETING_ACTIONS[verb](request.POST, request.FILES, user=request.user, meeting=meeting)  # type: ignore[call-arg]
    if form.is_valid():
        try:
            message = _run_meeting_action(request, verb, meeting, form.cleaned_data)
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("participation:meeting_detail", meeting.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("participation:meeting_detail", meeting.pk)
    return render(request, "participation/meeting_detail.html", _meeting_context(request, meeting, (verb, form)),
                  status=400)


@login_required
@require_GET
def meeting_photo(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    meeting = _meeting_for_user(request, pk)
    row = get_object_or_404(MeetingPhoto.objects.filter(meeting=meeting), pk=photo)
    response = FileResponse(row.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
