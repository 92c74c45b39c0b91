from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from egov.core.actor import Actor
from egov.population.generator import generate_rows, write_file
from egov.population.importer import FileRejected, import_file
from egov.population.models import Citizen, ImportRun, Residence
from egov.population.rows import COLUMNS

pytestmark = pytest.mark.django_db

GOOD = {
    "pin": "079195000001",
    "full_name": "Võ Thị Hạnh",
    "date_of_birth": "1995-04-30",
    "sex": "female",
    "ethnicity": "01",
    "birth_registration_unit": "79",
    "religion": "",
    "nationality": "VN",
    "hometown": "",
    "household_id": "HK1",
    "relation_to_head": "head",
    "father_pin": "",
    "mother_pin": "",
    "spouse_pin": "",
    "permanent_unit": "26743",
    "permanent_address": "5 Lê Lợi",
    "permanent_since": "2025-07-01",
}


def row(**changes: str) -> dict[str, str]:
    return GOOD | changes


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path, **kw: Any) -> tuple[Any, list[list[str]]]:
    result = import_file(actor=Actor.system("tests"), path=path, **kw)
    with Path(result.report_path).open(encoding="utf-8") as handle:
        report = list(csv.reader(handle))[1:]
    return result, report


def test_csv_import_and_idempotent_reimport(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            row(),
            row(
                pin="001090000002",
                sex="male",
                full_name="Đỗ Văn Bình",
                date_of_birth="1990",
                birth_registration_unit="00070",
                permanent_unit="35",
                permanent_since="2001-02-03",
            ),
        ],
    )
    result, report = run(path)
    assert (result.read, result.inserted, result.unchanged, result.rejected, report) == (
        2,
        2,
        0,
        0,
        [],
    )
    second = Citizen.objects.get(pin="001090000002")
    assert (second.birth_date, second.birth_year, second.birth_month) == (None, 1990, None)
    assert second.name_folded == "do van binh"
    assert Residence.objects.get(citizen=second).unit_code == "35"
    audits = ImportRun.objects.count()
    again, _ = run(path)
    assert (again.inserted, again.unchanged, again.rejected) == (0, 2, 0)
    assert Citizen.objects.count() == 2
    assert ImportRun.objects.count() == audits


def test_jsonl_with_bom_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(row(), ensure_ascii=False),
        "{not json",
        "[1, 2]",
        json.dumps(row(pin="079195000002") | {"shoe_size": 9}),
        "",
    ]
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    result, report = run(path)
    assert result.inserted == 1
    assert [(r[0], r[1]) for r in report] == [
        ("2", "bad_json"),
        ("3", "bad_json"),
        ("4", "unknown_field"),
    ]


def test_bom_csv_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row()], encoding="utf-8-sig")
    assert run(path)[0].inserted == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_rejected(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "a.csv", [row()], encoding=encoding)
    with pytest.raises(FileRejected) as exc:
        run(path)
    assert encoding.upper() in exc.value.render_message()
    assert Citizen.objects.count() == 0


def test_legacy_encoding_rejected_with_nothing_written(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [row(pin=f"079195{i:06d}", full_name="Vo Anh", permanent_address="5") for i in range(5)]
        + [row(pin="079195999999", full_name="Võ Anh", permanent_address="5")],
        encoding="latin-1",
    )
    with pytest.raises(FileRejected) as exc:
        run(path)
    assert "Line 7 of the file is not valid UTF-8" in exc.value.render_message()
    assert Citizen.objects.count() == 0


