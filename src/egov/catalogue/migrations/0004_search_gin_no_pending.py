"""PostgreSQL: the GIN index on ``search_tsv`` (migration 0002) without a pending list.

With ``fastupdate`` on (the default) new entries wait in an unsorted pending list until a vacuum
or ``gin_pending_list_limit`` (4 MB) flushes them, and every search reads the whole list: after a
bulk load (seed catalogue, ``catalogue_generate``) that is ~230 pages per query, 3-5 ms, and the
planner then prefers a sequential scan of the table. The catalogue is written rarely and searched
on every page view, so entries go straight into the index; the list left by earlier writes is
flushed once here.

SQLite needs nothing (FTS5 has no such list).
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER INDEX IF EXISTS catalogue_proc_tsv_idx SET (fastupdate = off)",
    "SELECT gin_clean_pending_list('catalogue_proc_tsv_idx'::regclass)",
]
PG_BACKWARD = ["ALTER INDEX IF EXISTS catalogue_proc_tsv_idx RESET (fastupdate)"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search_vocabulary")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD}),
            _run({"postgresql": PG_BACKWARD}),
        )
    ]
