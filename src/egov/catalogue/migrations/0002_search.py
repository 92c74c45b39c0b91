"""Search indexes, per database vendor (see egov/catalogue/search.py).

PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions, a generated column
``search_tsv = to_tsvector('simple', search_text)`` with a GIN index (prefix full-text query) and a GIN trigram index on
``search_text`` (typo-tolerant word similarity). Creating extensions needs a superuser or the
extensions pre-installed by the database administrator.

SQLite: an FTS5 table with external content on ``catalogue_procedure`` kept in sync by triggers
(so bulk inserts, updates, deletes and test flushes keep it right), and an ``fts5vocab`` table of
its words for typo tolerance. FTS5 is built into Python's sqlite3.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # A stored tsvector (not declared on the model: the database computes it on every write),
    # so ranking does not re-parse the text of every matching row.
    "ALTER TABLE catalogue_procedure ADD COLUMN IF NOT EXISTS search_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS catalogue_proc_tsv_idx ON catalogue_procedure "
    "USING gin (search_tsv)",
    "CREATE INDEX IF NOT EXISTS catalogue_proc_trgm_idx ON catalogue_procedure "
    "USING gin (search_text gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS catalogue_proc_trgm_idx",
    "DROP INDEX IF EXISTS catalogue_proc_tsv_idx",
    "ALTER TABLE catalogue_procedure DROP COLUMN IF EXISTS search_tsv",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalogue_procedure_fts USING fts5("
    "search_text, content='catalogue_procedure', content_rowid='id')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalogue_procedure_fts_vocab USING fts5vocab("
    "'catalogue_procedure_fts', 'row')",
    "CREATE TRIGGER IF NOT EXISTS catalogue_procedure_fts_ai AFTER INSERT ON catalogue_procedure "
    "BEGIN INSERT INTO catalogue_procedure_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS catalogue_procedure_fts_ad AFTER DELETE ON catalogue_procedure "
    "BEGIN INSERT INTO catalogue_procedure_fts(catalogue_procedure_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS catalogue_procedure_fts_au AFTER UPDATE OF search_text "
    "ON catalogue_procedure BEGIN "
    "INSERT INTO catalogue_procedure_fts(catalogue_procedure_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO catalogue_procedure_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "INSERT INTO catalogue_procedure_fts(catalogue_procedure_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalogue_procedure_fts_au",
    "DROP TRIGGER IF EXISTS catalogue_procedure_fts_ad",
    "DROP TRIGGER IF EXISTS catalogue_procedure_fts_ai",
    "DROP TABLE IF EXISTS catalogue_procedure_fts_vocab",
    "DROP TABLE IF EXISTS catalogue_procedure_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
