"""Public pages of 议事 (no account, phone first): 民事民提, QR sign-in, 居民评议.

A meeting and a proposal are reached by their random tokens, never their ids. Proposals are
rate-limited like 随手拍; sign-ins and evaluation codes that do not match are counted per address,
so nobody can walk the invitees' phones or the codes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from areas.models import Area, Level
from cases import ratelimit
from cases.workflow import ActionRefused
from participation import deliberation, evaluations, limits, meetings
from participation import deliberation_forms as forms
from participation.models import Meeting, Proposal


def _errors(form: Any, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@never_cache
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, code: str) -> HttpResponse:
    """民事民提: a resident's proposal to the community of a grid (or to a community)."""
    area = get_object_or_404(Area.objects.active().filter(
        level__in=[Level.COMMUNITY, Level.GRID, Level.MICROGRID]), code=code)
    form = forms.PublicProposalForm(request.POST or None)
    context: dict[str, Any] = {"area": area, "form": form}
    if request.method != "POST":
        return render(request, "participation/public/propose.html", context)
    key = ratelimit.source_key(request)
    refusal = limits.proposal_refusal(key, request.POST.get("phone", ""))
    if refusal:
        return render(request, "participation/public/propose.html", {**context, "refusal": refusal}, status=429)
    if not form.is_valid() or form.cleaned_data["website"]:
        limits.count_failed_proposal(key)
        return render(request, "participation/public/propose.html", context, status=400)
    data = form.cleaned_data
    try:
        proposal = deliberation.proposal_propose(area=area, title=data["title"], details=data["details"],
                                                 name=data["name"], phone=data["phone"], source_key=key)
    except ValidationError as error:
        _errors(form, error)
        limits.count_failed_proposal(key)
        return render(request, "participation/public/propose.html", context, status=400)
    return render(request, "participation/public/proposed.html", {"area": area, "proposal": proposal})


def masked(name: str) -> str:
    """王秀兰 → 王*兰, 张三 → 张*: enough for an invitee to find themselves, not to learn a name."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[:1] + "*" * (len(name) - 2) + name[-1:]


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """签到 on the invitee's phone, by the meeting's QR code."""
    meeting = get_object_or_404(Meeting.objects.select_related("area"), token=token)
    rows = meeting.invitations.select_related("resident").order_by("resident__name", "pk")
    choices = [(row.pk, masked(row.resident.name)) for row in rows if row.signed_in_at is None]
    form = forms.SignInForm(request.POST or None, choices=choices)
    context: dict[str, Any] = {"meeting": meeting, "form": form, "closed": bool(meeting.minuted_at)}
    if request.method != "POST" or meeting.minuted_at:
        return render(request, "participation/public/sign_in.html", context)
    key = ratelimit.source_key(request)
    refusal = limits.guess_refusal(key)
    if refusal:
        return render(request, "participation/public/sign_in.html", {**context, "refusal": refusal}, status=429)
    if not form.is_valid() or form.cleaned_data["website"]:
        limits.count_failed_guess(key)
        return render(request, "participation/public/sign_in.html", context, status=400)
    data = form.cleaned_data
    invitation = meeting.invitations.filter(pk=data["invitation"]).first() if data["invitation"] else None
    try:
        signed = meetings.meeting_sign_in(meeting=meeting, invitation=invitation, name=data["name"],
                                          phone_last4=data["phone_last4"])
    except ValidationError as error:
        _errors(form, error)
        limits.count_failed_guess(key)
        return render(request, "participation/public/sign_in.html", context, status=400)
    except ActionRefused as refused:
        return render(request, "participation/public/sign_in.html", {**context, "refusal": refusal or refused.message},
                      status=409)
    return render(request, "participation/public/signed_in.html",
                  {"meeting": meeting, "name": masked(signed.resident.name)})


@never_cache
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, token: str) -> HttpResponse:
    """居民评议 by link/QR with the household's one-time code."""
    proposal = get_object_or_404(Proposal.objects.select_related("area", "stage"), token=token)
    form = forms.PublicEvaluationForm(request.POST or None)
    context: dict[str, Any] = {"proposal": proposal, "form": form, "open": proposal.evaluating}
    if request.method != "POST" or not proposal.evaluating:
        return render(request, "participation/public/evaluate.html", context)
    key = ratelimit.source_key(request)
    refusal = limits.guess_refusal(key)
    if refusal:
        return render(request, "participation/public/evaluate.html", {**context, "refusal": refusal}, status=429)
    if not form.is_valid() or form.cleaned_data["website"]:
        limits.count_failed_guess(key)
        return render(request, "participation/public/evaluate.html", context, status=400)
    data = form.cleaned_data
    try:
        evaluations.evaluation_by_code(proposal=proposal, code=data["code"], rating=data["rating"],
                                       comment=data["comment"])
    except ValidationError as error:
        _errors(form, error)
        limits.count_failed_guess(key)
        return render(request, "participation/public/evaluate.html", context, status=400)
    except ActionRefused as refused:
        return render(request, "participation/public/evaluate.html", {**context, "refusal": refused.message},
                      status=409)
    return render(request, "participation/public/evaluated.html", {"proposal": proposal})
