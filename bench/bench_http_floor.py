"""Framework floor: requests/s of ``/healthz`` through the whole Django stack (middleware, URL
routing, JSON response) beside a bare WSGI app under the same gunicorn, in the same run.

Later benchmarks compare their endpoints with these figures.
"""

from __future__ import annotations

import os

from common import Result, gunicorn, http_load

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def run(env: dict[str, str]) -> list[Result]:
    with gunicorn("bench.noop_wsgi:application", workers=WORKERS, env=env, probe="/") as port:
        floor = http_load(port, "/", seconds=SECONDS, connections=CONNECTIONS)
    with gunicorn("egov.conf.wsgi:application", workers=WORKERS, env=env, probe="/healthz") as port:
        django = http_load(port, "/healthz", seconds=SECONDS, connections=CONNECTIONS)
    name = f"GET /healthz ({WORKERS} workers, {CONNECTIONS} conns, {django.tool})"
    return [
        Result(name, "throughput", django.requests_per_s, "req/s", "bare WSGI no-op",
               floor.requests_per_s),
        Result(name, "latency p50", django.p50_ms, "ms", "bare WSGI no-op", floor.p50_ms,
               higher_is_better=False),
        Result(name, "latency p99", django.p99_ms, "ms", "bare WSGI no-op", floor.p99_ms,
               higher_is_better=False),
    ]  # fmt: skip
