"""PostgreSQL: the vocabulary of the catalogue for typo correction (see egov/catalogue/search.py).

``catalogue_search_word`` holds every distinct word (lexeme of ``search_tsv``, i.e. of the folded
``search_text``: lower case, no diacritics) made of ``[a-z0-9]`` only. ``term`` uses the "C"
collation so that its primary key answers prefix lookups as byte ranges, and a GiST trigram index
(``gist_trgm_ops``) answers nearest-word lookups (``ORDER BY term <-> word LIMIT n``).

Statement-level triggers on ``catalogue_procedure`` keep it current in the writing transaction,
whoever writes (seed load, synthetic generation, any later rename): set-based over the transition
tables of an INSERT or UPDATE; words no procedure uses any more are removed after an UPDATE or a
DELETE; a TRUNCATE (test flushes) empties it. Existing procedures are read in once here. The GIN
trigram index of migration 0002 on ``search_text`` (whole-query fallback, now gone) is dropped.

SQLite needs nothing: its ``fts5vocab`` table (migration 0002) is always current.
"""

from django.db import migrations

PG_FORWARD = [
    'CREATE TABLE IF NOT EXISTS catalogue_search_word (term text COLLATE "C" PRIMARY KEY)',
    "CREATE INDEX IF NOT EXISTS catalogue_search_word_trgm_idx ON catalogue_search_word "
    "USING gist (term gist_trgm_ops)",
    "CREATE OR REPLACE FUNCTION catalogue_search_word_sync() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP IN ('UPDATE', 'DELETE') THEN "
    "DELETE FROM catalogue_search_word AS v "
    "USING (SELECT DISTINCT w FROM old_rows, unnest(tsvector_to_array(old_rows.search_tsv)) AS w "
    "WHERE w ~ '^[a-z0-9]+$') AS o(w) "
    "WHERE v.term = o.w AND NOT EXISTS (SELECT 1 FROM catalogue_procedure AS p "
    "WHERE p.search_tsv @@ to_tsquery('simple', o.w)); "
    "END IF; "
    "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
    "INSERT INTO catalogue_search_word (term) "
    "SELECT DISTINCT w FROM new_rows, unnest(tsvector_to_array(new_rows.search_tsv)) AS w "
    "WHERE w ~ '^[a-z0-9]+$' "
    "ON CONFLICT DO NOTHING; "
    "END IF; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION catalogue_search_word_clear() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN DELETE FROM catalogue_search_word; RETURN NULL; END $$",
    # Transition tables need one trigger per event.
    "CREATE TRIGGER catalogue_search_word_ai AFTER INSERT ON catalogue_procedure "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION catalogue_search_word_sync()",
    "CREATE TRIGGER catalogue_search_word_au AFTER UPDATE ON catalogue_procedure "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION catalogue_search_word_sync()",
    "CREATE TRIGGER catalogue_search_word_ad AFTER DELETE ON catalogue_procedure "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION catalogue_search_word_sync()",
    "CREATE TRIGGER catalogue_search_word_at AFTER TRUNCATE ON catalogue_procedure "
    "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_search_word_clear()",
    "INSERT INTO catalogue_search_word (term) SELECT DISTINCT w FROM catalogue_procedure, "
    "unnest(tsvector_to_array(catalogue_procedure.search_tsv)) AS w "
    "WHERE w ~ '^[a-z0-9]+$' ON CONFLICT DO NOTHING",
    "ANALYZE catalogue_search_word",
    # The trigram index on the whole search text served the former whole-query fallback only.
    "DROP INDEX IF EXISTS catalogue_proc_trgm_idx",
]
PG_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS catalogue_proc_trgm_idx ON catalogue_procedure "
    "USING gin (search_text gin_trgm_ops)",
    "DROP TRIGGER IF EXISTS catalogue_search_word_at ON catalogue_procedure",
    "DROP TRIGGER IF EXISTS catalogue_search_word_ad ON catalogue_procedure",
    "DROP TRIGGER IF EXISTS catalogue_search_word_au ON catalogue_procedure",
    "DROP TRIGGER IF EXISTS catalogue_search_word_ai ON catalogue_procedure",
    "DROP FUNCTION IF EXISTS catalogue_search_word_clear()",
    "DROP FUNCTION IF EXISTS catalogue_search_word_sync()",
    "DROP TABLE IF EXISTS catalogue_search_word",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_search")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD}),
            _run({"postgresql": PG_BACKWARD}),
        )
    ]
