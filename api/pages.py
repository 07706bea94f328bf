"""The token page (个人访问令牌): a user creates, lists and revokes their own tokens.

The secret appears once, in the answer to the POST that created it (never stored, never put in
the session, not cached by the browser); the list shows only the prefix.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from api.forms import TokenForm
from api.models import AccessToken
from api.tokens import token_create, token_revoke


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _page(request: HttpRequest, form: TokenForm, secret: str = "", status: int = 200) -> HttpResponse:
    tokens = AccessToken.objects.filter(user=_user(request)).order_by("-created_at", "-pk")
    context = {"form": form, "tokens": tokens, "secret": secret, "now": timezone.now()}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    user = _user(request)
    try:
        _token, secret = token_create(user=user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                                      expires_at=form.expires_at(), actor=user)
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
        return _page(request, form, status=400)
    return _page(request, TokenForm(), secret=secret)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's token is a 404)."""
    token = get_object_or_404(AccessToken, pk=pk, user=_user(request))
    token_revoke(token=token, actor=_user(request))
    messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("api:tokens")


page_urlpatterns = [
    path("tokens/", tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", revoke, name="token_revoke"),
]
