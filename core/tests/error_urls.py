"""The project's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urls

__all__ = ["handler400", "handler403", "handler404", "handler500"]


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail of the failure")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404("secret detail of the miss")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret detail of the request")


urlpatterns = [
    path("test-errors/broken/", broken),
    path("test-errors/missing/", missing),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
    *project_urls,
]
