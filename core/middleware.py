"""Middleware that records who is acting in which request (for the audit log)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from core.request_context import acting_as, client_address, request_id_of


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        user = request.user if request.user.is_authenticated else None
        with acting_as(user, request_id, client_address(request)):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response


class ChosenLanguageMiddleware:
    """Chinese unless the user picked another language with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; Wangge's users are
    Chinese civil servants on whatever browser their office installed, so the product speaks
    zh-hans by default and English only on request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        # Only for this request: the thread goes back to the default language afterwards, so work
        # done outside requests (tasks, the supervision loop) never inherits a visitor's choice.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
