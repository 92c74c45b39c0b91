from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from egov.web import health

admin.site.site_header = "egov"
admin.site.site_title = "egov"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("egov.api.urls")),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(path("", include("egov.web.urls")), prefix_default_language=False)
