"""Check-in, the secretary's roll, the live quorum, open votes and absentee ballots
(DOMAIN.md, "Quorum and decisions", "Attendance").

A double tap, or two taps at once, give one row: attendance is unique per (meeting, person)
and votes per (question, person), and both are written with INSERT … ON CONFLICT DO NOTHING,
so the database decides, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Executable, bindparam, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    PRESENT_KINDS,
    Association,
    Attendance,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    Person,
    Presence,
    Protocol,
    Role,
    School,
    Vote,
)
from services import audit, outbox
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.quorum import Fraction, Quorum
from services.tx import atomic, run_single
from services.validation import check_title

CHECKIN_MINUTES = 60
CHECKIN = "meeting_checkin"
VOTE = "meeting_vote"
VOTE_RESULT = "meeting_vote_result"
BALLOT_REMINDER = "meeting_ballot_reminder"


def _scope(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


async def _meeting(
    session: AsyncSession, actor: Actor, meeting_id: int, action: Action, *, after_end: bool = False
) -> tuple[Meeting, Association]:
    """The meeting, if the actor may do `action` now. `after_end`: an ended meeting too, as
    long as its protocol has not been drafted (the roll completed afterwards)."""
    meeting = await session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, action, _scope(association))
    if meeting.status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is MeetingStatus.ENDED:
        drafted = await session.scalar(select(Protocol.id).where(Protocol.meeting_id == meeting.id))
        if after_end and drafted is None:
            return meeting, association
        raise DomainError(ErrorCode.MEETING_ENDED)
    if meeting.status is not MeetingStatus.PUBLISHED:
        raise DomainError(ErrorCode.NOT_PUBLISHED)
    return meeting, association


def checkin_open(meeting: Meeting, now: datetime) -> bool:
    return (
        meeting.status is MeetingStatus.PUBLISHED
        and meeting.checkin_opened_at is not None
        and meeting.checkin_closed_at is None
        and (meeting.checkin_closes_at is None or now < meeting.checkin_closes_at)
    )


# ---------------------------------------------------------------- who is in the association


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    school: str | None  # the school on the profile now
    voting: bool


async def members_of(session: AsyncSession, association_id: int) -> list[MemberRow]:
    """Every active member, by name (the roll, the register, a protocol's lists)."""
    rows = await session.execute(
        select(Person.id, Person.full_name, School.name, Membership.voting)
        .join(Membership, Membership.person_id == Person.id)
        .outerjoin(School, School.id == Person.school_id)
        .where(Membership.association_id == association_id, Membership.active)
        .order_by(Person.full_name)
    )
    return [MemberRow(pid, name or "—", school, voting) for pid, name, school, voting in rows.all()]


async def names_of(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    """People's full names by id («—» for one whose data was deleted)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = await session.execute(select(Person.id, Person.full_name).where(Person.id.in_(wanted)))
    return {pid: name or "—" for pid, name in rows.all()}


async def voting_count(session: AsyncSession, association_id: int) -> int:
    """M: the active voting members."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.association_id == association_id,
                Membership.active,
                Membership.voting,
            )
        )
        or 0
    )


async def default_roles(
    session: AsyncSession, association_id: int
) -> tuple[int | None, int | None]:
    """The association's chair and secretary (the first of each), who by default preside
    and keep the minutes."""
    rows = await session.execute(
        select(Membership.role, Membership.person_id)
        .where(Membership.association_id == association_id, Membership.active)
        .order_by(Membership.id)
    )
    by_role: dict[Role, int] = {}
    for role, pid in rows.all():
        by_role.setdefault(role, pid)
    return by_role.get(Role.CHAIR), by_role.get(Role.SECRETARY)


# ---------------------------------------------------------------- check-in


async def _members(session: AsyncSession, association_id: int) -> list[int]:
    rows = await session.scalars(
        select(Membership.person_id)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.association_id == association_id,
            Membership.active,
            Person.forgotten_at.is_(None),
        )
        .order_by(Membership.person_id)
    )
    return list(rows.all())


async def _open(
    session: AsyncSession,
    actor: Actor | None,
    meeting: Meeting,
    association: Association,
    now: datetime,
    *,
    code: bool,
) -> None:
    start = meeting.starts_at or now
    meeting.checkin_opened_at = now
    meeting.checkin_closes_at = max(start, now) + timedelta(minutes=CHECKIN_MINUTES)
    meeting.checkin_closed_at = None
    if code and meeting.form is not MeetingForm.ABSENTEE:
        meeting.checkin_code = f"{secrets.randbelow(10_000):04d}"
    members = await _members(session, association.id)
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=CHECKIN,
                person_id=pid,
                group_key=f"meeting:{meeting.id}:checkin",
                dedupe_key=f"meeting:{meeting.id}:checkin:person={pid}",
                due_at=now,
                params={"meeting_id": meeting.id},
            )
            for pid in members
        ],
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


