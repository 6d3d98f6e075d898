"""When a member may check in (one table of cases), and when a ballot may be answered.

The check-in rule is `CHECKIN_RULE`: the first case that matches gives the outcome (an
error code, or None: the row is written). Two evaluators read it: `refusal`, the Python
check (the slow path and its error messages), and `allowed_sql`, the WHERE clause of the
fast path's single INSERT … SELECT (`queries.fast_checkin`), which cannot say why it wrote
nothing and so only needs "allowed or not". `tests/test_checkin_rule.py` runs every case
against both on the database.

What the rule looks at:

- member: an active membership in the meeting's association (the fast path's join);
- status: the meeting's status;
- window: check-in not opened yet, open, or closed (by hand, or its hour has passed);
- form: in person, hybrid, absentee;
- tap: «I am in the room» or «I am online»;
- code: the meeting has no code, or has one and none / the right one / a wrong one was
  typed (spaces around a typed code do not count).

Who is present without a tap: the one presiding and the one keeping the minutes of a
gathering, from the moment check-in opens (`checkin.start_checkin` writes their marks, so
the quorum, the votes and the protocol all read the same rows; the roll can correct them).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import BindParameter, ColumnElement, and_, false, not_, or_

from models import Meeting, MeetingForm, MeetingStatus
from services.errors import ErrorCode

E = TypeVar("E", bound=enum.StrEnum)


class Window(enum.StrEnum):
    NOT_OPENED = "not_opened"
    OPEN = "open"
    CLOSED = "closed"  # closed by hand, or its closing time has come


class Tap(enum.StrEnum):
    IN_ROOM = "in_room"
    ONLINE = "online"


class Code(enum.StrEnum):
    NONE_SET = "none_set"  # the meeting has no code: any typed one is ignored
    NOT_TYPED = "not_typed"
    RIGHT = "right"
    WRONG = "wrong"


def but(*values: E) -> frozenset[E]:
    """Every value of the enum except these."""
    return frozenset(type(values[0])) - set(values)


@dataclass(frozen=True)
class Case:
    """One line of the table; a field left None matches anything."""

    outcome: ErrorCode | None  # None: allowed
    member: bool | None = None
    status: frozenset[MeetingStatus] | None = None
    window: frozenset[Window] | None = None
    form: frozenset[MeetingForm] | None = None
    tap: Tap | None = None
    code: frozenset[Code] | None = None


# The first case that matches decides.
CHECKIN_RULE: tuple[Case, ...] = (
    Case(ErrorCode.FORBIDDEN, member=False),
    Case(ErrorCode.MEETING_CANCELLED, status=frozenset({MeetingStatus.CANCELLED})),
    Case(ErrorCode.CHECKIN_NOT_OPEN, status=but(MeetingStatus.PUBLISHED)),
    Case(ErrorCode.CHECKIN_NOT_OPEN, window=frozenset({Window.NOT_OPENED})),
    Case(ErrorCode.CHECKIN_CLOSED, window=frozenset({Window.CLOSED})),
    Case(ErrorCode.STALE, tap=Tap.ONLINE, form=but(MeetingForm.HYBRID)),
    Case(ErrorCode.NEED_CODE, tap=Tap.IN_ROOM, code=frozenset({Code.NOT_TYPED})),
    Case(ErrorCode.WRONG_CODE, tap=Tap.IN_ROOM, code=frozenset({Code.WRONG})),
    Case(None),
)


@dataclass(frozen=True)
class Facts:
    """What the rule looks at, as stored: a meeting and whether the person is a member."""

    member: bool
    status: MeetingStatus
    form: MeetingForm
    opened_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    code: str | None  # the meeting's code


def window(
    opened_at: datetime | None,
    closes_at: datetime | None,
    closed_at: datetime | None,
    now: datetime,
) -> Window:
    if opened_at is None:
        return Window.NOT_OPENED
    if closed_at is not None or (closes_at is not None and now >= closes_at):
        return Window.CLOSED
    return Window.OPEN


def code_state(secret: str | None, typed: str | None) -> Code:
    if secret is None:
        return Code.NONE_SET
    if typed is None:
        return Code.NOT_TYPED
    return Code.RIGHT if typed.strip() == secret else Code.WRONG


def _first(match: Callable[[Case], bool]) -> Case:
    return next(case for case in CHECKIN_RULE if match(case))


def refusal(facts: Facts, now: datetime, tap: Tap, typed: str | None) -> ErrorCode | None:
    """The Python check: why this tap may not check in, or None when it may."""
    shut = window(facts.opened_at, facts.closes_at, facts.closed_at, now)
    code = code_state(facts.code, typed)

    def match(case: Case) -> bool:
        return (
            (case.member is None or case.member == facts.member)
            and (case.status is None or facts.status in case.status)
            and (case.window is None or shut in case.window)
            and (case.form is None or facts.form in case.form)
            and (case.tap is None or case.tap is tap)
            and (case.code is None or code in case.code)
        )

    return _first(match).outcome


def checkin_open(meeting: Meeting, now: datetime) -> bool:
    """Check-in is under way (what the quorum card shows)."""
    return (
        meeting.status is MeetingStatus.PUBLISHED
        and window(
            meeting.checkin_opened_at, meeting.checkin_closes_at, meeting.checkin_closed_at, now
        )
        is Window.OPEN
    )


# ---------------------------------------------------------------- the rule in SQL

Condition = ColumnElement[bool] | bool  # a bool: known when the statement is built


def _window_sql(value: Window, now: BindParameter[datetime]) -> ColumnElement[bool]:
    opened, closes, closed = (
        Meeting.checkin_opened_at,
        Meeting.checkin_closes_at,
        Meeting.checkin_closed_at,
    )
    if value is Window.NOT_OPENED:
        return opened.is_(None)
    if value is Window.OPEN:
        return and_(opened.is_not(None), closed.is_(None), or_(closes.is_(None), closes > now))
    return and_(
        opened.is_not(None),
        or_(closed.is_not(None), and_(closes.is_not(None), closes <= now)),
    )


def _code_sql(value: Code, typed: BindParameter[str] | None) -> Condition:
    secret = Meeting.checkin_code
    if value is Code.NONE_SET:
        return secret.is_(None)
    if typed is None:  # nothing typed: never right nor wrong
        return secret.is_not(None) if value is Code.NOT_TYPED else False
    if value is Code.NOT_TYPED:
        return False
    if value is Code.RIGHT:
        return and_(secret.is_not(None), secret == typed)
    return and_(secret.is_not(None), secret != typed)


def _any(conditions: Iterable[Condition]) -> Condition:
    found = list(conditions)
    if any(c is True for c in found):
        return True
    sql = [c for c in found if not isinstance(c, bool)]
    return or_(*sql) if sql else False


def _all(conditions: Iterable[Condition]) -> Condition:
    found = list(conditions)
    if any(c is False for c in found):
        return False
    sql = [c for c in found if not isinstance(c, bool)]
    return and_(*sql) if sql else True


def _one_of(column: ColumnElement[E], values: frozenset[E]) -> Condition:
    """`column IN values` with plain parameters (an expanding IN would be rendered again on
    every execution of the hot path)."""
    return _any(column == value for value in sorted(values))


def _case_sql(
    case: Case, tap: Tap, now: BindParameter[datetime], typed: BindParameter[str] | None
) -> Condition:
    """Whether the case matches, for a member (the statement's join) tapping `tap`. Every
    condition is NULL-free, so NOT of it is safe."""
    parts: list[Condition] = []
    if case.member is not None:
        parts.append(case.member)
    if case.status is not None:
        parts.append(_one_of(Meeting.__table__.c.status, case.status))
    if case.window is not None:
        parts.append(_any(_window_sql(w, now) for w in sorted(case.window)))
    if case.form is not None:
        parts.append(_one_of(Meeting.__table__.c.form, case.form))
    if case.tap is not None:
        parts.append(case.tap is tap)
    if case.code is not None:
        parts.append(_any(_code_sql(c, typed) for c in sorted(case.code)))
    return _all(parts)


def allowed_sql(
    tap: Tap, now: BindParameter[datetime], typed: BindParameter[str] | None
) -> list[ColumnElement[bool]]:
    """The rule as a WHERE clause on the meeting, for a member's tap (`typed`: the bound
    code, or None when none was typed): no refusing case matches, the allowing one does."""
    where: list[ColumnElement[bool]] = []
    for case in CHECKIN_RULE:
        matched = _case_sql(case, tap, now, typed)
        if case.outcome is None:
            if matched is False:
                return [false()]
            if matched is not True:
                where.append(matched)
            return where
        if matched is True:
            return [false()]
        if matched is not False:
            where.append(not_(matched))
    raise AssertionError("the check-in rule ends with the allowing case")


# ---------------------------------------------------------------- the ballot


def ballot_deadline(meeting: Meeting) -> datetime | None:
    """Absentee: its ballot deadline; hybrid: that, or the end of the gathering."""
    if meeting.ballot_deadline is not None:
        return meeting.ballot_deadline
    if meeting.form is MeetingForm.HYBRID and meeting.starts_at is not None:
        return meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    return None


def ballot_open(meeting: Meeting, now: datetime) -> bool:
    deadline = ballot_deadline(meeting)
    return (
        meeting.status is MeetingStatus.PUBLISHED
        and meeting.form is not MeetingForm.IN_PERSON
        and deadline is not None
        and now < deadline
    )
