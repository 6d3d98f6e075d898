"""The package's `select` builders.

One definition of an association's members: an active membership (`is_member`); M counts
those of them who vote (`is_voting_member`). Every query here builds on these two."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Executable, Select, and_, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute

from models import (
    PRESENT_KINDS,
    AgendaItem,
    Association,
    Attendance,
    Choice,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    Person,
    Presence,
    Role,
    School,
    Vote,
)
from services.attendance.rules import Tap, allowed_sql

AssociationId = int | ColumnElement[int] | InstrumentedAttribute[int]


def is_member(association_id: AssociationId) -> ColumnElement[bool]:
    """A membership row of an active member of the association."""
    return and_(Membership.association_id == association_id, Membership.active)


def is_voting_member(association_id: AssociationId) -> ColumnElement[bool]:
    """A membership row counted in M: an active voting member."""
    return and_(is_member(association_id), Membership.voting)


def member_ids(association_id: int) -> Select[int]:
    """The members' ids, in id order (people whose data was deleted left out)."""
    return (
        select(Membership.person_id)
        .join(Person, Person.id == Membership.person_id)
        .where(is_member(association_id), Person.forgotten_at.is_(None))
        .order_by(Membership.person_id)
    )


def members_by_name(association_id: int) -> Select[int, str | None, str | None, bool]:
    return (
        select(Person.id, Person.full_name, School.name, Membership.voting)
        .join(Membership, Membership.person_id == Person.id)
        .outerjoin(School, School.id == Person.school_id)
        .where(is_member(association_id))
        .order_by(Person.full_name)
    )


def voting_count(association_id: int) -> Select[int]:
    """M."""
    return select(func.count()).select_from(Membership).where(is_voting_member(association_id))


def voting_member_ids(association_id: int) -> Select[int]:
    return select(Membership.person_id).where(is_voting_member(association_id))


def roles(association_id: int) -> Select[Role, int]:
    return (
        select(Membership.role, Membership.person_id)
        .where(is_member(association_id))
        .order_by(Membership.id)
    )


def membership(association_id: int, person_id: int) -> Select[Role, bool, str | None]:
    """One member's role, vote and the school on their profile now (copied to a mark)."""
    return (
        select(Membership.role, Membership.voting, School.name)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(School, School.id == Person.school_id)
        .where(is_member(association_id), Membership.person_id == person_id)
    )


def voting(association_id: int, person_id: int) -> Select[bool]:
    """None: not an active member; else whether they vote."""
    return select(Membership.voting).where(
        is_member(association_id), Membership.person_id == person_id
    )


def checkin_facts(
    meeting_id: int, person_id: int
) -> Select[
    MeetingStatus,
    MeetingForm,
    datetime | None,
    datetime | None,
    datetime | None,
    str | None,
    int,
    int,
    Role,
    bool,
    str | None,
]:
    """What the check-in rule looks at, for one meeting and one of its members (no row: not
    an active member, or no such meeting)."""
    return (
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
            is_member(Association.id) & (Membership.person_id == person_id),
        )
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(School, School.id == Person.school_id)
        .where(Meeting.id == meeting_id)
    )


def fast_checkin(dialect: str, tap: Tap, typed: bool) -> Executable:
    """INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING: a row only if the person is an
    active member (the join) and the check-in rule allows the tap (`rules.allowed_sql`;
    `typed`: a code was typed). Bound: meeting_id, person_id, status, now, and code when
    typed."""
    a = Attendance.__table__.c
    now = bindparam("now", type_=a.at.type)
    code = bindparam("code", type_=Meeting.__table__.c.checkin_code.type) if typed else None
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
            and_(is_member(Meeting.association_id), Membership.person_id == person),
        )
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(School, School.id == Person.school_id)
        .where(Meeting.id == bindparam("meeting_id"), *allowed_sql(tap, now, code))
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


def mark(meeting_id: int, person_id: int, *, lock: bool = True) -> Select[Attendance]:
    """A person's mark at a meeting (`lock`: for update)."""
    query = select(Attendance).where(
        Attendance.meeting_id == meeting_id, Attendance.person_id == person_id
    )
    return query.with_for_update() if lock else query


def marks(meeting_id: int) -> Select[Attendance]:
    return select(Attendance).where(Attendance.meeting_id == meeting_id)


