"""Pages and API of the sandbox bank (``/sandbox/vnpay/``). 404 unless
``EGOV_PAYMENTS_SANDBOX`` is on. The bank page speaks the payer's language (``vnp_Locale``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.payments.sandbox import bank

View = Callable[..., HttpResponse]


def sandbox_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.EGOV_PAYMENTS_SANDBOX:
            raise Http404()
        return view(request, *args, **kwargs)

    return wrapped


def _language(locale: str) -> str:
    return "en" if locale == "en" else "vi"


@sandbox_only
@require_http_methods(["GET", "POST"])
def pay_page(request: HttpRequest) -> HttpResponse:
    """GET: the signed payment request from the merchant -> the bank page. POST: the payer
    pays or cancels; the bank calls the merchant's IPN, then sends the payer back."""
    if request.method == "POST":
        return _decide(request)
    params: dict[str, str] = {k: str(v) for k, v in request.GET.items()}
    merchant, problem = bank.request_check(params)
    with translation.override(_language(str(params.get("vnp_Locale") or ""))):
        if merchant is None or problem:
            return render(
                request,
                "payments/sandbox/error.html",
                {"problem": problem or "merchant"},
                status=400,
            )
        txn = bank.book(merchant, params)
        return render(
            request,
            "payments/sandbox/bank.html",
            {
                "txn": txn,
                "merchant": merchant,
                "choices": bank.WALLETS if merchant.wallets else bank.BANKS,
                "done": txn.status != "01",
                "amount": f"{txn.amount:,}".replace(",", "."),
            },
        )


def _decide(request: HttpRequest) -> HttpResponse:
    tmn_code = request.POST.get("tmn_code", "")
    txn_ref = request.POST.get("txn_ref", "")
    merchant = bank.merchants().get(tmn_code)
    if merchant is None:
        raise Http404()
    txn = bank.decide(
        merchant,
        tmn_code,
        txn_ref,
        pay=request.POST.get("action") == "pay",
        bank=request.POST.get("bank", ""),
    )
    if txn is None:
        raise Http404()
    if not txn.ipn_status:
        # Server to server, after the bank's own transaction committed (nothing held open).
        ipn_url = request.build_absolute_uri(f"/payments/{merchant.gateway}/ipn/")
        bank.call_ipn(ipn_url, merchant, txn)
    return HttpResponseRedirect(bank.return_url(merchant, txn))


@sandbox_only
@csrf_exempt  # server to server: authenticated by the request's signature
@require_POST
def transaction_api(request: HttpRequest) -> HttpResponse:
    try:
        body = json.loads(request.body[:100_000] or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid data format"})
    return JsonResponse(bank.api(body))


@sandbox_only
@require_GET
def settlement_file(request: HttpRequest, day: str) -> HttpResponse:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404() from None
    tmn = request.GET.get("tmn", settings.EGOV_VNPAY_TMN_CODE)
    response = HttpResponse(bank.settlement_csv(tmn, date), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="settlement-{tmn}-{day}.csv"'
    return response
