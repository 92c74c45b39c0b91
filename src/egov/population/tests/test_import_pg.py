"""The PostgreSQL import paths: the set-based checks (``sqlcheck``) give what the row-by-row rules
(``rows.RowValidator``) give, on one connection and on the parallel path (scratch connections,
prebuilt partitions swapped in)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from egov.core import clock
from egov.core.actor import Actor
from egov.population import direct, pins, services, staging
from egov.population.generator import write_file
from egov.population.importer import import_file
from egov.population.models import Citizen, Residence
from egov.population.rows import COLUMNS, STAGING, Reference, RowError, RowValidator

pytestmark = pytest.mark.postgres

GOOD = {
    "pin": "079195000001", "full_name": "Võ Thị Hạnh", "date_of_birth": "1995-04-30",
    "sex": "female", "ethnicity": "01", "birth_registration_unit": "79", "religion": "",
    "nationality": "VN", "hometown": "", "household_id": "HK1", "relation_to_head": "head",
    "father_pin": "", "mother_pin": "", "spouse_pin": "", "permanent_unit": "26743",
    "permanent_address": "5 Lê Lợi", "permanent_since": "2025-07-01",
}  # fmt: skip

# One row per case (distinct PINs: duplicates are not a per-row rule).
CASES: list[dict[str, str]] = [
    {},
    {"pin": " 079195000002 ", "full_name": "  Võ   Thị\tHạnh ", "sex": " Female ",
     "date_of_birth": " 1995-04-30 ", "ethnicity": " 01", "birth_registration_unit": "79 ",
     "permanent_unit": " 26743", "permanent_since": "2025-07-01 ", "nationality": " VN\r"},
    {"pin": "079195000003", "date_of_birth": "1995-04"},
    {"pin": "079195000004", "date_of_birth": "1995"},
    {"pin": "079195000005", "date_of_birth": "1995-13"},
    {"pin": "079195000006", "date_of_birth": "1995-02-29"},
    {"pin": "079196000007", "date_of_birth": "1996-02-29"},
    {"pin": "079195000008", "date_of_birth": "1995-4-30"},
    {"pin": "079195000009", "date_of_birth": "1995/04/30"},
    {"pin": "079195000010", "date_of_birth": "0000-01-01"},
    {"pin": "079099000011", "date_of_birth": "1899-12-31"},
    {"pin": "079195000012", "date_of_birth": "2999-01-01"},
    {"pin": "079195000013", "date_of_birth": "1995-00"},
    {"pin": "07919500014"},
    {"pin": "07919500001a"},
    {"pin": "079195000016", "nationality": ""},
    {"pin": "079195000017", "full_name": "Đặng Văn Đức", "sex": "MALE"},
    {"pin": "079195000018", "full_name": "X" * 201},
    {"pin": "079195000019", "father_pin": "079195000019"},
    {"pin": "079195000020", "mother_pin": "123"},
    {"pin": "079195000021", "spouse_pin": "07919500002a"},
    {"pin": "079195000022", "father_pin": "079060000001", "mother_pin": "079165000002",
     "spouse_pin": "079094000003"},
    {"pin": "079195000023", "relation_to_head": "boss"},
    {"pin": "079195000024", "permanent_since": ""},
    {"pin": "079195000025", "permanent_since": "2025-02-30"},
    {"pin": "079195000026", "permanent_unit": "99999"},
    {"pin": "079195000027", "permanent_since": "2999-01-01"},
    {"pin": "079195000028", "permanent_since": "2020-01-01"},
    {"pin": "079195000029", "ethnicity": "1"},
    {"pin": "079195000030", "religion": "R" * 51},
    {"pin": "079195000031", "household_id": "H" * 21},
    {"pin": "079195000032", "full_name": "Vo\u0303 Thi\u0323 Ha\u0323nh"},
    {"pin": "001090000033", "sex": "male", "date_of_birth": "1990",
     "birth_registration_unit": "00070", "permanent_unit": "35",
     "permanent_since": "2001-02-03"},
    {"pin": "001090000034", "sex": "male", "date_of_birth": "1990",
     "birth_registration_unit": "79"},
    {"pin": "003195000035", "birth_registration_unit": "03"},
    {"pin": "079095000036"},
    {"pin": "079295000037"},
    {"pin": "079196000038"},
    {"pin": "079195000039", "sex": "x"},
    {"pin": "079195000040", "full_name": "   "},
    {"pin": "079195000041", "permanent_unit": "", "permanent_since": "garbage"},
]  # fmt: skip


def _cases() -> list[dict[str, str]]:
    """CASES, and births today (accepted) and tomorrow (in the future)."""
    today = clock.today()
    born = []
    for n, day in enumerate([today, today + dt.timedelta(days=1)]):
        digit = pins.century_sex_digit(birth_year=day.year, sex="female")
        born.append({"pin": f"079{digit}{day.year % 100:02d}00009{n}",
                     "date_of_birth": day.isoformat(), "permanent_unit": ""})  # fmt: skip
    return CASES + born


# Columns compared between the two paths (ref is random).
COMPARED = [c for c in STAGING if c not in ("line", "ref")]


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _import(path: Path) -> tuple[Any, dict[int, tuple[str, str]]]:
    result = import_file(actor=Actor.system("tests"), path=path)
    with Path(result.report_path).open(encoding="utf-8") as handle:
        report = {int(line): (code, reason) for line, code, reason in list(csv.reader(handle))[1:]}
    return result, report


def _expected() -> dict[int, Any]:
    """Line -> (code, reason) of the first broken rule, or the staging values by name."""
    validator = RowValidator(Reference.load())
    expected: dict[int, Any] = {}
    for line, case in enumerate(_cases(), start=2):
        raw = [(GOOD | case)[name] for name in COLUMNS]
        try:
            expected[line] = dict(zip(STAGING, validator.clean(line, raw), strict=True))
        except RowError as error:
            expected[line] = (error.code, str(error))
    return expected


def _stored(pin: str) -> dict[str, Any]:
    citizen = Citizen.objects.get(pin=pin)
    home = Residence.objects.filter(citizen=citizen).first()
    values = {name: getattr(citizen, name, None) for name in COMPARED}
    values |= {"ethnicity_code": citizen.ethnicity_id, "perm_unit": home.unit_code if home else "",
               "perm_address": home.street_address if home else "",
               "perm_since": home.valid_from if home else None}  # fmt: skip
    return values


def _assert_same_as_python(tmp_path: Path) -> None:
    expected = _expected()
    assert {v[0] for v in expected.values() if isinstance(v, tuple)} >= {
        "missing", "too_long", "bad_sex", "bad_date", "impossible_date", "pin_digits",
        "pin_length", "pin_province", "pin_century_sex", "pin_year", "unknown_unit",
        "unit_not_valid", "unknown_ethnicity", "bad_relation", "bad_link",
    }  # fmt: skip
    result, report = _import(_write(tmp_path / "cases.csv", [GOOD | c for c in _cases()]))
    assert report == {line: v for line, v in expected.items() if isinstance(v, tuple)}
    accepted = {line: v for line, v in expected.items() if isinstance(v, dict)}
    assert (result.inserted, result.rejected) == (len(accepted), len(report))
    for values in accepted.values():
        if not values["perm_unit"]:  # no residence: nothing recorded of its other fields
            values |= {"perm_address": "", "perm_since": None}
        assert _stored(values["pin"]) == {name: values[name] for name in COMPARED}
    refs = list(Citizen.objects.values_list("ref", flat=True))
    assert len(set(refs)) == len(refs)
    assert {len(r) for r in refs} == {32}


def _skip_unless_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the set-based checks run on PostgreSQL; run with DATABASE_URL=postgres://...")


@pytest.mark.django_db
def test_sql_checks_match_the_python_rules(tmp_path: Path) -> None:
    _skip_unless_postgres()
    _assert_same_as_python(tmp_path)


def _tables(pattern: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE %s ORDER BY 1", [pattern]
        )
        return [row[0] for row in cursor.fetchall()]


def _shape() -> dict[str, Any]:
    """Partitions with their index and constraint names, and which parent index or key each
    one belongs to (PostgreSQL catalogue)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT x.indrelid::regclass::text, x.indexrelid::regclass::text, "
            "coalesce(h.inhparent::regclass::text, '') FROM pg_index x "
            "LEFT JOIN pg_inherits h ON h.inhrelid = x.indexrelid "
            "WHERE x.indrelid::regclass::text LIKE 'population\\_citizen%%' "
            "OR x.indrelid = 'population_residence'::regclass ORDER BY 1, 2"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, conislocal, coninhcount, "
            "conparentid <> 0 FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'population\\_citizen%%' "
            "OR conrelid = 'population_residence'::regclass ORDER BY 1, 2"
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, c.relpersistence, pg_get_expr(c.relpartbound, c.oid) "
            "FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid "
            "WHERE h.inhparent = 'population_citizen'::regclass ORDER BY 1"
        )
        partitions = cursor.fetchall()
    return {"indexes": indexes, "constraints": constraints, "partitions": partitions}


