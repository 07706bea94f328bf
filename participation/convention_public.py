"""The public page of a convention (no account, phone first), reached by its random token.

It shows the text, the adoption date and the signature figures per building, never a household
or a person. While the draft is open for comments (征求意见) anyone may leave one, limited per
address like 随手拍 (``participation.limits``), CSRF-protected, with a honeypot field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from areas.models import Area
from cases import ratelimit
from participation import convention_forms as forms
from participation import conventions, limits
from participation.convention_selectors import public_conventions
from participation.models import Convention, ConventionState

TEMPLATE = "participation/public/convention.html"


def public_grid_context(area: Area) -> dict[str, Any]:
    """The conventions covering the grid, for the public grid page (registered in ``ParticipationConfig.ready``)."""
    return {"conventions": [(convention, reverse("public_conventions:detail", args=[convention.token]))
                            for convention in public_conventions(area)[:10]]}


@never_cache
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, token: str) -> HttpResponse:
    convention = get_object_or_404(Convention.objects.public().select_related("area"), token=token)
    commenting = convention.state == ConventionState.COMMENTING
    version = convention.current_version() if commenting else (convention.voted_version
                                                                or convention.current_version())
    figures = conventions.signature_figures(convention)
    form = forms.PublicCommentForm(request.POST or None)
    context: dict[str, Any] = {
        "convention": convention, "version": version, "commenting": commenting, "form": form,
        "signatures": figures, "signed": sum(row.signed for row in figures),
        "households": sum(row.total for row in figures),
        "buildings": convention.buildings.order_by("estate", "name"),
    }
    if request.method != "POST" or not commenting:
        return render(request, TEMPLATE, context)
    key = ratelimit.source_key(request)
    refusal = limits.comment_refusal(key)
    if refusal:
        return render(request, TEMPLATE, {**context, "refusal": refusal}, status=429)
    if not form.is_valid() or form.cleaned_data["website"]:
        limits.count_failed_comment(key)
        return render(request, TEMPLATE, context, status=400)
    try:
        conventions.convention_comment(actor=None, convention=convention, text=form.cleaned_data["text"],
                                       commenter=form.cleaned_data["commenter"], source_key=key)
    except (ValidationError, conventions.ActionRefused):
        limits.count_failed_comment(key)
        return render(request, TEMPLATE, context, status=400)
    return render(request, TEMPLATE, {**context, "form": forms.PublicCommentForm(), "thanks": True})