@atomic
async def open_checkin(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime, *, code: bool = False
) -> Meeting:
    """The chair or secretary opens check-in (early, or with a code shown at the venue);
    members get «Отметиться». It closes by itself an hour after the start."""
    meeting, association = await _meeting(session, actor, meeting_id, Action.RUN_CHECKIN)
    if meeting.form is MeetingForm.ABSENTEE:
        raise DomainError(ErrorCode.NO_GATHERING)
    if checkin_open(meeting, now) and not code:
        await session.commit()
        return meeting
    await _open(session, actor, meeting, association, now, code=code)
    await session.commit()
    return meeting


@atomic
async def close_checkin(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> None:
    meeting, association = await _meeting(session, actor, meeting_id, Action.RUN_CHECKIN)
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
    await session.commit()


@dataclass(frozen=True)
class CheckedIn:
    status: Presence
    already: bool  # a double tap: nothing new was written


def _fast_statement(dialect: str, variant: str) -> Executable:
    """INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING: a row only if the person is an
    active member, check-in is open, the form allows online (variant "online") and the code
    matches (variant "code"; "plain" when none was typed). Bound: meeting_id, person_id,
    status, now, code."""
    a = Attendance.__table__.c
    now = bindparam("now", type_=a.at.type)
    conditions = [
        Meeting.id == bindparam("meeting_id"),
        Meeting.status == MeetingStatus.PUBLISHED,
        Meeting.checkin_opened_at.is_not(None),
        Meeting.checkin_closed_at.is_(None),
        Meeting.checkin_closes_at.is_(None) | (Meeting.checkin_closes_at > now),
    ]
    if variant == "online":
        conditions.append(Meeting.form == MeetingForm.HYBRID)
    elif variant == "code":
        conditions.append(
            Meeting.checkin_code.is_(None) | (Meeting.checkin_code == bindparam("code"))
        )
    else:
        conditions.append(Meeting.checkin_code.is_(None))
    person = bindparam("person_id", type_=a.person_id.type)
    source = (
        select(
            Meeting.id,
            person,
            bindparam("status", type_=a.status.type),
            School.name,
            Membership.role,
            Membership.voting,
            literal(False, a.by_roll.type),
            now,
        )
        .join(
            Membership,
            (Membership.association_id == Meeting.association_id)
            & (Membership.person_id == person)
            & Membership.active.is_(True),
        )
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(School, School.id == Person.school_id)
        .where(*conditions)
    )
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(Attendance)
        .from_select(
            ["meeting_id", "person_id", "status", "school_name", "role", "voting", "by_roll", "at"],
            source,
        )
        .on_conflict_do_nothing(index_elements=["meeting_id", "person_id"])
        .returning(a.id)
    )


# Built once per dialect and variant: this is the hot path of a meeting's first minutes.
_FAST: dict[tuple[str, str], Executable] = {}


async def _fast_check_in(
    session: AsyncSession,
    person_id: int,
    meeting_id: int,
    now: datetime,
    presence: Presence,
    code: str | None,
) -> bool:
    """The check-in as one statement of its own; True when a row was written."""
    dialect = session.get_bind().dialect.name
    variant = "online" if presence is Presence.ONLINE else "plain" if code is None else "code"
    statement = _FAST.get((dialect, variant))
    if statement is None:
        statement = _FAST[dialect, variant] = _fast_statement(dialect, variant)
    params = {
        "meeting_id": meeting_id,
        "person_id": person_id,
        "status": presence,
        "now": now,
        "code": None if code is None else code.strip(),
    }
    if variant != "code":
        del params["code"]
    result = await run_single(session, statement, params)
    return result.first() is not None


