"""Staff pages of 共建共治: the wish queue and a wish's page, ballots door by door, figures.

Every object comes through ``_wish_for_user`` / ``_ballot_for_user`` (404 outside the user's
scope); every change goes through the named operations of ``wishes`` and ``ballots``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from areas.models import Area, Level
from core.forms import EARLIEST_DAY, LATEST_DAY
from fieldwork.models import Visit
from participation import ballots, documents, forms, selectors, wishes
from participation.models import Ballot, BallotState, Choice, ClaimantKind, Convention, UnitKind, Wish, WishState
from participation.thresholds import Figure
from registry.models import Dwelling, Household

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The verbs of a wish's page: the state it acts in, the permission, its form.
WISH_ACTIONS: dict[str, tuple[str, str, type[Form]]] = {
    "approve": (WishState.COLLECTED, "review_wish", forms.ReviewForm),
    "decline": (WishState.COLLECTED, "review_wish", forms.ReviewForm),
    "publish": (WishState.APPROVED, "review_wish", Form),
    "claim": (WishState.PUBLISHED, "handle_wish", forms.StaffClaimForm),
    "fulfil": (WishState.CLAIMED, "handle_wish", forms.FulfilForm),
    "confirm": (WishState.FULFILLED, "handle_wish", forms.ConfirmForm),
}


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are behind ``login_required``)."""
    assert isinstance(request.user, User)
    return request.user


def _require_perm(request: HttpRequest, codename: str) -> None:
    if not request.user.has_perm(f"participation.{codename}"):
        raise PermissionDenied


def _wish_for_user(request: HttpRequest, pk: int) -> Wish:
    """The wish if it lies in the user's scope (else 404) and the user may see wishes (else 403)."""
    wish = get_object_or_404(Wish.objects.visible_to(request.user).select_related("area", "care_tag"), pk=pk)
    _require_perm(request, "view_wish")
    return wish


def _ballot_for_user(request: HttpRequest, pk: int, codename: str = "view_ballot") -> Ballot:
    """The ballot if the user sees it (else 404) and holds ``codename`` (else 403)."""
    ballot = get_object_or_404(Ballot.objects.visible_to(request.user).select_related("area"), pk=pk)
    _require_perm(request, codename)
    return ballot


