"""The shell every page shares: language, landmarks, navigation, language switch, errors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from egov.web.tests.conftest import body

pytestmark = pytest.mark.django_db


def test_home_in_vietnamese_is_the_default(client: Client) -> None:
    response = client.get("/")
    html = body(response)
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert 'value="vi" lang="vi" aria-current="true">Tiếng Việt</button>' in html
    assert 'value="en" lang="en">English</button>' in html


def test_home_in_english(client: Client) -> None:
    response = client.get("/en/")
    html = body(response)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert 'value="en" lang="en" aria-current="true">English</button>' in html
    assert "National Public Service Portal" in html


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_layout_has_landmarks_skip_link_and_assets(client: Client, prefix: str) -> None:
    html = body(client.get(f"{prefix}/"))
    assert html.index('class="skip-link"') < html.index("<header")
    assert 'href="#main-content"' in html
    assert '<main id="main-content" tabindex="-1">' in html
    assert html.count("<main") == 1
    assert '<nav class="nav" aria-label=' in html
    assert "<footer" in html
    assert 'href="/static/web/css/portal.css"' in html
    assert 'href="/static/web/css/components.css"' in html
    assert 'src="/static/web/img/emblem.svg" alt=""' in html
    assert f'href="{prefix}/accessibility/"' in html


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_inline_script_or_style(client: Client, prefix: str) -> None:
    for url in ["/", "/units/", "/units/01/", "/units/resolve/?code=x", "/agencies/"]:
        html = body(client.get(prefix + url))
        assert "<style" not in html, url
        assert "style=" not in html, url
        assert "<script>" not in html, url
        assert " on" + "click=" not in html, url


def test_language_switch_posts_to_set_language_with_next(client: Client) -> None:
    html = body(client.get("/units/?x=1"))
    assert f'action="{reverse("set_language")}"' in html
    assert 'method="post"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<input type="hidden" name="next" value="/units/?x=1">' in html
    html = body(client.get("/en/units/?x=1"))
    assert '<input type="hidden" name="next" value="/units/?x=1">' in html


@pytest.mark.parametrize(
    ("path", "language", "target"),
    [
        ("/units/", "en", "/en/units/"),
        ("/en/units/01/?q=ba", "vi", "/units/01/?q=ba"),
        ("/en/units/01/", "en", "/en/units/01/"),
        ("/", "en", "/en/"),
        ("/en/", "vi", "/"),
        (
            "/units/resolve/?code=01&date=2024-01-01",
            "vi",
            "/units/resolve/?code=01&date=2024-01-01",
        ),
    ],
)
def test_set_language_redirects_to_the_same_page_in_the_other_language(
    client: Client, path: str, language: str, target: str
) -> None:
    html = body(client.get(path))
    next_path = html.split('name="next" value="')[1].split('"')[0].replace("&amp;", "&")
    assert not next_path.startswith("/en/")
    response = client.post(reverse("set_language"), {"language": language, "next": next_path})
    assert response.status_code == 302
    assert response["Location"] == target


def test_navigation_marks_the_current_section(client: Client) -> None:
    html = body(client.get("/en/units/01/"))
    assert '<a class="nav__link" href="/en/units/" aria-current="true">' in html
    html = body(client.get("/en/units/"))
    assert '<a class="nav__link" href="/en/units/" aria-current="page">' in html


def test_staff_see_the_admin_link_others_do_not(client: Client, django_user_model) -> None:
    assert 'href="/admin/"' not in body(client.get("/en/"))
    staff = django_user_model.objects.create_user("op", password="x" * 12, is_staff=True)
    client.force_login(staff)
    assert 'href="/admin/">Administration</a>' in body(client.get("/en/"))


def test_footer_is_honest_about_status_and_contact(client: Client) -> None:
    html = body(client.get("/en/"))
    assert "It is not an official government service." in html
    assert "has not published a contact address yet" in html
    assert "Version 0.1.0" in html


@pytest.mark.parametrize(("prefix", "lang"), [("", "vi"), ("/en", "en")])
def test_unknown_page_is_404_in_the_layout(client: Client, prefix: str, lang: str) -> None:
    response = client.get(f"{prefix}/no-such-page/")
    html = body(response)
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in html
    assert 'id="main-content"' in html


@pytest.mark.parametrize("template", ["400.html", "403_csrf.html", "500.html"])
def test_error_templates_render_without_request(template: str) -> None:
    """Django renders these without context processors; they must not need them."""
    from django.template import loader

    with translation.override("en"):
        html = loader.get_template(template).render()
    assert '<html lang="en">' in html
    assert 'id="main-content"' in html
    assert "csrfmiddlewaretoken" not in html


def test_server_error_page(client: Client) -> None:
    from django.views.defaults import server_error

    request = client.get("/en/").wsgi_request
    response = server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_permission_denied_page(rf) -> None:
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/en/")
    with translation.override("en"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


@pytest.mark.parametrize(("prefix", "title"), [("/en", "Accessibility statement"), ("", "WCAG")])
def test_accessibility_statement(client: Client, prefix: str, title: str) -> None:
    response = client.get(f"{prefix}/accessibility/")
    assert response.status_code == 200
    assert title in body(response)
    assert 'aria-current="page"' in body(response)


def test_css_is_served(client: Client) -> None:
    response = client.get("/static/web/css/portal.css")
    assert response.status_code == 200
    assert b".skip-link" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
