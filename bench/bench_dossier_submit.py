"""End-to-end dossier submission through the HTTP API (``POST /api/v1/dossiers/``): gunicorn
with ``BENCH_SUBMIT_WORKERS`` sync workers, ``BENCH_SUBMIT_CLIENTS`` concurrent keep-alive
clients (default 8), each a citizen with a bearer token, each request a new dossier (its own
Idempotency-Key) with the judicial record form prefilled from the population database and one
PDF attachment, all to the HCM Department of Justice (one numbering sequence).

Beside it, in the same run, the physical limit: the same rows (the dossier sequence, the dossier,
its attachment, its event, the audit record on the hash chain, the outbox event) copied from a
dossier the API made and inserted directly in one transaction each (on PostgreSQL prepared
statements, the last four in one pipeline, as the API sends its batch), on as many connections as
there are clients.
Events are dispatched by a relay process (``BENCH_SUBMIT_DISPATCH``, below).
Targets on a 2-core machine: >= 150 submissions/s, p99 < 150 ms. Also printed: the CPU each
role (gunicorn, PostgreSQL, the relay, this load client) spent per submission in the window,
read from /proc, beside what 150/s allows on this machine's cores: throughput swings with the
VM's speed from minute to minute, this figure much less.

Setup (out of the timings): reference data, the catalogue, the citizens, their accounts and
tokens. In-app notifications only (``EGOV_NOTIFY_CHANNELS`` empty: no mail server). Afterwards
the dossiers it made are deleted and today's numbering of the two agencies restarts (a
benchmark database only), so runs do not pile up in the inbox the inbox benchmark measures.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from common import ROLES, Result, cpu_by_role, gunicorn, machine_times, relay

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_SUBMIT_CLIENTS", "8"))
# Three sync workers on two cores (was four): since a submission makes 11 round trips to the
# database instead of 27 (docs/adr/0018), a worker waits less, three keep both cores busy
# beside PostgreSQL and the relay, and a fourth only adds switching between processes. Four
# alternating pairs of runs, 3 against 4 workers: 96 vs 83, 92 vs 88, 135 vs 107 and 125 vs
# 122 submissions/s (CPU per submission 13.9-20.2 vs 15.8-22.6 ms).
WORKERS = int(os.environ.get("BENCH_SUBMIT_WORKERS", "3"))
# Who dispatches the events (docs/adr/0015): ``relay`` (the production setting, one relay
# process beside gunicorn on the same cores; the run waits until it has dispatched every event)
# or ``inline`` (the embedded default, in the request after its commit).
DISPATCH = os.environ.get("BENCH_SUBMIT_DISPATCH", "relay")
WARMUP = 3  # requests per client before timing (imports, caches, plans)
PROCEDURE = "0.000001"
PIN_BASE = 79_090_900_000  # 079090900000, 079090900001, ...: HCM, male, born 1990
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AGENCY = "000.00.15.H29"  # where the citizens' submissions go (their residence: TP HCM)
RAW_AGENCY = "000.00.99.Z99"  # the raw copies number under their own code: no clash


def _pins() -> list[str]:
    return [f"{PIN_BASE + n:012d}" for n in range(CLIENTS)]


def _setup() -> list[str]:
    """Reference data, the citizens and their accounts; returns one bearer token per client."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.conf.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from oauth2_provider.models import AccessToken, Application

    from egov.core.actor import Actor
    from egov.identity.models import Account
    from egov.population import services as population

    for command in ("geo_load", "agencies_load", "catalogue_load"):
        call_command(command, verbosity=0)
    actor = Actor.system("bench")
    population.ethnicities_ensure(actor=actor)
    app, _ = Application.objects.get_or_create(
        client_id="bench-portal",
        defaults={
            "name": "bench portal",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": "https://bench.invalid/callback",
        },
    )
    tokens = []
    for n, pin in enumerate(_pins()):
        population.citizen_enrol(
            actor=actor, pin=pin, sex="male", date_of_birth=dt.date(1990, 1, 1 + n),
            full_name=f"Nguyễn Văn Thử {n}", birth_registration_unit="79",
            residences=({"kind": "permanent", "unit_code": "26743",
                         "street_address": f"{n + 1} Lê Lợi", "valid_from": dt.date(2025, 7, 1),
                         "valid_to": None},),
        )  # fmt: skip
        account, _ = Account.objects.get_or_create(
            username=f"bench-{pin}",
            defaults={"pin": pin, "full_name": f"Nguyễn Văn Thử {n}", "assurance_level": 2},
        )
        token = AccessToken.objects.create(
            user=account, application=app, token=uuid.uuid4().hex, scope="dossiers.own",
            expires=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2),
        )  # fmt: skip
        tokens.append(str(token.token))
    return tokens


