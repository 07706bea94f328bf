"""Cases: the list (the workbench's filters, cursor pages), one case with its timeline, and one
endpoint per workflow verb.

A verb endpoint does what the case page's action does (``cases.views.casepage.case_action``):
the case must be visible (404), the verb allowed to the user now (otherwise the transitions'
own refusal: 409 when the case's state is the reason, 403 when the user is), then the verb's
form turns the body into the arguments of its ``cases.transitions`` function and calls it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView, with_etag
from api.errors import Conflict, PreconditionFailed, from_django, invalid
from api.models import Scope
from api.pagination import Keyset, by_time, cursor_page, page_size_of
from api.params import CRS, CURSOR, PAGE_SIZE, crs_of
from api.serializers import CaseDetailSerializer, CaseSerializer
from cases import selectors
from cases.filters import CaseFilterForm
from cases.forms.actions import ACTION_FORMS, ActionForm
from cases.models import Case
from cases.rules import allowed_verbs, begin
from cases.workflow import ActionRefused

CASE_ORDER = Keyset("-reported_at", "-pk", by_time)
FILTERS = CaseFilterForm.filtering
IF_MATCH = OpenApiParameter("If-Match", str, location=OpenApiParameter.HEADER, required=False,
                            description="The case's ETag as read; 412 when the case changed since.")


def require_case_access(user: Any) -> None:
    """As the workbench and the case page: only users who work on cases (403 otherwise)."""
    if not selectors.works_on_cases(user):
        raise exceptions.PermissionDenied(_("您没有查看事件的权限。"))


def etag_of(case: Case) -> str:
    return f'"{case.pk}-{case.version}"'


def _filter_parameters() -> list[OpenApiParameter]:
    return [OpenApiParameter(name, str, description=f"Workbench filter `{name}` (as on the case pages).")
            for name in FILTERS]


class CaseList(ApiView):
    read_scope = Scope.CASES_READ

    @extend_schema(
        operation_id="cases_list", summary="Cases in the user's scope, newest first",
        parameters=[*_filter_parameters(), CRS, CURSOR, PAGE_SIZE],
        responses=inline_serializer("CasePage", {"results": CaseSerializer(many=True),
                                                 "next": serializers.URLField(allow_null=True)}),
    )
    def get(self, request: Request) -> Response:
        require_case_access(self.user())
        errors: dict[str, list[str]] = {}
        data = QueryDict(mutable=True)
        for name in FILTERS:
            if name in request.query_params:
                data.setlist(name, request.query_params.getlist(name)[-1:])
        form = CaseFilterForm(data, user=self.user())
        if not form.is_valid():
            errors.update({name: [str(message) for message in messages] for name, messages in form.errors.items()})
        try:
            size = page_size_of(request)
        except ValueError as error:
            errors["page_size"] = [str(error)]
        try:
            crs = crs_of(request)
        except exceptions.ValidationError as error:
            errors.update(error.detail)  # type: ignore[arg-type]
        if errors:
            raise invalid(errors)
        cases = form.apply(selectors.page_cases(self.user())).select_related("category", "grid", "lead_organisation")
        try:
            rows, next_url = cursor_page(cases, CASE_ORDER, request, request.query_params.get("cursor", ""), size)
        except ValueError as error:
            raise invalid({"cursor": [str(error)]}) from None
        return Response({"results": CaseSerializer(rows, many=True, context={"crs": crs}).data, "next": next_url})


def _get_case_for_user(user: Any, number: str) -> Case:
    """The case as its page shows it, or 404 (unknown, outside the user's scope, or a user who
    does not work on cases: ``selectors.page_cases``)."""
    case = selectors.case_for_page(user, number)
    if case is None:
        raise Http404
    return case


def case_representation(case: Case, user: Any, crs: str) -> dict[str, Any]:
    context = {"crs": crs, "timeline": selectors.timeline(case), "attributes": selectors.attribute_rows(case),
               "allowed_actions": allowed_verbs(case, user)}
    return dict(CaseDetailSerializer(case, context=context).data)


class CaseDetail(ApiView):
    read_scope = Scope.CASES_READ

    @extend_schema(operation_id="cases_retrieve", summary="A case with its timeline (ETag: its version)",
                   parameters=[CRS], responses=CaseDetailSerializer)
    def get(self, request: Request, number: str) -> Response:
        crs = crs_of(request)
        case = _get_case_for_user(self.user(), number)
        return with_etag(Response(case_representation(case, self.user(), crs)), etag_of(case))


def _refusal(case: Case, user: Any, verb: str) -> exceptions.APIException:
    """Why the user may not apply ``verb`` now (the transitions' own words) as a 409 or 403."""
    try:
        with transaction.atomic():
            begin(case, user, verb)
    except ActionRefused as refused:
        return _refused(refused)
    return Conflict(_("现在不能对这个事件执行这项操作，请刷新页面后再试。"))


def _refused(refused: ActionRefused) -> exceptions.APIException:
    return Conflict(refused.message) if refused.conflict else exceptions.PermissionDenied(refused.message)


def _form_data(form_class: type[ActionForm], verb: str, body: Any) -> QueryDict:
    """The JSON (or form) body as the verb's form reads it (its fields carry the verb as prefix)."""
    if not isinstance(body, dict):
        raise invalid({"non_field_errors": [_("请求体须为 JSON 对象。")]})
    data = QueryDict(mutable=True)
    pairs = body.lists() if isinstance(body, MultiValueDict) else body.items()  # form data: every value
    for name, value in pairs:
        values = value if isinstance(value, list) else [value]
        data.setlist(f"{verb}-{name}", ["" if item is None else _as_text(item) for item in values])
    return data


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _form_errors(form: forms.Form) -> dict[str, list[str]]:
    prefix = f"{form.prefix}-" if form.prefix else ""
    return {(name.removeprefix(prefix) if name != "__all__" else "non_field_errors"): [str(m) for m in messages]
            for name, messages in form.errors.items()}


class CaseAction(ApiView):
    """Base of the per-verb endpoints (``verb`` set by ``action_view``)."""

    read_scope = Scope.CASES_READ
    write_scope = Scope.CASES_WRITE
    verb = ""

    def act(self, request: Request, number: str) -> Response:
        user, verb = self.user(), self.verb
        crs = crs_of(request)
        case = _get_case_for_user(user, number)
        expected = request.headers.get("If-Match")
        if expected and expected.strip() not in ("*", etag_of(case)):
            raise PreconditionFailed(_("事件已被修改，请重新读取后再试。"))
        if verb not in allowed_verbs(case, user):
            raise _refusal(case, user, verb)
        form_class = ACTION_FORMS[verb]
        files = MultiValueDict({f"{verb}-{name}": request.FILES.getlist(name) for name in request.FILES})
        form = form_class(_form_data(form_class, verb, request.data), files, case=case, user=user)
        if not form.is_valid():
            raise invalid(_form_errors(form))
        try:
            form.perform()
        except ActionRefused as refused:
            raise _refused(refused) from None
        except ValidationError as error:
            raise from_django(error) from None
        case = _get_case_for_user(user, number)
        return with_etag(Response(case_representation(case, user, crs)), etag_of(case))


SCHEMA_FIELDS: dict[type[forms.Field], Any] = {
    forms.IntegerField: lambda field: serializers.IntegerField(required=False, allow_null=True),
    forms.DateTimeField: lambda field: serializers.DateTimeField(required=False, allow_null=True),
    forms.ModelMultipleChoiceField: lambda field: serializers.ListField(child=serializers.IntegerField(),
                                                                         required=False),
    forms.ModelChoiceField: lambda field: serializers.IntegerField(required=False, allow_null=True),
    forms.ChoiceField: lambda field: serializers.ChoiceField(
        choices=[(value, label) for value, label in field.choices if value], required=False, allow_blank=True),
}


def _schema_field(field: forms.Field) -> serializers.Field | None:
    for kind in type(field).__mro__:
        if kind in SCHEMA_FIELDS:
            return SCHEMA_FIELDS[kind](field)  # type: ignore[no-any-return]
        if kind is forms.FileField or kind.__name__ == "PhotosField":
            return None
    return serializers.CharField(required=False, allow_blank=True, max_length=getattr(field, "max_length", None))


def action_view(verb: str) -> type[CaseAction]:
    """The endpoint of one verb, with its body documented from the verb's form."""
    form_class = ACTION_FORMS[verb]
    fields = {name: spec for name, field in form_class.base_fields.items()
              if (spec := _schema_field(field)) is not None}
    body = inline_serializer(f"Case{verb.title().replace('_', '')}Body", fields)

    class View(CaseAction):
        @extend_schema(operation_id=f"cases_{verb}", summary=f"Workflow verb `{verb}` (cases.transitions.case_{verb})",
                       request=body, parameters=[CRS, IF_MATCH], responses=CaseDetailSerializer)
        def post(self, request: Request, number: str) -> Response:
            return self.act(request, number)

    View.verb = verb
    View.__name__ = View.__qualname__ = f"Case{verb.title().replace('_', '')}Action"
    return View