@atomic
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
    The hot path of a meeting's first minutes: a single INSERT … SELECT checks every
    condition and writes the row; only when it writes nothing do we look for why."""
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    presence = Presence.ONLINE if online else Presence.PRESENT
    if await _fast_check_in(session, actor.person_id, meeting_id, now, presence, code):
        return CheckedIn(presence, already=False)
    # Nothing written: find out why in an ordinary transaction (it may still write the row).
    row = (
        await session.execute(
            select(
                Meeting.status,
                Meeting.form,
                Meeting.checkin_opened_at,
                Meeting.checkin_closes_at,
                Meeting.checkin_closed_at,
                Meeting.checkin_code,
                Association.id,
                Association.service_id,
                Membership.role,
                Membership.voting,
                School.name,
            )
            .join(Association, Association.id == Meeting.association_id)
            .join(
                Membership,
                (Membership.association_id == Association.id)
                & (Membership.person_id == actor.person_id)
                & Membership.active,
            )
            .join(Person, Person.id == Membership.person_id)
            .outerjoin(School, School.id == Person.school_id)
            .where(Meeting.id == meeting_id)
        )
    ).first()
    if row is None:
        raise DomainError(ErrorCode.FORBIDDEN)
    (
        status,
        form,
        opened,
        closes,
        closed,
        secret,
        association_id,
        service_id,
        role,
        voting,
        school,
    ) = row
    require(actor, Action.PARTICIPATE, Scope(service_id, association_id))
    if status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if opened is None or status is not MeetingStatus.PUBLISHED:
        raise DomainError(ErrorCode.CHECKIN_NOT_OPEN)
    if closed is not None or (closes is not None and now >= closes):
        raise DomainError(ErrorCode.CHECKIN_CLOSED)
    if online and form is not MeetingForm.HYBRID:
        raise DomainError(ErrorCode.STALE)
    if secret is not None and not online:
        if code is None:
            raise DomainError(ErrorCode.NEED_CODE)
        if code.strip() != secret:
            raise DomainError(ErrorCode.WRONG_CODE)
    inserted = await session.execute(
        outbox.insert_for(session)(Attendance)
        .values(
            meeting_id=meeting_id,
            person_id=actor.person_id,
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
        await session.commit()
        return CheckedIn(presence, already=False)
    existing = await session.scalar(
        select(Attendance)
        .where(Attendance.meeting_id == meeting_id, Attendance.person_id == actor.person_id)
        .with_for_update()
    )
    assert existing is not None
    if existing.status in PRESENT_KINDS:
        await session.commit()
        return CheckedIn(existing.status, already=True)
    existing.status, existing.at, existing.reason = presence, now, None  # came after all
    await session.commit()
    return CheckedIn(presence, already=False)


@atomic
async def roll(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    person_id: int,
    presence: Presence,
    now: datetime,
    reason: str | None = None,
) -> None:
    """The secretary's roll: present / absent / excused (with a reason), for late arrivals
    and those without a phone. Every change is logged."""
    meeting, association = await _meeting(
        session, actor, meeting_id, Action.RUN_CHECKIN, after_end=True
    )
    member = (
        await session.execute(
            select(Membership.role, Membership.voting, School.name)
            .join(Person, Person.id == Membership.person_id)
            .outerjoin(School, School.id == Person.school_id)
            .where(
                Membership.association_id == association.id,
                Membership.person_id == person_id,
                Membership.active,
            )
        )
    ).first()
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    role, voting, school = member
    text = check_title(reason, max_len=300) if reason else None
    existing = await session.scalar(
        select(Attendance)
        .where(Attendance.meeting_id == meeting.id, Attendance.person_id == person_id)
        .with_for_update()
    )
    if existing is None:
        await session.execute(
            outbox.insert_for(session)(Attendance)
            .values(
                meeting_id=meeting.id,
                person_id=person_id,
                status=presence,
                reason=text,
                school_name=school,
                role=role.value,
                voting=voting,
                by_roll=True,
                marked_by_id=actor.person_id,
                at=now,
            )
            .on_conflict_do_update(
                index_elements=["meeting_id", "person_id"],
                set_={"status": presence, "reason": text, "by_roll": True, "at": now},
            )
        )
    else:
        existing.status, existing.reason = presence, text
        existing.by_roll, existing.marked_by_id, existing.at = True, actor.person_id, now
    audit.record(
        session,
        actor,
        "attendance.roll",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        person_id=person_id,
        status=presence.value,
    )
    await session.commit()


# ---------------------------------------------------------------- the register and quorum


@dataclass(frozen=True)
class RegisterRow:
    person_id: int
    name: str
    school: str | None
    voting: bool
    status: Presence | None  # None: not marked yet
    reason: str | None
    by_roll: bool


@atomic
async def register(session: AsyncSession, actor: Actor, meeting_id: int) -> list[RegisterRow]:
    """Every active member with their mark (for the roll, the protocol and reports)."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.RUN_CHECKIN, _scope(association))
    marks = {
        a.person_id: a
        for a in (
            await session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
        ).all()
    }
    rows = []
    for member in await members_of(session, association.id):
        pid = member.person_id
        mark = marks.get(pid)
        rows.append(
            RegisterRow(
                pid,
                member.name,
                mark.school_name if mark else member.school,
                member.voting,
                mark.status if mark else None,
                mark.reason if mark else None,
                mark.by_roll if mark else False,
            )
        )
    await session.commit()
    return rows


