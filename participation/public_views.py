"""The public wish wall (心愿墙): no account, phone first, only what the beneficiary agreed to show.

A wish reaches the wall by its random ``token``, never its sequential id. Claims are rate-limited
per address and phone (``participation.limits``), CSRF-protected and carry a honeypot field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from areas.models import Area
from cases import ratelimit
from participation import forms, limits, selectors, wishes
from participation.models import ClaimantKind, Wish, WishState


def public_grid_context(area: Area) -> dict[str, Any]:
    """The wish wall's and 民事民提's links for the public grid page (registered in ``ParticipationConfig.ready``)."""
    return {"wish_wall_url": reverse("public_participation:wall", args=[selectors.wall_area(area).code]),
            "proposal_url": reverse("public_deliberation:propose", args=[area.code])}


@require_GET
def wall(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(Area.objects.active(), code=code)
    shown = selectors.wall_area(area)
    if shown.code != area.code:
        return redirect("public_participation:wall", shown.code)
    return render(request, "participation/public/wall.html",
                  {"area": area, "wishes": selectors.wall_wishes(area)[:100]})


@never_cache
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    wish = get_object_or_404(Wish.objects.select_related("area").filter(
        state__in=[WishState.PUBLISHED, WishState.CLAIMED]), token=token)
    form = forms.PublicClaimForm(request.POST or None)
    context = {"wish": wish, "form": form, "wall_code": selectors.wall_area(wish.area).code}
    if wish.state != WishState.PUBLISHED:
        return render(request, "participation/public/claim.html", {**context, "taken": True})
    if request.method != "POST":
        return render(request, "participation/public/claim.html", context)
    key = ratelimit.source_key(request)
    refusal = limits.claim_refusal(key, request.POST.get("phone", ""))
    if refusal:
        return render(request, "participation/public/claim.html", {**context, "refusal": refusal}, status=429)
    if not form.is_valid() or form.cleaned_data["website"]:
        limits.count_failed_claim(key)
        return render(request, "participation/public/claim.html", context, status=400)
    try:
        wishes.wish_claim(actor=None, wish=wish, kind=ClaimantKind.PUBLIC, name=form.cleaned_data["name"],
                          phone=form.cleaned_data["phone"], source_key=key)
    except wishes.ActionRefused:
        return render(request, "participation/public/claim.html", {**context, "taken": True}, status=409)
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        limits.count_failed_claim(key)
        return render(request, "participation/public/claim.html", context, status=400)
    return render(request, "participation/public/claimed.html", {**context, "days": wishes.claim_days()})
