"""The secretary's roll and the register: every active member with their mark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Attendance, Meeting, Presence
from services import audit, outbox
from services.attendance import queries
from services.attendance.access import running_meeting, scope_of
from services.attendance.members import members_of
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, require
from services.tx import reads, writes
from services.validation import check_title


@writes
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
    meeting, association = await running_meeting(
        session, actor, meeting_id, Action.RUN_CHECKIN, after_end=True
    )
    member = (await session.execute(queries.membership(association.id, person_id))).first()
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    role, voting, school = member
    text = check_title(reason, max_len=300) if reason else None
    existing = await session.scalar(queries.mark(meeting.id, person_id))
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


@dataclass(frozen=True)
class RegisterRow:
    person_id: int
    name: str
    school: str | None
    voting: bool
    status: Presence | None  # None: not marked yet
    reason: str | None
    by_roll: bool


@reads
async def register(session: AsyncSession, actor: Actor, meeting_id: int) -> list[RegisterRow]:
    """Every active member with their mark (for the roll, the protocol and reports)."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.RUN_CHECKIN, scope_of(association))
    marks = {a.person_id: a for a in (await session.scalars(queries.marks(meeting.id))).all()}
    rows = []
    for member in await members_of(session, association.id):
        mark = marks.get(member.person_id)
        rows.append(
            RegisterRow(
                member.person_id,
                member.name,
                mark.school_name if mark else member.school,
                member.voting,
                mark.status if mark else None,
                mark.reason if mark else None,
                mark.by_roll if mark else False,
            )
        )
    return rows
