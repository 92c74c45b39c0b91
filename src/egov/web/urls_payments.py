"""Pages of the payments module (views_payments*.py), in the `web` namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
