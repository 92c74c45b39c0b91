"""Gateway overhead: a population lookup by PIN through the exchange gateway
(``POST /exchange/v1/VN:GOV:000.00.00.G01:population/citizen-get/``: bearer token, grant,
message id, field filtering, one hash-chained log row and a stored answer) beside the same
lookup by a minimal view calling ``population.selectors.citizen_get`` directly, in the same
gunicorn server and run, with ``BENCH_EXCHANGE_CLIENTS`` (8) concurrent keep-alive clients.

The physical limit of the added latency is a third side, "logged": the direct view plus the
two rows every exchange must write durably before it answers (its log row and the answer
kept for replays), by one raw SQL statement into tables created here like the gateway's
(same columns and indexes), without hash chain, authentication or grant.

Targets (issue 9): added p50 < 3 ms, throughput >= 50% of direct. The load generator runs on
the same machine (Python threads), so all sides pay for it alike; the sides run in
alternating slices (direct, logged, gateway, direct, ...) so that a change of the shared
machine's load falls on each. Also printed: the load average, and the steady in-process
figures (the gateway and direct views called in this process without the server: CPU per
request of this process and of its PostgreSQL backend, and the statements of one request).
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable

from common import Result, gunicorn, process_cpu

SECONDS = int(os.environ.get("BENCH_EXCHANGE_SECONDS", "15"))
CLIENTS = int(os.environ.get("BENCH_EXCHANGE_CLIENTS", "8"))
# Sync workers for both sides (gunicorn's usual 2 x cores; the IPN and submission benchmarks
# use 4 too): each exchange waits for its log row's WAL flush, and with one worker per core
# the cores idle during that wait, which the direct side never has.
WORKERS = int(os.environ.get("BENCH_EXCHANGE_WORKERS", "4"))
# Threads per worker (gunicorn switches to gthread above 1), for both sides alike: a request
# waiting for the log's WAL flush then no longer holds the whole worker.
THREADS = int(os.environ.get("BENCH_EXCHANGE_THREADS", "1"))
SLICES = int(os.environ.get("BENCH_EXCHANGE_SLICES", "3"))  # alternations per side
INPROCESS = int(os.environ.get("BENCH_EXCHANGE_INPROCESS", "1000"))  # requests per side, 0 = off
CITIZENS = 2000
PROVIDER = "VN:GOV:000.00.00.G01:population"


def _setup() -> tuple[str, list[str]]:
    """Reference data, the exchange's set-up, citizens, and a consumer system with a grant and
    a bearer token. Returns the token and the PINs to look up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.conf.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from oauth2_provider.models import AccessToken, Application

    from egov.core.actor import Actor
    from egov.exchange import selectors, services
    from egov.exchange.models import Grant
    from egov.identity.services import system_client_ensure
    from exchange_direct import FLOOR_DELIVERY, FLOOR_MESSAGE, FLOOR_SEQ

    for command in ("geo_load", "agencies_load", "exchange_load"):
        call_command(command, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM population_citizen")
        if int(cursor.fetchone()[0]) < CITIZENS:
            call_command("population_demo", count=CITIZENS, verbosity=0)
        cursor.execute("SELECT pin FROM population_citizen ORDER BY md5(pin) LIMIT %s", [CITIZENS])
        pins = [r[0] for r in cursor.fetchall()]
    system = Actor.system("bench")
    justice, client_id = "000.00.00.G15", "bench-justice"
    services.member_ensure(actor=system, code=justice)
    system_client_ensure(actor=system, name="Bench", agency_code=justice, client_id=client_id,
                         client_secret="bench-secret-0123456789",  # noqa: S106 - bench client
                         scopes=["exchange"])  # fmt: skip
    consumer = services.subsystem_ensure(actor=system, member_code=justice, code="bench",
                                         name="Bench", oauth_client_id=client_id)  # fmt: skip
    if not Grant.objects.filter(consumer__address=consumer, purpose="bench").exists():
        service = next(s for s in selectors.service_catalogue() if s.code == "citizen-get")
        request_id = services.access_request_submit(
            actor=system, consumer=consumer, service_id=service.public_id, purpose="bench",
            purpose_description="bench", legal_basis="", fields=["full_name", "date_of_birth"],
            frequency="daily", requester_name="bench",
        )  # fmt: skip
        services.access_request_decide(actor=system, request_id=request_id, action="approve",
                                       rate_per_minute=10_000_000)  # fmt: skip
    with connection.cursor() as cursor:
        for table, like in ((FLOOR_MESSAGE, "exchange_message"),
                            (FLOOR_DELIVERY, "exchange_delivery")):  # fmt: skip
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING ALL)")
        cursor.execute(f"DROP SEQUENCE IF EXISTS {FLOOR_SEQ}")
        cursor.execute(f"CREATE SEQUENCE {FLOOR_SEQ}")
    token = uuid.uuid4().hex
    AccessToken.objects.create(
        application=Application.objects.get(client_id=client_id), token=token, scope="exchange",
        expires=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2),
    )  # fmt: skip
    return token, pins


