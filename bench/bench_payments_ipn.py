"""The payment gateway's server-to-server notification (IPN, ``GET /payments/vnpay/ipn/``)
through a real server: gunicorn with ``BENCH_IPN_WORKERS`` sync workers, ``BENCH_IPN_CLIENTS``
concurrent keep-alive clients (default 8), each notification signed (HMAC-SHA512 over the sorted
query) for its own pending attempt, so every one is fully handled: signature checked, order and
attempt locked, settled, the order's transition audited on the hash chain, ``payment.completed``
written to the outbox. Every reply must be ``{"RspCode": "00"}``.

The events are dispatched to their subscribers (reporting adds each payment to the agency's
monthly counters; the dossiers subscriber returns at once: the orders have no dossier) as the
server is configured (``EGOV_EVENTS_DISPATCH``, docs/adr/0015), measured both ways:
- ``relay`` (the production setting): one ``manage.py events_dispatch --follow`` process runs
  beside gunicorn on the same cores during the load, and the run ends only when it has
  dispatched every event (the time it needed after the load is printed as the relay's lag);
- ``inline`` (the embedded default): each worker dispatches its event after its commit, inside
  the request.

Before the load, ``IN_PROCESS`` notifications go through the same stack in this process (Django
test client, same database, relay mode) to count the SQL round trips of one IPN (statements,
with ``BEGIN``/``COMMIT``) and its Python CPU time beside ``/healthz``'s, then the relay's CPU
time per event: on a shared machine the CPU cost per request is steadier than the throughput.

Beside it, in the same run and on the same server, the no-op endpoint ``/healthz`` (the
framework's floor), and a bare WSGI no-op under the same gunicorn (the machine's floor).
Target on a 2-core machine: >= 300 notifications/s.

Setup (out of the timings): the orders and their pending attempts, written in bulk. Afterwards
they are deleted (the audit records stay on the chain).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from common import Result, gunicorn, http_load, relay

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_IPN_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_IPN_WORKERS", "4"))
ORDERS = int(os.environ.get("BENCH_IPN_ORDERS", "20000"))
# Beneficiary agencies the orders are spread over. 1 (the default) is the worst case for the
# subscribers of ``payment.completed``: reporting adds every payment to its agency's monthly
# counters, so with one agency all dispatches update the same two rows.
AGENCIES = int(os.environ.get("BENCH_IPN_AGENCIES", "1"))
WARMUP = 5
IN_PROCESS = 100
TMN = "BENCHTMN"
SECRET = "bench-ipn-secret"  # noqa: S105 - a benchmark merchant: never a real one
DESCRIPTION = "bench-ipn"


def _setup() -> list[str]:
    """Pending attempts in bulk; returns one signed IPN query string per attempt."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.conf.settings")
    import django

    django.setup()
    from egov.core import clock
    from egov.payments import vnpay
    from egov.payments.models import OrderLine, Payment, PaymentOrder

    _clean_up()
    now = clock.now()
    orders = PaymentOrder.objects.bulk_create(
        PaymentOrder(
            obligation="bench", agency_code=f"000.00.{15 + n % AGENCIES:02d}.H29",
            agency_name="Sở Tư pháp",
            procedure_code="0.000001", description=DESCRIPTION, amount=200_000,
            beneficiary_bank="VCB", beneficiary_account="0071000888999",
            beneficiary_name="So Tu phap", payer_id="bench", status="pending", gateway="vnpay",
            expires_at=now + dt.timedelta(hours=2),
        )
        for n in range(ORDERS)
    )  # fmt: skip
    OrderLine.objects.bulk_create(
        OrderLine(order=o, kind="fixed", label="Lệ phí", amount=200_000) for o in orders
    )
    refs = [uuid.uuid4().hex[:20].upper() for _ in orders]
    Payment.objects.bulk_create(
        Payment(
            order=o, txn_ref=ref, gateway="vnpay", amount=200_000, created_at=now,
            expires_at=now + dt.timedelta(minutes=15),
        )
        for o, ref in zip(orders, refs, strict=True)
    )  # fmt: skip
    queries = []
    for n, ref in enumerate(refs):
        params = {
            "vnp_Amount": "20000000", "vnp_BankCode": "NCB", "vnp_CardType": "ATM",
            "vnp_OrderInfo": "Thanh toan phi le phi", "vnp_PayDate": vnpay.vnp_time(now),
            "vnp_ResponseCode": "00", "vnp_TmnCode": TMN, "vnp_TransactionNo": str(10**7 + n),
            "vnp_TransactionStatus": "00", "vnp_TxnRef": ref,
        }  # fmt: skip
        query = vnpay.canonical_query(params)
        queries.append(f"{query}&vnp_SecureHash={vnpay.hmac_sha512(SECRET, query)}")
    return queries


