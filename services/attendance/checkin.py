"""Check-in: the chair or secretary opens and closes it; a member checks in with one tap.

A member's tap is the hot path of a meeting's first minutes: a single INSERT … SELECT
(`queries.fast_checkin`, run by `run_single` without holding SQLite's write lock across
turns of the event loop) checks the whole rule and writes the row; only when it writes
nothing does an ordinary write transaction look for why (`rules.refusal`), or find a
double tap, or a member marked absent on the roll who came after all."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession

from models import PRESENT_KINDS, Association, Attendance, Meeting, MeetingForm, Presence
from services import audit, outbox
from services.attendance import queries
from services.attendance.access import running_meeting
from services.attendance.kinds import CHECKIN
from services.attendance.members import member_ids, presiding_and_keeper
from services.attendance.rules import Facts, Tap, checkin_open, refusal
from services.errors import DomainError, ErrorCode
from services.outbox import keys
from services.permissions import Action, Actor, Scope, require
from services.tx import run_single, writes

CHECKIN_MINUTES = 60


async def start_checkin(
    session: AsyncSession,
    actor: Actor | None,
    meeting: Meeting,
    association: Association,
    now: datetime,
    *,
    code: bool,
) -> None:
    """Open check-in in the caller's transaction (by hand, or by the clock at the start):
    it closes by itself an hour after the start; members get «Отметиться»."""
    start = meeting.starts_at or now
    meeting.checkin_opened_at = now
    meeting.checkin_closes_at = max(start, now) + timedelta(minutes=CHECKIN_MINUTES)
    meeting.checkin_closed_at = None
    if code and meeting.form is not MeetingForm.ABSENTEE:
        meeting.checkin_code = f"{secrets.randbelow(10_000):04d}"
    await mark_presiding_present(session, meeting, association, now)
    members = await member_ids(session, association.id)
    await outbox.fan_out(
        session,
        members,
        kind=CHECKIN,
        group_key=keys.checkin_group(meeting.id),
        dedupe_key=lambda pid: keys.checkin(meeting_id=meeting.id, person_id=pid),
        due_at=now,
        params={"meeting_id": meeting.id},
    )
    audit.record(
        session,
        actor,
        "meeting.checkin_opened",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        code=meeting.checkin_code is not None,
    )


async def mark_presiding_present(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> None:
    """The one presiding and the one keeping the minutes of a gathering are in the room
    from the moment check-in opens: their marks are written then (present, not by the
    roll), unless they have one already; the roll can still correct them."""
    if meeting.form is MeetingForm.ABSENTEE:
        return
    presiding, keeper = await presiding_and_keeper(session, meeting)
    for person_id in sorted({p for p in (presiding, keeper) if p is not None}):
        member = (await session.execute(queries.membership(association.id, person_id))).first()
        if member is None:  # no longer a member: they are not counted
            continue
        role, voting, school = member
        await session.execute(
            outbox.insert_for(session)(Attendance)
            .values(
                meeting_id=meeting.id,
                person_id=person_id,
                status=Presence.PRESENT,
                school_name=school,
                role=role.value,
                voting=voting,
                by_roll=False,
                at=now,
            )
            .on_conflict_do_nothing(index_elements=["meeting_id", "person_id"])
        )


@writes
async def open_checkin(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime, *, code: bool = False
) -> Meeting:
    """The chair or secretary opens check-in (early, or with a code shown at the venue);
    members get «Отметиться». It closes by itself an hour after the start."""
    meeting, association = await running_meeting(session, actor, meeting_id, Action.RUN_CHECKIN)
    if meeting.form is MeetingForm.ABSENTEE:
        raise DomainError(ErrorCode.NO_GATHERING)
    if checkin_open(meeting, now) and not code:
        return meeting
    await start_checkin(session, actor, meeting, association, now, code=code)
    return meeting


@writes
async def close_checkin(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> None:
    meeting, association = await running_meeting(session, actor, meeting_id, Action.RUN_CHECKIN)
    meeting.checkin_closed_at = now
    audit.record(
        session,
        actor,
        "meeting.checkin_closed",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )


@dataclass(frozen=True)
class CheckedIn:
    status: Presence
    already: bool  # a double tap: nothing new was written


# Built once per dialect, tap and whether a code was typed: the hot path.
_FAST: dict[tuple[str, Tap, bool], Executable] = {}


async def fast_check_in(
    session: AsyncSession,
    person_id: int,
    meeting_id: int,
    now: datetime,
    tap: Tap,
    code: str | None,
) -> bool:
    """The check-in as one statement of its own (no transaction may be open); True when a
    row was written."""
    dialect = session.get_bind().dialect.name
    typed = code is not None and tap is Tap.IN_ROOM
    statement = _FAST.get((dialect, tap, typed))
    if statement is None:
        statement = _FAST[dialect, tap, typed] = queries.fast_checkin(dialect, tap, typed)
    params: dict[str, object] = {
        "meeting_id": meeting_id,
        "person_id": person_id,
        "status": Presence.ONLINE if tap is Tap.ONLINE else Presence.PRESENT,
        "now": now,
    }
    if typed:
        assert code is not None
        params["code"] = code.strip()
    result = await run_single(session, statement, params)
    return result.first() is not None


async def check_in(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    *,
    online: bool = False,
    code: str | None = None,
) -> CheckedIn:
    """One tap: presence with its time (online for a hybrid meeting's remote participant).
    Its own transactions: the single statement, then, if it wrote nothing, a write."""
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    tap = Tap.ONLINE if online else Tap.IN_ROOM
    presence = Presence.ONLINE if online else Presence.PRESENT
    if await fast_check_in(session, actor.person_id, meeting_id, now, tap, code):
        return CheckedIn(presence, already=False)
    return await _check_in_or_explain(session, actor, actor.person_id, meeting_id, now, tap, code)


@writes
async def _check_in_or_explain(
    session: AsyncSession,
    actor: Actor,
    person_id: int,
    meeting_id: int,
    now: datetime,
    tap: Tap,
    code: str | None,
) -> CheckedIn:
    """Nothing written by the fast path: why (the rule's refusal), or a double tap, or a
    mark to change (it may still write the row)."""
    row = (await session.execute(queries.checkin_facts(meeting_id, person_id))).first()
    if row is None:
        raise DomainError(ErrorCode.FORBIDDEN)  # not a member: the rule's first case
    (status, form, opened, closes, closed, secret, association_id, service_id) = row[:8]
    (role, voting, school) = row[8:]
    require(actor, Action.PARTICIPATE, Scope(service_id, association_id))
    facts = Facts(True, status, form, opened, closes, closed, secret)
    refused = refusal(facts, now, tap, code)
    if refused is not None:
        raise DomainError(refused)
    presence = Presence.ONLINE if tap is Tap.ONLINE else Presence.PRESENT
    inserted = await session.execute(
        outbox.insert_for(session)(Attendance)
        .values(
            meeting_id=meeting_id,
            person_id=person_id,
            status=presence,
            school_name=school,
            role=role.value,
            voting=voting,
            by_roll=False,
            at=now,
        )
        .on_conflict_do_nothing(index_elements=["meeting_id", "person_id"])
        .returning(Attendance.id)
    )
    if inserted.first() is not None:
        return CheckedIn(presence, already=False)
    existing = await session.scalar(queries.mark(meeting_id, person_id))
    assert existing is not None
    if existing.status in PRESENT_KINDS:
        return CheckedIn(existing.status, already=True)
    existing.status, existing.at, existing.reason = presence, now, None  # came after all
    return CheckedIn(presence, already=False)
