"""Dossiers API for applicants: ``/api/v1/dossiers/...``.

- ``POST /api/v1/dossiers/``: create and submit a dossier in one request (JSON, files as base64).
  The ``Idempotency-Key`` header is required: a retry with the same key returns the dossier
  created the first time (200) instead of a second one (201).
- ``GET /api/v1/dossiers/``: the citizen's own dossiers, newest first, a page at a time.
- ``GET /api/v1/dossiers/<id>``: one of the citizen's own dossiers (anyone else's: 404).
- ``GET /api/v1/dossiers/lookup?code=&pin=``: the public status by dossier code and the
  applicant's PIN, for anyone holding the receipt; limited per client address and per code
  (``EGOV_DOSSIER_LOOKUPS_PER_HOUR``, one budget with the portal's lookup page); a wrong PIN
  reads exactly like an unknown code.

Who may call: the citizen's own session, or a bearer token of the citizen carrying the scope
``dossiers.own``. Officials work on dossiers through ``/api/v1/office/`` (``dossiers_office``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from egov.api.v1.identity import ScopeOrRole, request_actor
from egov.core.actor import Actor, ActorKind
from egov.core.errors import DomainError, ValidationFailed
from egov.dossiers import selectors, services
from egov.dossiers.facade import DossierInfo, DossierSummary
from egov.identity.services import authflow, rate_limit_hit

OWN_SCOPE = "dossiers.own"
MAX_ATTACHMENTS = 20
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Steps whose comment is addressed to the applicant (the reason of a request or refusal); other
# comments are the officials' working notes.
APPLICANT_COMMENTS = frozenset(
    {"request_supplement", "refuse", "stop", "extend", "request_payment", "withdraw_confirm"}
)


class RequestTooLarge(DomainError):
    code = "request_too_large"
    http_status = 413
    default_message = _("The request is too large.")


class ActorKindOnly(ScopeOrRole):
    """A session or bearer token that ``ScopeOrRole`` lets through, whose actor is of the view's
    ``actor_kind`` (a citizen's token never reaches the office endpoints, and back)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        return request_actor(request).kind is view.actor_kind


# Checks the body size first: authentication (the OAuth2 backend) already reads the body. A
# comment, not a docstring: drf-spectacular would copy a docstring into every operation.
class BodyLimitedView(APIView):
    permission_classes = [ActorKindOnly]
    actor_kind: ActorKind

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        check_body_size(request)
        super().initial(request, *args, **kwargs)

    def allow_person(self, actor: Actor) -> bool:
        return actor.kind is self.actor_kind


class _CitizenView(BodyLimitedView):
    actor_kind = ActorKind.CITIZEN
    required_scopes = (OWN_SCOPE,)


# --- Representations ----------------------------------------------------------------------------


class DossierSummaryOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    code = serializers.CharField(allow_blank=True, help_text=_("Dossier code; empty for a draft."))
    procedure_code = serializers.CharField()
    procedure_name = serializers.CharField()
    agency_code = serializers.CharField()
    agency_name = serializers.CharField()
    channel = serializers.IntegerField(help_text=_("1 counter, 2 online, 3 public postal service."))
    status = serializers.IntegerField(help_text=_("National status code 1-10 (0: draft)."))
    status_label = serializers.CharField()
    queue_label = serializers.CharField(help_text=_("Who has the dossier in hand."))
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(
        allow_null=True, help_text=_("Statutory due date; set when the agency accepts it.")
    )
    appointment_date = serializers.DateField(
        allow_null=True, help_text=_("Appointment for the result (the due date, or once extended).")
    )
    timeliness = serializers.CharField(allow_blank=True, help_text=_("early, on_time or late."))


class DossierPageOut(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = DossierSummaryOut(many=True)


class DossierPrefillOut(serializers.Serializer[Any]):
    source = serializers.CharField()  # type: ignore[assignment]
    value = serializers.JSONField()
    locked = serializers.BooleanField(help_text=_("The applicant may not change this value."))
    taken_at = serializers.CharField()


class DossierAttachmentOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    requirement = serializers.IntegerField(
        help_text=_("Index of the required document in the procedure version; -1: other.")
    )
    requirement_name = serializers.CharField()
    filename = serializers.CharField()
    media_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    round = serializers.IntegerField(help_text=_("0: the submission; n: the n-th supplement."))
    uploaded_at = serializers.DateTimeField()


class DossierEventOut(serializers.Serializer[Any]):
    action = serializers.CharField()
    action_label = serializers.CharField()
    to_status = serializers.IntegerField()
    to_status_label = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    occurred_at = serializers.DateTimeField()


class DossierDetailOut(DossierSummaryOut):
    version_id = serializers.UUIDField()
    unit_code = serializers.CharField()
    fee_due_vnd = serializers.IntegerField()
    supplement_rounds = serializers.IntegerField()
    extended_at = serializers.DateTimeField(allow_null=True)
    extension_reason = serializers.CharField(allow_blank=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    result_code = serializers.CharField(allow_blank=True)
    rated = serializers.BooleanField()
    data = serializers.DictField(help_text=_("The form as submitted."))  # type: ignore[assignment]
    prefill = serializers.DictField(child=DossierPrefillOut())
    attachments = DossierAttachmentOut(many=True)
    events = DossierEventOut(many=True)


class DossierPublicStatusOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    procedure_name = serializers.CharField()
    agency_name = serializers.CharField()
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    appointment_date = serializers.DateField(allow_null=True)
    result_code = serializers.CharField(allow_blank=True)


def summary_data(s: DossierSummary) -> dict[str, Any]:
    return {
        "id": s.public_id,
        "code": s.code,
        "procedure_code": s.procedure_code,
        "procedure_name": s.procedure_name,
        "agency_code": s.agency_code,
        "agency_name": s.agency_name,
        "channel": s.channel,
        "status": s.status,
        "status_label": s.status_label,
        "queue_label": s.queue_label,
        "submitted_at": s.submitted_at,
        "due_on": s.due_on,
        "appointment_date": s.appointment_date,
        "timeliness": s.timeliness,
    }


def _dossier_data(info: DossierInfo) -> dict[str, Any]:
    return {
        **summary_data(info.summary),
        "version_id": info.version_id,
        "unit_code": info.unit_code,
        "fee_due_vnd": info.fee_due_vnd,
        "supplement_rounds": info.supplement_rounds,
        "extended_at": info.extended_at,
        "extension_reason": info.extension_reason,
        "completed_at": info.completed_at,
        "result_code": info.result_code,
        "rated": info.rated,
        "data": info.data,
        "prefill": {
            name: {
                "source": value.source,
                "value": value.value,
                "locked": value.locked,
                "taken_at": value.taken_at,
            }
            for name, value in info.prefill.items()
        },
        "attachments": [
            {
                "id": a.id,
                "requirement": a.requirement,
                "requirement_name": a.requirement_name,
                "filename": a.filename,
                "media_type": a.media_type,
                "size": a.size,
                "sha256": a.sha256,
                "round": a.round,
                "uploaded_at": a.uploaded_at,
            }
            for a in info.attachments
        ],
        "events": [
            {
                "action": e.action,
                "action_label": e.action_label,
                "to_status": e.to_status,
                "to_status_label": e.to_status_label,
                "comment": e.comment if e.action in APPLICANT_COMMENTS else "",
                "occurred_at": e.occurred_at,
            }
            for e in info.events
        ],
    }


# One instance, its fields bound once: a serializer built per response deep-copies its declared
# fields (and those of every nested serializer) each time. ``to_representation`` keeps no state,
# so the instance serves every request; the current time zone is read at each call.
_DETAIL_OUT = DossierDetailOut()


def dossier_detail_out(info: DossierInfo) -> dict[str, Any]:
    """The ``DossierDetailOut`` representation of ``info``."""
    out: dict[str, Any] = _DETAIL_OUT.to_representation(_dossier_data(info))
    return out


# --- Input --------------------------------------------------------------------------------------


class DossierAttachmentIn(serializers.Serializer[Any]):
    requirement = serializers.IntegerField(
        min_value=-1,
        help_text=_("Index of the required document in the procedure version; -1: other."),
    )
    filename = serializers.CharField(max_length=255)
    content_base64 = serializers.CharField(
        help_text=_("The file's bytes in base64 (PDF, JPEG, PNG, DOCX or XLSX).")
    )

    def validate_content_base64(self, value: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("The file content is not valid base64.")) from None


class DossierSubmitIn(serializers.Serializer[Any]):
    procedure_code = serializers.CharField(max_length=40, help_text=_("National procedure code."))
    unit_code = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Commune or ward where the applicant applies; default: their residence in the "
            "population database."
        ),
    )
    consent_prefill = serializers.BooleanField(
        default=False,
        help_text=_(
            "Take the applicant's details from the national population database (recorded). "
            "Values taken under a locked policy cannot be changed in data."
        ),
    )
    data = serializers.DictField(  # type: ignore[assignment]
        help_text=_("Answers of the procedure's form (its JSON Schema).")
    )
    attachments = DossierAttachmentIn(many=True, required=False, default=list)

    def validate_attachments(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_ATTACHMENTS:
            raise serializers.ValidationError(
                _("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS}
            )
        return value


class PageQuery(serializers.Serializer[Any]):
    page = serializers.IntegerField(required=False, min_value=1, max_value=10000, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class DossierLookupIn(serializers.Serializer[Any]):
    code = serializers.CharField(
        max_length=60, help_text=_("Dossier code as printed on the receipt.")
    )
    pin = serializers.CharField(
        max_length=12, min_length=12, help_text=_("The applicant's 12-digit number.")
    )


def check_body_size(request: Request) -> None:
    """Refuse a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` before reading it, with the limit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        raise RequestTooLarge(
            _(
                "The request is larger than %(limit)s. Send smaller files (each at most "
                "%(file_limit)s once decoded, all of them together within the request limit)."
            ),
            params={
                "limit": filesizeformat(limit),
                "file_limit": filesizeformat(settings.EGOV_UPLOAD_MAX_BYTES),
            },
        )


def idempotency_key(request: Request) -> str:
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if not key or len(key) > 80 or not key.isprintable():
        message = _("Send a unique key (1 to 80 characters) in the Idempotency-Key header.")
        raise ValidationFailed(
            _("An idempotency key is required."),
            code="idempotency_key",
            field_errors={IDEMPOTENCY_HEADER: [message]},
        )
    return key


# --- Views --------------------------------------------------------------------------------------


class DossierListView(_CitizenView):
    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_list",
        summary="My dossiers, newest first",
        parameters=[PageQuery],
        responses={200: DossierPageOut},
    )
    def get(self, request: Request) -> Response:
        query = PageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.dossiers_of_applicant_page(
            actor=request_actor(request),
            page=query.validated_data["page"],
            page_size=query.validated_data["page_size"],
        )
        return Response(
            {
                "count": found.total,
                "page": found.page,
                "pages": found.pages,
                "page_size": found.page_size,
                "results": DossierSummaryOut([summary_data(r) for r in found.rows], many=True).data,
            }
        )

    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_submit",
        summary="Create and submit a dossier (idempotent)",
        description=(
            "Validates the form against the procedure version in force today, stores the "
            "files, routes the dossier to the competent agency and gives it its code. A retry "
            "with the same Idempotency-Key returns the dossier created the first time (200)."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="A key unique to this submission (1-80 characters), reused on retry.",
            )
        ],
        request={"application/json": DossierSubmitIn},
        responses={
            201: DossierDetailOut,
            200: OpenApiResponse(
                DossierDetailOut, description="A retry: the dossier already made."
            ),
            400: OpenApiResponse(
                description="Invalid form, files or key; the fields member says where."
            ),
            413: OpenApiResponse(description="The request body is over the size limit."),
        },
    )
    def post(self, request: Request) -> Response:
        key = idempotency_key(request)
        body = DossierSubmitIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = request_actor(request)
        uploads = [
            services.Upload(a["requirement"], a["filename"], a["content_base64"])
            for a in data["attachments"]
        ]
        info, created = services.dossier_submit_new_info(
            actor=actor,
            procedure_code=data["procedure_code"],
            data=data["data"],
            submission_key=key,
            consent_prefill=data["consent_prefill"],
            unit_code=data["unit_code"],
            uploads=uploads,
        )
        out = dossier_detail_out(info)
        headers = {"Location": f"/api/v1/dossiers/{info.summary.public_id}"}
        return Response(out, status=201 if created else 200, headers=headers)


class DossierDetailView(_CitizenView):
    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_retrieve",
        summary="One of my dossiers: status, form, files and steps",
        responses={
            200: DossierDetailOut,
            404: OpenApiResponse(description="No such dossier among yours."),
        },
    )
    def get(self, request: Request, public_id: UUID) -> Response:
        info = selectors.dossier_for_applicant(
            actor=request_actor(request), public_id=str(public_id)
        )
        return Response(dossier_detail_out(info))


_LOOKUP_RESPONSES = {
    200: DossierPublicStatusOut,
    400: OpenApiResponse(description="The code or the number is malformed."),
    404: OpenApiResponse(description="No dossier with this code and number."),
    429: OpenApiResponse(description="Too many lookups from this address or for this code."),
}


class DossierLookupView(BodyLimitedView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_lookup",
        summary="Status of a dossier by its code and the applicant's number",
        description="Prefer the POST form: it keeps the number out of addresses and access logs.",
        parameters=[DossierLookupIn],
        responses=_LOOKUP_RESPONSES,
    )
    def get(self, request: Request) -> Response:
        return self._lookup(request, DossierLookupIn(data=request.query_params))

    @extend_schema(
        tags=["dossiers"],
        operation_id="dossiers_lookup_post",
        summary="Status of a dossier by its code and the applicant's number (in the body)",
        request={"application/json": DossierLookupIn},
        responses=_LOOKUP_RESPONSES,
    )
    def post(self, request: Request) -> Response:
        return self._lookup(request, DossierLookupIn(data=request.data))

    def _lookup(self, request: Request, query: DossierLookupIn) -> Response:
        query.is_valid(raise_exception=True)
        code, pin = query.validated_data["code"], query.validated_data["pin"]
        # The portal's lookup page counts in the same budget: per address and per code.
        rate_limit_hit(
            scope="dossier_lookup",
            values=[authflow.client_ip(request._request), code.strip().upper()],
            limit=settings.EGOV_DOSSIER_LOOKUPS_PER_HOUR,
        )
        found = selectors.dossier_public_status(code=code, pin=pin)
        return Response(
            DossierPublicStatusOut(
                {
                    "code": found.code,
                    "procedure_name": found.procedure_name,
                    "agency_name": found.agency_name,
                    "status": found.status,
                    "status_label": found.status_label,
                    "submitted_at": found.submitted_at,
                    "appointment_date": found.appointment_date,
                    "result_code": found.result_code,
                }
            ).data
        )


app_name = "dossiers"

urlpatterns = [
    path("", DossierListView.as_view(), name="list"),
    path("lookup", DossierLookupView.as_view(), name="lookup"),
    path("<uuid:public_id>", DossierDetailView.as_view(), name="detail"),
]
