"""The OpenAPI document's parts drf-spectacular cannot see by itself: the token authentication
and the error responses every operation may give (one shape, ``api.errors``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "code", "detail"],
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
ERRORS = {
    "400": "A parameter or field is invalid; `errors` names each one.",
    "401": "No credentials, or a token that is unknown, expired or revoked.",
    "403": "The user may not do this (the reason is in `detail`).",
    "404": "Unknown, outside the user's areas, or outside the token's scopes.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "The case's state does not allow the action.",
    "412": "`If-Match` does not match the case's current ETag.",
    "415": "Unsupported media type.",
    "429": "Too many requests for this token.",
}
READ_ERRORS = ("400", "401", "403", "404", "405", "406", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "405", "406", "409", "412", "415", "429")


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "wg_<prefix>_<secret>",
                "description": "A personal access token (docs/api.md)."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.CsrfSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "The browser session; unsafe methods need the X-CSRFToken header."}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: the Error component and the error responses of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            codes = READ_ERRORS if method == "get" else WRITE_ERRORS
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ERRORS[code], "content": error})
    return result
