"""Settings of the exchange benchmark's server: the platform's, with the direct view added."""

from egov.conf.settings import *  # noqa: F403

ROOT_URLCONF = "bench.exchange_direct"