@login_required
@require_GET
def wish_list(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "view_wish")
    state = request.GET.get("state", "")
    state = state if state in WishState.values else ""
    wishes_shown = selectors.wishes_for(request.user, state)[:200]
    return render(request, "participation/wish_list.html", {
        "wishes": wishes_shown, "state": state, "states": WishState.choices,
        "may_record": request.user.has_perm("participation.add_wish"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def wish_new(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "add_wish")
    visit = _visit_of(request)
    initial = ({"area": visit.grid_id, "resident": visit.resident_id} if visit
               else {"resident": request.GET.get("resident")})
    form = forms.WishRecordForm(request.POST or None, user=request.user, visit=visit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wish = wishes.wish_record(
                actor=_user(request), area=data["area"], resident=data["resident"], care_tag=data["care_tag"],
                title=data["title"], details=data["details"], estimated_value=data["estimated_value"],
                consent_to_publish=data["consent_to_publish"], public_label=data["public_label"],
                household=visit.household if visit else None, source_visit=visit,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except wishes.ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("心愿已登记，等待社区审核。"))
            return redirect("participation:wish_detail", wish.pk)
    return render(request, "participation/wish_form.html", {"form": form, "visit": visit})


def _visit_of(request: HttpRequest) -> Visit | None:
    """记录微心愿 from a visit record (``?visit=<pk>``): the visit, if the user sees it (else 404)."""
    number = request.GET.get("visit", "")
    if not number:
        return None
    if not number.isdigit():
        raise Http404
    return get_object_or_404(Visit.objects.visible_to(request.user).select_related("grid", "resident", "household"),
                             pk=int(number))


def _add_errors(form: Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _allowed(request: HttpRequest, wish: Wish) -> list[str]:
    return [verb for verb, (state, codename, _form) in WISH_ACTIONS.items()
            if wish.state == state and request.user.has_perm(f"participation.{codename}", wish.area)]


@login_required
@require_GET
def wish_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wish = _wish_for_user(request, pk)
    return render(request, "participation/wish_detail.html", _wish_context(request, wish))


def _wish_context(request: HttpRequest, wish: Wish, failed: tuple[str, Form] | None = None) -> dict[str, Any]:
    allowed = _allowed(request, wish)
    action_forms = {verb: WISH_ACTIONS[verb][2]() for verb in allowed}
    if failed:
        action_forms[failed[0]] = failed[1]
    visit = (Visit.objects.visible_to(request.user).filter(pk=wish.source_visit_id).first()
             if wish.source_visit_id else None)  # shown to those who may read the visit
    return {"wish": wish, "events": wish.events.select_related("actor"), "actions": action_forms,
            "source_visit": visit}


def _run_wish_action(request: HttpRequest, verb: str, wish: Wish, data: dict[str, Any]) -> None:
    operations: dict[str, Callable[[], Any]] = {
        "approve": lambda: wishes.wish_approve(actor=_user(request), wish=wish, meeting=data["meeting"],
                                               reason=data["reason"]),
        "decline": lambda: wishes.wish_decline(actor=_user(request), wish=wish, meeting=data["meeting"],
                                               reason=data["reason"]),
        "publish": lambda: wishes.wish_publish(actor=_user(request), wish=wish),
        "claim": lambda: wishes.wish_claim(actor=_user(request), wish=wish, kind=data["kind"], name=data["name"],
                                           phone=data["phone"]),
        "fulfil": lambda: wishes.wish_fulfil(actor=_user(request), wish=wish, note=data["note"],
                                             photo=(data.get("photo") or [None])[0]),
        "confirm": lambda: wishes.wish_confirm(actor=_user(request), wish=wish, note=data["note"]),
    }
    operations[verb]()


@login_required
@require_POST
def wish_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    wish = _wish_for_user(request, pk)
    if verb not in WISH_ACTIONS:
        raise Http404
    form = WISH_ACTIONS[verb][2](request.POST, request.FILES)
    if form.is_valid():
        try:
            _run_wish_action(request, verb, wish, form.cleaned_data)
        except wishes.ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("participation:wish_detail", wish.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("participation:wish_detail", wish.pk)
    return render(request, "participation/wish_detail.html", _wish_context(request, wish, (verb, form)), status=400)


@login_required
@require_GET
def wish_photo(request: HttpRequest, pk: int) -> FileResponse:
    wish = _wish_for_user(request, pk)
    if not wish.fulfilment_photo:
        raise Http404
    response = FileResponse(wish.fulfilment_photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def wish_figures(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "view_wish")
    areas = Area.objects.visible_to(request.user).exclude(level__in=[Level.GRID, Level.MICROGRID]).order_by("code")
    parent = areas.filter(code=request.GET.get("area", "")).first() or areas.first()
    since, until = _day(request, "since"), _day(request, "until")
    end = _start_of(until + datetime.timedelta(days=1)) if until else None  # the whole last day counts
    rows = selectors.wish_figures(request.user, parent, since=_start_of(since), until=end) if parent else []
    return render(request, "participation/wish_figures.html", {
        "parent": parent, "rows": rows, "areas": areas, "since": since, "until": until, "kinds": ClaimantKind.choices,
    })


def _day(request: HttpRequest, name: str) -> datetime.date | None:
    """A date from the query string; an invalid one, or one outside core.forms' bounds, is ignored."""
    try:
        day = datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) if day else None


@login_required
@require_GET
def wall_poster(request: HttpRequest, code: str) -> HttpResponse:
    """The wish wall's QR code, to print and put up."""
    area = get_object_or_404(Area.objects.visible_to(request.user), code=code)
    _require_perm(request, "view_wish")
    path = reverse("public_participation:wall", args=[selectors.wall_area(area).code])
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    url = f"{base}{path}" if base else request.build_absolute_uri(path)
    return render(request, "participation/wall_poster.html", {"area": area, "url": url})


# ----- ballots --------------------------------------------------------------------------------

@login_required
@require_GET
def ballot_list(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "view_ballot")
    shown = Ballot.objects.visible_to(request.user).select_related("area")[:100]
    return render(request, "participation/ballot_list.html", {
        "ballots": shown, "may_open": request.user.has_perm("participation.add_ballot"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def ballot_new(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "add_ballot")
    form = forms.BallotForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot = ballots.ballot_open(
                actor=_user(request), area=data["area"], question=data["question"], description=data["description"],
                buildings=list(data["buildings"]), unit_kind=data["unit_kind"], rule=data["rule"], share=form.share(),
                publish_result=data["publish_result"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except wishes.ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("participation:ballot_detail", ballot.pk)
    return render(request, "participation/ballot_form.html", {"form": form})


def explain(figure: Figure) -> dict[str, Any]:
    """What a figure means, its numbers and its verdict, for the page and the notice."""
    names = {
        "approval_units": _("同意的户数占全部户数"),
        "participation_area": _("参与表决的专有部分面积占建筑物总面积"),
        "participation_owners": _("参与表决的业主人数占业主总人数"),
        "approval_area": _("同意的专有部分面积占参与表决面积"),
        "approval_owners": _("同意的业主人数占参与表决人数"),
    }
    required = f"{'>' if figure.strict else '≥'} {figure.required.numerator}/{figure.required.denominator}"
    share = figure.share
    return {
        "name": figure.name, "label": names[figure.name], "part": _number(figure.part),
        "whole": _number(figure.whole), "required": required, "met": figure.met, "missing": figure.missing,
        "percent": f"{float(share) * 100:.2f}%" if share is not None else "—",
    }


def _number(value: Any) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".") if value.denominator != 1 else str(value.numerator)


def _ballot_context(request: HttpRequest, ballot: Ballot) -> dict[str, Any]:
    units = ballots.eligible_units(ballot)
    visible = set(Dwelling.objects.visible_to(request.user).filter(building__in=ballot.buildings.all())
                  .values_list("pk", flat=True))
    result = ballots.ballot_result(ballot, units)
    conventions = Convention.objects.visible_to(request.user)
    return {
        "ballot": ballot, "units": [unit for unit in units if unit.dwelling.pk in visible],
        # A convention's ballots link back to it; its signature ballot counts signatures, not a verdict.
        "adopting": conventions.filter(ballot=ballot).first(),
        "signing_for": conventions.filter(signature_ballot=ballot).first(),
        "signed": sum(1 for unit in units if unit.vote and unit.vote.choice == Choice.AGREE),
        "result": result, "figures": [explain(figure) for figure in result.figures],
        "voted": sum(1 for unit in units if unit.vote), "total": len(units),
        "may_vote": ballot.state == BallotState.OPEN and request.user.has_perm("participation.record_vote"),
        "may_close": ballot.state == BallotState.OPEN
        and request.user.has_perm("participation.change_ballot", ballot.area),
    }


@login_required
@require_GET
def ballot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot_for_user(request, pk)
    return render(request, "participation/ballot_detail.html", _ballot_context(request, ballot))


def _unit_of(request: HttpRequest, ballot: Ballot, key: str) -> tuple[Dwelling, Household | None]:
    """The door a vote form names: ``h<household>`` or ``d<dwelling>``, within what the user sees."""
    kind, number = key[:1], key[1:]
    if not number.isdigit():
        raise Http404
    doors = Dwelling.objects.visible_to(request.user).filter(building__in=ballot.buildings.all())
    if kind == "h" and ballot.unit_kind == UnitKind.HOUSEHOLD:
        household = get_object_or_404(Household.objects.visible_to(request.user).select_related("dwelling")
                                      .filter(dwelling__in=doors), pk=int(number))
        return household.dwelling, household
    if kind == "d" and ballot.unit_kind == UnitKind.DWELLING:
        return get_object_or_404(doors, pk=int(number)), None
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def vote_door(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One door of a ballot on a phone: who lives there, the vote so far, the form to record it."""
    ballot = _ballot_for_user(request, pk, "record_vote")
    dwelling, household = _unit_of(request, ballot, key)
    form = forms.VoteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ballots.vote_record(
                actor=_user(request), ballot=ballot, dwelling=dwelling, household=household,
                choice=form.cleaned_data["choice"], signer_name=form.cleaned_data["signer_name"],
                signer_relation=form.cleaned_data["signer_relation"],
                photo=(form.cleaned_data.get("photo") or [None])[0],
            )
        except wishes.ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("participation:ballot_detail", ballot.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已登记 %(door)s 的意见。") % {"door": dwelling})
            return redirect(reverse("participation:ballot_detail", args=[ballot.pk]) + f"#unit-{key}")
    current = ballot.votes.filter(household=household) if household else ballot.votes.filter(
        dwelling=dwelling, household__isnull=True)
    return render(request, "participation/vote_door.html", {
        "ballot": ballot, "dwelling": dwelling, "household": household, "form": form, "key": key,
        "vote": current.first(), "may_vote": ballot.state == BallotState.OPEN,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def ballot_close(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot_for_user(request, pk, "change_ballot")
    try:
        ballots.ballot_close(actor=_user(request), ballot=ballot)
    except wishes.ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("participation:ballot_detail", ballot.pk)


@login_required
@require_GET
def ballot_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable 签字表 as Word."""
    ballot = _ballot_for_user(request, pk)
    content = documents.signature_sheet(ballot, ballots.eligible_units(ballot))
    return _download(content, DOCX, f"ballot-{ballot.pk}.docx")


@login_required
@require_GET
def ballot_votes(request: HttpRequest, pk: int) -> HttpResponse:
    """The vote list as Excel."""
    ballot = _ballot_for_user(request, pk)
    return _download(documents.vote_workbook(ballot, ballots.eligible_units(ballot)), XLSX, f"ballot-{ballot.pk}.xlsx")


def _notice(request: HttpRequest, pk: int) -> documents.Notice:
    """The result notice of a closed ballot (an open one has no result to publish: 404)."""
    ballot = _ballot_for_user(request, pk)
    if ballot.state != BallotState.CLOSED:
        raise Http404(_("表决尚未结束，结束后才能公示结果。"))
    units = ballots.eligible_units(ballot)
    result = ballots.ballot_result(ballot, units)
    counts = {str(label): sum(1 for unit in units if unit.vote and unit.vote.choice == value)
              for value, label in Choice.choices}
    community = ballot.area if ballot.area.level == Level.COMMUNITY else next(
        (area for area in ballot.area.ancestors() if area.level == Level.COMMUNITY), None)
    return documents.Notice(
        ballot=ballot, place=(community or ballot.area).name,
        buildings=[str(building) for building in ballot.buildings.order_by("estate", "name")],
        total=len(units), voted=sum(1 for unit in units if unit.vote), choices=counts,
        figures=[explain(figure) for figure in result.figures], passed=result.passed,
        published_on=timezone.localdate(),
    )


@login_required
@require_GET
def ballot_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The result notice (公示) as a page to print or save as PDF."""
    notice = _notice(request, pk)
    return render(request, "participation/ballot_notice.html", {
        "notice": notice, "ballot": notice.ballot, "lines": documents.notice_lines(notice),
    })


@login_required
@require_GET
def ballot_notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The result notice (公示) as Word."""
    notice = _notice(request, pk)
    return _download(documents.result_notice(notice), DOCX, f"ballot-{notice.ballot.pk}-notice.docx")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
