"""The record's hash is no longer unique-indexed: nothing looks a record up by its hash (the
verifier recomputes every hash along the chain, whose ``(chain, seq)`` is unique), and the two
indexes (unique, and Django's ``varchar_pattern_ops`` twin) were paid on every audited write
(docs/adr/0016-write-path-indexes.md).

On SQLite, altering the column rebuilds the table, which drops its triggers: they are created
again (the same ones as 0002)."""

from importlib import import_module
from typing import Any

from django.db import migrations, models

TRIGGERS = import_module("egov.audit.migrations.0002_append_only_triggers")


def sqlite_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in TRIGGERS.SQLITE_FORWARD:
            schema_editor.execute(statement.replace("TRIGGER", "TRIGGER IF NOT EXISTS", 1))


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AlterField(
            model_name="auditrecord",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
    ]
