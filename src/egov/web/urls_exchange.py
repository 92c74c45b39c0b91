"""Pages of the exchange module (views_exchange*.py), in the `web` namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
