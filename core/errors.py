"""Wangge's own error pages (400, 403, 404, 500), translated, in production and in the demo alike.

* ``config/urls.py`` names the handlers below (``handler400`` … ``handler500``); they render
  ``templates/<status>.html``. The 500 page (and the 400 page, which a bad Host header can
  reach) stands alone: it extends nothing and needs no context, no URL reversing and no static
  files, so it renders whatever broke.
* With ``DEBUG`` on (``make run``), Django would show its English debug pages instead. Unless a
  developer opts in with ``SHOW_DEBUG_PAGES=1``, ``FriendlyErrorsMiddleware`` answers an
  unknown address and a view's ``Http404`` or ``BadRequest`` with Wangge's pages, and
  ``FriendlyExceptionReporter`` (``DEFAULT_EXCEPTION_REPORTER``) turns the debug 500 page into
  Wangge's 500 page. The exception is still logged with its traceback, as always.
* ``csrf_failure`` (``CSRF_FAILURE_VIEW``): an expired form is a 403 that says to reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.debug import ExceptionReporter


def debug_pages_shown() -> bool:
    """Whether Django's debug pages replace Wangge's (DEBUG and the developer's opt-in)."""
    return bool(settings.DEBUG and settings.SHOW_DEBUG_PAGES)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(loader.get_template("400.html").render(), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return defaults.permission_denied(request, exception or Exception(), template_name="403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return defaults.page_not_found(request, exception or Http404(), template_name="404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted after its page expired (or without cookies): say what to do, in Chinese."""
    message = _("页面已过期或浏览器禁用了 Cookie。请返回上一页，刷新后再提交。")
    return defaults.permission_denied(request, PermissionDeniedMessage(message), template_name="403.html")


class PermissionDeniedMessage(Exception):
    """The message the 403 page shows (the template prints the exception)."""


class FriendlyErrorsMiddleware:
    """Under DEBUG, 400 and 404 answered with Wangge's pages rather than Django's debug pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An address no URL pattern matched: Django builds the debug 404 before any view runs.
        if (settings.DEBUG and not debug_pages_shown() and response.status_code == 404
                and getattr(request, "resolver_match", None) is None):
            friendly = page_not_found(request)
            if "X-Request-Id" in response.headers:  # set by RequestContextMiddleware, further in
                friendly.headers["X-Request-Id"] = response.headers["X-Request-Id"]
            return friendly
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or debug_pages_shown():
            return None  # Django's own handling: the handlers above, or its debug pages
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return bad_request(request, exception)
        return None  # a 500: logged by Django, rendered by FriendlyExceptionReporter


class FriendlyExceptionReporter(ExceptionReporter):
    """Django's debug 500 page, replaced by Wangge's unless ``SHOW_DEBUG_PAGES`` (DEBUG only)."""

    def get_traceback_html(self) -> Any:
        if debug_pages_shown():
            return super().get_traceback_html()
        name = "400.html" if isinstance(self.exc_value, (BadRequest, SuspiciousOperation)) else "500.html"
        return loader.get_template(name).render()

    def get_traceback_text(self) -> Any:
        if debug_pages_shown():
            return super().get_traceback_text()
        return _("服务器出错了，请稍后再试。")
