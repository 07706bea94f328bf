"""Pages of 扫码表决 and of public ballot results.

Staff: ``ballot_links`` issues a building's links and shows them once as a sheet of QR slips to
print and cut (the tokens are kept only as hashes). Public (no account, phone first):
``vote`` walks a household through phone → SMS code → vote on its link, the session keeping
which code was sent and checked; ``results`` shows the aggregate results of closed ballots whose
ballot allows it (``Ballot.publish_result``) — figures only, never a unit or a person.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from areas.models import Area
from cases import ratelimit
from cases.workflow import ActionRefused
from participation import ballots, limits, selectors, votelinks
from participation import votelink_forms as forms
from participation.models import Ballot, BallotState, Choice, Vote, VoteCode, VoteLink
from participation.views import _add_errors, _ballot_for_user, _user, explain


def _absolute(request: HttpRequest, path: str) -> str:
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@login_required
@require_http_methods(["GET", "POST"])
def ballot_links(request: HttpRequest, pk: int) -> HttpResponse:
    """发放扫码表决链接: pick a building; the answer is the sheet of its slips, shown this once."""
    ballot = _ballot_for_user(request, pk, "record_vote")
    form = forms.LinkIssueForm(request.POST or None, ballot=ballot, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            issued = votelinks.links_issue(actor=_user(request), ballot=ballot, building=form.cleaned_data["building"])
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("participation:ballot_detail", ballot.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            slips = [{"unit": link.unit, "url": _absolute(request, reverse("public_votes:vote", args=[link.token]))}
                     for link in issued]
            return render(request, "participation/vote_slips.html", {
                "ballot": ballot, "building": form.cleaned_data["building"], "slips": slips,
            })
    issued_count = VoteLink.objects.filter(ballot=ballot).count()
    return render(request, "participation/vote_links.html", {
        "ballot": ballot, "form": form, "issued": issued_count, "open": ballot.state == BallotState.OPEN,
    }, status=400 if request.method == "POST" else 200)


# ----- public: the household's page -------------------------------------------------------------

def _session_key(link: VoteLink) -> str:
    return f"vote-link:{link.pk}"


def _sent_code(request: HttpRequest, link: VoteLink) -> int | None:
    value = request.session.get(_session_key(link))
    return int(value) if isinstance(value, int) else None


def _verified(link: VoteLink, code_id: int | None) -> bool:
    if code_id is None:
        return False
    since = timezone.now() - datetime.timedelta(minutes=votelinks.VERIFIED_MINUTES)
    return VoteCode.objects.filter(pk=code_id, link=link, verified_at__gte=since).exists()


def _current_vote(link: VoteLink) -> Vote | None:
    unit = {"household": link.household} if link.household_id else {"dwelling": link.dwelling,
                                                                      "household": None}
    return Vote.objects.filter(ballot=link.ballot, **unit).first()


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, token: str) -> HttpResponse:
    """扫码表决 on the household's phone: phone → SMS code → vote; changeable until the ballot closes."""
    link = votelinks.link_for_token(token)
    if link is None:
        raise Http404
    context: dict[str, Any] = {"link": link, "ballot": link.ballot, "vote": _current_vote(link), "token": token,
                               "results_url": _results_url(link.ballot)}
    if link.ballot.state != BallotState.OPEN:
        return render(request, "participation/public/link_vote.html", {**context, "step": "closed"})
    code_id = _sent_code(request, link)
    step = "vote" if _verified(link, code_id) else "code" if code_id else "phone"
    if request.method == "POST":
        action = request.POST.get("step", "")
        if action == "restart":
            request.session.pop(_session_key(link), None)
            return redirect("public_votes:vote", token)
        handler = {"phone": _post_phone, "code": _post_code, "vote": _post_vote}.get(action)
        if handler is None or (action != "phone" and action != step):
            return redirect("public_votes:vote", token)
        return handler(request, link, token, context, code_id)
    return _render_step(request, context, step)


def _render_step(request: HttpRequest, context: dict[str, Any], step: str, status: int = 200,
                 form: Any = None) -> HttpResponse:
    if form is None:
        form = {"phone": forms.PhoneForm, "code": forms.CodeForm}.get(step, forms.LinkVoteForm)(
            initial={"choice": context["vote"].choice} if step == "vote" and context["vote"] else None)
    return render(request, "participation/public/link_vote.html", {**context, "step": step, "form": form},
                  status=status)


