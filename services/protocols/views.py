"""A protocol as one person may see it (`ProtocolView`: what they may do with it is a
property of the view), who may read, see drafts and export, and the read use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, MeetingForm, Protocol, ProtocolVersion, Role
from services import deadlines
from services.errors import DomainError, ErrorCode
from services.permissions import (
    Action,
    Actor,
    Decision,
    Scope,
    decide,
    may_edit_protocol,
    may_sign_protocol,
    require,
)
from services.protocol_content import ProtocolContent, Question
from services.protocols import queries
from services.tx import reads


def scope(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


def meeting_day(meeting: Meeting, timezone: str) -> date | None:
    """The meeting's day, local: an absentee meeting's is its ballot deadline."""
    moment = meeting.ballot_deadline if meeting.form is MeetingForm.ABSENTEE else meeting.starts_at
    return deadlines.local_day(moment, timezone) if moment else None


@dataclass(frozen=True)
class ProtocolView:
    id: int
    meeting_id: int
    association_id: int
    school_year: int
    number: int
    version: int
    revision: int
    content: ProtocolContent
    due_on: date
    signed_at: datetime | None
    issued_at: datetime | None
    correction: str | None
    can_edit: bool  # the draft: this person may complete it
    can_correct: bool  # signed: this person may start a corrected version
    signs_as: tuple[str, ...]  # "presiding", "keeper": what this person signs
    can_export: bool

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    def overdue(self, now: datetime) -> bool:
        due = deadlines.end_of_day(self.due_on, self.content.timezone)
        return self.issued_at is None and now > due

    @property
    def unsigned_by_me(self) -> tuple[str, ...]:
        content = self.content
        pending = {"presiding": content.presiding, "keeper": content.keeper}
        return tuple(r for r in self.signs_as if pending[r].signed_at is None)

    @property
    def missing_heard(self) -> list[int]:
        return [q.position for q in self.content.questions if not q.heard.strip()]

    def require_edit(self) -> None:
        """Refused unless this person may complete the draft (a signed one: as such)."""
        if not self.can_edit:
            raise DomainError(ErrorCode.PROTOCOL_SIGNED if self.signed else ErrorCode.FORBIDDEN)

    def require_correct(self) -> None:
        if not self.can_correct:
            raise DomainError(ErrorCode.FORBIDDEN)

    def question(self, position: int) -> Question:
        """The draft's question at `position` for one who may complete it; a button of a
        question that is no longer there is stale."""
        self.require_edit()
        for question in self.content.questions:
            if question.position == position:
                return question
        raise DomainError(ErrorCode.STALE)


async def load_parts(
    session: AsyncSession, protocol_id: int, *, lock: bool = False
) -> tuple[Protocol, ProtocolVersion, Association]:
    """The protocol, its current version and its association."""
    protocol = await session.get(Protocol, protocol_id, with_for_update=lock)
    if protocol is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    version = await session.scalar(queries.version_of(protocol.id, protocol.current_version))
    assert version is not None
    association = await session.get_one(Association, protocol.association_id)
    return protocol, version, association


def signs_as(actor: Actor, protocol: Protocol) -> tuple[str, ...]:
    found: list[str] = []
    if actor.person_id is None:
        return ()
    if (
        may_sign_protocol(actor, protocol.association_id, protocol.presiding_id, None)
        and actor.person_id == protocol.presiding_id
    ):
        found.append("presiding")
    if actor.person_id == protocol.keeper_id and actor.roles.get(protocol.association_id):
        found.append("keeper")
    return tuple(found)


def make_view(
    actor: Actor | None, protocol: Protocol, version: ProtocolVersion, association: Association
) -> ProtocolView:
    content = ProtocolContent.from_json(version.content)
    editable = actor is not None and may_edit_protocol(actor, association.id, protocol.keeper_id)
    return ProtocolView(
        id=protocol.id,
        meeting_id=protocol.meeting_id,
        association_id=association.id,
        school_year=protocol.school_year,
        number=protocol.number,
        version=version.version,
        revision=version.revision,
        content=content,
        due_on=protocol.due_on,
        signed_at=version.signed_at,
        issued_at=protocol.issued_at,
        correction=version.correction,
        can_edit=editable and version.signed_at is None,
        can_correct=editable
        and version.signed_at is not None
        and version.version == protocol.current_version,
        signs_as=signs_as(actor, protocol) if actor and version.signed_at is None else (),
        can_export=actor is not None and may_export(actor, association),
    )


def check_read(actor: Actor, association: Association) -> None:
    """Members read their association's protocols; its leaders and the service's
    methodists (who are told of an overdue one) too: `Action.READ_PROTOCOLS`."""
    require(actor, Action.READ_PROTOCOLS, scope(association))


def may_export(actor: Actor, association: Association) -> bool:
    role = actor.roles.get(association.id)
    return role in (Role.CHAIR, Role.DEPUTY, Role.SECRETARY) or (
        association.service_id in actor.methodist_services
    )


def may_see_drafts(actor: Actor, protocol: Protocol, association: Association) -> bool:
    if actor.person_id is not None and actor.person_id in (
        protocol.keeper_id,
        protocol.presiding_id,
    ):
        return True
    return decide(actor, Action.MANAGE_MEETING, scope(association)) is not Decision.DENY


async def latest_signed(session: AsyncSession, protocol_id: int) -> ProtocolVersion | None:
    found: ProtocolVersion | None = await session.scalar(queries.latest_signed(protocol_id))
    return found


# ---------------------------------------------------------------- reading


@reads
async def get(session: AsyncSession, actor: Actor, protocol_id: int) -> ProtocolView:
    """The protocol as this person may see it: the draft for those who prepare and sign it
    (and the association's leaders); for the other members, the latest signed version."""
    protocol, version, association = await load_parts(session, protocol_id)
    check_read(actor, association)
    if version.signed_at is None and not may_see_drafts(actor, protocol, association):
        signed = await latest_signed(session, protocol.id)
        if signed is None:
            raise DomainError(ErrorCode.PROTOCOL_NOT_SIGNED)
        version = signed
    return make_view(actor, protocol, version, association)


@reads
async def load(session: AsyncSession, protocol_id: int, version: int | None = None) -> ProtocolView:
    """For the sender: the protocol (a given version) without anyone's rights."""
    protocol, current, association = await load_parts(session, protocol_id)
    if version is not None and version != current.version:
        found = await session.scalar(queries.version_of(protocol.id, version))
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        current = found
    return make_view(None, protocol, current, association)


@reads
async def load_of_meeting(session: AsyncSession, meeting_id: int) -> ProtocolView | None:
    """For the sender: the meeting's protocol (its current version), if it has one."""
    protocol_id = await session.scalar(queries.id_of_meeting(meeting_id))
    return None if protocol_id is None else await load(session, protocol_id)


@reads
async def of_meeting(session: AsyncSession, actor: Actor, meeting_id: int) -> int | None:
    """The protocol id of a meeting, if it has one."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.PARTICIPATE, scope(association))
    found: int | None = await session.scalar(queries.id_of_meeting(meeting_id))
    return found
