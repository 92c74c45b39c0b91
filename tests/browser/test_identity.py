"""Identity in a real browser, in Vietnamese and English, each page checked with axe-core:
registration with the one-time code read from the demo outbox, login with the second factor,
and single sign-on of a relying party (authorization code + PKCE, completed by the test)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from django.conf import LazySettings
from django.core.cache import cache
from django.core.management import call_command
from joserfc import jwt
from joserfc.jwk import KeySet

from egov.core.actor import Actor
from egov.identity import services
from egov.identity.facade import Role
from egov.identity.tests.factories import PASSWORD, citizen, official, totp_now
from egov.population import services as population_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("vi", ""), ("en", "/en")]


@pytest.fixture
def identity_site(portal: str, settings: LazySettings, tmp_path: Any) -> str:
    """Demo mode (the demo outbox), plain-http cookies for the test server, the population's
    demo citizens, and a private outbox folder."""
    settings.DEMO = True
    settings.VAR_DIR = tmp_path
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    }
    cache.clear()
    # A transactional test's flush also empties the population's table of ethnicities.
    population_services.ethnicities_ensure(actor=Actor.system("tests"))
    call_command("population_demo", count=0, verbosity=0)
    return portal


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_registration_with_code_from_demo_outbox(
    identity_site: str, page: Any, assert_accessible: Any, lang: str, prefix: str
) -> None:
    page.goto(f"{prefix}/identity/register/")
    assert_accessible(page)
    page.fill("#id_pin", "040185003456")
    page.fill("#id_full_name", "Lê Thị Cúc Nhầm")  # wrong name first: refused, no data shown
    page.fill("#id_date_of_birth", "1985-11-02")
    page.fill("#id_contact", "cuc@example.vn")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.locator(".error-summary").wait_for()  # appears once the answer is shown
    assert_accessible(page)

    page.fill("#id_full_name", "Lê Thị Cúc")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/register/verify/$"))
    assert_accessible(page)

    page.locator("a[href$='/identity/demo-outbox/']").click()
    page.wait_for_url(re.compile(r"/identity/demo-outbox/$"))
    assert_accessible(page)
    body = page.locator("[data-outbox-body]").first.inner_text()
    code = re.search(r"\b(\d{6})\b", body)
    assert code is not None

    page.goto(f"{prefix}/identity/register/verify/")
    page.fill("#id_code", "000000" if code[1] != "000000" else "111111")
    page.locator("main form button[type=submit]").click()
    page.locator(".error-summary").wait_for()  # a wrong code is refused clearly
    page.fill("#id_code", code[1])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/login/$"))
    assert page.locator(".message--success").is_visible()
    assert_accessible(page)

    page.fill("#id_username", "040185003456")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/account/$"))
    assert page.locator("[data-level='1']").is_visible()
    assert _lang(page) == lang
    assert_accessible(page)


def _lang(page: Any) -> str:
    return str(page.locator("html").get_attribute("lang"))


@pytest.mark.parametrize(("lang", "prefix"), LANGUAGES)
def test_official_logs_in_with_second_factor(
    identity_site: str,
    page: Any,
    assert_accessible: Any,
    lang: str,
    prefix: str,
    settings: LazySettings,
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    official("justice.admin", "000.00.15.H29", Role.AGENCY_ADMIN)
    page.goto(f"{prefix}/identity/login/")
    assert_accessible(page)
    page.fill("#id_username", "justice.admin")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/login/second-factor/$"))
    assert_accessible(page)
    page.fill("#id_token", "000000" if totp_now() != "000000" else "111111")
    page.locator("main form button[type=submit]").click()
    page.locator(".error-summary").wait_for()  # appears once the answer is shown
    assert_accessible(page)
    page.fill("#id_token", totp_now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/identity/account/$"))
    assert_accessible(page)
    page.locator("a[href$='/identity/officials/']").click()
    page.wait_for_url(re.compile(r"/identity/officials/$"))
    assert page.get_by_text("justice.admin").first.is_visible()
    assert _lang(page) == lang
    assert_accessible(page)


def test_single_sign_on_of_a_relying_party(
    identity_site: str, page: Any, assert_accessible: Any
) -> None:
    account = citizen("079090001234", name="Nguyễn Văn An", level=2)
    redirect_uri = f"{identity_site}/rp/callback"
    services.oidc_client_ensure(
        actor=Actor.system("tests"),
        name="Cổng dịch vụ công tỉnh (thử nghiệm)",
        client_id="browser-rp",
        client_secret="browser-rp-secret-0123456789",
        redirect_uris=[redirect_uri],
    )
    discovery = requests.get(
        f"{identity_site}/o/.well-known/openid-configuration", timeout=10
    ).json()
    rp = OAuth2Session(
        "browser-rp", "browser-rp-secret-0123456789", scope="openid profile pin",
        redirect_uri=redirect_uri, code_challenge_method="S256",
    )  # fmt: skip
    verifier = "browser-test-pkce-verifier-" + "z" * 30
    url, state = rp.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce="browser-nonce"
    )
    # The relying party is the test itself: it reads the code from the request the browser makes
    # to the registered callback (the redirect after consent); the live server answers 404 there.
    returned: list[str] = []
    page.on("request", lambda r: returned.append(r.url) if "/rp/callback" in r.url else None)
    page.goto(url)
    page.wait_for_url(re.compile(r"/identity/login/\?next="))
    assert_accessible(page)
    page.fill("#id_username", account.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/o/authorize/"))
    assert_accessible(page)  # the consent page
    page.locator("button[name=allow]").click()
    page.wait_for_url(re.compile(r"/rp/callback"))
    assert len(returned) == 1
    token = rp.fetch_token(
        discovery["token_endpoint"], authorization_response=returned[0],
        code_verifier=verifier, state=state,
    )  # fmt: skip
    keys = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": "browser-rp"},
        nonce={"essential": True, "value": "browser-nonce"},
    ).validate(decoded.claims)
    assert (decoded.claims["sub"], decoded.claims["pin"], decoded.claims["acr"]) == (
        str(account.public_id),
        "079090001234",
        "urn:egov:loa:2",
    )
