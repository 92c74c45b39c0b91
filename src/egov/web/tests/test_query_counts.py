"""Lists read a fixed number of queries, whatever the amount of data (no N+1).

Anonymous requests touch no session table; the counts are the selectors' queries only.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/", 3),  # provinces, commune counts, agencies
        ("/en/units/01/", 4),  # unit, its communes (2), former provinces (1)
        ("/en/units/01/?q=hoan", 4),  # the filter runs in memory over the same rows
        ("/en/units/resolve/", 0),
        ("/en/units/resolve/?code=02&date=2024-01-01", 4),  # unit then, successor lineage (3)
        ("/en/units/resolve/?code=ab&date=", 0),  # form errors: no query at all
        ("/en/agencies/", 1),
        ("/en/agencies/?q=ha+noi", 1),
        ("/en/agencies/000.00.00.G22/", 3),  # agency, its children (2)
        ("/en/accessibility/", 0),
    ],
)
def test_query_count(client: Client, django_assert_num_queries, url: str, queries: int) -> None:
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_province_list_query_count_is_constant(client: Client, django_assert_num_queries) -> None:
    """Provinces, their commune counts and their former provinces: one query each."""
    with django_assert_num_queries(3):
        assert client.get("/en/units/").status_code == 200
