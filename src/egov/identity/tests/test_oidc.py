"""Single sign-on: a real authorization-code + PKCE flow against the live server, driven by an
OpenID Connect client library (Authlib), with the ID token's signature and claims checked
against the provider's discovery document and JWKS. Also client credentials and bad requests."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from django.conf import LazySettings
from joserfc import jwt
from joserfc.jwk import KeySet

from egov.core.actor import Actor
from egov.identity import services
from egov.identity.tests.conftest import audit_rows
from egov.identity.tests.factories import PASSWORD, citizen

CLIENT_ID = "test-portal"
CLIENT_SECRET = "test-portal-secret-0123456789"
REDIRECT = "http://127.0.0.1:9/callback"  # never opened: the test reads the redirect itself


@pytest.fixture
def provider(live_server: Any, settings: LazySettings, transactional_db: None) -> str:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # plain-http test server
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    }
    services.oidc_client_ensure(
        actor=Actor.system("tests"),
        name="Test provincial portal",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[REDIRECT],
        skip_authorization=True,
    )
    return str(live_server.url)


def _browser_login(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/en/identity/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    response = browser.post(
        f"{base}/en/identity/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{base}/en/identity/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:300]
    return browser


def test_authorization_code_flow_with_pkce(provider: str) -> None:
    account = citizen("079090001234", name="Nguyễn Văn An", level=2)
    discovery = requests.get(f"{provider}/o/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == f"{provider}/o"
    assert "S256" in discovery["code_challenge_methods_supported"]
    assert set(discovery["claims_supported"]) >= {"sub", "name", "pin", "acr"}

    client = OAuth2Session(
        CLIENT_ID,
        CLIENT_SECRET,
        scope="openid profile pin",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
    )
    verifier = "v" * 20 + "-pkce-verifier-" + "x" * 30
    url, state = client.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce="n-0S6_WzA2Mj"
    )
    browser = _browser_login(provider, account.username)
    answer = browser.get(url, allow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(REDIRECT)
    token = client.fetch_token(
        discovery["token_endpoint"],
        authorization_response=answer.headers["Location"],
        code_verifier=verifier,
        state=state,
    )
    jwks = KeySet.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    decoded = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])  # checks the signature
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": CLIENT_ID},
        nonce={"essential": True, "value": "n-0S6_WzA2Mj"},
        exp={"essential": True},
    ).validate(decoded.claims)
    claims = decoded.claims
    assert decoded.header["alg"] == "RS256"
    assert (claims["sub"], claims["pin"], claims["name"], claims["acr"]) == (
        str(account.public_id),
        "079090001234",
        "Nguyễn Văn An",
        "urn:egov:loa:2",
    )
    userinfo = client.get(discovery["userinfo_endpoint"]).json()
    assert userinfo["sub"] == str(account.public_id)


def test_pkce_is_required(provider: str) -> None:
    account = citizen("079090001234")
    browser = _browser_login(provider, account.username)
    answer = browser.get(
        f"{provider}/o/authorize/",
        params={
            "client_id": CLIENT_ID,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": REDIRECT,
            "state": "s",
        },
        allow_redirects=False,
    )
    assert answer.status_code == 302
    assert "error=invalid_request" in answer.headers["Location"]


def test_unregistered_redirect_uri_is_refused_and_audited(provider: str) -> None:
    account = citizen("079090001234")
    browser = _browser_login(provider, account.username)
    answer = browser.get(
        f"{provider}/o/authorize/",
        params={
            "client_id": CLIENT_ID,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": "https://evil.example/steal",
            "state": "s",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 400
    assert "evil.example" not in answer.headers.get("Location", "")
    assert "This login request was refused" in answer.text
    assert audit_rows(action="identity.oidc_request_refused").count() == 1


def test_anonymous_authorize_goes_to_login(provider: str) -> None:
    answer = requests.get(
        f"{provider}/o/authorize/?client_id={CLIENT_ID}", allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/identity/login/?next=/o/authorize/")


def test_client_credentials_only_get_their_scopes(provider: str) -> None:
    services.system_client_ensure(
        actor=Actor.system("tests"),
        name="Agency system",
        agency_code="000.00.15.H29",
        client_id="agency-system",
        client_secret="agency-system-secret-0123",
        scopes=["identity.accounts.read"],
    )
    token_url = f"{provider}/o/token/"
    ok = requests.post(
        token_url,
        data={"grant_type": "client_credentials", "scope": "identity.accounts.read"},
        auth=("agency-system", "agency-system-secret-0123"),
        timeout=10,
    )
    assert ok.status_code == 200
    assert ok.json()["scope"] == "identity.accounts.read"
    refused = requests.post(
        token_url,
        data={"grant_type": "client_credentials", "scope": "openid pin"},
        auth=("agency-system", "agency-system-secret-0123"),
        timeout=10,
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"
