"""Shared pieces of the benchmarks: results, the table, servers and load generation."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Result:
    benchmark: str
    measure: str
    value: float
    unit: str
    limit_name: str = ""
    limit_value: float | None = None
    higher_is_better: bool = True

    @property
    def ratio(self) -> str:
        if not self.limit_value:
            return ""
        return f"{self.value / self.limit_value:.2f}x"


def print_table(results: list[Result]) -> None:
    header = ("benchmark", "measure", "value", "limit (same run)", "limit value", "ratio")
    rows = [
        (
            r.benchmark,
            r.measure,
            f"{r.value:,.2f} {r.unit}",
            r.limit_name,
            "" if r.limit_value is None else f"{r.limit_value:,.2f} {r.unit}",
            r.ratio,
        )
        for r in results
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url_host: str, port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(url_host, port, timeout=1)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path} within {timeout}s")


@contextmanager
def gunicorn(app: str, *, workers: int, env: dict[str, str], probe: str) -> Iterator[int]:
    port = free_port()
    cmd = [
        PYTHON, "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--log-level", "warning",
        "--chdir", str(ROOT),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=ROOT)
    try:
        wait_for("127.0.0.1", port, probe)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def relay(env: dict[str, str], *, pending: Callable[[], int]) -> Iterator[list[float]]:
    """An event relay (``manage.py events_dispatch --follow``, docs/adr/0015) for the duration
    of the block; yields a list that gets the seconds it needed, after the block, until
    ``pending()`` (the events still undispatched) fell to zero."""
    lag: list[float] = []
    proc = subprocess.Popen(
        [PYTHON, "manage.py", "events_dispatch", "--follow"], env={**os.environ, **env}, cwd=ROOT
    )
    try:
        yield lag
        began = time.monotonic()
        while pending():
            if proc.poll() is not None or time.monotonic() - began > 120:
                raise RuntimeError("the event relay stopped or did not catch up within 120 s")
            time.sleep(0.05)
        lag.append(time.monotonic() - began)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


ROLES = ("gunicorn", "postgresql", "relay", "client")
_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_cpu(stat: str) -> float:
    """CPU seconds (user + system) of a process from the text of its /proc/<pid>/stat."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far; NaN if it is not on this
    machine (a remote database server)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return _stat_cpu(f.read())
    except OSError:
        return float("nan")


def cpu_by_role() -> dict[str, float]:
    """CPU seconds (user + system) used so far by the processes on this machine in each role:
    the gunicorn server (master and workers), PostgreSQL (every process of a local server:
    backends, WAL writer, checkpointer...), the event relay, and this benchmark process (the
    load client). The difference of two readings is what a run cost, whatever the VM's speed
    or other load at the time did to its throughput."""
    me = str(os.getpid())
    totals = dict.fromkeys(ROLES, 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue  # ended meanwhile
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        cpu = _stat_cpu(stat)
        if entry.name == me:
            role = "client"
        elif b"gunicorn" in cmdline:
            role = "gunicorn"
        elif b"events_dispatch" in cmdline:
            role = "relay"
        elif comm == "postgres":
            role = "postgresql"
        else:
            continue
        totals[role] += cpu
    return totals


def machine_times() -> tuple[float, float]:
    """(steal, all) CPU seconds of this machine so far, from /proc/stat: the time the
    hypervisor gave this VM's cores to others, beside all the cores' time."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return values[7] / _TICKS, sum(values[:8]) / _TICKS


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    tool: str


def http_load(port: int, path: str, *, seconds: int, connections: int) -> Load:
    """Load a local endpoint: wrk when installed, else a Python keep-alive client."""
    if shutil.which("wrk"):
        return _wrk(port, path, seconds=seconds, connections=connections)
    return _python_load(port, path, seconds=seconds, connections=connections)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk(port: int, path: str, *, seconds: int, connections: int) -> Load:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"load run had errors:\n{out}")
    return Load(rps, p50, p99, "wrk")


def _python_load(port: int, path: str, *, seconds: int, connections: int) -> Load:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
            local.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cuts = statistics.quantiles(latencies, n=100)
    return Load(len(latencies) / seconds, cuts[49], cuts[98], "python")
