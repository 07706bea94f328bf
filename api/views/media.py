"""A case's photos and its mediation record (调解档案), for whoever may open the case's page:
the photo list with links, each photo's image (JPEG, EXIF already stripped at upload), and the
dispute archive with the parties' phones masked as the page shows them."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView
from api.models import Scope
from cases import selectors
from cases.models import Case, CaseAttachment, Dispute, DisputeParty, MediationSession
from registry.pii import mask_phone

PHOTO = inline_serializer("CasePhoto", {
    "token": serializers.UUIDField(),
    "kind": serializers.CharField(),
    "kind_label": serializers.CharField(),
    "public": serializers.BooleanField(help_text="Shown to the reporter on the tracking page."),
    "width": serializers.IntegerField(),
    "height": serializers.IntegerField(),
    "uploaded_at": serializers.DateTimeField(),
    "verb": serializers.CharField(allow_null=True, help_text="The timeline entry the photo belongs to."),
    "url": serializers.URLField(),
}, many=True)
DISPUTE = inline_serializer("Dispute", {
    "case": serializers.CharField(),
    "kind": serializers.CharField(), "kind_label": serializers.CharField(),
    "result": serializers.CharField(), "result_label": serializers.CharField(),
    "agreement": serializers.CharField(), "concluded_on": serializers.DateField(allow_null=True),
    "follow_up_on": serializers.DateField(allow_null=True), "follow_up_notes": serializers.CharField(),
    "mediators": serializers.ListField(child=serializers.CharField()),
    "parties": serializers.ListField(child=serializers.DictField()),
    "sessions": serializers.ListField(child=serializers.DictField()),
})


def _case(user: Any, number: str) -> Case:
    case = selectors.case_for_page(user, number)
    if case is None:
        raise Http404
    return case


class CasePhotos(ApiView):
    read_scope = Scope.CASES_READ

    @extend_schema(operation_id="cases_photos", summary="A case's photos, oldest first, with links to the images",
                   responses=inline_serializer("CasePhotos", {"results": PHOTO}))
    def get(self, request: Request, number: str) -> Response:
        case = _case(self.user(), number)
        photos = case.attachments.select_related("event").order_by("uploaded_at", "pk")
        return Response({"results": [{
            "token": photo.token, "kind": photo.kind, "kind_label": photo.get_kind_display(), "public": photo.public,
            "width": photo.width, "height": photo.height, "uploaded_at": photo.uploaded_at,
            "verb": photo.event.verb if photo.event else None,
            "url": request.build_absolute_uri(reverse("api:case_photo", args=[case.number, photo.token])),
        } for photo in photos]})


class CasePhoto(ApiView):
    read_scope = Scope.CASES_READ

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)  # an image, whatever Accept says

    @extend_schema(operation_id="cases_photo", summary="One photo of a case (JPEG)",
                   responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request, number: str, token: str) -> FileResponse:
        case = _case(self.user(), number)
        try:
            key = uuid.UUID(token)
        except ValueError:
            raise Http404 from None
        photo = get_object_or_404(CaseAttachment.objects.filter(case=case), token=key)
        try:
            handle = photo.image.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = f'inline; filename="{photo.token}.jpg"'
        return response


class CaseDispute(ApiView):
    read_scope = Scope.CASES_READ

    @extend_schema(operation_id="cases_dispute", summary="The mediation record of a dispute case (phones masked)",
                   responses=DISPUTE)
    def get(self, request: Request, number: str) -> Response:
        case = _case(self.user(), number)
        dispute = get_object_or_404(Dispute.objects.filter(case=case).prefetch_related(
            Prefetch("parties", queryset=DisputeParty.objects.order_by("role", "pk")),
            Prefetch("sessions", queryset=MediationSession.objects.select_related("recorded_by").order_by(
                "held_on", "pk")),
            "mediators",
        ))
        return Response({
            "case": case.number, "kind": dispute.kind, "kind_label": dispute.get_kind_display(),
            "result": dispute.result, "result_label": dispute.get_result_display() if dispute.result else "",
            "agreement": dispute.agreement, "concluded_on": dispute.concluded_on,
            "follow_up_on": dispute.follow_up_on, "follow_up_notes": dispute.follow_up_notes,
            "mediators": [user.full_name or user.get_username() for user in dispute.mediators.all()]
            + ([dispute.other_mediators] if dispute.other_mediators else []),
            "parties": [{"role": party.role, "role_label": party.get_role_display(), "name": party.name,
                         "phone": mask_phone(party.phone) if party.phone else ""}
                        for party in dispute.parties.all()],
            "sessions": [{"held_on": session.held_on, "place": session.place, "notes": session.notes,
                          "recorded_by": str(session.recorded_by or "")} for session in dispute.sessions.all()],
        })