def _clean_up() -> None:
    from django.db import transaction

    from egov.payments.models import OrderLine, Payment, PaymentOrder

    with transaction.atomic():
        bench = PaymentOrder.objects.filter(description=DESCRIPTION)
        Payment.objects.filter(order__in=bench).delete()
        OrderLine.objects.filter(order__in=bench).delete()
        bench.delete()


def _in_process(queries: list[str]) -> tuple[float, float, float, float]:
    """(round trips of one IPN, Python CPU ms per IPN, per ``/healthz``, per event relayed) in
    this process."""
    from django.db import connection, reset_queries
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from egov.core import events

    with override_settings(
        EGOV_VNPAY_TMN_CODE=TMN,
        EGOV_VNPAY_HASH_SECRET=SECRET,
        ALLOWED_HOSTS=["testserver"],
        EGOV_EVENTS_DISPATCH="relay",
    ):
        client = Client()

        def ipn(query: str) -> None:
            reply = client.get(f"/payments/vnpay/ipn/?{query}").json()
            if reply.get("RspCode") != "00":
                raise RuntimeError(f"in-process IPN answered {reply}")

        for query in queries[:10]:
            ipn(query)
        began = time.process_time()
        for query in queries[10:-1]:
            ipn(query)
        ipn_ms = (time.process_time() - began) * 1000 / (len(queries) - 11)
        # The last one, when every agency's monthly counters exist (the steady state).
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            ipn(queries[-1])
        round_trips = len(captured)  # now: the next request clears the log it reads
        began = time.process_time()
        for _ in range(len(queries)):
            client.get("/healthz")
        healthz_ms = (time.process_time() - began) * 1000 / len(queries)
        began = time.process_time()
        relayed = events.dispatch_pending(limit=10 * len(queries))
        relay_ms = (time.process_time() - began) * 1000 / max(relayed, 1)
    return float(round_trips), ipn_ms, healthz_ms, relay_ms


def _chunks(items: list[str], n: int) -> Iterator[list[str]]:
    size = len(items) // n
    for i in range(n):
        yield items[i * size : (i + 1) * size]


