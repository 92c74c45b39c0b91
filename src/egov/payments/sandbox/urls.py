"""The sandbox bank's URL space, mounted at ``/sandbox/vnpay/`` by ``egov.conf.urls``."""

from __future__ import annotations

from django.urls import path

from egov.payments.sandbox import views

app_name = "sandbox"

urlpatterns = [
    path("paymentv2/vpcpay.html", views.pay_page, name="pay"),
    path("merchant_webapi/api/transaction", views.transaction_api, name="api"),
    path("settlement/<str:day>.csv", views.settlement_file, name="settlement"),
]
