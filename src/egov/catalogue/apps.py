from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "egov.catalogue"
    label = "catalogue"
    verbose_name = "Administrative procedure catalogue"