def _post_phone(request: HttpRequest, link: VoteLink, token: str, context: dict[str, Any],
                code_id: int | None) -> HttpResponse:
    key = ratelimit.source_key(request)
    form = forms.PhoneForm(request.POST)
    refusal = limits.guess_refusal(key)
    if refusal:
        return _render_step(request, {**context, "refusal": refusal}, "phone", 429, form)
    if not form.is_valid() or form.cleaned_data["website"]:
        limits.count_failed_guess(key)
        return _render_step(request, context, "phone", 400, form)
    try:
        sent = votelinks.code_send(link=link, phone=form.cleaned_data["phone"], source_key=key)
    except ActionRefused as refused:
        return _render_step(request, {**context, "refusal": refused.message}, "phone", 429, form)
    except ValidationError as error:
        _add_errors(form, error)
        limits.count_failed_guess(key)  # nobody walks the phone numbers of a household
        return _render_step(request, context, "phone", 400, form)
    request.session[_session_key(link)] = sent.row.pk
    return redirect("public_votes:vote", token)


def _post_code(request: HttpRequest, link: VoteLink, token: str, context: dict[str, Any],
               code_id: int | None) -> HttpResponse:
    key = ratelimit.source_key(request)
    form = forms.CodeForm(request.POST)
    refusal = limits.guess_refusal(key)
    if refusal:
        return _render_step(request, {**context, "refusal": refusal}, "code", 429, form)
    if not form.is_valid() or code_id is None:
        return _render_step(request, context, "code", 400, form)
    try:
        votelinks.code_check(link=link, code_id=code_id, code=form.cleaned_data["code"])
    except ValidationError as error:
        _add_errors(form, error)
        limits.count_failed_guess(key)
        return _render_step(request, context, "code", 400, form)
    return redirect("public_votes:vote", token)


def _post_vote(request: HttpRequest, link: VoteLink, token: str, context: dict[str, Any],
               code_id: int | None) -> HttpResponse:
    form = forms.LinkVoteForm(request.POST)
    if not form.is_valid() or code_id is None:
        return _render_step(request, context, "vote", 400, form)
    try:
        recorded = votelinks.link_vote(link=link, code_id=code_id, choice=form.cleaned_data["choice"])
    except ActionRefused as refused:
        request.session.pop(_session_key(link), None)
        return _render_step(request, {**context, "refusal": refused.message}, "phone", 409)
    except ValidationError as error:
        _add_errors(form, error)
        return _render_step(request, context, "vote", 400, form)
    return render(request, "participation/public/link_voted.html", {**context, "vote": recorded})


# ----- public: aggregate results after close -------------------------------------------------------

def _results_url(ballot: Ballot) -> str | None:
    if ballot.state != BallotState.CLOSED or not ballot.publish_result:
        return None
    return reverse("public_votes:results", args=[ballot.area.code])


def public_result(ballot: Ballot) -> dict[str, Any]:
    """What the public may know of a closed ballot: counts, the rule's figures and the outcome."""
    units = ballots.eligible_units(ballot)
    result = ballots.ballot_result(ballot, units)
    counts = [(label, sum(1 for unit in units if unit.vote and unit.vote.choice == value))
              for value, label in Choice.choices]
    return {"ballot": ballot, "total": len(units), "voted": sum(1 for unit in units if unit.vote),
            "counts": counts, "figures": [explain(figure) for figure in result.figures], "passed": result.passed,
            "buildings": [str(building) for building in ballot.buildings.order_by("estate", "name")]}


@require_GET
def results(request: HttpRequest, code: str) -> HttpResponse:
    """表决结果: the closed ballots reaching this grid (or community) whose results are public."""
    area = get_object_or_404(Area.objects.active(), code=code)
    shown = selectors.public_ballots(area)[:20]
    return render(request, "participation/public/ballot_results.html",
                  {"area": area, "results": [public_result(ballot) for ballot in shown]})


def public_grid_context(area: Area) -> dict[str, Any]:
    """The 表决结果 link on the public grid page, when a published result reaches the grid."""
    if not selectors.public_ballots(area).exists():
        return {}
    return {"ballot_results_url": reverse("public_votes:results", args=[area.code])}
