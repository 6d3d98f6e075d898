"""The operator's alerts: what must not vanish unnoticed. For now each is logged at ERROR
with a stable message starting «OPERATOR ALERT» (grep for it); the alert channel (issue 14)
routes `outcome_lost` from here."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

ALERT = "OPERATOR ALERT"


def outcome_lost(*, kind: str, row_id: int, chat_id: int | None, failure: str, error: str) -> None:
    """An outcome meant for a person (a broadcast's summary) that the outbox gave up on after
    its retries: the row stays failed, and the operator must know."""
    log.error(
        "%s: outcome not delivered: %s, outbox row %s, chat %s: %s (%s)",
        ALERT,
        kind,
        row_id,
        chat_id,
        failure,
        error,
    )


def backup_failed(error: str) -> None:
    """The daily backup of the SQLite database could not be made (a full disk, a folder it
    may not write, a damaged database): no copy today until the operator acts."""
    log.error("%s: daily backup failed: %s", ALERT, error)
