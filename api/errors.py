"""One shape for every error of the API (docs/api.md, "Errors"):

``{"status": 409, "code": "conflict", "detail": "<why, in the request's language>",
"errors": {"<parameter>": ["<message>"]}}`` — ``errors`` only for a 400 naming the parameters.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """The case's state does not allow the action (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """``If-Match`` names another version than the current one (412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def invalid(errors: dict[str, list[str]]) -> exceptions.ValidationError:
    """A 400 naming each bad parameter."""
    return exceptions.ValidationError({name: [str(message) for message in messages]
                                       for name, messages in errors.items()})


def from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return invalid({name: list(messages) for name, messages in error.message_dict.items()})
    return invalid({"non_field_errors": list(error.messages)})


def _detail_text(detail: Any) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _detail_text(value)
        return ""
    if isinstance(detail, list):
        return _detail_text(detail[0]) if detail else ""
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = from_django(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("没有找到。"))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    body: dict[str, Any] = {"status": response.status_code, "code": _code(exc)}
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        body["detail"] = _("请求参数有误：%(names)s") % {"names": "、".join(str(name) for name in exc.detail)}
        body["errors"] = {str(name): [str(message) for message in (messages if isinstance(messages, list) else
                                                                 [messages])]
                          for name, messages in exc.detail.items()}
    else:
        body["detail"] = _detail_text(exc.detail)
    response.data = body
    return response


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return str(exc.default_code)
