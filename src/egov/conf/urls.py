from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from oauth2_provider import views as oauth2_views

from egov.web import health
from egov.web.views_identity_oidc import AuthorizationView
from egov.web.views_payments import ipn

admin.site.site_header = "egov"
admin.site.site_title = "egov"

# OpenID Connect provider and OAuth2 (client credentials for agency systems), under /o/. Only
# these endpoints: no application-management or dynamic-registration pages.
oauth2_patterns = [
    path("authorize/", AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth2_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", oauth2_views.IntrospectTokenView.as_view(), name="introspect"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        oauth2_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # The payment gateway's server-to-server notification (public, authenticated by its
    # signature): no language prefix, and early in the list, since URLs resolve in order.
    path("payments/<str:gateway>/ipn/", ipn, name="payments_ipn"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("egov.api.urls")),
    path("o/", include((oauth2_patterns, "oauth2_provider"))),
    # The data sharing gateway (agency systems, bearer tokens): no language prefix, no session.
    path("exchange/", include("egov.exchange.urls")),
    # The admin has no login of its own: everyone logs in (with the second factor) on the portal.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="web:identity_login", query_string=True),
    ),
    path("admin/", admin.site.urls),
    # The sandbox bank (VNPay protocol, bank side): 404 unless EGOV_PAYMENTS_SANDBOX is on.
    path("sandbox/vnpay/", include("egov.payments.sandbox.urls")),
]
urlpatterns += i18n_patterns(path("", include("egov.web.urls")), prefix_default_language=False)