def test_malformed_header(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("pin,name\n079195000001,X\n", encoding="utf-8")
    with pytest.raises(FileRejected) as exc:
        run(path)
    assert "Missing: full_name, date_of_birth" in exc.value.render_message()
    assert "Unknown: name" in exc.value.render_message()
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(FileRejected) as exc:
        run(tmp_path / "empty.csv")
    assert exc.value.render_message() == "The file is empty."
    with pytest.raises(FileRejected):
        run(tmp_path / "a.txt")


def test_row_errors_reported_with_line_and_reason(tmp_path: Path) -> None:
    rows = [
        row(),  # line 2: fine
        row(pin="079195000001", full_name="Other"),  # 3: duplicate within file
        row(pin="079195000003", date_of_birth="1995-02-30"),  # 4: impossible date
        row(pin="079195000004", permanent_unit="99999"),  # 5: unknown unit
        row(pin="079195000005", birth_registration_unit="01"),  # 6: PIN province mismatch
        row(pin="079095000006"),  # 7: century/sex digit vs sex
        row(pin="079196000007"),  # 8: year digits
        row(pin="003195000008", birth_registration_unit="03"),  # 9: province not in list
        row(pin="079195000009", permanent_unit="26743", permanent_since="2020-01-01"),  # 10
        row(pin="079195000010", ethnicity="77"),  # 11
        row(pin="079195000011", sex="x"),  # 12
        row(pin="079195000012", full_name=""),  # 13
        row(pin="079195000013", date_of_birth="2999-01-01"),  # 14
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("079195000014,too,few\n")  # 15
    result, report = run(path)
    assert result.inserted == 1
    codes = sorted((int(r[0]), r[1]) for r in report)
    assert codes == [
        (3, "duplicate_in_file"),
        (4, "impossible_date"),
        (5, "unknown_unit"),
        (6, "pin_province"),
        (7, "pin_century_sex"),
        (8, "pin_year"),
        (9, "pin_province"),
        (10, "unit_not_valid"),
        (11, "unknown_ethnicity"),
        (12, "bad_sex"),
        (13, "missing"),
        (14, "bad_date"),
        (15, "bad_columns"),
    ]
    assert all(r[2] for r in report)
    assert "079195" not in path.with_name("a.csv.errors.csv").read_text(encoding="utf-8")
    assert list(Citizen.objects.values_list("pin", flat=True)) == ["079195000001"]
    assert Residence.objects.count() == 1


def test_duplicate_against_database_with_different_data(tmp_path: Path) -> None:
    run(write_csv(tmp_path / "a.csv", [row()]))
    result, report = run(
        write_csv(tmp_path / "b.csv", [row(full_name="Võ Thị Khác"), row(pin="079195000002")])
    )
    assert (result.inserted, result.rejected) == (1, 1)
    assert report == [
        ["2", "duplicate_in_database", "this PIN is already recorded with different data"]
    ]
    assert Citizen.objects.get(pin="079195000001").full_name == "Võ Thị Hạnh"


def test_small_chunks_give_the_same_result(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    write_file(path=path, count=120, seed=7)
    result, report = run(path, chunk_rows=25)
    assert (result.inserted, result.rejected, report) == (120, 0, [])
    assert Citizen.objects.count() == 120


def test_command(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row()])
    call_command("population_import", str(path), "--no-progress", verbosity=0)
    assert Citizen.objects.count() == 1
    with pytest.raises(CommandError, match="No such file"):
        call_command("population_import", str(tmp_path / "missing.csv"), verbosity=0)
    with pytest.raises(CommandError, match="UTF-16"):
        call_command("population_import", str(write_csv(tmp_path / "b.csv", [row()], "utf-16")))


def test_generator_is_deterministic_and_realistic(tmp_path: Path) -> None:
    first = [r for _l, r in generate_rows(count=300, seed=3)]
    assert first == [r for _l, r in generate_rows(count=300, seed=3)]
    assert first != [r for _l, r in generate_rows(count=300, seed=4)]
    families = [r["full_name"].split()[0] for r in first]
    assert families.count("Nguyễn") > families.count("Trần") > families.count("Lý")
    assert len({r["pin"] for r in first}) == 300
    heads = [r for r in first if r["relation_to_head"] == "head"]
    assert 60 < len(heads) < 200
    call_command("population_generate", "--count", "150", "--seed", "3", verbosity=0)
    call_command("population_generate", "--count", "150", "--seed", "3", verbosity=0)
    assert Citizen.objects.count() == 150
    provinces = {p[:3] for p in Citizen.objects.values_list("pin", flat=True)}
    assert len(provinces) > 20


def _catalogue() -> dict[str, Any]:
    """Partitions, indexes attached to each parent index, keys of the citizen and residence
    tables (PostgreSQL catalogue)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'population_citizen'::regclass"
        )
        partitions = cursor.fetchone()[0]
        cursor.execute(
            "SELECT i.relname, count(h.inhrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "LEFT JOIN pg_inherits h ON h.inhparent = x.indexrelid "
            "WHERE x.indrelid IN ('population_citizen'::regclass, "
            "'population_residence'::regclass) GROUP BY 1 ORDER BY 1"
        )
        indexes = dict(cursor.fetchall())
        cursor.execute(
            "SELECT c.conname, count(k.oid) FROM pg_constraint c "
            "LEFT JOIN pg_constraint k ON k.conparentid = c.oid "
            "WHERE c.conrelid = 'population_citizen'::regclass AND c.contype IN ('p', 'f') "
            "GROUP BY 1 ORDER BY 1"
        )
        keys = dict(cursor.fetchall())
    return {"partitions": partitions, "indexes": indexes, "keys": keys}


def test_bulk_load_rebuilds_indexes_and_stays_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: partitions and the residence table receiving at least BULK_MIN_ROWS rows are
    loaded without indexes, then rebuilt and attached again exactly as before."""
    from django.db import connection

    from egov.population import selectors, staging

    if connection.vendor != "postgresql":
        pytest.skip("bulk loading (detach, load, rebuild indexes) is PostgreSQL only")
    monkeypatch.setattr(staging, "BULK_MIN_ROWS", 2)
    detached: list[str] = []
    real_detach = staging._detach

    def spy(cursor: Any, table: str) -> list[str]:
        detached.append(table)
        return real_detach(cursor, table)

    monkeypatch.setattr(staging, "_detach", spy)
    before = _catalogue()
    path = tmp_path / "g.csv"
    write_file(path=path, count=200, seed=11)
    with path.open(encoding="utf-8") as handle:
        with_home = sum(1 for r in csv.DictReader(handle) if r["permanent_unit"])
    result, report = run(path)
    assert (result.inserted, result.rejected, report) == (200, 0, [])
    assert len(detached) > 10
    assert _catalogue() == before
    assert before["partitions"] == 64
    assert sorted(set(before["indexes"].values())) == [0, 64]
    assert Citizen.objects.count() == 200
    assert Residence.objects.count() == with_home > 0
    again, _ = run(path)
    assert (again.inserted, again.unchanged, again.rejected) == (0, 200, 0)
    first = Citizen.objects.order_by("pin").first()
    assert first is not None
    found = selectors.citizen_search(
        actor=Actor.system("tests"), purpose="test", name=first.full_name
    )
    assert first.pin in [c.pin for c in found]
    children = Citizen.objects.exclude(father_pin="").first()
    assert children is not None
    assert Citizen.objects.filter(father_pin=children.father_pin).exists()


def test_file_cut_in_parts_only_where_no_quoted_value_can_span() -> None:
    """PostgreSQL's parallel COPY cuts the rows at line ends while no double quote was seen."""
    import io

    from egov.population.direct import _parts

    body = b"".join(f"{n},ab,c\r\n".encode() for n in range(10))  # 10 lines of 8 bytes
    # (first byte, end byte, first line): a cut goes on to the end of the line it falls in.
    assert _parts(io.BytesIO(body), 0, len(body), 2) == [(0, 48, 2), (48, None, 8)]
    assert _parts(io.BytesIO(b"h\n" + body), 2, len(body) + 2, 3) == [
        (2, 34, 2), (34, 58, 6), (58, None, 9),
    ]  # fmt: skip
    assert _parts(io.BytesIO(body[:-2]), 0, len(body) - 2, 2) == [(0, 40, 2), (40, None, 7)]
    quoted = b'0,"a\nb",c\n' + body
    assert _parts(io.BytesIO(quoted), 0, len(quoted), 2) == [(0, None, 2)]
    late = body + b'0,"a\nb",c\n'  # a quote after the cut: the second part starts a row
    assert _parts(io.BytesIO(late), 0, len(late), 2) == [(0, 48, 2), (48, None, 8)]
    assert _parts(io.BytesIO(b""), 0, 0, 2) == [(0, None, 2)]
    assert _parts(io.BytesIO(body), 0, len(body), 1) == [(0, None, 2)]
