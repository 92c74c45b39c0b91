from django.urls import path

from egov.web import (
    views,
    views_identity_account,
    views_identity_admin,
    views_identity_login,
    views_identity_register,
)
from egov.web import views_catalogue as catalogue
from egov.web import views_population as population

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.province_list, name="province_list"),
    path("units/resolve/", views.unit_resolve, name="unit_resolve"),
    path("units/<str:code>/", views.province_detail, name="province_detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # Catalogue: public search and detail; editors' pages (views_catalogue.py).
    path("procedures/", catalogue.procedure_list, name="procedure_list"),
    path("procedures/<str:code>/", catalogue.procedure_detail, name="procedure_detail"),
    path("procedures/<str:code>/submit/", catalogue.procedure_submit, name="procedure_submit"),
    path("catalogue/", catalogue.editor_list, name="catalogue_editor"),
    path(
        "catalogue/procedures/<str:code>/", catalogue.editor_procedure, name="catalogue_procedure"
    ),
    path(
        "catalogue/versions/<uuid:version_id>/edit/",
        catalogue.editor_version_edit,
        name="catalogue_version_edit",
    ),
    path(
        "catalogue/versions/<uuid:version_id>/",
        catalogue.editor_version_diff,
        name="catalogue_version_diff",
    ),
    path(
        "catalogue/versions/<uuid:version_id>/discard/",
        catalogue.editor_version_discard,
        name="catalogue_version_discard",
    ),
    # Identity: login, registration, my account, officials (views_identity_*.py).
    path("identity/login/", views_identity_login.login_view, name="identity_login"),
    path(
        "identity/login/second-factor/",
        views_identity_login.second_factor,
        name="identity_second_factor",
    ),
    path("identity/login/setup/", views_identity_login.login_setup, name="identity_login_setup"),
    path("identity/logout/", views_identity_login.logout_view, name="identity_logout"),
    path(
        "identity/password/forgot/",
        views_identity_login.password_forgot,
        name="identity_password_forgot",
    ),
    path(
        "identity/password/reset/",
        views_identity_login.password_reset,
        name="identity_password_reset",
    ),
    path("identity/register/", views_identity_register.register, name="identity_register"),
    path(
        "identity/register/verify/",
        views_identity_register.register_verify,
        name="identity_register_verify",
    ),
    path("identity/demo-outbox/", views_identity_register.demo_outbox, name="identity_demo_outbox"),
    path("identity/account/", views_identity_account.account, name="identity_account"),
    path(
        "identity/account/logout-everywhere/",
        views_identity_account.logout_everywhere,
        name="identity_logout_everywhere",
    ),
    path(
        "identity/account/second-factor/",
        views_identity_account.second_factor_setup,
        name="identity_second_factor_setup",
    ),
    path(
        "identity/account/second-factor/remove/",
        views_identity_account.second_factor_remove,
        name="identity_second_factor_remove",
    ),
    path("identity/account/acting/", views_identity_account.acting, name="identity_acting"),
    path(
        "identity/account/organisations/",
        views_identity_account.organisation_register,
        name="identity_organisation_register",
    ),
    path("identity/officials/", views_identity_admin.officials, name="identity_officials"),
    path(
        "identity/officials/<str:agency>/<uuid:account_id>/",
        views_identity_admin.official_detail,
        name="identity_official_detail",
    ),
    path(
        "identity/officials/<str:agency>/<uuid:account_id>/revoke/",
        views_identity_admin.official_role_revoke,
        name="identity_official_role_revoke",
    ),
    path(
        "identity/officials/<str:agency>/<uuid:account_id>/close/",
        views_identity_admin.official_deactivate,
        name="identity_official_deactivate",
    ),
    path("identity/level/", views_identity_admin.level_raise, name="identity_level_raise"),
    # Population: police back office and citizens' "My information" (views_population.py).
    path("population/", population.citizen_search, name="population_search"),
    path("population/births/", population.birth_register, name="population_birth"),
    path("population/citizens/<str:ref>/", population.citizen_record, name="population_record"),
    path(
        "population/citizens/<str:ref>/<str:kind>/",
        population.citizen_event,
        name="population_event",
    ),
    path("my-information/", population.my_information, name="population_my_information"),
]
