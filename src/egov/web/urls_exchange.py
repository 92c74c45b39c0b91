"""Pages of the exchange module (views_exchange*.py), in the `web` namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from egov.web import views_exchange as exchange

urlpatterns: list[URLPattern | URLResolver] = [
    path("exchange/services/", exchange.service_catalogue, name="exchange_catalogue"),
    path(
        "exchange/services/<uuid:service_id>/request/",
        exchange.request_new,
        name="exchange_request_new",
    ),
    path("exchange/requests/", exchange.approval_queue, name="exchange_queue"),
    path("exchange/requests/<uuid:request_id>/", exchange.request_detail, name="exchange_request"),
    path("exchange/grants/", exchange.grant_list, name="exchange_grants"),
    path("exchange/grants/<uuid:grant_id>/act/", exchange.grant_act, name="exchange_grant_act"),
    path("exchange/log/", exchange.message_log, name="exchange_log"),
    path("my-data-log/", exchange.my_data_log, name="exchange_my_data"),
    path("my-data-log/export.csv", exchange.my_data_csv, name="exchange_my_data_csv"),
]
