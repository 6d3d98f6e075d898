"""Every `select` (and the one `delete`) the protocols package runs, built in one place."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Delete, Select, delete, func, select

from models import (
    PRESENT_KINDS,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
    Membership,
    Municipality,
    Protocol,
    ProtocolRecipient,
    ProtocolVersion,
    Role,
    Rsvp,
    RsvpAnswer,
    Vote,
)
from services.people.queries import service_methodists

# ---------------------------------------------------------------- protocols and versions


def version_of(protocol_id: int, version: int) -> Select[ProtocolVersion]:
    return select(ProtocolVersion).where(
        ProtocolVersion.protocol_id == protocol_id, ProtocolVersion.version == version
    )


def latest_signed(protocol_id: int) -> Select[ProtocolVersion]:
    return (
        select(ProtocolVersion)
        .where(ProtocolVersion.protocol_id == protocol_id, ProtocolVersion.signed_at.is_not(None))
        .order_by(ProtocolVersion.version.desc())
        .limit(1)
    )


def id_of_meeting(meeting_id: int) -> Select[int]:
    return select(Protocol.id).where(Protocol.meeting_id == meeting_id)


def of_meeting(meeting_id: int) -> Select[Protocol]:
    return select(Protocol).where(Protocol.meeting_id == meeting_id)


def of_meetings(meeting_ids: Collection[int]) -> Select[Protocol]:
    return select(Protocol).where(Protocol.meeting_id.in_(meeting_ids))


def current_versions(protocol_ids: Collection[int]) -> Select[ProtocolVersion]:
    return (
        select(ProtocolVersion)
        .join(Protocol, Protocol.id == ProtocolVersion.protocol_id)
        .where(Protocol.id.in_(protocol_ids), ProtocolVersion.version == Protocol.current_version)
    )


def cancelled(meeting_ids: Collection[int]) -> Select[int]:
    return select(Meeting.id).where(
        Meeting.id.in_(meeting_ids), Meeting.status == MeetingStatus.CANCELLED
    )


def last_number(association_id: int, school_year: int) -> Select[Any]:
    return select(func.max(Protocol.number)).where(
        Protocol.association_id == association_id, Protocol.school_year == school_year
    )


def stored_files(protocol_id: int, version: int) -> Select[int | None, int | None]:
    return select(ProtocolVersion.docx_file_id, ProtocolVersion.pdf_file_id).where(
        ProtocolVersion.protocol_id == protocol_id,
        ProtocolVersion.version == version,
        ProtocolVersion.signed_at.is_not(None),
    )


# ---------------------------------------------------------------- the archive


def school_years(association_id: int) -> Select[int]:
    return (
        select(Protocol.school_year)
        .where(Protocol.association_id == association_id)
        .distinct()
        .order_by(Protocol.school_year.desc())
    )


def of_year_with_topics(association_id: int, school_year: int) -> Select[Protocol, str]:
    return (
        select(Protocol, Meeting.topic)
        .join(Meeting, Meeting.id == Protocol.meeting_id)
        .where(Protocol.association_id == association_id, Protocol.school_year == school_year)
        .order_by(Protocol.number)
    )


def of_year(association_id: int, school_year: int) -> Select[Protocol]:
    return (
        select(Protocol)
        .where(Protocol.association_id == association_id, Protocol.school_year == school_year)
        .order_by(Protocol.number)
    )


def signed_at(protocol_id: int, version: int) -> Select[datetime | None]:
    return select(ProtocolVersion.signed_at).where(
        ProtocolVersion.protocol_id == protocol_id, ProtocolVersion.version == version
    )


# ---------------------------------------------------------------- what the draft records


def present_count(meeting_id: int) -> Select[int]:
    return (
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.meeting_id == meeting_id, Attendance.status.in_(PRESENT_KINDS))
    )


def ballots_count(meeting_id: int) -> Select[int]:
    return select(func.count()).select_from(Vote).where(Vote.meeting_id == meeting_id)


def role_of(association_id: int, person_id: int) -> Select[Role]:
    return select(Membership.role).where(
        Membership.association_id == association_id, Membership.person_id == person_id
    )


def marks(meeting_id: int) -> Select[Attendance]:
    return select(Attendance).where(Attendance.meeting_id == meeting_id)


def ballot_voters(meeting_id: int) -> Select[int | None]:
    return select(Vote.person_id).where(Vote.meeting_id == meeting_id, Vote.by_ballot)


def agenda(meeting_id: int) -> Select[AgendaItem]:
    return (
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)
    )


# ---------------------------------------------------------------- who is told


def methodists(service_id: int) -> Select[int]:
    """The service's methodists and its centre's (the one shared query)."""
    return service_methodists(service_id)


def active_members(association_id: int) -> Select[int]:
    return select(Membership.person_id).where(
        Membership.association_id == association_id, Membership.active
    )


def interested_chats(association_id: int) -> Select[int]:
    return select(ProtocolRecipient.chat_id).where(
        ProtocolRecipient.association_id == association_id
    )


def interested(association_id: int) -> Select[int, str]:
    return (
        select(ProtocolRecipient.chat_id, ProtocolRecipient.name)
        .where(ProtocolRecipient.association_id == association_id)
        .order_by(ProtocolRecipient.name)
    )


def drop_interested(association_id: int, chat_id: int) -> Delete:
    return delete(ProtocolRecipient).where(
        ProtocolRecipient.association_id == association_id, ProtocolRecipient.chat_id == chat_id
    )


def declined(meeting_id: int) -> Select[int, str | None]:
    """Who answered «Не смогу», with the reason they gave."""
    return select(Rsvp.person_id, Rsvp.reason).where(
        Rsvp.meeting_id == meeting_id, Rsvp.answer == RsvpAnswer.NO
    )


def municipality_name(municipality_id: int) -> Select[str]:
    """The place a protocol is compiled in: the association's municipality."""
    return select(Municipality.name).where(Municipality.id == municipality_id)
