"""The draft, made when the meeting ends (`on_meeting_end`, in the transaction that ends
it): numbered then, in meeting order, per association and school year, with the snapshot of
the meeting, and sent to the keeper. A meeting without attendance gets no draft: the keeper
is told what is missing and makes it (`make`) once the roll is marked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, MeetingStatus, Protocol, ProtocolVersion
from services import audit, deadlines, outbox
from services.errors import DomainError, ErrorCode
from services.outbox import keys
from services.permissions import Actor, may_edit_protocol
from services.protocols import queries
from services.protocols.kinds import DRAFT, MISSING
from services.protocols.reminders import plan_reminders
from services.protocols.snapshot import missing, signers, snapshot
from services.protocols.views import ProtocolView, load_parts, make_view, meeting_day
from services.tx import writes


async def draft(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> Protocol:
    """The protocol of the meeting with its first version, numbered next in its school
    year; the keeper is sent the draft."""
    day = meeting_day(meeting, association.timezone)
    assert day is not None
    year = deadlines.school_year(day)
    last = await session.scalar(queries.last_number(association.id, year))
    number = int(last or 0) + 1
    presiding_id, keeper_id = await signers(session, meeting, association)
    content = await snapshot(session, meeting, association, number, presiding_id, keeper_id)
    protocol = Protocol(
        meeting_id=meeting.id,
        association_id=association.id,
        school_year=year,
        number=number,
        meeting_day=day,
        due_on=deadlines.add_months(day, association.protocol_months),
        presiding_id=presiding_id,
        keeper_id=keeper_id,
        current_version=1,
        created_at=now,
    )
    session.add(protocol)
    await session.flush()
    session.add(ProtocolVersion(protocol_id=protocol.id, version=1, content=content.to_json()))
    audit.record(
        session,
        None,
        "protocol.drafted",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        meeting_id=meeting.id,
        number=number,
    )
    if keeper_id is not None:
        await outbox.enqueue(
            session,
            [
                outbox.Outgoing(
                    kind=DRAFT,
                    dedupe_key=keys.protocol_draft(protocol.id),
                    group_key=keys.protocol_group(meeting.id),
                    due_at=now,
                    params={"protocol_id": protocol.id},
                    person_id=keeper_id,
                )
            ],
        )
    await session.flush()
    return protocol


async def on_meeting_end(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> Protocol | None:
    """A step of the use case that ends the meeting, in its transaction (it neither commits
    nor rolls back): the draft (or the keeper told what is missing) and the reminders until
    the protocol is issued."""
    await plan_reminders(session, meeting, association, now)
    existing = await session.scalar(queries.of_meeting(meeting.id))
    if existing is not None:
        return existing
    lacking = await missing(session, meeting)
    if lacking is None:
        return await draft(session, meeting, association, now)
    _presiding, keeper = await signers(session, meeting, association)
    if keeper is not None:
        await outbox.enqueue(
            session,
            [
                outbox.Outgoing(
                    kind=MISSING,
                    dedupe_key=keys.protocol_missing(meeting.id),
                    group_key=keys.protocol_group(meeting.id),
                    due_at=now,
                    params={"meeting_id": meeting.id, "missing": lacking.value},
                    person_id=keeper,
                )
            ],
        )
    return None


@writes
async def make(session: AsyncSession, actor: Actor, meeting_id: int, now: datetime) -> ProtocolView:
    """«Составить протокол» for an ended meeting that had no draft (its attendance was
    marked afterwards); the existing protocol if there is one."""
    meeting = await session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    _presiding, keeper = await signers(session, meeting, association)
    if not may_edit_protocol(actor, association.id, keeper):
        raise DomainError(ErrorCode.FORBIDDEN)
    if meeting.status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is not MeetingStatus.ENDED:
        raise DomainError(ErrorCode.MEETING_NOT_ENDED)
    protocol = await session.scalar(queries.of_meeting(meeting.id))
    if protocol is None:
        lacking = await missing(session, meeting)
        if lacking is not None:
            raise DomainError(lacking)
        protocol = await draft(session, meeting, association, now)
    _protocol, version, _association = await load_parts(session, protocol.id)
    return make_view(actor, protocol, version, association)