BODY = json.dumps(
    {
        "procedure_code": PROCEDURE,
        "consent_prefill": True,
        "data": {"record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc làm"},
        "attachments": [
            {
                "requirement": 1,
                "filename": "cccd.pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            }
        ],
    }
).encode()


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def _run_clients(
    work: list[Callable[[], None]],
    seconds: int,
    *,
    ready: Callable[[], bool] = lambda: True,
    cpu: list[dict[str, float]] | None = None,
    machine: list[tuple[float, float]] | None = None,
) -> tuple[float, list[float]]:
    """Run each callable in its own thread in a loop for ``seconds`` (after a warm-up, and once
    ``ready()`` says the server side has settled); returns (completed per second, latencies in
    ms). ``cpu``, if given, gets ``cpu_by_role()`` at the start and at the end of the timed
    window."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    warmed = threading.Barrier(len(work) + 1)
    start = threading.Barrier(len(work) + 1)
    stop_at: list[float] = []

    def loop(call: Callable[[], None]) -> None:
        local: list[float] = []
        try:
            for _ in range(WARMUP):
                call()
            warmed.wait()
            start.wait()
            while time.monotonic() < stop_at[0]:
                began = time.perf_counter()
                call()
                local.append((time.perf_counter() - began) * 1000)
        except Exception as exc:
            errors.append(repr(exc))
            warmed.abort()
            start.abort()
        finally:
            from django.db import connections

            connections.close_all()  # this thread's database connection, if it opened one
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=loop, args=(call,)) for call in work]
    for thread in threads:
        thread.start()
    stop_at.append(time.monotonic() + 3600)
    try:
        warmed.wait()
        settle = time.monotonic() + 60
        while not ready() and time.monotonic() < settle:
            time.sleep(0.05)
        if cpu is not None:
            cpu.append(cpu_by_role())
        if machine is not None:
            machine.append(machine_times())
        start.wait()
    except threading.BrokenBarrierError:
        for thread in threads:
            thread.join()
        raise RuntimeError(f"load run failed: {errors[:3]}") from None
    began = time.monotonic()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    if cpu is not None:
        cpu.append(cpu_by_role())
    if machine is not None:
        machine.append(machine_times())
    if errors:
        raise RuntimeError(f"load run failed: {errors[:3]}")
    return len(latencies) / elapsed, latencies


def _http_client(port: int, token: str, made: list[str]) -> Callable[[], None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def submit() -> None:
        conn.request(
            "POST",
            "/api/v1/dossiers/",
            body=BODY,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": uuid.uuid4().hex,
            },
        )
        response = conn.getresponse()
        payload = response.read()
        if response.status != 201:
            raise RuntimeError(f"status {response.status}: {payload[:300]!r}")
        if not made:
            made.append(json.loads(payload)["id"])

    return submit


def _template(public_id: str) -> dict[str, Any]:
    """The rows the API wrote for one dossier, to copy: dossier, attachment, event, outbox."""
    from django.db import connection

    def row(sql: str, params: list[Any]) -> dict[str, Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [c[0] for c in cursor.description]
            return dict(zip(names, cursor.fetchone(), strict=True))

    dossier = row("SELECT * FROM dossiers_dossier WHERE public_id = %s", [public_id])
    return {
        "dossier": dossier,
        "attachment": row(
            "SELECT * FROM dossiers_dossierattachment WHERE dossier_id = %s", [dossier["id"]]
        ),
        "event": row("SELECT * FROM dossiers_dossierevent WHERE dossier_id = %s", [dossier["id"]]),
        "outbox": row(
            "SELECT * FROM core_outboxevent WHERE name = 'dossier.transition' "
            "ORDER BY id DESC LIMIT 1",
            [],
        ),
    }


def _insert_sql(table: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
    columns = [c for c in values if c != "id"]
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id"
    )
    return sql, [_adapt(values[c]) for c in columns]


def _insert(cursor: Any, table: str, values: dict[str, Any]) -> int:
    cursor.execute(*_insert_sql(table, values))
    return int(cursor.fetchone()[0])


def _adapt(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict | list) else value


def _raw_client(template: dict[str, Any]) -> Callable[[], None]:
    """One transaction: sequence, dossier, attachment, event, audit record, outbox event. On
    PostgreSQL each statement prepared (``sqlbatch.run_together``, as the API sends them), the
    last four in one pipeline, the audit record by ``audit_append`` (the fewest round trips the
    rows allow: the number names the dossier, whose key the attachment and the event take);
    elsewhere one statement each."""
    from django.db import connection, transaction
    from django.utils import timezone

    from egov.audit.hashing import linked_hash, record_content
    from egov.core import sqlbatch

    postgres = connection.vendor == "postgresql"

    def submit() -> None:
        now = timezone.now()
        day = now.date()
        with transaction.atomic(), connection.cursor() as cursor:
            # Each statement as the API sends it (on PostgreSQL: prepared, BEGIN with the first).
            [numbered] = sqlbatch.run_together(connection, [(
                "INSERT INTO dossiers_dossiersequence (agency_code, day, last) VALUES (%s, %s, 1) "
                "ON CONFLICT (agency_code, day) DO UPDATE "
                "SET last = dossiers_dossiersequence.last + 1 RETURNING last",
                [RAW_AGENCY, day],
            )])  # fmt: skip
            number = int(numbered[0][0]) if numbered else 0
            code = f"{RAW_AGENCY}-{day:%y%m%d}-{number:04d}"
            [inserted] = sqlbatch.run_together(connection, [_insert_sql("dossiers_dossier", {
                **template["dossier"], "public_id": str(uuid.uuid4()), "code": code,
                "agency_code": RAW_AGENCY, "submission_key": uuid.uuid4().hex,
                "created_at": now, "updated_at": now, "submitted_at": now,
            })])  # fmt: skip
            dossier_id = int(inserted[0][0]) if inserted else 0
            payload = template["outbox"]["payload"]
            if isinstance(payload, str):  # SQLite returns JSON as text
                payload = json.loads(payload)
            rows = [
                _insert_sql("dossiers_dossierattachment", {
                    **template["attachment"], "dossier_id": dossier_id, "uploaded_at": now,
                }),
                _insert_sql("dossiers_dossierevent", {
                    **template["event"], "dossier_id": dossier_id, "occurred_at": now,
                }),
                _insert_sql("core_outboxevent", {
                    **template["outbox"], "payload": {**payload, "code": code},
                    "occurred_at": now, "dispatched_at": now,
                }),
            ]  # fmt: skip
            fields = {
                "occurred_at": now, "actor_kind": "citizen",
                "actor_id": str(template["dossier"]["applicant_id"]), "actor_agency": "",
                "on_behalf_of": "", "action": "dossiers.submit", "subject_type": "dossier",
                "subject_id": code, "request_id": "",
                "diff": {"status": [0, 1], "queue": ["draft", "reception"]},
            }  # fmt: skip
            content = record_content(**fields)
            if postgres:
                rows.append(("SELECT * FROM audit_append('main', %s)", [content]))
                sqlbatch.run_together(connection, rows)  # prepared, one pipeline (as the API)
                return
            for sql, params in rows:
                cursor.execute(sql, params)
            cursor.execute("SELECT seq, hash FROM audit_auditchainhead WHERE chain = 'main'")
            seq, prev = cursor.fetchone()
            digest = linked_hash(content=content, chain="main", seq=seq + 1, prev_hash=prev)
            _insert(cursor, "audit_auditrecord", {
                **fields, "chain": "main", "seq": seq + 1, "prev_hash": prev, "hash": digest,
                "hash_version": 2,
            })  # fmt: skip
            cursor.execute(
                "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE chain = 'main'",
                [seq + 1, digest],
            )

    return submit


def _clean_up() -> None:
    """Delete the dossiers this benchmark made (the audit trail keeps its records), so runs do
    not pile up in the reception queue the inbox benchmark reads."""
    from django.db import connection, transaction

    from egov.core import clock
    from egov.identity.models import Account

    applicants = [
        str(public_id)
        for public_id in Account.objects.filter(username__startswith="bench-").values_list(
            "public_id", flat=True
        )
    ]
    marks = ", ".join(["%s"] * len(applicants)) or "''"
    made = f"SELECT id FROM dossiers_dossier WHERE agency_code = %s OR applicant_id IN ({marks})"
    params = [RAW_AGENCY, *applicants]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("dossiers_dossierevent", "dossiers_dossierattachment", "dossiers_dossier"):
            key = "id" if table == "dossiers_dossier" else "dossier_id"
            cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({made})", params)
        # The numbering of the day starts again at 0001 (the daily limit is 9,999 a day).
        cursor.execute(
            "DELETE FROM dossiers_dossiersequence WHERE agency_code IN (%s, %s) AND day = %s",
            [AGENCY, RAW_AGENCY, clock.today()],
        )


def _pending() -> int:
    from egov.core.models import OutboxEvent

    return OutboxEvent.objects.filter(dispatched_at__isnull=True).count()


def run(env: dict[str, str]) -> list[Result]:
    tokens = _setup()
    _clean_up()
    server_env = {**env, "EGOV_NOTIFY_CHANNELS": "", "EGOV_EVENTS_DISPATCH": DISPATCH}
    made: list[str] = []
    lag = [0.0]
    with gunicorn(
        "egov.conf.wsgi:application", workers=WORKERS, env=server_env, probe="/healthz"
    ) as port:
        clients = [_http_client(port, t, made) for t in tokens]
        cpu: list[dict[str, float]] = []
        machine: list[tuple[float, float]] = []
        if DISPATCH == "relay":
            # The window starts once the relay (a new process) has dispatched the warm-up's
            # events: its start-up is not a submission's cost.
            with relay(server_env, pending=_pending) as lag:
                rate, latencies = _run_clients(
                    clients, SECONDS, ready=lambda: _pending() == 0, cpu=cpu, machine=machine
                )
        else:
            rate, latencies = _run_clients(clients, SECONDS, cpu=cpu, machine=machine)
    p50, p99 = _percentiles(latencies)
    before, after = cpu
    per = {role: (after[role] - before[role]) * 1000 / len(latencies) for role in ROLES}
    cores = os.cpu_count() or 1
    budget = cores * 1000 / 150
    print(f"  CPU per submission: gunicorn {per['gunicorn']:.1f} ms, PostgreSQL "
          f"{per['postgresql']:.1f} ms, relay {per['relay']:.1f} ms, load client "
          f"{per['client']:.1f} ms: {sum(per.values()):.1f} ms in all; 150/s on {cores} cores "
          f"allows {budget:.1f} ms (relay: not its backlog after the window)")  # fmt: skip
    (steal0, all0), (steal1, all1) = machine
    print(f"  VM steal in the window: {100 * (steal1 - steal0) / max(all1 - all0, 1e-9):.1f}% "
          "of the cores' time (given by the hypervisor to other machines)")  # fmt: skip

    from django.db import connections

    template = _template(made[0])
    connections.close_all()
    raw_rate, raw_latencies = _run_clients([_raw_client(template) for _ in tokens], SECONDS)
    connections.close_all()
    _clean_up()
    raw50, raw99 = _percentiles(raw_latencies)
    relayed = " + event relay" if DISPATCH == "relay" else ", events inline"
    name = f"POST /api/v1/dossiers/ ({WORKERS} workers{relayed}, {CLIENTS} clients)"
    limit = "raw SQL, same rows"
    return [
        Result(name, "throughput", rate, "submissions/s", limit, raw_rate),
        Result(name, "latency p50", p50, "ms", limit, raw50, higher_is_better=False),
        Result(name, "latency p99", p99, "ms", limit, raw99, higher_is_better=False),
        *([Result(name, "relay lag after the load", lag[0] * 1000, "ms")] if lag else []),
        Result(name, "CPU per submission", sum(per.values()), "ms",
               f"150/s on {cores} cores", budget, higher_is_better=False),
    ]  # fmt: skip
