"""Pages of the payments module (views_payments*.py), in the `web` namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from egov.web import views_payments as pay
from egov.web import views_payments_finance as finance

urlpatterns: list[URLPattern | URLResolver] = [
    # The applicant: pay a dossier's fee, the gateway's return, my payments, receipts.
    path("dossiers/<uuid:dossier_id>/pay/", pay.dossier_pay, name="dossier_pay"),
    path("payments/<str:gateway>/return/", pay.payment_return, name="payments_return"),
    # The gateway's server-to-server notification is in the root URLconf (egov/conf/urls.py).
    path("my-payments/", pay.my_payments, name="payments_mine"),
    path("my-payments/<uuid:order_id>/", pay.my_payment, name="payments_order"),
    path("my-payments/<uuid:order_id>/check/", pay.my_payment_check, name="payments_check"),
    path("my-payments/<uuid:order_id>/receipt/", pay.my_payment_receipt, name="payments_receipt"),
    # The agency's finance officers.
    path("finance/payments/", finance.finance_payments, name="payments_finance"),
    path(
        "finance/payments/<uuid:order_id>/",
        finance.finance_order,
        name="payments_finance_order",
    ),
    path(
        "finance/payments/<uuid:order_id>/receipt/",
        finance.finance_receipt,
        name="payments_finance_receipt",
    ),
    path("finance/reconciliation/", finance.reconciliation, name="payments_reconciliation"),
    path(
        "finance/reconciliation/<uuid:settlement_id>/",
        finance.settlement,
        name="payments_settlement",
    ),
]