def _load(port: int, request: object, *, seconds: float) -> tuple[list[float], int]:
    """``CLIENTS`` threads, each on one keep-alive connection, calling ``request(conn, n)``.
    Returns the latencies (ms) and the number of errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = itertools.count()
    stop = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = request(conn, next(counter))  # type: ignore[operator]
            local.append((time.perf_counter() - started) * 1000)
            if status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def _figures(latencies: list[float], seconds: float) -> tuple[float, float, float]:
    """Requests/s, p50 ms, p99 ms."""
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, cuts[49], cuts[98]


def _in_process(token: str, pins: list[str], run_id: str) -> None:
    """CPU per request of the two views called in this process (no server, no middleware:
    the same for both), of this process and of its PostgreSQL backend (read from /proc when
    the server is local), medians of alternating rounds; and the statements of one request."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from egov.exchange.http import gateway
    from exchange_direct import direct

    factory = RequestFactory()
    counter = itertools.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pid = int(cursor.fetchone()[0])

    def backend_cpu() -> float:
        return process_cpu(backend_pid)

    def via_gateway(i: int) -> None:
        request = factory.post(
            f"/exchange/v1/{PROVIDER}/citizen-get/", data=b"{}", content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_EGOV_PURPOSE="bench",
            HTTP_X_EGOV_MESSAGE_ID=f"cpu-{run_id}-{next(counter)}",
            HTTP_X_EGOV_SUBJECT=pins[i % len(pins)],
        )  # fmt: skip
        assert gateway(request, PROVIDER, "citizen-get").status_code == 200

    def via_direct(i: int) -> None:
        assert direct(factory.get("/bench-direct/"), pins[i % len(pins)]).status_code == 200

    sides: dict[str, Callable[[int], None]] = {"gateway": via_gateway, "direct": via_direct}
    rounds, per_round = 5, max(1, INPROCESS // 5)
    taken: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for call in sides.values():
        for i in range(50):
            call(i)  # warm
    for r in range(rounds):
        for name, call in sides.items():
            cpu, backend = time.process_time(), backend_cpu()
            for i in range(per_round):
                call(r * per_round + i)
            taken[name].append(
                ((time.process_time() - cpu) * 1000 / per_round,
                 (backend_cpu() - backend) * 1000 / per_round)
            )  # fmt: skip
    medians = {
        name: tuple(statistics.median(x[k] for x in rows) for k in range(2))
        for name, rows in taken.items()
    }
    for name, call in sides.items():
        with CaptureQueriesContext(connection) as queries:
            call(0)
        python, backend = medians[name]
        print(f"  in-process {name}: {python:.2f} ms CPU + PostgreSQL backend {backend:.2f} ms "
              f"per request, {len(queries.captured_queries)} statements")  # fmt: skip
    added = [medians["gateway"][k] - medians["direct"][k] for k in range(2)]
    print(f"  in-process added by the gateway: {added[0]:.2f} ms CPU + PostgreSQL backend "
          f"{added[1]:.2f} ms = {added[0] + added[1]:.2f} ms per exchange")  # fmt: skip


def _load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _commit_floor(samples: int = 300) -> float:
    """p50 ms of one small INSERT committed on its own: the physical floor of writing one log
    row durably (WAL flush), which the direct lookup never pays."""
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commit_floor (x integer)")
        for _ in range(samples):
            started = time.perf_counter()
            cursor.execute("INSERT INTO bench_commit_floor VALUES (1)")  # autocommit: commits
            timings.append((time.perf_counter() - started) * 1000)
        cursor.execute("DROP TABLE bench_commit_floor")
    return statistics.median(timings)


def run(env: dict[str, str]) -> list[Result]:
    token, pins = _setup()
    run_id = uuid.uuid4().hex[:8]
    message_ids = itertools.count()  # one sequence for the whole run: no id is sent twice

    def view(prefix: str) -> Callable[[http.client.HTTPConnection, int], int]:
        """A GET of one of the minimal views (``exchange_direct``) for the n-th PIN."""

        def request(conn: http.client.HTTPConnection, n: int) -> int:
            conn.request("GET", f"{prefix}{pins[n % len(pins)]}")
            response = conn.getresponse()
            response.read()
            return response.status

        return request

    direct, logged = view("/bench-direct/"), view("/bench-logged/")

    def gateway(conn: http.client.HTTPConnection, n: int) -> int:
        conn.request(
            "POST", f"/exchange/v1/{PROVIDER}/citizen-get/", body=b"{}",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                     "X-Egov-Message-Id": f"bench-{run_id}-{next(message_ids)}",
                     "X-Egov-Purpose": "bench",
                     "X-Egov-Subject": pins[n % len(pins)]},
        )  # fmt: skip
        response = conn.getresponse()
        response.read()
        return response.status

    if INPROCESS:
        print(f"  load average {_load_average()} (1/5/15 min) before the in-process figures")
        _in_process(token, pins, run_id)
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.exchange_settings"}
    if THREADS > 1:
        server_env["GUNICORN_CMD_ARGS"] = f"--threads {THREADS}"
    sides = {"direct": direct, "logged": logged, "gateway": gateway}
    loads: dict[str, list[float]] = {side: [] for side in sides}
    errors = 0
    with gunicorn(
        "egov.conf.wsgi:application", workers=WORKERS, env=server_env, probe="/healthz"
    ) as port:
        for request in sides.values():  # warm every path (plans, caches, unit names)
            _load(port, request, seconds=2)
        print(f"  load average {_load_average()} at the start of the load")
        for _ in range(SLICES):
            for side, request in sides.items():
                latencies, failed = _load(port, request, seconds=SECONDS / SLICES)
                loads[side].extend(latencies)
                errors += failed
        print(f"  load average {_load_average()} at the end of the load")
    floor = _commit_floor()
    _drop_floor_tables()
    if errors:
        raise RuntimeError(f"{errors} errors under load")
    d_rps, d_p50, d_p99 = _figures(loads["direct"], SECONDS)
    g_rps, g_p50, g_p99 = _figures(loads["gateway"], SECONDS)
    l_rps, l_p50, _l_p99 = _figures(loads["logged"], SECONDS)
    name = f"citizen_get via gateway ({WORKERS}x{THREADS} workers, {CLIENTS} clients)"
    print(f"  added p50 {g_p50 - d_p50:.2f} ms (target < 3 ms); throughput "
          f"{g_rps / d_rps:.0%} of direct (target >= 50%); one durable commit p50 "
          f"{floor:.2f} ms")  # fmt: skip
    print(f"  physical limit: the direct lookup with its log row and stored answer written by "
          f"raw SQL adds p50 {l_p50 - d_p50:.2f} ms ({l_rps:.1f} req/s, "
          f"{l_rps / d_rps:.0%} of direct); the gateway adds "
          f"{(g_p50 - d_p50) - (l_p50 - d_p50):.2f} ms beyond it")  # fmt: skip
    logged_name = f"citizen_get + raw log writes ({WORKERS}x{THREADS} workers, {CLIENTS} clients)"
    return [
        Result(logged_name, "throughput", l_rps, "req/s", "direct selector view", d_rps),
        Result(logged_name, "added latency p50", l_p50 - d_p50, "ms", "target", 3.0,
               higher_is_better=False),
        Result(name, "throughput", g_rps, "req/s", "direct selector view", d_rps),
        Result(name, "latency p50", g_p50, "ms", "direct selector view", d_p50,
               higher_is_better=False),
        Result(name, "latency p99", g_p99, "ms", "direct selector view", d_p99,
               higher_is_better=False),
        Result(name, "added latency p50", g_p50 - d_p50, "ms", "target", 3.0,
               higher_is_better=False),
        Result(name, "added latency p50", g_p50 - d_p50, "ms",
               "one durable INSERT+COMMIT p50", floor, higher_is_better=False),
        Result(name, "added latency p50", g_p50 - d_p50, "ms", "raw log writes' added p50",
               l_p50 - d_p50, higher_is_better=False),
    ]  # fmt: skip


def _drop_floor_tables() -> None:
    from django.db import connection

    from exchange_direct import FLOOR_DELIVERY, FLOOR_MESSAGE, FLOOR_SEQ

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_MESSAGE}, {FLOOR_DELIVERY}")
        cursor.execute(f"DROP SEQUENCE IF EXISTS {FLOOR_SEQ}")