def _load(port: int, queries: list[str]) -> tuple[float, list[float], int]:
    """Each client sends its own notifications for ``SECONDS``; (per second, latencies, sent)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS + 1)
    stop_at = [time.monotonic() + 3600]

    def client(mine: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[float] = []
        items = iter(mine)

        def send() -> None:
            conn.request("GET", f"/payments/vnpay/ipn/?{next(items)}")
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or json.loads(body).get("RspCode") != "00":
                raise RuntimeError(f"status {response.status}: {body[:200]!r}")

        try:
            for _ in range(WARMUP):
                send()
            start.wait()
            while time.monotonic() < stop_at[0]:
                began = time.perf_counter()
                send()
                local.append((time.perf_counter() - began) * 1000)
        except StopIteration:
            errors.append("ran out of prepared notifications: raise BENCH_IPN_ORDERS")
        except Exception as exc:
            errors.append(repr(exc))
            start.abort()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=client, args=(c,)) for c in _chunks(queries, CLIENTS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    stop_at[0] = began + SECONDS
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    if errors:
        raise RuntimeError(f"load run failed: {errors[:3]}")
    return len(latencies) / elapsed, latencies, len(latencies)


def _settled() -> dict[str, Any]:
    from egov.payments.models import Payment, PaymentOrder

    bench = PaymentOrder.objects.filter(description=DESCRIPTION)
    return {
        "paid_orders": bench.filter(status="paid").count(),
        "paid_attempts": Payment.objects.filter(order__in=bench, status="paid").count(),
    }


def _pending() -> int:
    from egov.core.models import OutboxEvent

    return OutboxEvent.objects.filter(dispatched_at__isnull=True, name="payment.completed").count()


def _serve(
    mode: str, env: dict[str, str], queries: list[str]
) -> tuple[float, list[float], int, Any, float]:
    """Load the IPN with the server in ``mode``; (rate, latencies, sent, /healthz load, relay
    lag in seconds)."""
    server_env = {**env, "EGOV_NOTIFY_CHANNELS": "", "EGOV_VNPAY_TMN_CODE": TMN,
                  "EGOV_VNPAY_HASH_SECRET": SECRET, "EGOV_EVENTS_DISPATCH": mode}  # fmt: skip
    with gunicorn(
        "egov.conf.wsgi:application", workers=WORKERS, env=server_env, probe="/healthz"
    ) as port:
        if mode == "relay":
            with relay(server_env, pending=_pending) as lag:
                rate, latencies, sent = _load(port, queries)
        else:
            lag = [0.0]
            rate, latencies, sent = _load(port, queries)
        healthz = http_load(port, "/healthz", seconds=SECONDS, connections=CLIENTS)
    return rate, latencies, sent, healthz, lag[0]


def run(env: dict[str, str]) -> list[Result]:
    queries = _setup()
    round_trips, ipn_cpu_ms, healthz_cpu_ms, relay_cpu_ms = _in_process(queries[:IN_PROCESS])
    queries = queries[IN_PROCESS:]
    half = len(queries) // 2
    rate, latencies, sent, healthz, lag = _serve("relay", env, queries[:half])
    inline_rate, inline_latencies, inline_sent, _, _ = _serve("inline", env, queries[half:])
    with gunicorn("bench.noop_wsgi:application", workers=WORKERS, env=env, probe="/") as port:
        floor = http_load(port, "/", seconds=SECONDS, connections=CLIENTS)
    settled = _settled()
    expected = sent + inline_sent + 2 * WARMUP * CLIENTS + IN_PROCESS
    if settled["paid_orders"] != expected or settled["paid_attempts"] != expected:
        raise RuntimeError(f"{expected} notifications answered 00 but {settled} settled")
    if _pending():
        raise RuntimeError("events were left undispatched")
    _clean_up()
    cuts = statistics.quantiles(latencies, n=100)
    inline_cuts = statistics.quantiles(inline_latencies, n=100)
    spread = f", {AGENCIES} agencies" if AGENCIES > 1 else ""
    name = f"GET /payments/vnpay/ipn/ signed ({WORKERS} workers + relay, {CLIENTS} clients{spread})"
    inline = f"the same, events dispatched inline ({WORKERS} workers, {CLIENTS} clients{spread})"
    return [
        Result(name, "throughput", rate, "IPN/s", "GET /healthz, same server",
               healthz.requests_per_s),
        Result(name, "throughput", rate, "IPN/s", "bare WSGI no-op, same gunicorn",
               floor.requests_per_s),
        Result(name, "latency p50", cuts[49], "ms", "GET /healthz, same server", healthz.p50_ms,
               higher_is_better=False),
        Result(name, "latency p99", cuts[98], "ms", "GET /healthz, same server", healthz.p99_ms,
               higher_is_better=False),
        Result(name, "relay lag after the load", lag * 1000, "ms"),
        Result(inline, "throughput", inline_rate, "IPN/s", "relay mode, same run", rate),
        Result(inline, "latency p99", inline_cuts[98], "ms", "relay mode, same run", cuts[98],
               higher_is_better=False),
        Result("IPN in process (Django test client)", "Python CPU per request", ipn_cpu_ms,
               "ms", "GET /healthz in process", healthz_cpu_ms, higher_is_better=False),
        Result("IPN in process (Django test client)", "SQL round trips per IPN", round_trips,
               "statements"),
        Result("relay in process (dispatch_pending)", "Python CPU per event", relay_cpu_ms, "ms"),
    ]  # fmt: skip
