"""Domain errors carry a code; the front end turns each code into a message in the user's
language. A use case that raises has changed nothing (its transaction is rolled back)."""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_REGISTERED = "not_registered"
    INVITE_UNKNOWN = "invite_unknown"
    INVITE_EXPIRED = "invite_expired"
    INVITE_USED = "invite_used"
    INVITE_WRONG_PLACE = "invite_wrong_place"
    ALREADY_MEMBER = "already_member"
    ALREADY_BOUND = "already_bound"
    NAME_EMPTY = "name_empty"
    NAME_TOO_SHORT = "name_too_short"
    NAME_TOO_LONG = "name_too_long"
    HTML_NOT_ALLOWED = "html_not_allowed"
    TEXT_EMPTY = "text_empty"
    TEXT_TOO_LONG = "text_too_long"
    BAD_TIMEZONE = "bad_timezone"
    DUPLICATE_NAME = "duplicate_name"
    LAST_CHAIR = "last_chair"
    ROSTER_TOO_BIG = "roster_too_big"
    ROSTER_EMPTY = "roster_empty"
    ROSTER_BAD_LINE = "roster_bad_line"
    GROUP_ALREADY_LINKED = "group_already_linked"
    CONSENT_REQUIRED = "consent_required"
    STALE = "stale"
    ALREADY_SENT = "already_sent"
    NO_RECIPIENTS = "no_recipients"


class DomainError(Exception):
    def __init__(self, code: ErrorCode, **params: Any) -> None:
        super().__init__(code.value, params)
        self.code = code
        self.params = params
