"""Version 2 of the record hash (``AuditRecord.hash_version``; the records written before keep
version 1) and, on PostgreSQL, the function that appends a record in one statement
(``services.audit_record``).

On SQLite, adding the column rebuilds the table, which drops its triggers: they are created
again (the same ones as 0002)."""

from importlib import import_module
from typing import Any

from django.db import migrations, models

# ``p_content``: the record's content as the JSON array ``hashing.record_content`` built. The
# chain's head row is locked (FOR UPDATE) until the transaction ends, created on the chain's
# first record; the record's hash is ``core.hashchain.link_hash`` of the content's SHA-256; returns
# the record's id, seq, previous hash and hash.
APPEND = """
CREATE OR REPLACE FUNCTION audit_append(p_chain text, p_content text)
RETURNS TABLE (record_id bigint, record_seq bigint, record_prev text, record_hash text)
LANGUAGE plpgsql AS $$
DECLARE
    c jsonb := p_content::jsonb;
    last_seq bigint;
    prev text;
    linked text;
    new_id bigint;
BEGIN
    SELECT h.seq, h.hash INTO last_seq, prev FROM audit_auditchainhead h
        WHERE h.chain = p_chain FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_auditchainhead (chain, seq, hash) VALUES (p_chain, 0, repeat('0', 64))
            ON CONFLICT (chain) DO NOTHING;
        SELECT h.seq, h.hash INTO last_seq, prev FROM audit_auditchainhead h
            WHERE h.chain = p_chain FOR UPDATE;
    END IF;
    last_seq := last_seq + 1;
    linked := encode(sha256(convert_to(
        encode(sha256(convert_to(p_content, 'UTF8')), 'hex') || '|' || p_chain || '|'
        || last_seq::text || '|' || prev, 'UTF8'
    )), 'hex');
    INSERT INTO audit_auditrecord (
        chain, seq, occurred_at, actor_kind, actor_id, actor_agency, on_behalf_of, action,
        subject_type, subject_id, request_id, diff, prev_hash, hash, hash_version
    ) VALUES (
        p_chain, last_seq, (c->>0)::timestamptz, c->>1, c->>2, c->>3, c->>4, c->>5, c->>6,
        c->>7, c->>8, c->9, prev, linked, 2
    ) RETURNING id INTO new_id;
    UPDATE audit_auditchainhead SET seq = last_seq, hash = linked WHERE chain = p_chain;
    RETURN QUERY SELECT new_id, last_seq, prev, linked;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS audit_append(text, text)"
TRIGGERS = import_module("egov.audit.migrations.0003_write_path_indexes")


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND)


def drop(apps: Any, schema_editor: Any) -> None:
    """Going back drops the column that says how each record was hashed: refused once a
    version 2 record exists (they would all read as version 1 and fail verification)."""
    if apps.get_model("audit", "AuditRecord").objects.filter(hash_version=2).exists():
        raise RuntimeError(
            "Audit records with version 2 hashes exist: unapplying audit 0004 would break "
            "their verification. Restore a backup taken before the upgrade instead."
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_write_path_indexes")]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(TRIGGERS.sqlite_triggers, migrations.RunPython.noop),
        migrations.RunPython(create, drop),
    ]
