"""The rules of a meeting that need no database: limits, the outbox kinds, which statuses
are still a draft, the checks of typed text, what stops a publication, who may preside."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from models import MeetingForm, MeetingStatus, Role
from services import deadlines
from services.errors import DomainError, ErrorCode
from services.validation import clean_line

if TYPE_CHECKING:
    from services.meetings.views import MeetingView

MAX_AGENDA = 30
DECISION_MAX = 4000
REASON_MAX = 1000
FILE_MAX = 20 * 1024 * 1024  # the Bot API's download limit
DURATIONS = (45, 60, 90, 120, 180)
DURATION_MIN, DURATION_MAX = 15, 600
_URL = re.compile(r"^https?://[^\s<>\"']{3,490}$")

UNPUBLISHED = (MeetingStatus.DRAFT, MeetingStatus.SCHEDULED, MeetingStatus.AWAITING_CHAIR)
EDITABLE = UNPUBLISHED
PRESIDING_ROLES = (Role.CHAIR, Role.DEPUTY)


class Kind(enum.StrEnum):
    """Outbox kinds of meetings."""

    NOTICE = "meeting_notice"  # the notice, or a changed notice (params: changes)
    REMINDER = "meeting_reminder"
    FINAL_AGENDA = "meeting_final_agenda"  # at the proposal cutoff, if the agenda changed
    CANCELLED = "meeting_cancelled"
    DRAFT_DEADLINE = "meeting_draft_deadline"  # to the chair and secretary of a draft
    CONFIRM = "meeting_confirm"  # an extraordinary meeting waits for the chair
    NUDGE = "meeting_nudge"  # "please answer" to those who have not answered
    DECISION = "meeting_decision"  # the chair's answer to an extraordinary request
    PROPOSAL = "meeting_proposal"  # a member's agenda proposal, to the chair and secretary
    PROPOSAL_DECIDED = "meeting_proposal_decided"  # accepted or rejected, to its author


def may_preside(role: Role) -> bool:
    """Only the chair or the deputy presides (the secretary or any member keeps minutes)."""
    return role in PRESIDING_ROLES


def check_link(text: str | None) -> str | None:
    value = clean_line(text)
    if not value:
        return None
    if not _URL.match(value):
        raise DomainError(ErrorCode.BAD_LINK)
    return value


def check_reason(text: str | None) -> str:
    value = (text or "").strip()
    if not value:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if len(value) > REASON_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=REASON_MAX, length=len(value))
    return value


def check_decision(text: str | None) -> str | None:
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > DECISION_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=DECISION_MAX, length=len(value))
    return value


@dataclass(frozen=True)
class Problem:
    """Why a draft cannot be published yet (a DomainError code and its parameters)."""

    code: ErrorCode
    params: dict[str, Any] = field(default_factory=dict)


def problems(view: MeetingView, now: datetime) -> list[Problem]:
    """What is missing or wrong before publication; empty when it can go."""
    found: list[Problem] = []
    moment = view.ballot_deadline if view.form is MeetingForm.ABSENTEE else view.starts_at
    if moment is None:
        found.append(Problem(ErrorCode.NO_DATE))
    elif moment <= now:
        found.append(Problem(ErrorCode.DATE_IN_PAST))
    if view.form is not MeetingForm.ABSENTEE and not view.venue:
        found.append(Problem(ErrorCode.NO_PLACE))
    if view.form is MeetingForm.HYBRID and not view.online_link:
        found.append(Problem(ErrorCode.NO_LINK))
    if not view.agenda:
        found.append(Problem(ErrorCode.NO_AGENDA))
    if view.has_ballot:
        missing = [q.position for q in view.agenda if not q.draft_decision]
        if missing:
            found.append(Problem(ErrorCode.NO_DRAFT_DECISION, {"questions": missing}))
    return found


def first_problem(view: MeetingView, now: datetime) -> None:
    found = problems(view, now)
    if found:
        raise DomainError(found[0].code, **found[0].params)


def late_error(deadline: datetime, timezone: str, days: int) -> DomainError:
    """NOTICE_LATE with the last day the notice could go (the rule: 002 Annex 2 §4.8)."""
    last = deadlines.local_day(deadline - timedelta(seconds=1), timezone)
    return DomainError(ErrorCode.NOTICE_LATE, day=last.strftime("%d.%m.%Y"), days=days)


def may_end(
    form: MeetingForm,
    status: MeetingStatus,
    starts_at: datetime | None,
    checkin_opened_at: datetime | None,
    now: datetime,
) -> ErrorCode | None:
    """Why a meeting cannot be ended by hand now (None: it can): a published gathering
    whose check-in was opened (early, as the chair may) or whose start has come. An
    absentee one ends by itself at its ballot deadline."""
    if status is MeetingStatus.ENDED:
        return ErrorCode.MEETING_ENDED
    if status is not MeetingStatus.PUBLISHED:
        return ErrorCode.NOT_PUBLISHED
    if form is MeetingForm.ABSENTEE:
        return ErrorCode.NOT_BEGUN
    if checkin_opened_at is not None or (starts_at is not None and starts_at <= now):
        return None
    return ErrorCode.NOT_BEGUN


def change_refusal(status: MeetingStatus, *, cancel: bool = False) -> ErrorCode | None:
    """Why a manager cannot change a meeting in this status (None: they can): a move or a
    new place needs a published one; a cancellation anything not cancelled or ended yet."""
    if status is MeetingStatus.CANCELLED:
        return ErrorCode.MEETING_CANCELLED
    if status is MeetingStatus.ENDED:
        return ErrorCode.MEETING_ENDED
    if not cancel and status is not MeetingStatus.PUBLISHED:
        return ErrorCode.NOT_PUBLISHED
    return None
