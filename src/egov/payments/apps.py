from typing import Any

from django.apps import AppConfig
from django.core import checks


class PaymentsConfig(AppConfig):
    name = "egov.payments"
    label = "payments"
    verbose_name = "Online payment"

    def ready(self) -> None:
        from egov.payments import registry

        registry.register_builtins()
        checks.register(_gateways_check)


def _gateways_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.conf import settings

    from egov.payments import registry

    return [
        checks.Error(
            f"EGOV_PAYMENTS_GATEWAYS names {name!r}, which is not a payment gateway plugin.",
            id="payments.E001",
        )
        for name in settings.EGOV_PAYMENTS_GATEWAYS
        if name not in registry.gateway_names()
    ]
