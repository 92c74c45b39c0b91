from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "egov.geo"
    label = "geo"
    verbose_name = "Administrative units"