async def _quorum(session: AsyncSession, meeting: Meeting, association: Association) -> Quorum:
    members = await voting_count(session, association.id)
    voting_members = (
        select(Membership.person_id)
        .where(Membership.association_id == association.id, Membership.active, Membership.voting)
        .scalar_subquery()
    )
    if meeting.form is MeetingForm.IN_PERSON:
        present = int(
            await session.scalar(
                select(func.count(func.distinct(Attendance.person_id))).where(
                    Attendance.meeting_id == meeting.id,
                    Attendance.status.in_(PRESENT_KINDS),
                    Attendance.person_id.in_(voting_members),
                )
            )
            or 0
        )
    else:  # absentee and hybrid: those who answered the ballot
        present = int(
            await session.scalar(
                select(func.count(func.distinct(Vote.person_id))).where(
                    Vote.meeting_id == meeting.id,
                    Vote.by_ballot,
                    Vote.person_id.in_(voting_members),
                )
            )
            or 0
        )
    return Quorum(
        present,
        members,
        Fraction(association.validity_num, association.validity_den),
        Fraction(association.decision_num, association.decision_den),
    )


@dataclass(frozen=True)
class QuorumView:
    quorum: Quorum
    checked_in: int  # everyone marked present (guests and non-voting members too)
    checkin_open: bool
    checkin_closes_at: datetime | None
    code: str | None
    form: MeetingForm


@atomic
async def quorum(session: AsyncSession, actor: Actor, meeting_id: int, now: datetime) -> QuorumView:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    if decide(actor, Action.MANAGE_MEETING, _scope(association)) is Decision.DENY:
        raise DomainError(ErrorCode.FORBIDDEN)
    result = await _quorum_view(session, meeting, association, now)
    await session.commit()
    return result


async def _quorum_view(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> QuorumView:
    q = await _quorum(session, meeting, association)
    checked = int(
        await session.scalar(
            select(func.count()).where(
                Attendance.meeting_id == meeting.id, Attendance.status.in_(PRESENT_KINDS)
            )
        )
        or 0
    )
    return QuorumView(
        q,
        checked,
        checkin_open(meeting, now),
        meeting.checkin_closes_at,
        meeting.checkin_code,
        meeting.form,
    )


@dataclass(frozen=True)
class HistoryRow:
    meeting_id: int
    day: date
    topic: str
    association: str
    status: Presence | None


@atomic
async def history(session: AsyncSession, actor: Actor, limit: int = 30) -> list[HistoryRow]:
    """A member's own attendance: the meetings of their associations that took place."""
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    rows = await session.execute(
        select(Meeting, Association, Attendance.status)
        .join(Association, Association.id == Meeting.association_id)
        .join(
            Membership,
            (Membership.association_id == Association.id)
            & (Membership.person_id == actor.person_id),
        )
        .outerjoin(
            Attendance,
            (Attendance.meeting_id == Meeting.id) & (Attendance.person_id == actor.person_id),
        )
        .where(Meeting.status == MeetingStatus.ENDED)
        .order_by(func.coalesce(Meeting.starts_at, Meeting.ballot_deadline).desc())
        .limit(limit)
    )
    from services.deadlines import local_day

    found = []
    for meeting, association, status in rows.all():
        moment = meeting.starts_at or meeting.ballot_deadline
        assert moment is not None
        found.append(
            HistoryRow(
                meeting.id,
                local_day(moment, association.timezone),
                meeting.topic,
                association.name,
                status,
            )
        )
    await session.commit()
    return found


# ---------------------------------------------------------------- the live quorum card


@atomic
async def set_card(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    now: datetime,
) -> None:
    """The chair's (or secretary's) quorum card message, kept up to date by the scheduler."""
    meeting, _association = await _meeting(session, actor, meeting_id, Action.RUN_CHECKIN)
    meeting.card_chat_id, meeting.card_message_id = chat_id, message_id
    meeting.card_text, meeting.card_at = text, now
    await session.commit()


@dataclass(frozen=True)
class LiveCard:
    meeting_id: int
    chat_id: int
    message_id: int
    text: str | None
    at: datetime | None
    locale: str
    quorum: QuorumView


@atomic
async def live_cards(session: AsyncSession, now: datetime) -> list[LiveCard]:
    """Quorum cards of meetings under way (published, with a card), with their figures."""
    rows = (
        await session.execute(
            select(Meeting, Association)
            .join(Association, Association.id == Meeting.association_id)
            .where(
                Meeting.status == MeetingStatus.PUBLISHED,
                Meeting.card_message_id.is_not(None),
                Meeting.checkin_opened_at.is_not(None),
            )
        )
    ).all()
    found = []
    for meeting, association in rows:
        assert meeting.card_chat_id is not None and meeting.card_message_id is not None
        found.append(
            LiveCard(
                meeting.id,
                meeting.card_chat_id,
                meeting.card_message_id,
                meeting.card_text,
                meeting.card_at,
                association.locale,
                await _quorum_view(session, meeting, association, now),
            )
        )
    await session.commit()
    return found


@atomic
async def record_card(session: AsyncSession, meeting_id: int, text: str, now: datetime) -> None:
    await session.execute(
        update(Meeting).where(Meeting.id == meeting_id).values(card_text=text, card_at=now)
    )
    await session.commit()
