"""What every part of the survey package shares: outbox kinds, limits, the group key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

# Outbox kinds; params {"survey_id": …}
INVITE = "survey_invite"  # to each recipient when the survey opens
REMINDER = "survey_reminder"  # to those who have not finished; params also {"stage": 1 | 2}
KINDS = (INVITE, REMINDER)

QUESTIONS_MAX = 50
OPTIONS_MIN, OPTIONS_MAX = 2, 10
TEXT_MAX = 300  # a question, an option, a short answer, «другое»
LONG_MAX = 4_000
SCALE_MIN, SCALE_MAX = 1, 5
ANONYMITY_MIN = 3  # anonymous results: shown from 3 responses, then refreshed every 3 more
REMIND_BEFORE = timedelta(days=2)  # stage 1: two days before closing
REMIND_AT = time(10, 0)  # stage 2: on the last day, at this local time
REMIND_GAP = timedelta(hours=12)  # no reminder closer than this to the invitation or another
CHUNK = 1000  # rows per multi-row INSERT


def N_(message: str) -> str:
    """Marks an English msgid for extraction (babel -k N_); the caller translates it."""
    return message


Translate = Callable[[str], str]
