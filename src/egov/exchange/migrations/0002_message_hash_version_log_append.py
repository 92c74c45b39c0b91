"""Version 2 of the message log's row hash (``Message.hash_version``) and, on PostgreSQL, the
function that appends an exchange's rows in one statement (``logchain.append``)."""

from typing import Any

from django.db import migrations, models

# Rows of one exchange: same content but the subject, one digest per row (``logchain.
# content_digest``, computed in Python). The head row is locked (FOR UPDATE) until the
# statement's transaction ends; each row's hash is ``logchain.link_hash``. With an answer to
# store (``p_consumer_id``), the answer is inserted first under the head's lock: if the
# consumer's message id already has one, nothing is written and 0 is returned (the gateway then
# answers as a replay). Returns the last seq taken, or NULL when the chain has no head row
# (nothing written either).
APPEND = """
CREATE OR REPLACE FUNCTION exchange_log_append(
    p_chain text, p_occurred_at timestamptz, p_message_id text, p_consumer text,
    p_consumer_member text, p_actor_kind text, p_actor_id text, p_actor_agency text,
    p_provider text, p_provider_member text, p_service text, p_purpose text, p_fields jsonb,
    p_status integer, p_outcome text, p_request_hash text, p_response_hash text,
    p_duration_ms integer, p_subjects text[], p_digests text[], p_consumer_id bigint,
    p_body bytea
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    prev text;
    linked text;
BEGIN
    SELECT seq, hash INTO last_seq, prev FROM exchange_messagechainhead
        WHERE chain = p_chain FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF p_consumer_id IS NOT NULL THEN
        INSERT INTO exchange_delivery (consumer_id, message_id, request_hash, status, body,
                                       created_at)
        VALUES (p_consumer_id, p_message_id, p_request_hash, p_status, p_body, p_occurred_at)
        ON CONFLICT (consumer_id, message_id) DO NOTHING;
        IF NOT FOUND THEN
            RETURN 0;
        END IF;
    END IF;
    FOR i IN 1 .. cardinality(p_subjects) LOOP
        last_seq := last_seq + 1;
        linked := encode(sha256(convert_to(
            p_digests[i] || '|' || p_chain || '|' || last_seq::text || '|' || prev, 'UTF8'
        )), 'hex');
        INSERT INTO exchange_message (
            chain, seq, occurred_at, message_id, consumer, consumer_member, actor_kind,
            actor_id, actor_agency, provider, provider_member, service, purpose, subject_pin,
            fields, status, outcome, request_hash, response_hash, duration_ms, prev_hash, hash,
            hash_version
        ) VALUES (
            p_chain, last_seq, p_occurred_at, p_message_id, p_consumer, p_consumer_member,
            p_actor_kind, p_actor_id, p_actor_agency, p_provider, p_provider_member, p_service,
            p_purpose, p_subjects[i], p_fields, p_status, p_outcome, p_request_hash,
            p_response_hash, p_duration_ms, prev, linked, 2
        );
        prev := linked;
    END LOOP;
    UPDATE exchange_messagechainhead SET seq = last_seq, hash = prev WHERE chain = p_chain;
    RETURN last_seq;
END
$$;
"""
DROP = (
    "DROP FUNCTION IF EXISTS exchange_log_append(text, timestamptz, text, text, text, text, "
    "text, text, text, text, text, text, jsonb, integer, text, text, text, integer, text[], "
    "text[], bigint, bytea)"
)


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
