from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "egov.population"
    label = "population"
    verbose_name = "National population database"
