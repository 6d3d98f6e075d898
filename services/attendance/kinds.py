"""The outbox kinds this package enqueues (the scheduler's `kinds` renders them)."""

from __future__ import annotations

CHECKIN = "meeting_checkin"
VOTE = "meeting_vote"
VOTE_RESULT = "meeting_vote_result"
BALLOT_REMINDER = "meeting_ballot_reminder"
