"""Staff pages of 公约: the list, drafting, a convention's page with its verbs, the printable A4.

Every convention comes through ``_convention_for_user`` (404 outside the user's scope, 403
without ``view_convention``); every change goes through ``participation.conventions``. Signatures
are collected on the signature ballot's own pages (``participation.views``: door by door, the 签字表).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from areas.models import Level
from cases.models import Case
from fieldwork.models import Answer
from participation import ballots, conventions
from participation import convention_forms as forms
from participation import convention_selectors as selectors
from participation.models import Ballot, BallotState, Convention, ConventionState
from participation.views import explain
from registry.models import Building

S = ConventionState
# The verbs of a convention's page: the states it acts in, the permission, its form.
ACTIONS: dict[str, tuple[tuple[str, ...], str, type[Form]]] = {
    "revise": ((S.DRAFT, S.COMMENTING, S.REJECTED), "add_convention", forms.ReviseForm),
    "open_comments": ((S.DRAFT,), "add_convention", Form),
    "comment": ((S.COMMENTING,), "record_convention", forms.CommentForm),
    "put_to_vote": ((S.COMMENTING,), "add_convention", forms.VoteForm),
    "close_vote": ((S.VOTING,), "add_convention", Form),
    "publish": ((S.ADOPTED,), "add_convention", Form),
    "open_signatures": ((S.ADOPTED,), "add_convention", Form),
    "breach": ((S.ADOPTED,), "record_convention", forms.BreachForm),
    "repeal": ((S.ADOPTED,), "add_convention", forms.RepealForm),
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _require_perm(request: HttpRequest, codename: str) -> None:
    if not request.user.has_perm(f"participation.{codename}"):
        raise PermissionDenied


def _convention_for_user(request: HttpRequest, pk: int) -> Convention:
    convention = get_object_or_404(Convention.objects.visible_to(request.user).select_related("area"), pk=pk)
    _require_perm(request, "view_convention")
    return convention


def _add_errors(form: Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
@require_GET
def convention_list(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "view_convention")
    state = request.GET.get("state", "")
    state = state if state in S.values else ""
    return render(request, "participation/convention_list.html", {
        "conventions": selectors.conventions_for(request.user, state)[:200], "state": state, "states": S.choices,
        "may_draft": request.user.has_perm("participation.add_convention"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def convention_new(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "add_convention")
    form = forms.DraftForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            convention = conventions.convention_draft(
                actor=_user(request), area=data["area"], title=data["title"], kind=data["kind"],
                buildings=list(data["buildings"]), text=data["text"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except conventions.ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("公约草案已保存。"))
            return redirect("conventions:detail", convention.pk)
    return render(request, "participation/convention_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _may(request: HttpRequest, codename: str, convention: Convention) -> bool:
    """The permission over the convention's area; recording (comments, breaches) also over the grid
    of one of its buildings the user sees, as the operations check."""
    if request.user.has_perm(f"participation.{codename}", convention.area):
        return True
    if codename != "record_convention":
        return False
    buildings = Building.objects.visible_to(request.user).filter(pk__in=convention.buildings.values("pk"))
    return any(request.user.has_perm("participation.record_convention", building.grid)
               for building in buildings.select_related("grid"))


def _allowed(request: HttpRequest, convention: Convention) -> list[str]:
    allowed = [verb for verb, (states, codename, _form) in ACTIONS.items()
               if convention.state in states and _may(request, codename, convention)]
    if convention.published_at:
        allowed = [verb for verb in allowed if verb != "publish"]
    if convention.signature_ballot_id:
        allowed = [verb for verb in allowed if verb != "open_signatures"]
    return allowed


def _form_for(request: HttpRequest, convention: Convention, verb: str, data: Any = None) -> Form:
    form_class = ACTIONS[verb][2]
    if form_class is forms.BreachForm:
        return forms.BreachForm(data, findings=selectors.breach_findings(request.user, convention))
    if form_class is forms.ReviseForm and data is None:
        version = convention.current_version()
        return forms.ReviseForm(initial={"text": version.text if version else ""})
    return form_class(data)


def _ballot_summary(ballot: Ballot | None) -> dict[str, Any] | None:
    if ballot is None:
        return None
    units = ballots.eligible_units(ballot)
    result = ballots.ballot_result(ballot, units)
    return {"ballot": ballot, "result": result, "figures": [explain(figure) for figure in result.figures],
            "voted": sum(1 for unit in units if unit.vote), "total": len(units)}


def _context(request: HttpRequest, convention: Convention, failed: tuple[str, Form] | None = None) -> dict[str, Any]:
    action_forms = {verb: _form_for(request, convention, verb) for verb in _allowed(request, convention)}
    if failed:
        action_forms[failed[0]] = failed[1]
    figures = conventions.signature_figures(convention)
    adoption = convention.ballot
    return {
        "convention": convention, "version": convention.current_version(),
        "versions": convention.versions.select_related("author").order_by("-number"),
        "comments": convention.comments.select_related("version", "recorded_by"),
        "buildings": convention.buildings.order_by("estate", "name"),
        "adoption": _ballot_summary(adoption),
        "adoption_closed": adoption is not None and adoption.state == BallotState.CLOSED,
        "signatures": figures, "signed": sum(row.signed for row in figures),
        "households": sum(row.total for row in figures),
        "breaches": convention.breaches.select_related("case", "finding__checkin"),
        "months": selectors.breaches_by_month(convention) if convention.adopted_on else [],
        "events": convention.events.all(), "actions": action_forms,
    }


@login_required
@require_GET
def convention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    convention = _convention_for_user(request, pk)
    return render(request, "participation/convention_detail.html", _context(request, convention))


def _case(request: HttpRequest, number: str) -> Case:
    case = Case.objects.visible_to(request.user).filter(number=number.strip()).first()
    if case is None:
        raise ValidationError({"case_number": [_("没有找到该事件编号。")]})
    return case


def _finding(pk: int | None) -> Answer | None:
    return Answer.objects.filter(pk=pk).first() if pk else None


def _run(request: HttpRequest, verb: str, convention: Convention, data: dict[str, Any], form: Form) -> None:
    actor = _user(request)
    operations: dict[str, Callable[[], Any]] = {
        "revise": lambda: conventions.convention_revise(actor=actor, convention=convention, text=data["text"],
                                                         note=data["note"]),
        "open_comments": lambda: conventions.convention_open_comments(actor=actor, convention=convention),
        "comment": lambda: conventions.convention_comment(actor=actor, convention=convention, text=data["text"],
                                                           commenter=data["commenter"]),
        "put_to_vote": lambda: conventions.convention_put_to_vote(
            actor=actor, convention=convention, rule=data["rule"], unit_kind=data["unit_kind"],
            share=form.share() if isinstance(form, forms.VoteForm) else conventions.thresholds.TWO_THIRDS),
        "close_vote": lambda: conventions.convention_close_vote(actor=actor, convention=convention),
        "publish": lambda: conventions.convention_publish(actor=actor, convention=convention),
        "open_signatures": lambda: conventions.convention_open_signatures(actor=actor, convention=convention),
        "breach": lambda: conventions.convention_breach_record(
            actor=actor, convention=convention, occurred_on=data["occurred_on"], note=data["note"],
            case=_case(request, data["case_number"]) if data["case_number"].strip() else None,
            finding=_finding(data["finding"])),
        "repeal": lambda: conventions.convention_repeal(actor=actor, convention=convention, reason=data["reason"]),
    }
    operations[verb]()


@login_required
@require_POST
def convention_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    convention = _convention_for_user(request, pk)
    if verb not in ACTIONS:
        raise Http404
    form = _form_for(request, convention, verb, request.POST)
    if form.is_valid():
        try:
            _run(request, verb, convention, form.cleaned_data, form)
        except conventions.ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("conventions:detail", convention.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("conventions:detail", convention.pk)
    convention.refresh_from_db()
    return render(request, "participation/convention_detail.html", _context(request, convention, (verb, form)),
                  status=400)


@login_required
@require_GET
def convention_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The convention on A4, to post in the stairwell or save as PDF: its text, the adoption and
    the signature figures (no household, no person)."""
    convention = _convention_for_user(request, pk)
    if convention.state not in (S.ADOPTED, S.REPEALED):
        raise Http404(_("公约通过后才能打印公布。"))
    version = convention.voted_version or convention.current_version()
    figures = conventions.signature_figures(convention)
    community = convention.area if convention.area.level == Level.COMMUNITY else next(
        (area for area in convention.area.ancestors() if area.level == Level.COMMUNITY), None)
    return render(request, "participation/convention_print.html", {
        "convention": convention, "version": version, "adoption": _ballot_summary(
            convention.ballot),
        "signatures": figures, "signed": sum(row.signed for row in figures),
        "households": sum(row.total for row in figures), "place": (community or convention.area).name,
        "buildings": convention.buildings.order_by("estate", "name"),
    })
