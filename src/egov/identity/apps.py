from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "egov.identity"
    label = "identity"
    verbose_name = "Identity and accounts"
