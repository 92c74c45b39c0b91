"""Mobile money (tiền di động): the same signed redirect/IPN protocol with the provider's own
merchant code and secret, plus the monthly limit per mobile money account.

The pilot (Decision 316/QĐ-TTg, 2021) capped each account at VND 10 million a month for
withdrawals, transfers and payments together; Decree 368/2025/NĐ-CP raised it. The platform
honours ``EGOV_MOBILE_MONEY_MONTHLY_LIMIT_VND`` for what is paid through it: the payer names the
account (phone number) before paying; a payment that would take the month's total above the
limit is refused before the payer leaves the portal. The total counts what was paid this month
and what is in progress (attempts neither settled nor expired, for other orders), checked under
a per-account lock, so two payments started at once cannot both pass. The account number is
kept only as a keyed hash (``wallet_key``).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from egov.payments.vnpay import VnpayGateway

# The providers licensed in the pilot (bank codes shown on the provider's page).
PROVIDERS = ("VIETTELMONEY", "VNPTMONEY", "MOBIFONEPAY")


class MobileMoneyGateway(VnpayGateway):
    name = "mobile_money"
    label: StrPromise = _("Mobile money")
    kind = "mobile_money"
    order_type = "billpayment"
    setting_prefix = "EGOV_MOBILE_MONEY"

    @property
    def monthly_limit(self) -> int:
        return int(settings.EGOV_MOBILE_MONEY_MONTHLY_LIMIT_VND)


def wallet_key(number: str) -> str:
    """The keyed hash standing for a mobile money account number."""
    key = settings.EGOV_PAYMENTS_WALLET_KEY or f"wallet:{settings.SECRET_KEY}"
    digits = "".join(ch for ch in number if ch.isdigit())
    return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()
