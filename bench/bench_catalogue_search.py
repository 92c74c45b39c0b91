"""Procedure search over a national-size catalogue (~6,800 procedures): p50/p99 per query of
``catalogue.selectors.procedure_search`` for 50 real queries (with and without diacritics,
prefixes, typos, filters), beside the same SQL statements executed raw on a cursor in the same
run (the physical limit: what the database needs for the search alone).

The misspelt queries (``TYPOS``: corrected through the search vocabulary, one extra statement)
are also reported on their own, beside their own raw SQL.

Setup (counted out of the timings): reference data, the seed catalogue and
``catalogue_generate --count 6800``. Target: p99 < 20 ms on PostgreSQL.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from common import Result

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
COUNT = int(os.environ.get("BENCH_CATALOGUE_COUNT", "6800"))

QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("giay phep lai xe", {}),
    ("Cấp đổi giấy phép lái xe", {}),
    ("dang ky khai sinh", {}),
    ("khai sinh", {}),
    ("khai sihn", {}),
    ("ket hon", {}),
    ("đăng ký kết hôn", {}),
    ("khai tu", {}),
    ("ly lich tu phap", {}),
    ("lý lịch tư pháp", {}),
    ("ly lich tu phapp", {}),
    ("ho chieu", {}),
    ("hộ chiếu phổ thông", {}),
    ("thuong tru", {}),
    ("tam tru", {}),
    ("gia han tam tru", {}),
    ("xoa dang ky thuong tru", {}),
    ("tach ho", {}),
    ("thanh lap doanh nghiep", {}),
    ("cong ty co phan", {}),
    ("ho kinh doanh", {}),
    ("giay phep xay dung", {}),
    ("giấy phép xây dựng nhà ở", {}),
    ("gia han giay phep xay dung", {}),
    ("quyen su dung dat", {}),
    ("giay chung nhan lan dau", {}),
    ("giay phep lao dong", {}),
    ("chung thuc ban sao", {}),
    ("chung thuc chu ky", {}),
    ("trich luc ho tich", {}),
    ("khuyet tat", {}),
    ("ho ngheo", {}),
    ("tuyen sinh", {}),
    ("bao hiem xa hoi", {}),
    ("nuoi con nuoi", {}),
    ("giay xac nhan tinh trang hon nhan", {}),
    ("can cuoc", {}),
    ("an toan thuc pham", {}),
    ("phong chay chua chay", {}),
    ("hanh nghe duoc", {}),
    ("giay", {}),
    ("cap", {}),
    ("1.0011", {}),
    ("xe o to", {}),
    ("tau ca", {}),
    ("", {"province_code": "79"}),
    ("", {"sector_code": "G15-TP07", "online_level": 4}),
    ("giay phep", {"province_code": "40", "online_level": 4}),
    ("dang ky", {"agency_code": "000.00.29.G01"}),
    ("", {"level": "commune", "province_code": "01"}),
]


TYPOS = {"khai sihn", "ly lich tu phapp"}


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.conf.settings")
    django.setup()
    from django.core.management import call_command

    for command in ("geo_load", "agencies_load", "catalogue_load"):
        call_command(command, verbosity=0)
    call_command("catalogue_generate", count=COUNT, verbosity=0)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[98]


def run(env: dict[str, str]) -> list[Result]:
    _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov.catalogue import selectors
    from egov.core import clock

    today = clock.today()
    total = selectors.procedure_search(query="", on=today).total
    selector_ms: dict[str, list[float]] = {}
    raw_ms: dict[str, list[float]] = {}
    for query, filters in QUERIES:
        with CaptureQueriesContext(connection) as captured:
            selectors.procedure_search(query=query, on=today, **filters)
        statements = [q["sql"] for q in captured.captured_queries]
        for _ in range(REPEAT):
            started = time.perf_counter()
            selectors.procedure_search(query=query, on=today, **filters)
            selector_ms.setdefault(query, []).append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
            raw_ms.setdefault(query, []).append((time.perf_counter() - started) * 1000)
    name = f"procedure_search ({total:,} procedures, {len(QUERIES)} queries x {REPEAT})"
    typo_name = f"procedure_search, misspelt only ({len(TYPOS)} queries x {REPEAT})"
    results = []
    for label, queries in ((name, list(selector_ms)), (typo_name, sorted(TYPOS))):
        p50, p99 = _percentiles([ms for q in queries for ms in selector_ms[q]])
        raw50, raw99 = _percentiles([ms for q in queries for ms in raw_ms[q]])
        results += [
            Result(label, "latency p50", p50, "ms", "same SQL raw", raw50, higher_is_better=False),
            Result(label, "latency p99", p99, "ms", "same SQL raw", raw99, higher_is_better=False),
        ]
    return results
