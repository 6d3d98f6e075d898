"""Every `select` the meetings package runs, built here and only here."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from models import (
    PRESENT_KINDS,
    AgendaItem,
    AgendaProposal,
    Association,
    Attendance,
    Material,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    ProposalStatus,
    Role,
    Rsvp,
    Vote,
)
from services.meetings.rules import UNPUBLISHED

# ---------------------------------------------------------------- agenda and materials


def agenda_of(meeting_id: int) -> Select[AgendaItem]:
    return (
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)
    )


def agenda_count(meeting_id: int) -> Select[int]:
    return select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting_id)


def last_position(meeting_id: int) -> Select[int | None]:
    return select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)


def agenda_ids(meeting_id: int) -> Select[int]:
    return select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)


def item_of_proposal(meeting_id: int, proposal_id: int) -> Select[AgendaItem]:
    return select(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.proposal_id == proposal_id
    )


def materials_of(meeting_id: int) -> Select[Material]:
    return select(Material).where(Material.meeting_id == meeting_id).order_by(Material.id)


def material_count(meeting_id: int) -> Select[int]:
    return select(func.count()).select_from(Material).where(Material.meeting_id == meeting_id)


# ---------------------------------------------------------------- meetings


def manageable_associations(
    association_ids: Iterable[int], service_ids: Iterable[int]
) -> Select[int, int, str]:
    return (
        select(Association.id, Association.service_id, Association.name)
        .where(
            Association.id.in_(list(association_ids))
            | Association.service_id.in_(list(service_ids))
        )
        .order_by(Association.name, Association.id)
    )


def unpublished() -> Select[Meeting]:
    return select(Meeting).where(Meeting.status.in_(UNPUBLISHED)).order_by(Meeting.id.desc())


def due_publications(now: datetime) -> Select[int]:
    return select(Meeting.id).where(
        Meeting.status == MeetingStatus.SCHEDULED, Meeting.publish_at <= now
    )


def running(now: datetime) -> Select[Meeting]:
    return select(Meeting).where(
        Meeting.status == MeetingStatus.PUBLISHED,
        (Meeting.starts_at <= now) | (Meeting.ballot_deadline <= now),
    )


def upcoming_of(association_id: int, now: datetime) -> Select[Meeting]:
    return select(Meeting).where(
        Meeting.association_id == association_id,
        Meeting.status == MeetingStatus.PUBLISHED,
        (Meeting.starts_at > now) | (Meeting.ballot_deadline > now),
    )


def listing(
    association_ids: Iterable[int], service_ids: Iterable[int], *, upcoming: bool, limit: int
) -> Select[Meeting]:
    """`/meetings`: published ones by date, or the latest past ones (ended, cancelled)."""
    scope = Association.id.in_(list(association_ids)) | Association.service_id.in_(
        list(service_ids)
    )
    moment = func.coalesce(Meeting.starts_at, Meeting.ballot_deadline)
    base = (
        select(Meeting)
        .join(Association, Association.id == Meeting.association_id)
        .where(scope, Meeting.status.not_in(UNPUBLISHED))
    )
    if upcoming:
        return base.where(Meeting.status == MeetingStatus.PUBLISHED).order_by(moment).limit(limit)
    return (
        base.where(Meeting.status != MeetingStatus.PUBLISHED).order_by(moment.desc()).limit(limit)
    )


def checkin_code(meeting_id: int) -> Select[str | None]:
    return select(Meeting.checkin_code).where(Meeting.id == meeting_id)


# ---------------------------------------------------------------- people


def member_names(association_id: int) -> Select[int, str | None, Role]:
    """The association's active members with their names and roles, by name."""
    return (
        select(Person.id, Person.full_name, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.association_id == association_id, Membership.active)
        .order_by(Person.full_name)
    )


def staff_ids(association_id: int, roles: Collection[Role]) -> Select[int]:
    return select(Membership.person_id).where(
        Membership.association_id == association_id,
        Membership.active,
        Membership.role.in_(roles),
    )


def role_of(association_id: int, person_id: int) -> Select[Role]:
    return select(Membership.role).where(
        Membership.association_id == association_id,
        Membership.person_id == person_id,
        Membership.active,
    )


# ---------------------------------------------------------------- answers and proposals


def rsvp_of(meeting_id: int, person_id: int, *, lock: bool = False) -> Select[Rsvp]:
    query = select(Rsvp).where(Rsvp.meeting_id == meeting_id, Rsvp.person_id == person_id)
    return query.with_for_update() if lock else query


def answer_of(meeting_id: int, person_id: int) -> Select[Any]:
    return select(Rsvp.answer).where(Rsvp.meeting_id == meeting_id, Rsvp.person_id == person_id)


def answers_to(meeting_id: int) -> Select[int, Any, str | None]:
    return select(Rsvp.person_id, Rsvp.answer, Rsvp.reason).where(Rsvp.meeting_id == meeting_id)


