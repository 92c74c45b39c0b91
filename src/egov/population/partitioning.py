"""Creating the citizen table: declaratively partitioned on PostgreSQL, plain elsewhere.

Called from migration 0001 (``RunPython``), so the historical model's SQL is used. On PostgreSQL
the table is ``PARTITION BY RANGE (pin)`` with one partition per 3-digit birth-registration
province code (``'001'`` up to ``'002'``, ...; the PIN's first three digits ARE that code) plus a
default partition for codes outside the list (e.g. births registered abroad, whose country codes
are not yet known). The primary key (pin) contains the partition key, as PostgreSQL requires.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "population_citizen"

# Circular 07/2016/TT-BCA appendix 1 (kept by Circular 59/2021/TT-BCA), docs/domain-vn.md §1.
# Frozen here (not read from geo) so that the migration never changes with later data.
PIN_PROVINCE_CODES = [
    "001",
    "002",
    "004",
    "006",
    "008",
    "010",
    "011",
    "012",
    "014",
    "015",
    "017",
    "019",
    "020",
    "022",
    "024",
    "025",
    "026",
    "027",
    "030",
    "031",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "040",
    "042",
    "044",
    "045",
    "046",
    "048",
    "049",
    "051",
    "052",
    "054",
    "056",
    "058",
    "060",
    "062",
    "064",
    "066",
    "067",
    "068",
    "070",
    "072",
    "074",
    "075",
    "077",
    "079",
    "080",
    "082",
    "083",
    "084",
    "086",
    "087",
    "089",
    "091",
    "092",
    "093",
    "094",
    "095",
    "096",
]


def partition_sql(table: str = TABLE) -> list[str]:
    """Statements creating one partition per province code and the default partition."""
    statements = []
    for code in PIN_PROVINCE_CODES:
        upper = f"{int(code) + 1:03d}"
        statements.append(
            f"CREATE TABLE {table}_p{code} PARTITION OF {table} "
            f"FOR VALUES FROM ('{code}') TO ('{upper}')"
        )
    statements.append(f"CREATE TABLE {table}_pdefault PARTITION OF {table} DEFAULT")
    return statements


def create_citizen_table(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("population", "Citizen")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.create_model(model)
        schema_editor.execute(
            f"CREATE INDEX pop_citizen_name_prefix ON {TABLE} (name_folded, birth_year)"
        )
        return
    sql, params = schema_editor.table_sql(model)
    schema_editor.execute(f"{sql} PARTITION BY RANGE (pin)", params or None)
    for statement in partition_sql():
        schema_editor.execute(statement)
    # The primary key's extra ``varchar_pattern_ops`` index Django adds would only slow imports.
    schema_editor.deferred_sql.extend(
        sql
        for sql in schema_editor._model_indexes_sql(model)  # type: ignore[attr-defined]
        if "_like" not in str(sql)
    )
    # Prefix search on the folded name (LIKE 'nguyen van%') needs the pattern operator class
    # unless the database collation is C; Meta.indexes cannot say so for one vendor only.
    schema_editor.execute(
        f"CREATE INDEX pop_citizen_name_prefix ON {TABLE} "
        "(name_folded varchar_pattern_ops, birth_year)"
    )


def drop_citizen_table(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.delete_model(apps.get_model("population", "Citizen"))
