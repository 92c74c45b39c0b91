"""Smoke test of `make run`: serve the demo from a scratch var dir and fetch key pages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

PORT = 8765
PAGES = [("/", 'lang="vi"'), ("/en/", 'lang="en"'), ("/healthz", '"ok"'), ("/readyz", '"ok"')]


def main() -> int:
    server = subprocess.Popen(
        [".venv/bin/python", "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORT}"],
        env={**os.environ, "EGOV_DEMO": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.stderr.write("the demo server did not start\n")
                    return 1
                time.sleep(0.5)
        for path, expected in PAGES:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10) as response:
                body = response.read().decode()
            if response.status != 200 or expected not in body:
                sys.stderr.write(f"{path}: status {response.status}, {expected!r} missing\n")
                return 1
            sys.stdout.write(f"smoke ok: {path}\n")
    finally:
        server.terminate()
        server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
