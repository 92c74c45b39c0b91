from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "egov.reporting"
    label = "reporting"
    verbose_name = "Reporting and operations center"
