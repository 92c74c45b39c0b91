"""Version 2 of the message log's row hash (``Message.hash_version``) and, on PostgreSQL, the
function that appends an exchange's rows in one statement (``logchain.append``)."""

from typing import Any

from django.db import migrations, models

# ``p_rows``: the rows of one exchange, one a line, each the JSON array ``logchain.row_content``
# built (the row's content, in ``logchain.CONTENT_FIELDS`` order after the time; JSON text has
# no raw line break), in one text parameter (cheaper to send than an array); a row's content
# digest is the SHA-256 of that text, so Python sends the bytes it built once and hashes nothing. The
# head row is locked (FOR UPDATE) until the statement's transaction ends; each row's hash is
# ``logchain.link_hash``. With an answer to store (``p_consumer_id``), it is inserted first,
# under the head's lock: if the consumer's message id already has one, nothing is written and 0
# is returned (the gateway then answers as a replay). Returns the last seq taken, or NULL when
# the chain has no head row (nothing written either).
APPEND = """
CREATE OR REPLACE FUNCTION exchange_log_append(
    p_chain text, p_rows text, p_consumer_id bigint, p_body bytea
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    rows text[] := string_to_array(p_rows, E'\\n');
    last_seq bigint;
    prev text;
    linked text;
    c jsonb;
BEGIN
    SELECT seq, hash INTO last_seq, prev FROM exchange_messagechainhead
        WHERE chain = p_chain FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF p_consumer_id IS NOT NULL THEN
        c := rows[1]::jsonb;
        INSERT INTO exchange_delivery (consumer_id, message_id, request_hash, status, body,
                                       created_at)
        VALUES (p_consumer_id, c->>1, c->>15, (c->>13)::integer, p_body, (c->>0)::timestamptz)
        ON CONFLICT (consumer_id, message_id) DO NOTHING;
        IF NOT FOUND THEN
            RETURN 0;
        END IF;
    END IF;
    FOR i IN 1 .. cardinality(rows) LOOP
        c := rows[i]::jsonb;
        last_seq := last_seq + 1;
        linked := encode(sha256(convert_to(
            encode(sha256(convert_to(rows[i], 'UTF8')), 'hex') || '|' || p_chain || '|'
            || last_seq::text || '|' || prev, 'UTF8'
        )), 'hex');
        INSERT INTO exchange_message (
            occurred_at, message_id, consumer, consumer_member, actor_kind, actor_id,
            actor_agency, provider, provider_member, service, purpose, subject_pin, fields,
            status, outcome, request_hash, response_hash, duration_ms, chain, seq, prev_hash,
            hash, hash_version
        ) VALUES (
            (c->>0)::timestamptz, c->>1, c->>2, c->>3, c->>4, c->>5, c->>6, c->>7, c->>8, c->>9,
            c->>10, c->>11, c->12, (c->>13)::integer, c->>14, c->>15, c->>16,
            (c->>17)::integer,
            p_chain, last_seq, prev, linked, 2
        );
        prev := linked;
    END LOOP;
    UPDATE exchange_messagechainhead SET seq = last_seq, hash = prev WHERE chain = p_chain;
    RETURN last_seq;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS exchange_log_append(text, text, bigint, bytea)"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RunPython(create, drop),
    ]
