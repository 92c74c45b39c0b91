"""Run the benchmarks in bench/ and print one table of figures beside their limits.

Usage: ``make bench`` or ``python bench/run.py [name ...]`` (names without the ``bench_`` prefix).
Benchmarks empty and refill tables, so they never touch ``DATABASE_URL``: they use the database in
``BENCH_DATABASE_URL`` (a PostgreSQL database kept for benchmarks, for the national-scale figures)
or else a scratch SQLite file.
"""

from __future__ import annotations

import importlib
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from common import PYTHON, ROOT, Result, print_table  # noqa: E402


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    with tempfile.TemporaryDirectory(prefix="egov-bench-") as var_dir:
        env = {
            "EGOV_VAR_DIR": var_dir,
            "EGOV_LOG_LEVEL": "WARNING",
            "EGOV_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EGOV_HTTPS": "0",
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        }
        bench_db = os.environ.get("BENCH_DATABASE_URL", "")
        if bench_db:
            env["DATABASE_URL"] = bench_db
        else:
            os.environ.pop("DATABASE_URL", None)
        os.environ.update(env)
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
        results: list[Result] = []
        for name in names:
            module = importlib.import_module(f"bench_{name}")
            print(f"running {name} ...", flush=True)
            results.extend(module.run(env))
    print()
    db = os.environ.get("DATABASE_URL", "sqlite (scratch)").split("@")[-1]  # no credentials
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"database: {db}")
    print()
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
