from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "egov.dossiers"
    label = "dossiers"
    verbose_name = "Dossiers and one-stop-shop processing"

    def ready(self) -> None:
        from egov.dossiers import notices
        from egov.dossiers.services import payments  # noqa: F401 - payment.completed subscriber

        notices.register()