def present_voters_at(meeting: Meeting, association_id: int) -> Select[int]:
    """P at a meeting: distinct active voting members marked present (in person) or who
    answered the ballot (absentee and hybrid)."""
    voters = voting_member_ids(association_id).scalar_subquery()
    if meeting.form is MeetingForm.IN_PERSON:
        return select(func.count(func.distinct(Attendance.person_id))).where(
            Attendance.meeting_id == meeting.id,
            Attendance.status.in_(PRESENT_KINDS),
            Attendance.person_id.in_(voters),
        )
    return select(func.count(func.distinct(Vote.person_id))).where(
        Vote.meeting_id == meeting.id, Vote.by_ballot, Vote.person_id.in_(voters)
    )


def checked_in(meeting_id: int) -> Select[int]:
    """Everyone marked present (guests and non-voting members too)."""
    return select(func.count()).where(
        Attendance.meeting_id == meeting_id, Attendance.status.in_(PRESENT_KINDS)
    )


def present_voters(meeting_id: int) -> Select[int | None]:
    """Who gets an open vote and its result: voting members marked present."""
    return select(Attendance.person_id).where(
        Attendance.meeting_id == meeting_id,
        Attendance.status.in_(PRESENT_KINDS),
        Attendance.voting,
        Attendance.person_id.is_not(None),
    )


def tally(item_id: int, *, ballot: bool) -> Select[Choice, int]:
    return (
        select(Vote.choice, func.count())
        .where(Vote.agenda_item_id == item_id, Vote.by_ballot.is_(ballot))
        .group_by(Vote.choice)
    )


def open_votes(meeting_id: int) -> Select[AgendaItem]:
    return select(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id,
        AgendaItem.vote_opened_at.is_not(None),
        AgendaItem.vote_closed_at.is_(None),
    )


def ballot_questions(meeting_id: int, *, unclosed: bool = False) -> Select[AgendaItem]:
    """The questions with a draft decision, in order (`unclosed`: not yet closed)."""
    query = select(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.draft_decision.is_not(None)
    )
    if unclosed:
        query = query.where(AgendaItem.vote_closed_at.is_(None))
    return query.order_by(AgendaItem.position)


def closed_votes(meeting_id: int) -> Select[AgendaItem]:
    return (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.vote_closed_at.is_not(None))
        .order_by(AgendaItem.position)
    )


def live_cards() -> Select[Meeting, Association]:
    """Meetings under way whose quorum card the scheduler keeps up to date."""
    return (
        select(Meeting, Association)
        .join(Association, Association.id == Meeting.association_id)
        .where(
            Meeting.status == MeetingStatus.PUBLISHED,
            Meeting.card_message_id.is_not(None),
            Meeting.checkin_opened_at.is_not(None),
        )
    )


def history(person_id: int, limit: int) -> Select[Meeting, Association, Presence | None]:
    """The ended meetings of a person's associations with their mark, the latest first."""
    return (
        select(Meeting, Association, Attendance.status)
        .join(Association, Association.id == Meeting.association_id)
        .join(
            Membership,
            (Membership.association_id == Association.id) & (Membership.person_id == person_id),
        )
        .outerjoin(
            Attendance,
            (Attendance.meeting_id == Meeting.id) & (Attendance.person_id == person_id),
        )
        .where(Meeting.status == MeetingStatus.ENDED)
        .order_by(func.coalesce(Meeting.starts_at, Meeting.ballot_deadline).desc())
        .limit(limit)
    )


def status_of(meeting_id: int, person_id: int) -> Select[Presence]:
    return select(Attendance.status).where(
        Attendance.meeting_id == meeting_id, Attendance.person_id == person_id
    )


def meeting_of(item_id: int) -> Select[int]:
    return select(AgendaItem.meeting_id).where(AgendaItem.id == item_id)


def question_with_meeting(item_id: int) -> Select[AgendaItem, Meeting, Association]:
    return (
        select(AgendaItem, Meeting, Association)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Association, Association.id == Meeting.association_id)
        .where(AgendaItem.id == item_id)
    )


def by_hand(meeting_id: int, item_id: int) -> Select[int | None, str | None, Choice | None]:
    """Voting members marked present on the roll, with what is recorded for them so far."""
    return (
        select(Attendance.person_id, Person.full_name, Vote.choice)
        .join(Person, Person.id == Attendance.person_id)
        .outerjoin(
            Vote,
            (Vote.agenda_item_id == item_id) & (Vote.person_id == Attendance.person_id),
        )
        .where(
            Attendance.meeting_id == meeting_id,
            Attendance.by_roll.is_(True),
            Attendance.status.in_(PRESENT_KINDS),
            Attendance.voting.is_(True),
        )
        .order_by(Person.full_name, Attendance.person_id)
    )


def answers(meeting_id: int, person_id: int) -> Select[int, Choice]:
    return select(Vote.agenda_item_id, Vote.choice).where(
        Vote.meeting_id == meeting_id, Vote.person_id == person_id
    )
