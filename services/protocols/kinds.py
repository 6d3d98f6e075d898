"""The outbox kinds a protocol causes (their keys are in `services.outbox.keys`)."""

from __future__ import annotations

DRAFT = "protocol_draft"  # to the keeper: the draft is ready
MISSING = "protocol_missing"  # to the keeper: no draft, and what is missing
SIGN = "protocol_sign"  # to the other signer once one has signed
REMINDER = "protocol_reminder"  # to the keeper and the chair while not issued
OVERDUE = "protocol_overdue"  # to the chair and the methodists after the due day
COPY = "protocol_copy"  # the signed protocol, to every member and interested person
KINDS = (DRAFT, MISSING, SIGN, REMINDER, OVERDUE, COPY)
