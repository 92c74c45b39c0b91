"""Shared steps of the population benchmarks: a generated file, a clean table, a timed child."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from common import PYTHON, ROOT

ROWS = int(os.environ.get("BENCH_POPULATION_ROWS", "1000000"))
SEED = 1


def is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def generated_file(folder: Path, rows: int) -> Path:
    """A CSV of ``rows`` synthetic citizens (reference units loaded first)."""
    manage("geo_load", "-v0")
    path = folder / f"citizens-{rows}.csv"
    manage("population_generate", "--count", str(rows), "--seed", str(SEED), "--output", str(path),
           "-v0")  # fmt: skip
    return path


def pg_execute(*statements: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def truncate() -> None:
    if is_postgres():
        pg_execute(
            "TRUNCATE population_citizen, population_residence, population_citizenversion",
            "CHECKPOINT",
        )
    else:
        manage("shell", "-c", "from egov.population.models import Citizen, Residence, "
               "CitizenVersion; [m.objects.all().delete() for m in (Residence, CitizenVersion, "
               "Citizen)]")  # fmt: skip


def timed_child(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident memory in MB) of one child process (``os.wait4``)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{args[1:3]} failed with {proc.returncode}")
    return elapsed, usage.ru_maxrss / 1024
