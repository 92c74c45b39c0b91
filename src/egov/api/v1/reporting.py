"""Reporting API: ``/api/v1/reporting/...``.

- ``POST /api/v1/reporting/regimes/<code>/submissions``: an agency's report for a period
  (``{"agency_code", "period": "2026-M11", "values": {indicator code: value}}``). Errors per
  indicator code in ``fields``; a correction after the deadline is 409.

Who may call: an agency's own system (client-credentials token with the scope
``reporting.submit``, for the agency its client account belongs to) or an official's session
(second factor passed) holding ``approver`` or ``agency_admin`` in that agency; the service
checks the agency again.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from egov.api.v1.dossiers import check_body_size
from egov.api.v1.identity import ScopeOrRole, request_actor
from egov.core.actor import Actor, ActorKind
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.reporting import services

SUBMIT_SCOPE = "reporting.submit"


class SubmissionIn(serializers.Serializer[Any]):
    agency_code = serializers.CharField(
        max_length=35, required=False, help_text=_("Default: the client's own agency.")
    )
    period = serializers.CharField(max_length=10, help_text=_("For example 2026-M11."))
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000),
        help_text=_("Indicator code -> value."),
    )


class SubmissionOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    regime = serializers.CharField()
    agency_code = serializers.CharField()
    period = serializers.CharField()
    revision = serializers.IntegerField()
    late = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()


class Submissions(APIView):
    permission_classes = [ScopeOrRole]
    required_scopes = (SUBMIT_SCOPE,)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        check_body_size(request)
        super().initial(request, *args, **kwargs)

    @staticmethod
    def allow_person(actor: Actor) -> bool:
        return actor.kind is ActorKind.OFFICIAL

    @extend_schema(
        operation_id="reporting_submission_create",
        summary="Submit or correct an agency's periodic report",
        request=SubmissionIn,
        responses={
            201: SubmissionOut,
            400: OpenApiResponse(description="Invalid values (errors per indicator)"),
            403: OpenApiResponse(description="Not this agency's report"),
            409: OpenApiResponse(description="Deadline passed: no more corrections"),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        actor = request_actor(request)
        raw_agency = request.data.get("agency_code") if hasattr(request.data, "get") else None
        agency = str(raw_agency or actor.agency_code)[:35]
        if not services.report_may_submit(actor=actor, agency_code=agency):
            raise PermissionDenied(
                _("Only the agency's leaders or its own system submit its reports.")
            )
        body = SubmissionIn(data=request.data)
        if not body.is_valid():
            raise ValidationFailed(field_errors=body.errors)
        submission = services.report_submit(
            actor=actor,
            regime_code=code,
            agency_code=agency,
            period_key=body.validated_data["period"],
            values=body.validated_data["values"],
            channel="api",
        )
        data = {
            "id": submission.public_id,
            "regime": code,
            "agency_code": submission.agency_code,
            "period": submission.period_key,
            "revision": submission.revision,
            "late": submission.late,
            "submitted_at": submission.submitted_at,
        }
        return Response(SubmissionOut(data).data, status=201)


urlpatterns = [
    path("regimes/<str:code>/submissions", Submissions.as_view(), name="reporting-submissions"),
]
