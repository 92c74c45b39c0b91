from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "egov.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The built-in channel plugins and the configuration check (unknown channel names).
        from egov.notifications import checks, registry

        registry.register_builtins()
        checks.register()
