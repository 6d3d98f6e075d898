"""What a draft records of the meeting: who was there (and who was not, with the reason),
each question with its vote, who presided and who kept the minutes — taken once, when the
draft is made, and stored as the version's JSON (services.protocol_content)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import PRESENT_KINDS, Association, Attendance, Meeting, MeetingForm, Presence, Role
from services import attendance
from services.errors import ErrorCode
from services.protocol_content import Attendee, Outcome, ProtocolContent, Question, Signer
from services.protocols import queries
from services.protocols.views import meeting_day


async def missing(session: AsyncSession, meeting: Meeting) -> ErrorCode | None:
    """What a draft needs and the meeting lacks: someone marked present (a gathering) or
    someone who answered the ballot (an absentee meeting)."""
    present = await session.scalar(queries.present_count(meeting.id))
    answered = await session.scalar(queries.ballots_count(meeting.id))
    if meeting.form is MeetingForm.IN_PERSON:
        return None if present else ErrorCode.NO_ATTENDANCE
    if meeting.form is MeetingForm.ABSENTEE:
        return None if answered else ErrorCode.NO_BALLOTS
    return None if present or answered else ErrorCode.NO_ATTENDANCE


async def role_of(session: AsyncSession, association_id: int, person_id: int | None) -> Role | None:
    if person_id is None:
        return None
    role: Role | None = await session.scalar(queries.role_of(association_id, person_id))
    return role


async def signers(
    session: AsyncSession, meeting: Meeting, association: Association
) -> tuple[int | None, int | None]:
    """Who presided and who kept the minutes (attendance.presiding_and_keeper: the same
    people counted present at check-in)."""
    return await attendance.presiding_and_keeper(session, meeting)


def absentee(
    name: str, school: str | None, mark: Attendance | None, declined: str | None
) -> Attendee:
    """An absent member with their reason: the roll's for an excused absence (or, if it
    gave none, the one given with «Не смогу»); the «Не смогу» reason when the roll did not
    mark them; none when the roll marked them absent."""
    if mark is not None and mark.status is Presence.EXCUSED:
        return Attendee(name, school, reason=mark.reason or declined or None)
    if mark is not None and mark.by_roll:
        return Attendee(name, school)
    return Attendee(name, school, declined=declined)


async def snapshot(
    session: AsyncSession,
    meeting: Meeting,
    association: Association,
    number: int,
    presiding_id: int | None,
    keeper_id: int | None,
) -> ProtocolContent:
    marks = {
        a.person_id: a
        for a in (await session.scalars(queries.marks(meeting.id))).all()
        if a.person_id is not None
    }
    ballot_voters = set((await session.scalars(queries.ballot_voters(meeting.id))).all())
    declined = {
        pid: reason
        for pid, reason in (await session.execute(queries.declined(meeting.id))).all()
        if reason
    }
    present: list[Attendee] = []
    absent: list[Attendee] = []
    seen: set[int] = set()
    for member in await attendance.members_of(session, association.id):
        pid = member.person_id
        seen.add(pid)
        mark = marks.get(pid)
        school_name = mark.school_name if mark and mark.school_name else member.school
        if (mark and mark.status in PRESENT_KINDS) or pid in ballot_voters:
            online = bool(mark and mark.status is Presence.ONLINE)
            present.append(Attendee(member.name, school_name, online))
        else:
            absent.append(absentee(member.name, school_name, mark, declined.get(pid)))
    # Someone marked present who has left the association since still attended.
    others = [
        pid for pid, mark in marks.items() if pid not in seen and mark.status in PRESENT_KINDS
    ]
    names = await attendance.names_of(session, [*others, presiding_id, keeper_id])
    for pid in others:
        mark = marks[pid]
        present.append(
            Attendee(names.get(pid, "—"), mark.school_name, mark.status is Presence.ONLINE)
        )
    members_count = await attendance.voting_count(session, association.id)
    items = (await session.scalars(queries.agenda(meeting.id))).all()
    speakers = await attendance.names_of(session, [i.speaker_id for i in items])
    questions = []
    for item in items:
        outcome = None
        if item.vote_closed_at is not None:
            outcome = Outcome(
                for_=item.votes_for or 0,
                against=item.votes_against or 0,
                abstain=item.votes_abstain or 0,
                present=item.vote_present or 0,
                members=item.vote_members or 0,
                adopted=bool(item.vote_adopted),
                by_ballot=meeting.form is not MeetingForm.IN_PERSON,
            )
        speaker = item.speaker_name or (speakers.get(item.speaker_id) if item.speaker_id else None)
        questions.append(
            Question(
                position=item.position,
                title=item.title,
                speaker=speaker,
                decision=item.draft_decision or "",
                outcome=outcome,
            )
        )
    day = meeting_day(meeting, association.timezone)
    assert day is not None
    city = await session.scalar(queries.municipality_name(association.municipality_id))
    presiding_role = await role_of(session, association.id, presiding_id)
    keeper_role = await role_of(session, association.id, keeper_id)
    return ProtocolContent(
        number=number,
        version=1,
        meeting_day=day,
        association=association.name,
        topic=meeting.topic,
        form=meeting.form.value,
        place=meeting.place,
        locale=association.locale,
        timezone=association.timezone,
        presiding=Signer(
            names.get(presiding_id or 0, "—"),
            "deputy" if presiding_role is Role.DEPUTY else "chair",
        ),
        keeper=Signer(
            names.get(keeper_id or 0, "—"),
            "secretary" if keeper_role in (Role.SECRETARY, None) else keeper_role.value,
        ),
        members=members_count,
        present=tuple(present),
        absent=tuple(absent),
        questions=tuple(questions),
        kind=association.kind.value,
        validity=(association.validity_num, association.validity_den),
        decision=(association.decision_num, association.decision_den),
        city=city,
    )