@pytest.mark.django_db(transaction=True)
def test_parallel_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference_data: None
) -> None:
    """Outside a caller's transaction: checked on scratch connections, partitions prebuilt and
    swapped in; same results, same catalogue, nothing left behind (nor by a killed import)."""
    _skip_unless_postgres()
    services.ethnicities_ensure(actor=Actor.system("tests"))  # emptied by transactional flushes
    monkeypatch.setattr(direct, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(staging, "BULK_MIN_ROWS", 2)
    swapped: list[str] = []
    real_swap = staging._swap

    def spy(cursor: Any, partition: str, built: staging.Prebuilt) -> bool:
        done = real_swap(cursor, partition, built)
        if done:
            swapped.append(partition)
        return done

    monkeypatch.setattr(staging, "_swap", spy)
    cuts: list[int] = []
    real_parts = direct._parts

    def parts(*args: Any) -> list[tuple[int, int | None, int]]:
        found = real_parts(*args)
        cuts.append(len(found))
        return found

    monkeypatch.setattr(direct, "_parts", parts)
    with connection.cursor() as cursor:  # left by an import that was killed
        cursor.execute("CREATE UNLOGGED TABLE pop_import_0000abcd_raw (line integer)")
    before = _shape()
    path = tmp_path / "g.csv"
    write_file(path=path, count=300, seed=5)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writerow(rows[7] | {"full_name": "Người Lặp Lại"})  # line 302: PIN of line 9
        writer.writerow(rows[8] | {"pin": "079195999999", "sex": "x"})  # line 303
    result, report = _import(path)
    assert report == {
        302: ("duplicate_in_file", "the same PIN appears on an earlier line of this file"),
        303: ("bad_sex", "sex must be male or female"),
    }
    assert (result.read, result.inserted, result.unchanged, result.rejected) == (302, 300, 0, 2)
    assert len(swapped) > 10
    assert _shape() == before
    assert _tables("pop\\_import\\_%") == []
    assert Residence.objects.count() == sum(1 for r in rows if r["permanent_unit"])
    assert Citizen.objects.get(pin=rows[7]["pin"]).full_name == rows[7]["full_name"]
    again, report = _import(path)
    assert (again.inserted, again.unchanged, again.rejected) == (0, 300, 2)
    assert report[302][0] == "duplicate_in_file"
    _assert_same_as_python(tmp_path)  # into populated partitions: no swap, inserted in place
    # Copied in two parts at once, but the file with a quoted value (line 3) in one piece.
    assert cuts == [2, 2, 1]
    assert _shape() == before
    assert _tables("pop\\_import\\_%") == []
