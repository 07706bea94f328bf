"""Registry records (read): a resident masked exactly as the pages show them
(``registry.pii.masked_resident``), and unmasking as its own endpoint that needs a reason and
writes the access log (``registry.services.resident_unmask``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView
from api.models import Scope
from registry import services
from registry.models import Resident
from registry.pii import masked_resident
from registry.selectors import visible_care_tags

RESIDENT = inline_serializer("Resident", {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(),
    "gender": serializers.CharField(),
    "birth_year": serializers.IntegerField(allow_null=True),
    "document": serializers.CharField(help_text="The document number, masked as on the pages."),
    "phone": serializers.CharField(help_text="The phone, masked as on the pages."),
    "grid_code": serializers.CharField(),
    "status": serializers.CharField(),
    "care_tags": serializers.ListField(child=serializers.CharField()),
})
UNMASKED = inline_serializer("UnmaskedResident", {
    "id_number": serializers.CharField(), "phone": serializers.CharField(), "birth_date": serializers.CharField(),
})
REASON = inline_serializer("UnmaskReason", {"reason": serializers.CharField(min_length=1, max_length=200)})


def _get_resident_for_user(request: Request, pk: int, perm: str, refusal: str = "") -> Resident:
    """A resident in the user's scope (404 otherwise) on whom the user holds ``perm`` (403 otherwise)."""
    resident = get_object_or_404(Resident.objects.visible_to(request.user).select_related("grid"), pk=pk)
    if not request.user.has_perm(perm, resident):
        raise exceptions.PermissionDenied(refusal or _("您没有执行此操作的权限。"))
    return resident


class ResidentDetail(ApiView):
    read_scope = Scope.REGISTRY_READ

    @extend_schema(operation_id="residents_retrieve", summary="A resident, masked as on the pages",
                   responses=RESIDENT)
    def get(self, request: Request, pk: int) -> Response:
        resident = _get_resident_for_user(request, pk, "registry.view_resident")
        masked = masked_resident(resident)
        return Response({
            "id": resident.pk, "name": resident.name, "gender": resident.gender, "birth_year": masked.birth_year,
            "document": masked.document, "phone": masked.phone, "grid_code": resident.grid_code,
            "status": resident.status, "care_tags": [tag.code for tag in visible_care_tags(request.user, resident)],
        })


class ResidentUnmask(ApiView):
    """查看完整信息: needs the unmask permission and a reason; every answer is an access-log row."""

    read_scope = Scope.REGISTRY_READ
    write_scope = Scope.REGISTRY_READ

    @extend_schema(operation_id="residents_unmask", summary="The clear ID number, phone and birth date (logged)",
                   request=REASON, responses=UNMASKED)
    def post(self, request: Request, pk: int) -> Response:
        # As the page: the permission first (403), then the reason (400).
        resident = _get_resident_for_user(request, pk, services.UNMASK_PERMISSION,
                                          _("您没有查看该居民完整证件号码和电话的权限。"))
        reason = request.data.get("reason", "") if isinstance(request.data, dict) else ""
        try:
            values = services.resident_unmask(resident=resident, actor=request.user, reason=str(reason or ""))
        except PermissionDenied as refused:
            raise exceptions.PermissionDenied(str(refused)) from None
        response = Response(values)
        response.headers["Cache-Control"] = "no-store"
        return response
