"""Dossiers API for officials: ``/api/v1/office/...``.

- ``GET /api/v1/office/inbox``: the official's work in one agency (the queues of their roles; a
  handler sees the dossiers assigned to them), filtered by queue, SLA, procedure or code, most
  urgent first.
- ``POST /api/v1/office/dossiers/<code>/actions``: one step of the declared workflow (accept,
  assign, approve ...). ``row_version`` is the version the official saw: if someone acted in
  between, or the step is not possible in the dossier's state, 409.

Who may call: an official's session that has passed the second factor, or an official's bearer
token with the scope ``dossiers.process``; what they see and do is decided by their roles in the
dossier's agency (``egov.dossiers`` checks again).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from egov.api.v1.common import DATE_ERRORS
from egov.api.v1.dossiers import BodyLimitedView
from egov.api.v1.identity import request_actor
from egov.core.actor import ActorKind
from egov.core.errors import PermissionDenied
from egov.dossiers import selectors, services
from egov.dossiers.facade import DossierSummary, Queue

PROCESS_SCOPE = "dossiers.process"
SLAS = ["overdue", "due_soon", "paused"]
# The workflow steps officials take (the applicant's and the platform's are not offered here).
OFFICIAL_ACTIONS = [
    "accept",
    "request_supplement",
    "refuse",
    "assign",
    "reassign",
    "note",
    "consult",
    "transfer",
    "submit_for_approval",
    "send_back",
    "approve",
    "stop",
    "request_payment",
    "payment_confirm",
    "withdraw_confirm",
    "extend",
    "return_result",
]


class _OfficeView(BodyLimitedView):
    actor_kind = ActorKind.OFFICIAL
    required_scopes = (PROCESS_SCOPE,)


class InboxQuery(serializers.Serializer[Any]):
    agency = serializers.CharField(
        required=False,
        max_length=35,
        help_text=_("Agency code; default: the first agency where you hold a dossier role."),
    )
    queue = serializers.ChoiceField(
        choices=[q.value for q in Queue], required=False, help_text=_("One queue of your roles.")
    )
    sla = serializers.ChoiceField(
        choices=SLAS, required=False, help_text=_("overdue, due_soon or paused.")
    )
    procedure = serializers.CharField(required=False, max_length=40, help_text=_("Procedure code."))
    q = serializers.CharField(
        required=False, max_length=60, allow_blank=True, help_text=_("Start of a dossier code.")
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=10000, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)


class InboxRowOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    code = serializers.CharField()
    procedure_code = serializers.CharField()
    procedure_name = serializers.CharField()
    applicant_name = serializers.CharField()
    channel = serializers.IntegerField()
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    queue = serializers.CharField()
    queue_label = serializers.CharField()
    handler_id = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    appointment_date = serializers.DateField(allow_null=True)
    sla = serializers.CharField(help_text=_("on_track, due_soon, overdue, paused or closed."))
    row_version = serializers.IntegerField()


class InboxOut(serializers.Serializer[Any]):
    agency = serializers.CharField()
    agencies = serializers.ListField(
        child=serializers.CharField(), help_text=_("Agencies where you hold a dossier role.")
    )
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = InboxRowOut(many=True)


class ActionTaskIn(serializers.Serializer[Any]):
    agency_code = serializers.CharField(max_length=35)
    days = serializers.IntegerField(min_value=1, max_value=60)


class ActionParamsIn(serializers.Serializer[Any]):
    handler_id = serializers.UUIDField(
        required=False, help_text=_("assign, reassign: the handler's account id.")
    )
    tasks = ActionTaskIn(many=True, required=False, help_text=_("consult, transfer: the agencies."))
    parallel = serializers.BooleanField(
        required=False, help_text=_("transfer: all agencies at once.")
    )
    amount_vnd = serializers.IntegerField(
        required=False, min_value=1, help_text=_("request_payment: the amount in dong.")
    )
    new_date = serializers.DateField(
        required=False,
        input_formats=["iso-8601"],
        error_messages=DATE_ERRORS,
        help_text=_("extend: the new return date (the comment gives the reason)."),
    )


class DossierActionIn(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=OFFICIAL_ACTIONS)
    row_version = serializers.IntegerField(
        min_value=0, help_text=_("The dossier's row_version you saw (409 when it changed).")
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, default="", trim_whitespace=True
    )
    params = ActionParamsIn(required=False, default=dict)


class DossierActionOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    queue = serializers.CharField()
    queue_label = serializers.CharField()
    appointment_date = serializers.DateField(allow_null=True)
    row_version = serializers.IntegerField()
    result_code = serializers.CharField(allow_blank=True)


def _row(s: DossierSummary) -> dict[str, Any]:
    return {
        "id": s.public_id,
        "code": s.code,
        "procedure_code": s.procedure_code,
        "procedure_name": s.procedure_name,
        "applicant_name": s.applicant_name,
        "channel": s.channel,
        "status": s.status,
        "status_label": s.status_label,
        "queue": s.queue,
        "queue_label": s.queue_label,
        "handler_id": s.handler_id,
        "submitted_at": s.submitted_at,
        "due_on": s.due_on,
        "appointment_date": s.appointment_date,
        "sla": s.sla,
        "row_version": s.row_version,
    }


class InboxView(_OfficeView):
    @extend_schema(
        tags=["office"],
        operation_id="office_inbox",
        summary="My work in an agency, most urgent first",
        parameters=[InboxQuery],
        responses={
            200: InboxOut,
            403: OpenApiResponse(description="No dossier role in this agency, or this queue."),
        },
    )
    def get(self, request: Request) -> Response:
        query = InboxQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        actor = request_actor(request)
        agencies = selectors.official_agencies(actor=actor)
        agency = params.get("agency") or (agencies[0] if agencies else "")
        if not agency:
            raise PermissionDenied(_("You hold no dossier role in any agency."))
        found = selectors.inbox(
            actor=actor,
            agency_code=agency,
            queue=params.get("queue") or "",
            sla=params.get("sla") or "",
            procedure_code=params.get("procedure") or "",
            q=params.get("q") or "",
            page=params["page"],
            page_size=params["page_size"],
        )
        return Response(
            {
                "agency": agency,
                "agencies": agencies,
                "count": found.total,
                "page": found.page,
                "pages": found.pages,
                "page_size": found.page_size,
                "results": InboxRowOut([_row(r) for r in found.rows], many=True).data,
            }
        )


class ActionView(_OfficeView):
    @extend_schema(
        tags=["office"],
        operation_id="office_dossier_act",
        summary="Take a step on a dossier",
        request={"application/json": DossierActionIn},
        responses={
            200: DossierActionOut,
            400: OpenApiResponse(
                description="Missing comment or parameter; the fields member says."
            ),
            403: OpenApiResponse(description="Your role does not allow this step."),
            404: OpenApiResponse(description="No such dossier in your agencies."),
            409: OpenApiResponse(
                description="Someone acted in between, or the step is not possible now."
            ),
        },
    )
    def post(self, request: Request, code: str) -> Response:
        actor = request_actor(request)
        info = selectors.dossier_for_official(actor=actor, code=code)  # 404 before the body
        body = DossierActionIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        params = dict(data["params"])
        if "handler_id" in params:
            params["handler_id"] = str(params["handler_id"])
        if "tasks" in params:
            params["tasks"] = [dict(t) for t in params["tasks"]]
        services.dossier_act(
            actor=actor,
            dossier_id=info.public_id,
            action=data["action"],
            row_version=data["row_version"],
            comment=data["comment"],
            params=params,
        )
        after = selectors.dossier_for_official(actor=actor, code=code)
        return Response(
            DossierActionOut(
                {
                    "code": after.code,
                    "status": after.status,
                    "status_label": after.status_label,
                    "queue": after.queue,
                    "queue_label": after.queue_label,
                    "appointment_date": after.appointment_date,
                    "row_version": after.row_version,
                    "result_code": after.result_code,
                }
            ).data
        )


app_name = "office"

urlpatterns = [
    path("inbox", InboxView.as_view(), name="inbox"),
    path("dossiers/<str:code>/actions", ActionView.as_view(), name="dossier-actions"),
]
