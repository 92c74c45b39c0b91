from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "egov.exchange"
    label = "exchange"
    verbose_name = "Data sharing platform"
