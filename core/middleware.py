"""Middleware that records who is acting in which request (for the audit log)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.request_context import acting_as, new_request_id


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-Id", "")[:64] or new_request_id()
        user = request.user if request.user.is_authenticated else None
        with acting_as(user, request_id, request.META.get("REMOTE_ADDR", "")):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response
