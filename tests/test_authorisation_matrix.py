"""The authorisation matrix: every protected page and API of the project, tried as each kind of
caller (issue 4, item 5).

Views are discovered from the URL resolver. A view protected by ``egov.web.permissions`` (it
carries ``egov_protection``) or a DRF view whose permission classes are not all ``AllowAny`` must
have a row in ``MATRIX``; any other view must be listed in ``PUBLIC`` (or ``PROTOCOL``). So a new
view fails this test until someone decides, in a row, who may use it.

Callers: anonymous; citizen owner / citizen not owner; official of another agency (or, where the
row says, another jurisdiction) holding the row's role; official of the right agency with and
without the role; official with the role whose session has not passed the second factor; system
client (bearer token) with and without the row's scope. Officials log in with a session verified
by the second factor (``force_login_verified``) unless the persona says otherwise. "login" means a
redirect to the login page (web) or 401 (API); "second_factor" a redirect to the second-factor
step of the login flow.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import AccessToken, Application
from rest_framework.permissions import AllowAny

from egov.catalogue.services import catalogue_load
from egov.core.actor import Actor
from egov.documents import services as documents
from egov.dossiers import services as dossiers
from egov.identity import services
from egov.identity.facade import Role
from egov.identity.models import Account, AccountKind
from egov.identity.tests.factories import force_login_verified
from egov.notifications import selectors as notification_selectors
from egov.notifications import services as notification_services
from egov.population import selectors as population
from egov.population import services as population_services

JUSTICE = "000.00.15.H29"  # TP HCM Department of Justice
POLICE = "000.00.29.G01"  # TP HCM police
MINISTRY = "000.00.00.G15"  # Ministry of Justice (catalogue editors)
OTHER = "000.00.00.G18"  # Ministry of Health: "another agency"
NGHE_AN_POLICE = "000.00.41.G01"  # police of another province: another jurisdiction
AN, BINH = "079090001234", "001192005678"

PERSONAS = (
    "anonymous",
    "citizen_owner",
    "citizen_other",
    "official_other_agency",
    "official_with_role",
    "official_without_role",
    "official_unverified",
    "system_with_scope",
    "system_without_scope",
)

# Open to everyone on purpose.
PUBLIC = {
    "healthz", "readyz", "set_language", "", "api:schema",
    "api:geo:provinces", "api:geo:unit", "api:geo:unit-children", "api:geo:unit-successor",
    "api:geo:search", "api:agencies:list", "api:agencies:detail",
    "api:catalogue:list", "api:catalogue:detail", "api:dossiers:lookup",
    "web:home", "web:province_list", "web:unit_resolve", "web:province_detail",
    "web:agency_list", "web:agency_detail", "web:accessibility",
    "web:procedure_list", "web:procedure_detail", "web:dossier_lookup",
    "web:identity_login", "web:identity_second_factor", "web:identity_login_setup",
    "web:identity_logout", "web:identity_password_forgot", "web:identity_password_reset",
    "web:identity_register", "web:identity_register_verify", "web:identity_demo_outbox",
    "web:documents_verify_lookup", "web:documents_verify",
    "web:statistics",
    # payments: the gateway's server-to-server notification (authenticated by its signature) and
    # the sandbox bank (404 unless EGOV_PAYMENTS_SANDBOX is on)
    "payments_ipn", "sandbox:pay", "sandbox:api", "sandbox:settlement",
}  # fmt: skip
# OAuth2 / OpenID Connect protocol endpoints: client authentication and tokens, tested in
# src/egov/identity/tests/test_oidc.py (authorize requires a login; token needs the client).
PROTOCOL = {
    "oauth2_provider:authorize", "oauth2_provider:token", "oauth2_provider:revoke-token",
    "oauth2_provider:introspect", "oauth2_provider:oidc-connect-discovery-info",
    "oauth2_provider:jwks-info", "oauth2_provider:user-info",
    # The data sharing gateway: bearer token of a consumer system plus an active grant, checked
    # by the gateway itself (src/egov/exchange/tests/test_gateway.py tries every caller).
    "exchange_gateway",
}  # fmt: skip


@dataclass(frozen=True)
class Row:
    name: str
    path: Callable[[dict[str, Any]], str]
    agency: str = JUSTICE  # the "right agency"
    other_agency: str = OTHER  # the "official of another agency"
    role: Role | None = None
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    ok: int = 200
    expect: dict[str, int | str] = field(default_factory=dict)  # overrides of the defaults
    scope: str = ""


def _defaults(protection: str, row: Row) -> dict[str, int | str]:
    ok = row.ok
    if protection == "account":
        base = dict.fromkeys(PERSONAS[1:6], ok)
    elif protection == "citizen":
        base = {"citizen_owner": ok, "citizen_other": ok} | dict.fromkeys(PERSONAS[3:6], 403)
    elif protection.startswith("role:"):
        base = {"citizen_owner": 403, "citizen_other": 403, "official_other_agency": ok,
                "official_with_role": ok, "official_without_role": 403}  # fmt: skip
    else:  # API: owner, or a token with the scope
        base = {"citizen_owner": ok, "citizen_other": 403, "official_other_agency": 403,
                "official_with_role": 403, "official_without_role": 403,
                "system_with_scope": ok, "system_without_scope": 403}  # fmt: skip
    login = 401 if protection == "api" else "login"
    # Officials must have passed the second factor, on every page and in the API.
    unverified = 403 if protection == "api" else "second_factor"
    defaults: dict[str, int | str] = {"anonymous": login, "official_unverified": unverified}
    defaults |= {"system_with_scope": login, "system_without_scope": login}
    return defaults | base | row.expect


OFFICIALS = ("official_other_agency", "official_with_role", "official_without_role")
NEEDS_POPULATION = {
    "web:identity_acting", "web:population_my_information", "web:population_record",
    "web:population_event",
}  # fmt: skip
RANDOM_UUID = "00000000-0000-4000-8000-000000000000"


def _owner_notification(owner: Any) -> str:
    """A notification of the citizen owner (only they may mark it read)."""
    notification_services.template_register(
        "tests.matrix", subject=gettext_lazy("Notifications"), body=gettext_lazy("Notifications")
    )
    notification_services.notification_send(
        actor=Actor.system("tests"), recipient_id=str(owner), template="tests.matrix", params={}
    )
    return notification_selectors.notifications_for(recipient_id=str(owner))[0].public_id


def _owner_document() -> str:
    """A signed result issued to the citizen owner (only they may download it)."""
    return documents.result_document_issue(
        actor=Actor.system("tests"), agency_code=JUSTICE, agency_name="Sở Tư pháp",
        owner_pin=AN, code="MATRIX-KQ1", title="Giấy xác nhận", lines=[],
        verify_url="http://testserver/verify/MATRIX-KQ1/",
    ).public_id  # fmt: skip


def _owner_draft(owner: Any) -> str:
    """A draft dossier of the citizen owner (only they may open it; another citizen: 404)."""
    catalogue_load(actor=Actor.system("tests"))
    population_services.citizen_enrol(
        actor=Actor.system("tests"), pin=AN, sex="male", date_of_birth=dt.date(1990, 5, 17),
        full_name="An", birth_registration_unit="79",
        residences=({"kind": "permanent", "unit_code": "26743", "street_address": "12 Lê Lợi",
                     "valid_from": dt.date(2025, 7, 1), "valid_to": None},),
    )  # fmt: skip
    account = Account.objects.get(public_id=owner)
    return dossiers.draft_create(
        actor=account.as_actor(), procedure_code="0.000001", consent_prefill=True
    )


def _report_regimes() -> str:
    """The demo report regime (the Department of Justice reports in it); returns its code."""
    from egov.reporting.services import regimes_load

    regimes_load(actor=Actor.system("tests"))
    return "BC-DVC-THANG"


def _justice_order(owner: Any) -> str:
    """A payment order of the Department of Justice paid by the citizen owner."""
    from egov.payments import services as payments
    from egov.payments.facade import FeeLine

    return payments.order_create(
        actor=Actor.system("tests"), dossier_id="", dossier_code="", obligation="matrix",
        agency_code=JUSTICE, agency_name="Sở Tư pháp", procedure_code="0.000001",
        description="Lệ phí", lines=[FeeLine("fixed", "Lệ phí", 200_000)], payer_id=str(owner),
    ).public_id  # fmt: skip


def _justice_dossier(*, attachment: bool = False) -> str:
    """A dossier received at the counter of the Department of Justice (the "right agency");
    with ``attachment``, the path part of its scanned paper."""
    from egov.dossiers import selectors as dossier_selectors

    call_command("population_demo", count=0, verbosity=0)
    catalogue_load(actor=Actor.system("tests"))
    receiver = _official("matrix.receiver", JUSTICE, Role.RECEIVER)
    _id, code = dossiers.dossier_receive_at_counter(
        actor=receiver.as_actor(), procedure_code="0.000001", applicant_pin=AN,
        data={"record_type": "Phiếu số 1", "copies": 1, "purpose": "Xin việc"},
        uploads=[dossiers.Upload(1, "scan.pdf", b"%PDF-1.4\n%%EOF\n")],
    )  # fmt: skip
    if not attachment:
        return code
    info = dossier_selectors.dossier_for_official(actor=receiver.as_actor(), code=code)
    return f"{code}/attachments/{info.attachments[0].id}"


MPS = "000.00.00.G01"  # Ministry of Public Security: provider of the population services


def _exchange_request() -> str:
    """A pending access request of the Department of Justice's system for a population service
    (provider: the Ministry of Public Security, the "right agency" of these rows)."""
    from egov.exchange import selectors as exchange_selectors
    from egov.exchange import services as exchange

    system = Actor.system("tests")
    call_command("exchange_load", verbosity=0)
    exchange.member_ensure(actor=system, code=JUSTICE)
    exchange.subsystem_ensure(actor=system, member_code=JUSTICE, code="civil", name="HT")
    service = next(s for s in exchange_selectors.service_catalogue() if s.code == "citizen-get")
    return exchange.access_request_submit(
        actor=system, consumer=f"VN:GOV:{JUSTICE}:civil", service_id=service.public_id,
        purpose="check", purpose_description="x", legal_basis="", fields=["full_name"],
        frequency="daily", requester_name="x",
    )  # fmt: skip


def _exchange_service() -> str:
    from egov.exchange import selectors as exchange_selectors

    _exchange_request()
    return next(
        s for s in exchange_selectors.service_catalogue() if s.code == "citizen-get"
    ).public_id


def _exchange_grant() -> str:
    from egov.exchange import services as exchange

    grant = exchange.access_request_decide(
        actor=Actor.system("tests"), request_id=_exchange_request(), action="approve"
    )
    return str(grant)


MATRIX: list[Row] = [
    # identity: my account (any person)
    Row("web:identity_account", lambda c: "/en/identity/account/"),
    Row("web:identity_logout_everywhere", lambda c: "/en/identity/account/logout-everywhere/",
        method="post", ok=302),
    Row("web:identity_second_factor_setup", lambda c: "/en/identity/account/second-factor/"),
    Row("web:identity_second_factor_remove", lambda c: "/en/identity/account/second-factor/remove/",
        method="post", ok=302,
        expect=dict.fromkeys(OFFICIALS, 409)),
    Row("web:identity_acting", lambda c: "/en/identity/account/acting/"),
    Row("web:identity_organisation_register", lambda c: "/en/identity/account/organisations/",
        method="post", ok=400),
    # identity: agency administrators, only within their own agency
    Row("web:identity_officials", lambda c: f"/en/identity/officials/?agency={JUSTICE}",
        role=Role.AGENCY_ADMIN, expect={"official_other_agency": 403}),
    Row("web:identity_official_detail",
        lambda c: f"/en/identity/officials/{JUSTICE}/{c['target_official']}/",
        role=Role.AGENCY_ADMIN, expect={"official_other_agency": 403}),
    Row("web:identity_official_role_revoke",
        lambda c: f"/en/identity/officials/{JUSTICE}/{c['target_official']}/revoke/",
        role=Role.AGENCY_ADMIN, method="post", data={"role": "handler"}, ok=302,
        expect={"official_other_agency": 403}),
    Row("web:identity_official_deactivate",
        lambda c: f"/en/identity/officials/{JUSTICE}/{c['target_official']}/close/",
        role=Role.AGENCY_ADMIN, method="post", ok=302, expect={"official_other_agency": 403}),
    # Level 2 is verified in person at any police office: population officers nationwide
    # (src/egov/identity/README.md), so the officer of another agency is let through.
    Row("web:identity_level_raise", lambda c: "/en/identity/level/", agency=POLICE,
        role=Role.POPULATION_OFFICER),
    Row("web:identity_level_raise", lambda c: "/en/identity/level/", agency=POLICE,
        other_agency=NGHE_AN_POLICE, role=Role.POPULATION_OFFICER),
    # identity API: the account holder, or an agency system with the scope
    Row("api:identity-account", lambda c: f"/api/v1/identity/accounts/{c['owner']}/",
        scope="identity.accounts.read"),
    Row("api:identity-account", lambda c: f"/api/v1/identity/accounts/{c['target_official']}/",
        role=Role.AGENCY_ADMIN, scope="identity.accounts.read",
        expect={"citizen_owner": 403, "official_with_role": 200}),
    # population back office (police) and "My information" (citizens)
    Row("web:population_search", lambda c: "/en/population/", agency=POLICE,
        role=Role.POPULATION_OFFICER),
    Row("web:population_birth", lambda c: "/en/population/births/", agency=POLICE,
        role=Role.POPULATION_OFFICER),
    Row("web:population_record", lambda c: "/en/population/citizens/unknown-ref/",
        agency=POLICE, role=Role.POPULATION_OFFICER, ok=404),
    Row("web:population_event", lambda c: "/en/population/citizens/unknown-ref/death/",
        agency=POLICE, role=Role.POPULATION_OFFICER, ok=404),
    # A citizen living in TP HCM: the police of another province do not see the record.
    Row("web:population_record", lambda c: f"/en/population/citizens/{c['an_ref']}/",
        agency=POLICE, other_agency=NGHE_AN_POLICE, role=Role.POPULATION_OFFICER,
        expect={"official_other_agency": 404}),
    Row("web:population_event", lambda c: f"/en/population/citizens/{c['an_ref']}/death/",
        agency=POLICE, other_agency=NGHE_AN_POLICE, role=Role.POPULATION_OFFICER,
        expect={"official_other_agency": 404}),
    Row("web:population_event", lambda c: f"/en/population/citizens/{c['an_ref']}/death/",
        agency=POLICE, other_agency=NGHE_AN_POLICE, role=Role.POPULATION_OFFICER,
        method="post", data={"date_of_death": "2026-01-01"}, ok=302,
        expect={"official_other_agency": 404}),
    Row("web:population_my_information", lambda c: "/en/my-information/"),
    # catalogue editing: editors edit the national catalogue, whatever their agency
    Row("web:catalogue_editor", lambda c: "/en/catalogue/", agency=MINISTRY,
        role=Role.CATALOGUE_EDITOR),
    Row("web:catalogue_procedure", lambda c: "/en/catalogue/procedures/9.999999/",
        agency=MINISTRY, role=Role.CATALOGUE_EDITOR, ok=404),
    Row("web:catalogue_version_edit", lambda c: f"/en/catalogue/versions/{RANDOM_UUID}/edit/",
        agency=MINISTRY, role=Role.CATALOGUE_EDITOR, ok=404),
    Row("web:catalogue_version_diff", lambda c: f"/en/catalogue/versions/{RANDOM_UUID}/",
        agency=MINISTRY, role=Role.CATALOGUE_EDITOR, ok=404),
    Row("web:catalogue_version_discard",
        lambda c: f"/en/catalogue/versions/{RANDOM_UUID}/discard/",
        agency=MINISTRY, role=Role.CATALOGUE_EDITOR, method="post", ok=404),
    # documents: a citizen's own documents; only the holder downloads one (others: 404)
    Row("web:documents_mine", lambda c: "/en/my-documents/"),
    Row("web:documents_download",
        lambda c: f"/en/my-documents/{_owner_document()}/download/",
        expect={"citizen_other": 404}),
    # notifications: any person's own list; only the recipient marks one read (others: 404)
    Row("web:notification_list", lambda c: "/en/notifications/"),
    Row("web:notification_mark_all_read", lambda c: "/en/notifications/read-all/",
        method="post", ok=302),
    Row("web:notification_mark_read",
        lambda c: f"/en/notifications/{_owner_notification(c['owner'])}/read/",
        method="post", ok=404, expect={"citizen_owner": 302}),
    # dossiers: the applicant's pages (citizens; another citizen's dossier reads as not found)
    Row("web:procedure_submit", lambda c: "/en/procedures/9.999999/submit/", ok=404),
    Row("web:dossier_list", lambda c: "/en/dossiers/"),
    Row("web:dossier_edit", lambda c: f"/en/dossiers/{_owner_draft(c['owner'])}/edit/",
        ok=404, expect={"citizen_owner": 200}),
    Row("web:dossier_detail", lambda c: f"/en/dossiers/{RANDOM_UUID}/", ok=404),
    Row("web:dossier_review", lambda c: f"/en/dossiers/{RANDOM_UUID}/review/", ok=404),
    Row("web:dossier_discard", lambda c: f"/en/dossiers/{RANDOM_UUID}/discard/", ok=404),
    Row("web:dossier_file", lambda c: f"/en/dossiers/{RANDOM_UUID}/files/1/", ok=404),
    Row("web:dossier_file_remove", lambda c: f"/en/dossiers/{RANDOM_UUID}/files/1/remove/",
        method="post", ok=404),
    Row("web:dossier_supplement", lambda c: f"/en/dossiers/{RANDOM_UUID}/supplement/",
        method="post", data={"send": "1"}, ok=404),
    Row("web:dossier_withdraw", lambda c: f"/en/dossiers/{RANDOM_UUID}/withdraw/", ok=404),
    Row("web:dossier_rate", lambda c: f"/en/dossiers/{RANDOM_UUID}/rate/", method="post",
        ok=404),
    Row("web:dossier_result", lambda c: f"/en/dossiers/{RANDOM_UUID}/result/", ok=404),
    # dossiers: the officials' back office (receiver, handler, approver, finance officer of the
    # dossier's agency; a dossier of another agency reads as not found)
    Row("web:office_inbox", lambda c: "/en/office/"),
    Row("web:office_inbox", lambda c: f"/en/office/?agency={JUSTICE}",
        expect={"official_other_agency": 403}),
    Row("web:office_dossier", lambda c: f"/en/office/dossiers/{_justice_dossier()}/",
        expect={"official_other_agency": 404}),
    # A step on a version the official did not see: the conflict page, nothing changed.
    Row("web:office_dossier", lambda c: f"/en/office/dossiers/{_justice_dossier()}/",
        method="post", data={"action": "accept", "accept-row_version": "0"}, ok=409,
        expect={"official_other_agency": 404}),
    Row("web:office_attachment",
        lambda c: f"/en/office/dossiers/{_justice_dossier(attachment=True)}/",
        expect={"official_other_agency": 404}),
    Row("web:office_result", lambda c: f"/en/office/dossiers/{_justice_dossier()}/result/",
        ok=404),
    Row("web:office_form", lambda c: f"/en/office/dossiers/{_justice_dossier()}/forms/01/",
        expect={"official_other_agency": 404}),
    Row("web:office_counter", lambda c: "/en/office/counter/"),
    Row("web:office_tasks", lambda c: "/en/office/tasks/", role=Role.HANDLER),
    # dossiers API: the applicant's own (session or token with dossiers.own; a system client is
    # not an applicant) and the officials' inbox and steps (dossiers.process)
    Row("api:dossiers:list", lambda c: "/api/v1/dossiers/", scope="dossiers.own",
        expect={"citizen_other": 200, "system_with_scope": 403}),
    # A submission without its Idempotency-Key: refused before anything is read.
    Row("api:dossiers:list", lambda c: "/api/v1/dossiers/", method="post", ok=400,
        scope="dossiers.own", expect={"citizen_other": 400, "system_with_scope": 403}),
    Row("api:dossiers:detail", lambda c: f"/api/v1/dossiers/{_owner_draft(c['owner'])}",
        scope="dossiers.own", expect={"citizen_other": 404, "system_with_scope": 403}),
    Row("api:office:inbox", lambda c: f"/api/v1/office/inbox?agency={JUSTICE}",
        scope="dossiers.process",
        expect={"citizen_owner": 403, "official_with_role": 200, "system_with_scope": 403}),
    # A step on a version the official did not see: 409, nothing changed.
    Row("api:office:dossier-actions",
        lambda c: f"/api/v1/office/dossiers/{_justice_dossier()}/actions", method="post",
        data={"action": "accept", "row_version": "0"}, scope="dossiers.process",
        expect={"citizen_owner": 403, "official_with_role": 409, "official_other_agency": 404,
                "official_without_role": 404, "system_with_scope": 403}),
    # exchange (data sharing platform): the catalogue for agency administrators and operators;
    # requests and grants for the administrators of the agencies concerned (others: not found);
    # the log for platform operators; "Who used my data" for citizens (their own data only).
    Row("web:exchange_catalogue", lambda c: "/en/exchange/services/", role=Role.AGENCY_ADMIN),
    Row("web:exchange_request_new",
        lambda c: f"/en/exchange/services/{_exchange_service()}/request/",
        role=Role.AGENCY_ADMIN),
    Row("web:exchange_queue", lambda c: "/en/exchange/requests/", role=Role.AGENCY_ADMIN),
    Row("web:exchange_request", lambda c: f"/en/exchange/requests/{_exchange_request()}/",
        role=Role.AGENCY_ADMIN, agency=MPS, expect={"official_other_agency": 404}),
    Row("web:exchange_grants", lambda c: "/en/exchange/grants/", role=Role.AGENCY_ADMIN),
    Row("web:exchange_grant_act", lambda c: f"/en/exchange/grants/{_exchange_grant()}/act/",
        role=Role.AGENCY_ADMIN, agency=MPS, method="post",
        data={"action": "suspend", "reason": "Kiểm tra"}, ok=302,
        expect={"official_other_agency": 404}),
    Row("web:exchange_log", lambda c: "/en/exchange/log/", role=Role.PLATFORM_OPERATOR),
    Row("web:exchange_my_data", lambda c: "/en/my-data-log/"),
    Row("web:exchange_my_data_csv", lambda c: "/en/my-data-log/export.csv"),
    # reporting (issue 8): the Operations Center for analysts and leaders of any agency (figures
    # are aggregates); periodic reports: status for analysts, leaders and administrators,
    # submission only for the reporting agency's own leaders/administrators or its system.
    Row("web:ops_overview", lambda c: "/en/ops/", role=Role.OPS_ANALYST),
    Row("web:ops_overview", lambda c: "/en/ops/", role=Role.APPROVER),
    Row("web:ops_provinces", lambda c: "/en/ops/provinces/", role=Role.OPS_ANALYST),
    Row("web:ops_province", lambda c: "/en/ops/provinces/79/", role=Role.OPS_ANALYST),
    Row("web:ops_ministries", lambda c: "/en/ops/ministries/?format=csv", role=Role.OPS_ANALYST),
    Row("web:ops_ministry", lambda c: "/en/ops/ministries/000.00.00.G18/",
        role=Role.OPS_ANALYST),
    Row("web:ops_agency", lambda c: f"/en/ops/agencies/{JUSTICE}/", role=Role.OPS_ANALYST),
    Row("web:reporting_regimes", lambda c: "/en/reports/", role=Role.AGENCY_ADMIN),
    Row("web:reporting_regime", lambda c: f"/en/reports/{_report_regimes()}/",
        role=Role.OPS_ANALYST),
    Row("web:reporting_submit", lambda c: f"/en/reports/{_report_regimes()}/{JUSTICE}/",
        role=Role.APPROVER, expect={"official_other_agency": 403}),
    Row("api:reporting-submissions",
        lambda c: f"/api/v1/reporting/regimes/{_report_regimes()}/submissions",
        method="post", data={"agency_code": JUSTICE}, role=Role.APPROVER, ok=400,
        scope="reporting.submit",
        expect={"citizen_owner": 403, "official_with_role": 400, "system_with_scope": 400}),
    # payments: the applicant's pay button, result page, payments and receipts (another
    # citizen's order or dossier reads as not found); the agency's finance officers (their own
    # agency only: another agency's order is not found)
    Row("web:dossier_pay", lambda c: f"/en/dossiers/{RANDOM_UUID}/pay/", method="post",
        data={"gateway": "vnpay"}, ok=404),
    Row("web:payments_return", lambda c: "/en/payments/vnpay/return/?vnp_TxnRef=X", ok=400),
    Row("web:payments_mine", lambda c: "/en/my-payments/"),
    Row("web:payments_order", lambda c: f"/en/my-payments/{_justice_order(c['owner'])}/",
        ok=404, expect={"citizen_owner": 200}),
    Row("web:payments_check", lambda c: f"/en/my-payments/{RANDOM_UUID}/check/",
        method="post", ok=404),
    Row("web:payments_receipt", lambda c: f"/en/my-payments/{RANDOM_UUID}/receipt/", ok=404),
    Row("web:payments_finance", lambda c: "/en/finance/payments/", role=Role.FINANCE_OFFICER),
    Row("web:payments_finance", lambda c: f"/en/finance/payments/?agency={JUSTICE}",
        role=Role.FINANCE_OFFICER, expect={"official_other_agency": 403}),
    Row("web:payments_finance_order",
        lambda c: f"/en/finance/payments/{_justice_order(c['owner'])}/",
        role=Role.FINANCE_OFFICER, expect={"official_other_agency": 404}),
    Row("web:payments_finance_receipt",
        lambda c: f"/en/finance/payments/{_justice_order(c['owner'])}/receipt/",
        role=Role.FINANCE_OFFICER, ok=400, expect={"official_other_agency": 404}),
    Row("web:payments_reconciliation", lambda c: "/en/finance/reconciliation/",
        role=Role.FINANCE_OFFICER),
    Row("web:payments_reconciliation", lambda c: f"/en/finance/reconciliation/?agency={JUSTICE}",
        role=Role.FINANCE_OFFICER, expect={"official_other_agency": 403}),
    Row("web:payments_settlement", lambda c: f"/en/finance/reconciliation/{RANDOM_UUID}/",
        role=Role.FINANCE_OFFICER, ok=404),
]  # fmt: skip


def _walk(patterns: list[Any], ns: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin: staff only, with its own tests
            yield from _walk(
                pattern.url_patterns, ns + (f"{pattern.namespace}:" if pattern.namespace else "")
            )
        elif isinstance(pattern, URLPattern):
            yield ns + (pattern.name or ""), pattern.callback


def _protection(callback: Any) -> str | None:
    marked = getattr(callback, "egov_protection", None)
    if marked:
        return str(marked)
    cls = getattr(callback, "cls", None)
    classes = getattr(cls, "permission_classes", None)
    if classes is not None and any(c is not AllowAny for c in classes):
        return "api"
    return None


def _views() -> dict[str, str | None]:
    return {name: _protection(cb) for name, cb in _walk(get_resolver().url_patterns)}


def test_every_view_is_classified() -> None:
    views = _views()
    rows = {row.name for row in MATRIX}
    missing = sorted(n for n, p in views.items() if p and n not in rows)
    unknown = sorted(n for n, p in views.items() if not p and n not in PUBLIC | PROTOCOL)
    stale = sorted(rows - {n for n, p in views.items() if p})
    assert missing == [], f"protected views without an authorisation-matrix row: {missing}"
    assert unknown == [], f"unprotected views not listed as public: {unknown}"
    assert stale == [], f"matrix rows for views that are gone or no longer protected: {stale}"


def _official(username: str, agency: str, role: Role | None) -> Account:
    account = Account.objects.create(
        username=username, kind=AccountKind.OFFICIAL, agency_code=agency, full_name=username
    )
    if role is not None:
        services.role_grant(
            actor=Actor.system("tests"), account=account, role=role, agency_code=agency
        )
    return account


def _system_token(client_id: str, scope: str) -> str:
    owner = Account.objects.create(
        username=f"system:{client_id}", kind=AccountKind.SYSTEM, agency_code=JUSTICE
    )
    app = Application.objects.create(
        client_id=client_id, user=owner, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, name=client_id,
    )  # fmt: skip
    token = AccessToken.objects.create(
        application=app, token=uuid.uuid4().hex, scope=scope,
        expires=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )  # fmt: skip
    return token.token


def _request(client: Client, row: Row, path: str, **headers: str) -> Any:
    call = client.post if row.method == "post" else client.get
    return call(path, row.data, **headers)


CASES = [(row, persona) for row in MATRIX for persona in PERSONAS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "persona"),
    CASES,
    ids=[f"{r.name}#{i // len(PERSONAS)}-{p}" for i, (r, p) in enumerate(CASES)],
)
def test_matrix(row: Row, persona: str, client: Client) -> None:
    if row.name in NEEDS_POPULATION:
        call_command("population_demo", count=0, verbosity=0)
    protection = _views()[row.name]
    assert protection is not None
    owner = Account.objects.create(username=AN, pin=AN, assurance_level=2, full_name="An")
    other = Account.objects.create(username=BINH, pin=BINH, assurance_level=1, full_name="Bình")
    target = _official("target.official", JUSTICE, Role.HANDLER)
    role = row.role or Role.RECEIVER
    accounts = {
        "citizen_owner": owner,
        "citizen_other": other,
        "official_other_agency": _official("other.agency", row.other_agency, role),
        "official_with_role": _official("with.role", row.agency, role),
        "official_without_role": _official("without.role", row.agency, None),
        "official_unverified": _official("unverified", row.agency, role),
    }
    headers: dict[str, str] = {}
    if persona == "official_unverified":
        TOTPDevice.objects.create(user=accounts[persona], name="t", confirmed=True)
        client.force_login(accounts[persona])  # password only: no second factor yet
    elif persona in accounts:
        force_login_verified(client, accounts[persona])
    elif persona.startswith("system"):
        scope = row.scope if persona == "system_with_scope" else "openid"
        headers["HTTP_AUTHORIZATION"] = f"Bearer {_system_token(persona, scope)}"
    context = {"owner": owner.public_id, "target_official": target.public_id}
    if row.name in NEEDS_POPULATION:
        context["an_ref"] = population.citizen_search(
            actor=Actor.system("tests"), purpose="tests", pin=AN
        )[0].ref
    response = _request(client, row, row.path(context), **headers)
    expected = _defaults(protection, row)[persona]
    if expected == "login":
        assert response.status_code == 302, response.status_code
        assert "/identity/login/?next=" in response["Location"]
    elif expected == "second_factor":
        assert response.status_code == 302, response.status_code
        assert response["Location"] == "/en/identity/login/second-factor/"
    else:
        assert response.status_code == expected, (response.status_code, response.content[:300])
        if response.status_code == 302:
            assert "/identity/login/?next=" not in response["Location"]
