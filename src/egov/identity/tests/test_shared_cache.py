"""The shared cache (``EGOV_CACHE_URL``): rate limits counted by one process are seen by another,
and a deployment left on each process's own memory is warned about by ``check --deploy``."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from egov.core import clock
from egov.core.apps import shared_cache_check
from egov.core.errors import RateLimited
from egov.identity import ratelimit

REDIS_URL = os.environ.get("EGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[4]


def _redis_up() -> bool:
    host_port = REDIS_URL.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False


REDIS_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "egov",
    }
}


def test_a_deployment_on_each_process_memory_is_warned() -> None:
    with override_settings(DEMO=False):
        warnings = shared_cache_check()
    assert [w.id for w in warnings] == ["core.W001"]
    assert "EGOV_CACHE_URL" in (warnings[0].hint or "")
    with override_settings(DEMO=True):
        assert shared_cache_check() == []  # the one-process demo
    with override_settings(DEMO=False, CACHES=REDIS_CACHES):
        assert shared_cache_check() == []


@pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS_URL} (EGOV_TEST_REDIS_URL)")
def test_a_rate_limit_counted_by_another_process_is_seen_here() -> None:
    scope = f"test-{uuid.uuid4().hex}"
    # Both processes count at the same moment in the middle of an hour: on the real clock the
    # hourly window could turn between them.
    moment = "2026-06-01T10:30:00+00:00"
    script = (
        "import datetime as dt\n"
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from egov.core import clock\n"
        "from egov.identity import ratelimit\n"
        "print(settings.CACHES['default']['BACKEND'])\n"
        f"with clock.travel(dt.datetime.fromisoformat({moment!r})):\n"
        f"    ratelimit.hit(scope={scope!r}, values=['203.0.113.7'], limit=100)\n"
        f"    ratelimit.hit(scope={scope!r}, values=['203.0.113.7'], limit=100)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.conf.settings",
        "EGOV_CACHE_URL": REDIS_URL,
        "EGOV_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONPATH": str(ROOT / "src"),
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, a script of this test
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("RedisCache")
    with override_settings(CACHES=REDIS_CACHES), clock.travel(dt.datetime.fromisoformat(moment)):
        try:
            # The other process made two attempts: with a limit of two, this third is refused.
            with pytest.raises(RateLimited):
                ratelimit.hit(scope=scope, values=["203.0.113.7"], limit=2)
        finally:
            cache.delete(ratelimit._key(scope, "203.0.113.7"))
