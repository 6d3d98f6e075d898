"""`/protocols`: an association's protocols of a school year (numbered per year), as this
person may see them, and the signed ones of a year for the ZIP export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association
from services import deadlines
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, decide
from services.protocols import queries
from services.protocols.views import (
    ProtocolView,
    check_read,
    latest_signed,
    make_view,
    may_export,
    scope,
)
from services.tx import reads


@dataclass(frozen=True)
class ArchiveRow:
    id: int
    number: int
    meeting_day: date
    topic: str
    signed: bool  # the current version
    issued: bool
    overdue: bool
    version: int

    @property
    def has_signed(self) -> bool:
        """A signed version exists (the current one, or the one issued before a
        correction): it can be downloaded."""
        return self.signed or self.issued


@dataclass(frozen=True)
class Archive:
    association_id: int
    association: str
    school_year: int
    years: list[int]  # school years that have protocols, latest first
    rows: list[ArchiveRow]
    drafts_visible: bool
    can_export: bool

    @property
    def can_zip(self) -> bool:
        """The ZIP of the year: for those who may export, once something is signed."""
        return self.can_export and any(r.has_signed for r in self.rows)


@reads
async def archive(
    session: AsyncSession, actor: Actor, association_id: int, school_year: int | None, now: datetime
) -> Archive:
    """`/protocols`: an association's protocols of a school year (the latest by default)."""
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    check_read(actor, association)
    years = list((await session.scalars(queries.school_years(association.id))).all())
    today = deadlines.local_day(now, association.timezone)
    year = (
        school_year
        if school_year is not None
        else (years[0] if years else deadlines.school_year(today))
    )
    leaders = decide(actor, Action.MANAGE_MEETING, scope(association)) is not Decision.DENY
    protocols = (await session.execute(queries.of_year_with_topics(association.id, year))).all()
    rows = []
    for protocol, topic in protocols:
        current = await session.scalar(queries.signed_at(protocol.id, protocol.current_version))
        mine = actor.person_id is not None and actor.person_id in (
            protocol.keeper_id,
            protocol.presiding_id,
        )
        if protocol.issued_at is None and not (leaders or mine):
            continue  # not issued yet: members do not see drafts
        due = deadlines.end_of_day(protocol.due_on, association.timezone)
        rows.append(
            ArchiveRow(
                protocol.id,
                protocol.number,
                protocol.meeting_day,
                topic,
                current is not None,
                protocol.issued_at is not None,
                protocol.issued_at is None and now > due,
                protocol.current_version,
            )
        )
    return Archive(
        association.id,
        association.name,
        year,
        years,
        rows,
        leaders,
        may_export(actor, association),
    )


@reads
async def signed_of_year(
    session: AsyncSession, actor: Actor, association_id: int, school_year: int
) -> list[ProtocolView]:
    """For the ZIP export: the latest signed version of each protocol of the school year."""
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    if not may_export(actor, association):
        raise DomainError(ErrorCode.FORBIDDEN)
    protocols = (await session.scalars(queries.of_year(association.id, school_year))).all()
    views = []
    for protocol in protocols:
        signed = await latest_signed(session, protocol.id)
        if signed is not None:
            views.append(make_view(None, protocol, signed, association))
    return views