def answered(meeting_id: int) -> Select[int]:
    return select(Rsvp.person_id).where(Rsvp.meeting_id == meeting_id)


def pending_proposals(meeting_id: int) -> Select[int]:
    return select(AgendaProposal.id).where(
        AgendaProposal.meeting_id == meeting_id,
        AgendaProposal.status == ProposalStatus.PENDING,
    )


def deferred_proposals(association_id: int) -> Select[AgendaProposal]:
    return (
        select(AgendaProposal)
        .join(Meeting, Meeting.id == AgendaProposal.meeting_id)
        .where(
            Meeting.association_id == association_id,
            AgendaProposal.status == ProposalStatus.DEFERRED,
        )
        .order_by(AgendaProposal.id)
    )


# ---------------------------------------------------------------- still wanted? (the sender)


def meetings_in(ids: Collection[int]) -> Select[Meeting]:
    return select(Meeting).where(Meeting.id.in_(ids))


def zones_of(association_ids: Collection[int]) -> Select[int, str]:
    return select(Association.id, Association.timezone).where(Association.id.in_(association_ids))


def roles_of(person_ids: Collection[int]) -> Select[int, int, Role]:
    return (
        select(Membership.association_id, Membership.person_id, Membership.role)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.person_id.in_(person_ids),
            Membership.active,
            Person.forgotten_at.is_(None),
        )
    )


def answers_in(meeting_ids: Collection[int]) -> Select[int, int, Any]:
    return select(Rsvp.meeting_id, Rsvp.person_id, Rsvp.answer).where(
        Rsvp.meeting_id.in_(meeting_ids)
    )


def changed_agendas(meeting_ids: Collection[int]) -> Select[int]:
    return select(AgendaItem.meeting_id).where(
        AgendaItem.meeting_id.in_(meeting_ids), AgendaItem.added_at.is_not(None)
    )


def still_pending(proposal_ids: Collection[int]) -> Select[int]:
    return select(AgendaProposal.id).where(
        AgendaProposal.id.in_(proposal_ids),
        AgendaProposal.status == ProposalStatus.PENDING,
    )


def present_in(
    meeting_ids: Collection[int], person_ids: Collection[int]
) -> Select[int, int | None]:
    return select(Attendance.meeting_id, Attendance.person_id).where(
        Attendance.meeting_id.in_(meeting_ids),
        Attendance.person_id.in_(person_ids),
        Attendance.status.in_(PRESENT_KINDS),
    )


def voting_members(person_ids: Collection[int]) -> Select[int, int]:
    return select(Membership.association_id, Membership.person_id).where(
        Membership.person_id.in_(person_ids), Membership.active, Membership.voting
    )


def ballot_questions(meeting_ids: Collection[int]) -> Select[int, int]:
    return (
        select(AgendaItem.meeting_id, func.count())
        .where(AgendaItem.meeting_id.in_(meeting_ids), AgendaItem.draft_decision.is_not(None))
        .group_by(AgendaItem.meeting_id)
    )


def ballots_in(
    meeting_ids: Collection[int], person_ids: Collection[int]
) -> Select[int, int | None, int]:
    return (
        select(Vote.meeting_id, Vote.person_id, func.count())
        .where(Vote.meeting_id.in_(meeting_ids), Vote.person_id.in_(person_ids))
        .group_by(Vote.meeting_id, Vote.person_id)
    )


def open_votes(item_ids: Collection[int]) -> Select[int]:
    return select(AgendaItem.id).where(
        AgendaItem.id.in_(item_ids),
        AgendaItem.vote_opened_at.is_not(None),
        AgendaItem.vote_closed_at.is_(None),
    )


def voted(item_ids: Collection[int], person_ids: Collection[int]) -> Select[int, int | None]:
    return select(Vote.agenda_item_id, Vote.person_id).where(
        Vote.agenda_item_id.in_(item_ids), Vote.person_id.in_(person_ids)
    )


def plan_question(meeting_id: int, plan_id: int) -> Select[int]:
    """The meeting's question approving this plan edition, if it has one."""
    return (
        select(AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id)
        .where(AgendaItem.plan_id == plan_id)
    )


def plan_questions_to_freeze(meeting_id: int) -> Select[AgendaItem]:
    """Questions approving a plan whose content no notice has frozen yet."""
    return (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .where(AgendaItem.plan_id.is_not(None))
        .where(AgendaItem.plan_version.is_(None))
    )


def open_for_agenda(association_id: int) -> Select[Meeting]:
    """The association's meetings a question may still join: drafts and published ones not
    ended, by date (undated drafts last)."""
    return (
        select(Meeting)
        .where(Meeting.association_id == association_id)
        .where(Meeting.status.in_([*UNPUBLISHED, MeetingStatus.PUBLISHED]))
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
        .limit(20)
    )
