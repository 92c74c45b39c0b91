from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "egov.reporting"
    label = "reporting"
    verbose_name = "Reporting and operations center"

    def ready(self) -> None:
        from egov.reporting import subscribers  # noqa: F401  (registers the event subscribers)
