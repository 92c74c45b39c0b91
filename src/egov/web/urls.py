from django.urls import URLPattern, URLResolver, include, path

from egov.web import (
    views,
    views_identity_account,
    views_identity_admin,
    views_identity_login,
    views_identity_register,
)
from egov.web import views_catalogue as catalogue
from egov.web import views_documents as documents
from egov.web import views_dossiers as dossiers
from egov.web import views_dossiers_draft as dossier_drafts
from egov.web import views_notifications as notifications
from egov.web import views_office as office
from egov.web import views_office_counter as office_counter
from egov.web import views_office_forms as office_forms
from egov.web import views_population as population

app_name = "web"

urlpatterns: list[URLPattern | URLResolver] = [
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
    # Dossiers: the applicant's pages and the public lookup (views_dossiers*.py).
    path("dossiers/", dossiers.dossier_list, name="dossier_list"),
    path("dossiers/lookup/", dossiers.dossier_lookup, name="dossier_lookup"),
    path("dossiers/<uuid:dossier_id>/", dossiers.dossier_detail, name="dossier_detail"),
    path("dossiers/<uuid:dossier_id>/edit/", dossier_drafts.dossier_edit, name="dossier_edit"),
    path(
        "dossiers/<uuid:dossier_id>/review/", dossier_drafts.dossier_review, name="dossier_review"
    ),
    path(
        "dossiers/<uuid:dossier_id>/discard/",
        dossier_drafts.dossier_discard,
        name="dossier_discard",
    ),
    path(
        "dossiers/<uuid:dossier_id>/files/<int:attachment_id>/",
        dossiers.dossier_file,
        name="dossier_file",
    ),
    path(
        "dossiers/<uuid:dossier_id>/files/<int:attachment_id>/remove/",
        dossiers.dossier_file_remove,
        name="dossier_file_remove",
    ),
    path(
        "dossiers/<uuid:dossier_id>/supplement/",
        dossiers.dossier_supplement,
        name="dossier_supplement",
    ),
    path(
        "dossiers/<uuid:dossier_id>/withdraw/", dossiers.dossier_withdraw, name="dossier_withdraw"
    ),
    path("dossiers/<uuid:dossier_id>/rate/", dossiers.dossier_rate, name="dossier_rate"),
    path("dossiers/<uuid:dossier_id>/result/", dossiers.dossier_result, name="dossier_result"),
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
    # Notifications: any logged-in person's own list (views_notifications.py).
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/read-all/",
        notifications.notification_mark_all_read,
        name="notification_mark_all_read",
    ),
    path(
        "notifications/<uuid:notification_id>/read/",
        notifications.notification_mark_read,
        name="notification_mark_read",
    ),
    # Documents: public verification of signed results (QR target) and a citizen's documents.
    path("verify/", documents.verify_lookup, name="documents_verify_lookup"),
    path("verify/<str:code>/", documents.verify, name="documents_verify"),
    path("my-documents/", documents.my_documents, name="documents_mine"),
    path(
        "my-documents/<uuid:public_id>/download/",
        documents.my_document_download,
        name="documents_download",
    ),
    # Officials' back office for dossiers: inbox, workspace, printable forms, counter reception,
    # other agencies' tasks (views_office*.py).
    path("office/", office.inbox, name="office_inbox"),
    path("office/counter/", office_counter.counter, name="office_counter"),
    path("office/tasks/", office_counter.tasks, name="office_tasks"),
    path("office/dossiers/<str:code>/", office.dossier_workspace, name="office_dossier"),
    path(
        "office/dossiers/<str:code>/attachments/<int:attachment_id>/",
        office.dossier_attachment,
        name="office_attachment",
    ),
    path("office/dossiers/<str:code>/result/", office.dossier_result, name="office_result"),
    path(
        "office/dossiers/<str:code>/forms/<str:number>/",
        office_forms.dossier_form,
        name="office_form",
    ),
]

# Pages of the data sharing platform, payments and the operations center, one URL file each.
urlpatterns += [
    path("", include("egov.web.urls_exchange")),
    path("", include("egov.web.urls_payments")),
    path("", include("egov.web.urls_reporting")),
]
