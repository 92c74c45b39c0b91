"""The Operations Center, periodic-report and statistics pages: content, exports, submission
through the form and CSV, and a constant number of queries whatever the amount of data."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egov.core import clock
from egov.identity.facade import Role
from egov.identity.services import role_grant
from egov.reporting import services
from egov.reporting.geography import geography_cache_clear
from egov.reporting.selectors import facts_cache_clear
from egov.reporting.tests.helpers import JUSTICE, NGHE_AN, TESTS, at, small_dataset, transition

pytestmark = pytest.mark.django_db
Login = Callable[[Client, Any], None]


def official(username: str, agency: str, role: Role) -> Any:
    account = get_user_model().objects.create_user(
        username=username, kind="official", agency_code=agency, full_name=username
    )
    role_grant(actor=TESTS, account=account, role=role, agency_code=agency)
    return account


@pytest.fixture
def today() -> Any:
    with clock.travel(at(2026, 11, 20)):
        yield


@pytest.fixture
def analyst(client: Client, verified_login: Login, today: None) -> Client:
    verified_login(client, official("analyst", "000.00.00.H29", Role.OPS_ANALYST))
    return client


@pytest.fixture
def data(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        small_dataset()
        transition(NGHE_AN, "submit", at(2026, 11, 1))


def _queries(client: Client, url: str) -> int:
    geography_cache_clear()  # measure the worst case: nothing cached
    facts_cache_clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_overview_shows_headline_ranking_alerts_and_charts(analyst: Client, data: None) -> None:
    page = analyst.get("/en/ops/?period=2026-M11").content.decode()
    assert "Government operations center" in page
    assert '<span class="stat__number">5</span> dossiers received' in page
    assert 'id="top-provinces"' in page
    assert "Hồ Chí Minh" in page
    assert "<svg" in page
    assert "chart-volume" in page
    assert "The numbers as a table" in page
    assert "Many late" in page  # 1 of 3 late = 33.3% > 20%


def test_rankings_drill_down_and_exports(analyst: Client, data: None) -> None:
    page = analyst.get("/en/ops/provinces/?period=2026-M11").content.decode()
    assert page.count('<th scope="row" lang="vi"><a href="/en/ops/provinces/') == 34
    detail = analyst.get("/en/ops/provinces/79/?period=2026-M11").content.decode()
    assert f"/en/ops/agencies/{JUSTICE}/?period=2026-M11" in detail
    agency = analyst.get(f"/en/ops/agencies/{JUSTICE}/?period=2026-M11")
    assert agency.status_code == 200
    assert "No dossier of this agency is past its return date." in agency.content.decode()
    csv_response = analyst.get("/en/ops/provinces/?period=2026-M11&format=csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rank,Code,Name,Index (of 100)")
    assert len(lines) == 35
    xlsx = analyst.get("/en/ops/ministries/?period=2026-M11&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Rank"
    assert analyst.get("/en/ops/provinces/02/").status_code == 404  # not one of the 34
    assert analyst.get("/en/ops/?period=2026-M13").status_code == 400


def test_as_was_view_lists_the_63_provinces_of_2024(analyst: Client) -> None:
    page = analyst.get("/en/ops/provinces/?period=2024-M5&view=as_was").content.decode()
    assert page.count('<th scope="row" lang="vi"><a href="/en/ops/provinces/') == 63


def test_page_queries_do_not_grow_with_the_data(
    analyst: Client, django_capture_on_commit_callbacks: Any
) -> None:
    urls = ["/en/ops/?period=2026-M11", "/en/ops/provinces/?period=2026-M11",
            "/en/ops/provinces/79/?period=2026-M11", f"/en/ops/agencies/{JUSTICE}/",
            "/en/statistics/"]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        small_dataset()
    first = [_queries(analyst, url) for url in urls]
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(1, 14):
            small_dataset()
            transition(NGHE_AN, "submit", at(2026, 10, day))
    assert [_queries(analyst, url) for url in urls] == first
    # Session, account, device, roles, unread count and session save (6) + the page's own:
    # overview: snapshot 5 (mapping 2, offers 1, area sums 1, agency sums for the alerts 1),
    # series 1, regimes 1; ranking: snapshot 4 (area sums) and its six-period history (5
    # closed months, cold cache, and 6 catalogue days: 11); drill-down: snapshot 5 (area sums
    # for the rank, agency sums for its agencies) + series 1; agency: mapping 2, its facts and
    # offers 2, series 1, overdue 1; statistics: a year's snapshot 5 (closed months and the
    # running one apart) and the month's area sums and offers 2 (the mapping is cached).
    assert first == [15, 23, 14, 14, 15]


def test_statistics_page_is_public(client: Client, today: None, data: None) -> None:
    page = client.get("/en/statistics/").content.decode()
    assert "Public service statistics" in page
    assert 'id="public-provinces"' in page
    assert "not available" in page


def test_submit_through_the_form_and_csv(
    client: Client, verified_login: Login, today: None, data: None
) -> None:
    services.regimes_load(actor=TESTS)
    verified_login(client, official("leader", JUSTICE, Role.APPROVER))
    url = f"/en/reports/BC-DVC-THANG/{JUSTICE}/?period=2026-M11"
    form = client.get(url).content.decode()
    assert 'value="4"' in form  # received, pre-filled from the platform's own figures
    values = {"period": "2026-M11", "received": "4", "processed": "3", "on_time_share": "66.67",
              "online_share": "75", "staff_trained": "2"}  # fmt: skip
    bad = client.post(url, {**values, "received": "x"})
    assert bad.status_code == 400
    assert "Enter a whole number" in bad.content.decode()
    good = client.post(url, values)
    assert good.status_code == 302
    upload = SimpleUploadedFile(
        "r.csv", b"indicator_code,value\nreceived,4\nprocessed,oops\n", content_type="text/csv"
    )
    refused = client.post(url, {"period": "2026-M11", "mode": "csv", "file": upload})
    assert refused.status_code == 400
    assert "row 3, value" in refused.content.decode()
    status = client.get("/en/reports/BC-DVC-THANG/?period=2026-M11").content.decode()
    # Submitted on 20/11, after the deadline (15/11): late; the four others are missing.
    assert status.count("status--late") == 1
    assert status.count("status--missing") == 4
    # Late and missing per agency over the last six periods (nobody reported before M11).
    assert "2026-M11" in status.split('id="gap-table"')[1]


def test_an_agency_system_submits_through_the_api(client: Client, today: None) -> None:
    import datetime as dt
    import uuid

    from oauth2_provider.models import AccessToken, Application

    services.regimes_load(actor=TESTS)
    owner = get_user_model().objects.create_user(
        username="system:justice", kind="system", agency_code=JUSTICE
    )
    app = Application.objects.create(
        client_id="justice-system", user=owner, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, name="justice",
    )  # fmt: skip
    token = AccessToken.objects.create(
        application=app, token=uuid.uuid4().hex, scope="reporting.submit",
        expires=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )  # fmt: skip
    url = "/api/v1/reporting/regimes/BC-DVC-THANG/submissions"
    body: dict[str, Any] = {"period": "2026-M11", "values": {"received": "4", "processed": "3",
            "on_time_share": "66.67", "online_share": "75", "staff_trained": "2"}}  # fmt: skip
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token.token}"}
    created = client.post(url, body, content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    assert (created.json()["revision"], created.json()["late"]) == (1, True)
    bad = {**body, "values": {**body["values"], "received": "many"}}
    invalid = client.post(url, bad, content_type="application/json", **auth)
    assert invalid.status_code == 400
    assert list(invalid.json()["fields"]) == ["received"]
    refused = client.post(url, body, content_type="application/json", **auth)
    assert refused.status_code == 409  # after the deadline: no correction
    other = client.post(url, {**body, "agency_code": NGHE_AN}, content_type="application/json",
                        **auth)  # fmt: skip
    assert other.status_code == 403
