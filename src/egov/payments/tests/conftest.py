"""Payments tests: the sandbox on, known merchant secrets."""

from __future__ import annotations

import pytest
from django.conf import LazySettings

from egov.payments.tests.helpers import MOMO_SECRET, SECRET


@pytest.fixture(autouse=True)
def _payment_settings(settings: LazySettings) -> None:
    settings.EGOV_PAYMENTS_SANDBOX = True
    settings.EGOV_VNPAY_TMN_CODE = "EGOVTEST"
    settings.EGOV_VNPAY_HASH_SECRET = SECRET
    settings.EGOV_MOBILE_MONEY_TMN_CODE = "EGOVMOMO"
    settings.EGOV_MOBILE_MONEY_HASH_SECRET = MOMO_SECRET
    settings.EGOV_PUBLIC_URL = "http://testserver"
