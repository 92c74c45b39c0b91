"""Online payment, the applicant's side: the pay button of a dossier (to the gateway), the
result page the gateway sends the payer back to, "My payments" and the electronic receipt; and
the gateways' server-to-server notification endpoint (IPN).

The result page only shows what the signed return says and what the platform recorded: the
order becomes paid only through the IPN (or a query the platform makes), never here.
"""

from __future__ import annotations

import uuid

import structlog
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from egov.core.errors import Conflict, DomainError, NotFound
from egov.documents import selectors as documents
from egov.dossiers import selectors as dossier_selectors
from egov.dossiers import services as dossiers
from egov.payments import selectors as payments
from egov.payments import services as payment_services
from egov.web.forms import PortalForm
from egov.web.permissions import citizen_required, request_actor

log = structlog.get_logger(__name__)


class PayForm(PortalForm):
    gateway = forms.ChoiceField(
        label=gettext_lazy("How do you want to pay?"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a way to pay.")},
    )
    wallet = forms.CharField(
        label=gettext_lazy("Phone number of your mobile money account"),
        help_text=gettext_lazy("Only for mobile money. For example, 0912345678."),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["gateway"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = payments.gateways_offered()
        field.initial = field.choices[0][0] if field.choices else None


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "127.0.0.1")


def _dossier_page(dossier_id: str) -> str:
    return reverse("web:dossier_detail", args=[dossier_id]) + "#payment"


@require_POST
@citizen_required
def dossier_pay(request: HttpRequest, dossier_id: uuid.UUID) -> HttpResponse:
    """Make (or reuse) the order for what is due on the dossier and send the payer to the
    chosen gateway."""
    actor = request_actor(request)
    dossier_selectors.dossier_for_applicant(actor=actor, public_id=str(dossier_id))  # or 404
    here = _dossier_page(str(dossier_id))
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a way to pay."))
        return HttpResponseRedirect(here)
    gateway = form.cleaned_data["gateway"]
    return_url = request.build_absolute_uri(reverse("web:payments_return", args=[gateway]))
    language = "en" if translation.get_language() == "en" else "vi"
    url = ""
    try:
        for _attempt in range(2):  # an expired order is replaced once by a new one
            order = dossiers.dossier_payment_order(actor=actor, dossier_id=str(dossier_id))
            try:
                url = payment_services.payment_start(
                    actor=actor,
                    order_id=order.public_id,
                    gateway=gateway,
                    return_url=return_url,
                    client_ip=client_ip(request),
                    locale=language,
                    wallet=form.cleaned_data.get("wallet") or "",
                )
                break
            except Conflict as exc:
                if exc.code != "order_expired":
                    raise
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.render_message())
        return HttpResponseRedirect(here)
    if not url:
        messages.error(request, _("The payment could not be started. Try again."))
        return HttpResponseRedirect(here)
    return HttpResponseRedirect(url)


@csrf_exempt  # server to server, authenticated by the signature
@require_GET
def ipn(request: HttpRequest, gateway: str) -> HttpResponse:
    """The gateway's server-to-server notification (GET with the signed query). Public: it is
    authenticated by its signature. Replies ``{RspCode, Message}`` as the protocol expects."""
    if not payments.gateway_known(gateway):
        return JsonResponse({"RspCode": "99", "Message": "Unknown error"}, status=404)
    params = {k: str(v) for k, v in request.GET.items()}
    return JsonResponse(payment_services.ipn_process(gateway=gateway, params=params))


@never_cache
@require_safe
@citizen_required
def payment_return(request: HttpRequest, gateway: str) -> HttpResponse:
    """Where the gateway sends the payer back: the outcome as the signed return says, and the
    order as the platform recorded it (paid only once the IPN arrived)."""
    actor = request_actor(request)
    params = {k: str(v) for k, v in request.GET.items()}
    result = payment_services.return_read(gateway=gateway, params=params)
    order = None
    if result.signature_ok and result.order_id:
        found = payments.order_get(public_id=result.order_id)
        if found.payer_id == actor.id:
            order = found
    if order is None:
        return render(
            request,
            "web/payments/result.html",
            {"invalid": True, "crumbs": _crumbs(_("Payment result"))},
            status=400,
        )
    context = {
        "order": order,
        "result": result,
        "message": payments.response_message(result.response_code),
        "dossier_url": _dossier_page(order.dossier_id) if order.dossier_id else "",
        "crumbs": _crumbs(_("Payment result")),
    }
    return render(request, "web/payments/result.html", context)


def _crumbs(label: str) -> list[tuple[str, str]]:
    return [(_("Home"), reverse("web:home")), (_("My payments"), reverse("web:payments_mine")),
            (label, "")]  # fmt: skip


@never_cache
@require_safe
@citizen_required
def my_payments(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    orders = payments.orders_for_payer(payer_id=actor.id)
    return render(
        request,
        "web/payments/mine.html",
        {
            "orders": orders,
            "crumbs": [(_("Home"), reverse("web:home")), (_("My payments"), "")],
        },
    )


@never_cache
@require_safe
@citizen_required
def my_payment(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    """One of the citizen's payments: lines, attempts, receipt; "check again" asks the gateway."""
    actor = request_actor(request)
    order = payments.order_get(public_id=str(order_id))
    if order.payer_id != actor.id:
        raise NotFound()
    return render(
        request,
        "web/payments/order.html",
        {
            "order": order,
            "finance": False,
            "dossier_url": _dossier_page(order.dossier_id) if order.dossier_id else "",
            "crumbs": _crumbs(order.dossier_code or _("Payment")),
        },
    )


@require_POST
@citizen_required
def my_payment_check(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    """Ask the gateway about an attempt whose outcome has not arrived yet."""
    actor = request_actor(request)
    here = reverse("web:payments_order", args=[order_id])
    try:
        status = payment_services.payment_query(
            actor=actor, order_id=str(order_id), client_ip=client_ip(request)
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.render_message())
        return HttpResponseRedirect(here)
    messages.info(request, _("Checked with the gateway: %(status)s.") % {"status": _status(status)})
    return HttpResponseRedirect(here)


def _status(status: str) -> str:
    return payments.order_status_label(status)


@require_safe
@citizen_required
def my_payment_receipt(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    return receipt_response(request, order_id)


def receipt_response(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    """The signed electronic receipt (issued on first download)."""
    issued = dossiers.payment_receipt_issue(actor=request_actor(request), order_id=str(order_id))
    content = documents.file_content(public_id=issued.file_id)
    response = HttpResponse(content, content_type="application/pdf")
    disposition = content_disposition_header(as_attachment=True, filename=f"{issued.code}.pdf")
    if disposition:
        response["Content-Disposition"] = disposition
    response["Content-Length"] = str(len(content))
    return response
