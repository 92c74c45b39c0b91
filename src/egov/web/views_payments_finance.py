"""Online payment, the agency's finance officers: the agency's payments with filters and totals,
one payment (ask the gateway, refunds asked by one officer and decided by another), the daily
reconciliation with the gateway's settlement file. Only the agencies where the official holds
the ``finance_officer`` role; another agency's order reads as not found."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from egov.core import clock
from egov.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from egov.identity.facade import Role
from egov.payments import selectors as payments
from egov.payments import services as payment_services
from egov.payments.facade import OrderInfo
from egov.web.forms import PortalForm
from egov.web.permissions import request_actor, request_role_grants, role_required
from egov.web.views_office import agency_choices
from egov.web.views_payments import client_ip, receipt_response

finance_required = role_required(Role.FINANCE_OFFICER)


def finance_agencies(request: HttpRequest) -> list[str]:
    return sorted(
        {g.agency_code for g in request_role_grants(request) if g.role is Role.FINANCE_OFFICER}
    )


def chosen_agency(request: HttpRequest) -> str:
    codes = finance_agencies(request)
    if not codes:
        raise PermissionDenied()
    wanted = str(request.GET.get("agency") or request.POST.get("agency") or "").strip().upper()
    if not wanted:
        return codes[0]
    if wanted not in codes:
        raise PermissionDenied(_("You are not a finance officer of this agency."))
    return wanted


def _gateway_choices() -> list[tuple[str, str]]:
    return payments.gateway_choices()


class PaymentFilterForm(PortalForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    gateway = forms.ChoiceField(label=gettext_lazy("Paid through"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("Created from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date such as 2026-03-01.")},
    )
    date_to = forms.DateField(
        label=gettext_lazy("Created until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date such as 2026-03-31.")},
    )
    q = forms.CharField(
        label=gettext_lazy("Dossier code or transaction reference"),
        required=False,
        max_length=40,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        gateway = self.fields["gateway"]
        assert isinstance(status, forms.ChoiceField)
        assert isinstance(gateway, forms.ChoiceField)
        status.choices = [("", _("Any")), *payments.order_status_choices()]
        gateway.choices = [("", _("Any")), *_gateway_choices()]


def _crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Home"), reverse("web:home")), *extra]


@never_cache
@require_safe
@finance_required
def finance_payments(request: HttpRequest) -> HttpResponse:
    agency = chosen_agency(request)
    form = PaymentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    listing = payments.orders_for_agency(
        f=payments.OrderFilter(
            agency_code=agency,
            status=data.get("status") or "",
            gateway=data.get("gateway") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            query=(data.get("q") or "").strip(),
        )
    )
    codes = finance_agencies(request)
    return render(
        request,
        "web/payments/finance_list.html",
        {
            "agency": agency,
            "agencies": agency_choices(codes),
            "several_agencies": len(codes) > 1,
            "form": form,
            "listing": listing,
            "refunds": payments.refunds_awaiting(agency_code=agency),
            "crumbs": _crumbs((_("Payments"), "")),
        },
    )


def _order_of_agency(request: HttpRequest, order_id: uuid.UUID) -> OrderInfo:
    order = payments.order_get(public_id=str(order_id))
    if order.agency_code not in finance_agencies(request):
        raise NotFound()
    return order


class RefundRequestForm(PortalForm):
    amount = forms.IntegerField(
        label=gettext_lazy("Amount to refund (VND)"),
        min_value=1,
        error_messages={
            "required": gettext_lazy("Enter the amount to refund."),
            "invalid": gettext_lazy("Enter a whole number of dong."),
            "min_value": gettext_lazy("Enter a whole number of dong."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Write the reason for the refund.")},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@finance_required
def finance_order(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    """One payment of the agency. POST ``action``: ``query`` (ask the gateway), ``refund``
    (ask for a refund), ``approve``/``reject`` (decide on another officer's request)."""
    order = _order_of_agency(request, order_id)
    actor = request_actor(request)
    here = reverse("web:payments_finance_order", args=[order_id])
    form = RefundRequestForm(initial={"amount": order.amount - order.refunded_amount})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "query":
                payment_services.payment_query(
                    actor=actor, order_id=order.public_id, client_ip=client_ip(request)
                )
                messages.info(request, _("Checked with the gateway."))
                return HttpResponseRedirect(here)
            if action in ("approve", "reject"):
                status = payment_services.refund_decide(
                    actor=actor,
                    refund_id=request.POST.get("refund", ""),
                    approve=action == "approve",
                    note=request.POST.get("note", ""),
                    client_ip=client_ip(request),
                )
                messages.success(request, _("Refund decided: %(status)s.") % {"status": status})
                return HttpResponseRedirect(here)
            if action == "refund":
                form = RefundRequestForm(request.POST)
                if form.is_valid():
                    payment_services.refund_request(
                        actor=actor,
                        order_id=order.public_id,
                        amount=form.cleaned_data["amount"],
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request,
                        _("The refund is asked. Another finance officer must approve it."),
                    )
                    return HttpResponseRedirect(here)
        except ValidationFailed as exc:
            if action == "refund":
                for name, errors in exc.field_errors.items():
                    if name in form.fields:
                        for error in errors:
                            form.add_error(name, str(error))
                if not exc.field_errors:
                    form.add_error(None, exc.render_message())
            else:
                messages.error(request, exc.render_message())
        except DomainError as exc:
            messages.error(request, exc.render_message())
            return HttpResponseRedirect(here)
        order = _order_of_agency(request, order_id)
    return render(
        request,
        "web/payments/order.html",
        {
            "order": order,
            "finance": True,
            "refund_form": form,
            "me": actor.id,
            "crumbs": _crumbs(
                (_("Payments"), reverse("web:payments_finance")),
                (order.dossier_code or _("Payment"), ""),
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@finance_required
def finance_receipt(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    _order_of_agency(request, order_id)
    return receipt_response(request, order_id)


class SettlementForm(PortalForm):
    gateway = forms.ChoiceField(label=gettext_lazy("Gateway"))
    day = forms.DateField(
        label=gettext_lazy("Settlement day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Enter the day the file covers."),
            "invalid": gettext_lazy("Enter a date such as 2026-03-01."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("Settlement file (CSV)"),
        help_text=gettext_lazy(
            "The gateway's daily file: TxnRef, TransactionNo, Amount, PayDate, BankCode, "
            "ResponseCode."
        ),
        error_messages={"required": gettext_lazy("Choose the settlement file.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gateway = self.fields["gateway"]
        assert isinstance(gateway, forms.ChoiceField)
        gateway.choices = _gateway_choices()


@never_cache
@require_http_methods(["GET", "POST"])
@finance_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    agency = chosen_agency(request)
    status = 200
    form = SettlementForm(initial={"day": clock.today() - dt.timedelta(days=1)})
    if request.method == "POST":
        form = SettlementForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                public_id = payment_services.settlement_import(
                    actor=request_actor(request),
                    gateway=form.cleaned_data["gateway"],
                    agency_code=agency,
                    day=form.cleaned_data["day"],
                    content=upload.read(5 * 1024 * 1024 + 1),
                )
            except ValidationFailed as exc:
                form.add_error("file", exc.render_message())
            else:
                return HttpResponseRedirect(reverse("web:payments_settlement", args=[public_id]))
        status = 400
    codes = finance_agencies(request)
    return render(
        request,
        "web/payments/reconciliation.html",
        {
            "agency": agency,
            "agencies": agency_choices(codes),
            "several_agencies": len(codes) > 1,
            "form": form,
            "imports": payments.settlements_for_agency(agency_code=agency),
            "crumbs": _crumbs(
                (_("Payments"), reverse("web:payments_finance")), (_("Reconciliation"), "")
            ),
        },
        status=status,
    )


@never_cache
@require_safe
@finance_required
def settlement(request: HttpRequest, settlement_id: uuid.UUID) -> HttpResponse:
    record = payments.settlement_get(public_id=str(settlement_id))
    if record.agency_code not in finance_agencies(request):
        raise NotFound()
    return render(
        request,
        "web/payments/settlement.html",
        {
            "record": record,
            "crumbs": _crumbs(
                (_("Payments"), reverse("web:payments_finance")),
                (_("Reconciliation"), reverse("web:payments_reconciliation")),
                (record.settlement_date.isoformat(), ""),
            ),
        },
    )
