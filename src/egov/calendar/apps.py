from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "egov.calendar"
    label = "calendar"
    verbose_name = "Working-day calendar"
