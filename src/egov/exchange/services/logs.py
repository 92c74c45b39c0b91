"""Retention of the message log (``EGOV_EXCHANGE_LOG_RETENTION_DAYS``) and of stored answers for
replays (``EGOV_EXCHANGE_REPLAY_HOURS``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction

from egov.audit.services import audit_record
from egov.core import clock
from egov.core.actor import Actor
from egov.core.errors import PermissionDenied
from egov.exchange.models import Delivery, Message, MessageChainHead
from egov.exchange.services.registry import is_platform


def log_purge(*, actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """Remove log rows older than the retention period, chain by chain from the oldest, and
    keep the last removed row's sequence number and hash in the chain head as the anchor the
    verification starts from (also written to the audit trail, which is append-only). Stored
    answers older than the replay window are removed too."""
    if not is_platform(actor):
        raise PermissionDenied()
    now = now or clock.real_now()
    cutoff = now - dt.timedelta(days=int(settings.EGOV_EXCHANGE_LOG_RETENTION_DAYS))
    removed = 0
    for chain in MessageChainHead.objects.values_list("chain", flat=True):
        with transaction.atomic():
            head = MessageChainHead.objects.select_for_update().get(chain=chain)
            last = (
                Message.objects.filter(chain=chain, occurred_at__lt=cutoff)
                .order_by("-seq")
                .values("seq", "hash")
                .first()
            )
            if last is None:
                continue
            # The model refuses deletes (append-only); retention is the one path that removes.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {Message._meta.db_table} WHERE chain = %s AND seq <= %s",  # noqa: S608 - table name from the model
                    [chain, last["seq"]],
                )
                count = cursor.rowcount
            head.base_seq, head.base_hash = last["seq"], last["hash"]
            head.save(update_fields=["base_seq", "base_hash"])
            audit_record(
                actor=actor, action="exchange.log_purged", subject_type="exchange.log_chain",
                subject_id=chain,
                diff={"base_seq": [None, last["seq"]], "base_hash": [None, last["hash"]],
                      "removed": [None, count]},
            )  # fmt: skip
            removed += int(count)
    replay_cutoff = now - dt.timedelta(hours=int(settings.EGOV_EXCHANGE_REPLAY_HOURS))
    answers, _ = Delivery.objects.filter(created_at__lt=replay_cutoff).delete()
    return {"messages": removed, "answers": answers}
