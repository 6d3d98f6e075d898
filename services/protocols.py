"""Protocols (DOMAIN.md, "Protocol"): drafted from what happened at the meeting, completed by
the minutes keeper, signed by the presiding person and the keeper, issued to the members and
the association's interested persons within a calendar month, kept by school year.

The draft is made when the meeting ends (`on_meeting_end`, in the transaction that ends it):
it is numbered then, in meeting order, per association and school year, and snapshots the
attendance, the agenda and the votes. A meeting without attendance gets no draft: the keeper
is told what is missing and makes it (`make`) once the roll is marked. While the protocol is
not issued, the keeper and the chair are reminded at +7, +21 and +28 days, and after the due
day the chair and the methodists are told it is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    PRESENT_KINDS,
    AgendaItem,
    Association,
    Attendance,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    Methodist,
    Presence,
    Protocol,
    ProtocolRecipient,
    ProtocolVersion,
    Role,
    Vote,
)
from services import attendance, audit, deadlines, outbox
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
from services.protocol_content import (
    Attachment,
    Attendee,
    Guest,
    Outcome,
    ProtocolContent,
    Question,
    Signer,
)
from services.tx import atomic, read_only
from services.validation import check_name, check_text, check_title, clean_line

# Outbox kinds
DRAFT = "protocol_draft"  # to the keeper: the draft is ready
MISSING = "protocol_missing"  # to the keeper: no draft, and what is missing
SIGN = "protocol_sign"  # to the other signer once one has signed
REMINDER = "protocol_reminder"  # to the keeper and the chair while not issued
OVERDUE = "protocol_overdue"  # to the chair and the methodists after the due day
COPY = "protocol_copy"  # the signed protocol, to every member and interested person
KINDS = (DRAFT, MISSING, SIGN, REMINDER, OVERDUE, COPY)

REMIND_AFTER_DAYS = (7, 21, 28)
REMIND_AT = time(10, 0)
HEARD_MAX = 16_000  # «Слушали»: several messages joined
DECISION_MAX = 4_000
GUESTS_MAX = 30
ATTACHMENTS_MAX = 10
POSITION_MAX = 150


def group_key(meeting_id: int) -> str:
    return f"protocol:meeting:{meeting_id}"


def _scope(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


def meeting_day(meeting: Meeting, timezone: str) -> date | None:
    """The meeting's day, local: an absentee meeting's is its ballot deadline."""
    moment = meeting.ballot_deadline if meeting.form is MeetingForm.ABSENTEE else meeting.starts_at
    return deadlines.local_day(moment, timezone) if moment else None


# ---------------------------------------------------------------- views


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


async def _load(
    session: AsyncSession, protocol_id: int, *, lock: bool = False
) -> tuple[Protocol, ProtocolVersion, Association]:
    protocol = await session.get(Protocol, protocol_id, with_for_update=lock)
    if protocol is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    version = await session.scalar(
        select(ProtocolVersion).where(
            ProtocolVersion.protocol_id == protocol.id,
            ProtocolVersion.version == protocol.current_version,
        )
    )
    assert version is not None
    association = await session.get_one(Association, protocol.association_id)
    return protocol, version, association


def _signs_as(actor: Actor, protocol: Protocol) -> tuple[str, ...]:
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


def _view(
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
        signs_as=_signs_as(actor, protocol) if actor and version.signed_at is None else (),
        can_export=actor is not None and _may_export(actor, association),
    )


def _may_read(actor: Actor, association: Association) -> None:
    """Members read their association's protocols; its leaders and the service's
    methodists (who are told of an overdue one) too."""
    scope = _scope(association)
    if decide(actor, Action.PARTICIPATE, scope) is Decision.DENY and (
        decide(actor, Action.MANAGE_MEETING, scope) is Decision.DENY
    ):
        raise DomainError(ErrorCode.FORBIDDEN)


def _may_export(actor: Actor, association: Association) -> bool:
    role = actor.roles.get(association.id)
    return role in (Role.CHAIR, Role.DEPUTY, Role.SECRETARY) or (
        association.service_id in actor.methodist_services
    )


def _may_see_drafts(actor: Actor, protocol: Protocol, association: Association) -> bool:
    if actor.person_id is not None and actor.person_id in (
        protocol.keeper_id,
        protocol.presiding_id,
    ):
        return True
    return decide(actor, Action.MANAGE_MEETING, _scope(association)) is not Decision.DENY


async def _latest_signed(session: AsyncSession, protocol_id: int) -> ProtocolVersion | None:
    found: ProtocolVersion | None = await session.scalar(
        select(ProtocolVersion)
        .where(ProtocolVersion.protocol_id == protocol_id, ProtocolVersion.signed_at.is_not(None))
        .order_by(ProtocolVersion.version.desc())
        .limit(1)
    )
    return found


@atomic
async def get(session: AsyncSession, actor: Actor, protocol_id: int) -> ProtocolView:
    """The protocol as this person may see it: the draft for those who prepare and sign it
    (and the association's leaders); for the other members, the latest signed version."""
    await read_only(session)
    protocol, version, association = await _load(session, protocol_id)
    _may_read(actor, association)
    if version.signed_at is None and not _may_see_drafts(actor, protocol, association):
        signed = await _latest_signed(session, protocol.id)
        if signed is None:
            raise DomainError(ErrorCode.PROTOCOL_NOT_SIGNED)
        version = signed
    view = _view(actor, protocol, version, association)
    await session.commit()
    return view


@atomic
async def load(session: AsyncSession, protocol_id: int, version: int | None = None) -> ProtocolView:
    """For the sender: the protocol (a given version) without anyone's rights."""
    await read_only(session)
    protocol, current, association = await _load(session, protocol_id)
    if version is not None and version != current.version:
        found = await session.scalar(
            select(ProtocolVersion).where(
                ProtocolVersion.protocol_id == protocol.id, ProtocolVersion.version == version
            )
        )
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        current = found
    view = _view(None, protocol, current, association)
    await session.commit()
    return view


@atomic
async def load_of_meeting(session: AsyncSession, meeting_id: int) -> ProtocolView | None:
    """For the sender: the meeting's protocol (its current version), if it has one."""
    await read_only(session)
    protocol_id = await session.scalar(select(Protocol.id).where(Protocol.meeting_id == meeting_id))
    await session.commit()
    return None if protocol_id is None else await load(session, protocol_id)


@atomic
async def of_meeting(session: AsyncSession, actor: Actor, meeting_id: int) -> int | None:
    """The protocol id of a meeting, if it has one."""
    await read_only(session)
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.PARTICIPATE, _scope(association))
    found = await session.scalar(select(Protocol.id).where(Protocol.meeting_id == meeting_id))
    await session.commit()
    return found


# ---------------------------------------------------------------- the draft


async def _missing(session: AsyncSession, meeting: Meeting) -> ErrorCode | None:
    """What a draft needs and the meeting lacks: someone marked present (a gathering) or
    someone who answered the ballot (an absentee meeting)."""
    present = await session.scalar(
        select(func.count())
        .select_from(Attendance)
        .where(Attendance.meeting_id == meeting.id, Attendance.status.in_(PRESENT_KINDS))
    )
    answered = await session.scalar(
        select(func.count()).select_from(Vote).where(Vote.meeting_id == meeting.id)
    )
    if meeting.form is MeetingForm.IN_PERSON:
        return None if present else ErrorCode.NO_ATTENDANCE
    if meeting.form is MeetingForm.ABSENTEE:
        return None if answered else ErrorCode.NO_BALLOTS
    return None if present or answered else ErrorCode.NO_ATTENDANCE


async def _role_of(
    session: AsyncSession, association_id: int, person_id: int | None
) -> Role | None:
    if person_id is None:
        return None
    role: Role | None = await session.scalar(
        select(Membership.role).where(
            Membership.association_id == association_id, Membership.person_id == person_id
        )
    )
    return role


async def _signers(
    session: AsyncSession, meeting: Meeting, association: Association
) -> tuple[int | None, int | None]:
    """Who presided (named on the meeting, else the chair) and who kept the minutes (named,
    else the secretary, else the one presiding)."""
    chair, secretary = await attendance.default_roles(session, association.id)
    presiding = meeting.presiding_id or chair
    keeper = meeting.minutes_keeper_id or secretary
    return presiding, keeper or presiding


async def _snapshot(
    session: AsyncSession,
    meeting: Meeting,
    association: Association,
    number: int,
    presiding_id: int | None,
    keeper_id: int | None,
) -> ProtocolContent:
    marks = {
        a.person_id: a
        for a in (
            await session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
        ).all()
        if a.person_id is not None
    }
    ballot_voters = set(
        (
            await session.scalars(
                select(Vote.person_id).where(Vote.meeting_id == meeting.id, Vote.by_ballot)
            )
        ).all()
    )
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
            reason = mark.reason if mark and mark.status is Presence.EXCUSED else None
            absent.append(Attendee(member.name, school_name, reason=reason or None))
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
    items = (
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position)
        )
    ).all()
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
    presiding_role = await _role_of(session, association.id, presiding_id)
    keeper_role = await _role_of(session, association.id, keeper_id)
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
    )


async def _make(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> Protocol:
    day = meeting_day(meeting, association.timezone)
    assert day is not None
    year = deadlines.school_year(day)
    last = await session.scalar(
        select(func.max(Protocol.number)).where(
            Protocol.association_id == association.id, Protocol.school_year == year
        )
    )
    number = int(last or 0) + 1
    presiding_id, keeper_id = await _signers(session, meeting, association)
    content = await _snapshot(session, meeting, association, number, presiding_id, keeper_id)
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
                    dedupe_key=f"protocol:{protocol.id}:draft",
                    group_key=group_key(meeting.id),
                    due_at=now,
                    params={"protocol_id": protocol.id},
                    person_id=keeper_id,
                )
            ],
        )
    await session.flush()
    return protocol


def _remind_at(association: Association, day: date, now: datetime) -> datetime:
    moment = deadlines.at_local(day, REMIND_AT, association.timezone)
    return outbox.reminder_due(
        max(moment, now),
        now,
        association.timezone,
        association.send_from_minute,
        association.send_until_minute,
    )


async def _plan_reminders(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> None:
    day = meeting_day(meeting, association.timezone)
    if day is None:
        return
    _presiding, keeper = await _signers(session, meeting, association)
    chair, _secretary = await attendance.default_roles(session, association.id)
    due_on = deadlines.add_months(day, association.protocol_months)
    rows: list[outbox.Outgoing] = []
    for after in REMIND_AFTER_DAYS:
        due = _remind_at(association, day + timedelta(days=after), now)
        for person in {p for p in (keeper, chair) if p is not None}:
            rows.append(
                outbox.Outgoing(
                    kind=REMINDER,
                    dedupe_key=f"protocol:meeting:{meeting.id}:remind:{after}:{person}",
                    group_key=group_key(meeting.id),
                    due_at=due,
                    params={"meeting_id": meeting.id, "after": after, "due": due_on.isoformat()},
                    person_id=person,
                )
            )
    due = _remind_at(association, due_on + timedelta(days=1), now)
    methodists = (
        await session.scalars(
            select(Methodist.person_id).where(
                Methodist.service_id == association.service_id, Methodist.active
            )
        )
    ).all()
    for person in {p for p in (chair, *methodists) if p is not None}:
        rows.append(
            outbox.Outgoing(
                kind=OVERDUE,
                dedupe_key=f"protocol:meeting:{meeting.id}:overdue:{person}",
                group_key=group_key(meeting.id),
                due_at=due,
                params={"meeting_id": meeting.id, "due": due_on.isoformat()},
                person_id=person,
            )
        )
    await outbox.enqueue(session, rows)


async def on_meeting_end(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> Protocol | None:
    """In the transaction that ends the meeting: the draft (or the keeper told what is
    missing) and the reminders until the protocol is issued."""
    await _plan_reminders(session, meeting, association, now)
    existing = await session.scalar(select(Protocol).where(Protocol.meeting_id == meeting.id))
    if existing is not None:
        return existing
    missing = await _missing(session, meeting)
    if missing is None:
        return await _make(session, meeting, association, now)
    _presiding, keeper = await _signers(session, meeting, association)
    if keeper is not None:
        await outbox.enqueue(
            session,
            [
                outbox.Outgoing(
                    kind=MISSING,
                    dedupe_key=f"protocol:meeting:{meeting.id}:missing",
                    group_key=group_key(meeting.id),
                    due_at=now,
                    params={"meeting_id": meeting.id, "missing": missing.value},
                    person_id=keeper,
                )
            ],
        )
    return None


@atomic
async def make(session: AsyncSession, actor: Actor, meeting_id: int, now: datetime) -> ProtocolView:
    """«Составить протокол» for an ended meeting that had no draft (its attendance was
    marked afterwards); the existing protocol if there is one."""
    meeting = await session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    _presiding, keeper = await _signers(session, meeting, association)
    if not may_edit_protocol(actor, association.id, keeper):
        raise DomainError(ErrorCode.FORBIDDEN)
    if meeting.status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is not MeetingStatus.ENDED:
        raise DomainError(ErrorCode.MEETING_NOT_ENDED)
    protocol = await session.scalar(select(Protocol).where(Protocol.meeting_id == meeting.id))
    if protocol is None:
        missing = await _missing(session, meeting)
        if missing is not None:
            raise DomainError(missing)
        protocol = await _make(session, meeting, association, now)
    _protocol, version, _association = await _load(session, protocol.id)
    view = _view(actor, protocol, version, association)
    await session.commit()
    return view


# ---------------------------------------------------------------- completing it


async def _editable(
    session: AsyncSession, actor: Actor, protocol_id: int
) -> tuple[Protocol, ProtocolVersion, Association, ProtocolContent]:
    protocol, version, association = await _load(session, protocol_id, lock=True)
    if not may_edit_protocol(actor, association.id, protocol.keeper_id):
        raise DomainError(ErrorCode.FORBIDDEN)
    if version.signed_at is not None:
        raise DomainError(ErrorCode.PROTOCOL_SIGNED)
    return protocol, version, association, ProtocolContent.from_json(version.content)


async def _save(
    session: AsyncSession,
    actor: Actor,
    protocol: Protocol,
    version: ProtocolVersion,
    association: Association,
    content: ProtocolContent,
    what: str,
    now: datetime,
) -> ProtocolView:
    """A change to the draft: a signature given to the earlier text no longer holds."""
    content = replace(
        content,
        presiding=replace(content.presiding, signed_at=None),
        keeper=replace(content.keeper, signed_at=None),
    )
    version.content = content.to_json()
    version.revision += 1
    version.presiding_signed_at = version.keeper_signed_at = None
    audit.record(
        session,
        actor,
        f"protocol.{what}",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        version=version.version,
    )
    await session.flush()
    view = _view(actor, protocol, version, association)
    await session.commit()
    return view


def _question(content: ProtocolContent, position: int) -> Question:
    for question in content.questions:
        if question.position == position:
            return question
    raise DomainError(ErrorCode.STALE)


@atomic
async def set_heard(
    session: AsyncSession, actor: Actor, protocol_id: int, position: int, text: str, now: datetime
) -> ProtocolView:
    """«Слушали» of one question (the keeper's messages joined)."""
    value = check_text(text, max_len=HEARD_MAX, angles=True)
    protocol, version, association, content = await _editable(session, actor, protocol_id)
    _question(content, position)
    content = content.with_question(position, heard=value)
    return await _save(session, actor, protocol, version, association, content, "heard", now)


@atomic
async def set_decision(
    session: AsyncSession, actor: Actor, protocol_id: int, position: int, text: str, now: datetime
) -> ProtocolView:
    """«Решили» reworded (the tally stays as voted)."""
    value = check_text(text, max_len=DECISION_MAX, angles=True)
    protocol, version, association, content = await _editable(session, actor, protocol_id)
    _question(content, position)
    content = content.with_question(position, decision=value)
    return await _save(session, actor, protocol, version, association, content, "decision", now)


def parse_guests(text: str) -> list[Guest]:
    """Invited guests, one per line: «Name — position» (or «Name, position»)."""
    guests = []
    for raw in (text or "").splitlines():
        line = clean_line(raw)
        if not line:
            continue
        for separator in (" — ", " – ", " - ", ";", ","):
            if separator in line:
                name, position = line.split(separator, 1)
                break
        else:
            raise DomainError(ErrorCode.GUEST_FORMAT, line=line[:60])
        guests.append(
            Guest(check_name(name), check_title(clean_line(position), max_len=POSITION_MAX))
        )
    if not guests:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    return guests


@atomic
async def add_guests(
    session: AsyncSession, actor: Actor, protocol_id: int, text: str, now: datetime
) -> ProtocolView:
    guests = parse_guests(text)
    protocol, version, association, content = await _editable(session, actor, protocol_id)
    combined = (*content.guests, *guests)
    if len(combined) > GUESTS_MAX:
        raise DomainError(ErrorCode.TOO_MANY_LINES, max=GUESTS_MAX)
    content = replace(content, guests=combined)
    return await _save(session, actor, protocol, version, association, content, "guests", now)


@atomic
async def clear_guests(
    session: AsyncSession, actor: Actor, protocol_id: int, now: datetime
) -> ProtocolView:
    protocol, version, association, content = await _editable(session, actor, protocol_id)
    content = replace(content, guests=())
    return await _save(session, actor, protocol, version, association, content, "guests", now)


@atomic
async def attach(
    session: AsyncSession,
    actor: Actor,
    protocol_id: int,
    file_id: str,
    name: str,
    size: int | None,
    now: datetime,
) -> ProtocolView:
    """A file attached to the protocol (an appendix), sent with its copy."""
    if size is not None and size > 20 * 1024 * 1024:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=20)
    protocol, version, association, content = await _editable(session, actor, protocol_id)
    if len(content.attachments) >= ATTACHMENTS_MAX:
        raise DomainError(ErrorCode.TOO_MANY_LINES, max=ATTACHMENTS_MAX)
    label = check_title(clean_line(name) or "file", max_len=200, angles=True)
    content = replace(content, attachments=(*content.attachments, Attachment(file_id, label, size)))
    return await _save(session, actor, protocol, version, association, content, "attached", now)


@atomic
async def clear_attachments(
    session: AsyncSession, actor: Actor, protocol_id: int, now: datetime
) -> ProtocolView:
    protocol, version, association, content = await _editable(session, actor, protocol_id)
    content = replace(content, attachments=())
    return await _save(session, actor, protocol, version, association, content, "attached", now)


# ---------------------------------------------------------------- signing and issuing


@dataclass(frozen=True)
class Signed:
    view: ProtocolView
    issued: bool  # both have signed: frozen and sent
    waiting_for: str | None  # the other signer's name, while they have not signed


@atomic
async def sign(
    session: AsyncSession, actor: Actor, protocol_id: int, revision: int, now: datetime
) -> Signed:
    """The presiding person and the keeper each sign the text they reviewed (`revision`);
    once both have, the version is frozen and its copy goes to the members and the
    interested persons."""
    protocol, version, association = await _load(session, protocol_id, lock=True)
    if version.signed_at is not None:
        raise DomainError(ErrorCode.PROTOCOL_SIGNED)
    roles = _signs_as(actor, protocol)
    if not roles:
        raise DomainError(ErrorCode.NOT_SIGNER)
    if version.revision != revision:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    content = ProtocolContent.from_json(version.content)
    empty = [q.position for q in content.questions if not q.heard.strip()]
    if empty:
        raise DomainError(ErrorCode.PROTOCOL_INCOMPLETE, questions=empty)
    if "presiding" in roles and content.presiding.signed_at is None:
        content = replace(content, presiding=replace(content.presiding, signed_at=now))
        version.presiding_signed_at = now
    if "keeper" in roles and content.keeper.signed_at is None:
        content = replace(content, keeper=replace(content.keeper, signed_at=now))
        version.keeper_signed_at = now
    version.content = content.to_json()
    audit.record(
        session,
        actor,
        "protocol.signed",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        version=version.version,
        signs_as=list(roles),
    )
    issued = content.signed
    waiting = None
    if issued:
        version.signed_at = now
        protocol.issued_at = protocol.issued_at or now
        await _issue(session, protocol, version, association, now)
    else:
        other_id, other = (
            (protocol.keeper_id, content.keeper)
            if content.keeper.signed_at is None
            else (protocol.presiding_id, content.presiding)
        )
        waiting = other.name
        if other_id is not None:
            await outbox.enqueue(
                session,
                [
                    outbox.Outgoing(
                        kind=SIGN,
                        dedupe_key=(
                            f"protocol:{protocol.id}:v{version.version}:r{version.revision}:sign"
                        ),
                        group_key=group_key(protocol.meeting_id),
                        due_at=now,
                        params={"protocol_id": protocol.id, "revision": version.revision},
                        person_id=other_id,
                    )
                ],
            )
    await session.flush()
    view = _view(actor, protocol, version, association)
    await session.commit()
    return Signed(view, issued, waiting)


async def recipients(session: AsyncSession, association_id: int) -> tuple[list[int], list[int]]:
    """Who gets the copy: every active member (person ids) and every interested person of
    the association (their chat ids)."""
    members = (
        await session.scalars(
            select(Membership.person_id).where(
                Membership.association_id == association_id, Membership.active
            )
        )
    ).all()
    interested = (
        await session.scalars(
            select(ProtocolRecipient.chat_id).where(
                ProtocolRecipient.association_id == association_id
            )
        )
    ).all()
    return sorted(set(members)), sorted(set(interested))


async def _issue(
    session: AsyncSession,
    protocol: Protocol,
    version: ProtocolVersion,
    association: Association,
    now: datetime,
) -> None:
    people, chats = await recipients(session, association.id)
    params = {"protocol_id": protocol.id, "version": version.version}
    group = f"protocol:{protocol.id}:v{version.version}"
    rows = [
        outbox.Outgoing(
            kind=COPY,
            dedupe_key=f"{group}:copy:{person}",
            group_key=group,
            due_at=now,
            params=params,
            person_id=person,
        )
        for person in people
    ]
    rows += [
        outbox.Outgoing(
            kind=COPY,
            dedupe_key=f"{group}:copy:chat:{chat}",
            group_key=group,
            due_at=now,
            params={**params, "association_id": association.id},
            chat_id=chat,
        )
        for chat in chats
    ]
    await outbox.enqueue(session, rows)
    audit.record(
        session,
        None,
        "protocol.issued",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        version=version.version,
        recipients=len(people) + len(chats),
    )


@atomic
async def correct(
    session: AsyncSession, actor: Actor, protocol_id: int, reason: str, now: datetime
) -> ProtocolView:
    """A correction of a signed protocol: a new version, to be signed again; the signed one
    is kept as it was."""
    text = check_text(reason, max_len=1000)
    protocol, version, association = await _load(session, protocol_id, lock=True)
    if not may_edit_protocol(actor, association.id, protocol.keeper_id):
        raise DomainError(ErrorCode.FORBIDDEN)
    if version.signed_at is None:
        raise DomainError(ErrorCode.PROTOCOL_NOT_SIGNED)
    content = ProtocolContent.from_json(version.content)
    content = replace(
        content,
        version=version.version + 1,
        presiding=replace(content.presiding, signed_at=None),
        keeper=replace(content.keeper, signed_at=None),
    )
    protocol.current_version = version.version + 1
    new = ProtocolVersion(
        protocol_id=protocol.id,
        version=protocol.current_version,
        content=content.to_json(),
        correction=text,
        created_by_id=actor.person_id,
    )
    session.add(new)
    audit.record(
        session,
        actor,
        "protocol.correction",
        now,
        association_id=association.id,
        object_type="protocol",
        object_id=protocol.id,
        version=new.version,
    )
    await session.flush()
    view = _view(actor, protocol, new, association)
    await session.commit()
    return view


# ---------------------------------------------------------------- files


@atomic
async def stored_files(
    session: AsyncSession, protocol_id: int, version: int
) -> tuple[int, int] | None:
    """The stored DOCX and PDF of a signed version, once made."""
    await read_only(session)
    row = (
        await session.execute(
            select(ProtocolVersion.docx_file_id, ProtocolVersion.pdf_file_id).where(
                ProtocolVersion.protocol_id == protocol_id,
                ProtocolVersion.version == version,
                ProtocolVersion.signed_at.is_not(None),
            )
        )
    ).first()
    await session.commit()
    if row is None or row[0] is None or row[1] is None:
        return None
    return int(row[0]), int(row[1])


@atomic
async def keep_files(
    session: AsyncSession, protocol_id: int, version: int, docx_id: int, pdf_id: int
) -> None:
    """Remember the files of a signed version: its copies and downloads send the same ones."""
    found = await session.scalar(
        select(ProtocolVersion).where(
            ProtocolVersion.protocol_id == protocol_id, ProtocolVersion.version == version
        )
    )
    if found is not None and found.signed_at is not None and found.docx_file_id is None:
        found.docx_file_id, found.pdf_file_id = docx_id, pdf_id
    await session.commit()


# ---------------------------------------------------------------- the archive


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


@dataclass(frozen=True)
class Archive:
    association_id: int
    association: str
    school_year: int
    years: list[int]  # school years that have protocols, latest first
    rows: list[ArchiveRow]
    drafts_visible: bool
    can_export: bool


@atomic
async def archive(
    session: AsyncSession, actor: Actor, association_id: int, school_year: int | None, now: datetime
) -> Archive:
    """`/protocols`: an association's protocols of a school year (the latest by default)."""
    await read_only(session)
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    _may_read(actor, association)
    years = list(
        (
            await session.scalars(
                select(Protocol.school_year)
                .where(Protocol.association_id == association.id)
                .distinct()
                .order_by(Protocol.school_year.desc())
            )
        ).all()
    )
    today = deadlines.local_day(now, association.timezone)
    year = (
        school_year
        if school_year is not None
        else (years[0] if years else deadlines.school_year(today))
    )
    leaders = decide(actor, Action.MANAGE_MEETING, _scope(association)) is not Decision.DENY
    protocols = (
        await session.execute(
            select(Protocol, Meeting.topic)
            .join(Meeting, Meeting.id == Protocol.meeting_id)
            .where(Protocol.association_id == association.id, Protocol.school_year == year)
            .order_by(Protocol.number)
        )
    ).all()
    rows = []
    for protocol, topic in protocols:
        current = await session.scalar(
            select(ProtocolVersion.signed_at).where(
                ProtocolVersion.protocol_id == protocol.id,
                ProtocolVersion.version == protocol.current_version,
            )
        )
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
    found = Archive(
        association.id,
        association.name,
        year,
        years,
        rows,
        leaders,
        _may_export(actor, association),
    )
    await session.commit()
    return found


@atomic
async def signed_of_year(
    session: AsyncSession, actor: Actor, association_id: int, school_year: int
) -> list[ProtocolView]:
    """For the ZIP export: the latest signed version of each protocol of the school year."""
    await read_only(session)
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    if not _may_export(actor, association):
        raise DomainError(ErrorCode.FORBIDDEN)
    protocols = (
        await session.scalars(
            select(Protocol)
            .where(Protocol.association_id == association.id, Protocol.school_year == school_year)
            .order_by(Protocol.number)
        )
    ).all()
    views = []
    for protocol in protocols:
        signed = await _latest_signed(session, protocol.id)
        if signed is not None:
            views.append(_view(None, protocol, signed, association))
    await session.commit()
    return views


# ---------------------------------------------------------------- still wanted


async def unwanted(session: AsyncSession, rows: list[Any]) -> set[int]:
    """Claimed protocol rows no longer wanted: reminders and the overdue flag once the
    protocol is issued; the «missing» note once a draft exists; a request to sign once the
    person has signed or the draft changed; a draft note once the draft is signed."""
    meeting_ids = {int(r.params["meeting_id"]) for r in rows if "meeting_id" in r.params}
    protocol_ids = {int(r.params["protocol_id"]) for r in rows if "protocol_id" in r.params}
    by_meeting: dict[int, Protocol] = {}
    if meeting_ids:
        for protocol in (
            await session.scalars(select(Protocol).where(Protocol.meeting_id.in_(meeting_ids)))
        ).all():
            by_meeting[protocol.meeting_id] = protocol
    current: dict[int, ProtocolVersion] = {}
    if protocol_ids:
        found = (
            await session.execute(
                select(ProtocolVersion)
                .join(Protocol, Protocol.id == ProtocolVersion.protocol_id)
                .where(
                    Protocol.id.in_(protocol_ids),
                    ProtocolVersion.version == Protocol.current_version,
                )
            )
        ).scalars()
        current = {v.protocol_id: v for v in found}
    cancelled_meetings = set()
    if meeting_ids:
        cancelled_meetings = set(
            (
                await session.scalars(
                    select(Meeting.id).where(
                        Meeting.id.in_(meeting_ids), Meeting.status == MeetingStatus.CANCELLED
                    )
                )
            ).all()
        )
    drop: set[int] = set()
    for row in rows:
        if row.kind in (REMINDER, OVERDUE):
            meeting_id = int(row.params["meeting_id"])
            issued = meeting_id in by_meeting and by_meeting[meeting_id].issued_at is not None
            if meeting_id in cancelled_meetings or issued:
                drop.add(row.id)
        elif row.kind == MISSING:
            if int(row.params["meeting_id"]) in by_meeting:
                drop.add(row.id)
        elif row.kind in (DRAFT, SIGN):
            version = current.get(int(row.params["protocol_id"]))
            if version is None or version.signed_at is not None:
                drop.add(row.id)
                continue
            if row.kind == SIGN and int(row.params.get("revision", 0)) != version.revision:
                drop.add(row.id)
    await session.commit()
    return drop


# ---------------------------------------------------------------- interested persons


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    name: str


RECIPIENTS_MAX = 50


async def _recipients_scope(
    session: AsyncSession, actor: Actor, association_id: int
) -> Association:
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    return association


async def _recipient_list(session: AsyncSession, association_id: int) -> list[Recipient]:
    rows = await session.execute(
        select(ProtocolRecipient.chat_id, ProtocolRecipient.name)
        .where(ProtocolRecipient.association_id == association_id)
        .order_by(ProtocolRecipient.name)
    )
    return [Recipient(int(chat), name) for chat, name in rows.all()]


@atomic
async def recipient_list(
    session: AsyncSession, actor: Actor, association_id: int
) -> list[Recipient]:
    """The association's interested persons (the chair, deputy, secretary, methodists)."""
    await read_only(session)
    await _recipients_scope(session, actor, association_id)
    found = await _recipient_list(session, association_id)
    await session.commit()
    return found


def _shared_name(name: str | None, chat_id: int) -> str:
    """The name Telegram shared, as plain text; the id when it is empty or unusable."""
    cleaned = clean_line((name or "").replace("<", "").replace(">", ""))[:150]
    return cleaned if len(cleaned) >= 2 else f"id {chat_id}"


@atomic
async def add_recipients(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    shared: list[tuple[int, str | None]],
    now: datetime,
) -> list[Recipient]:
    """Interested persons picked from the actor's contacts (Telegram shares their ids and
    names); one already on the list is not added twice."""
    association = await _recipients_scope(session, actor, association_id)
    existing = {r.chat_id for r in await _recipient_list(session, association.id)}
    fresh: dict[int, str | None] = {}
    for chat, name in shared:
        if chat > 0 and chat not in existing:
            fresh.setdefault(chat, name)  # the first of a repeated pick
    if len(existing) + len(fresh) > RECIPIENTS_MAX:
        raise DomainError(ErrorCode.TOO_MANY_LINES, max=RECIPIENTS_MAX)
    if fresh:
        await session.execute(
            outbox.insert_for(session)(ProtocolRecipient)
            .values(
                [
                    {
                        "association_id": association.id,
                        "chat_id": chat,
                        "name": _shared_name(name, chat),
                        "added_by_id": actor.person_id,
                        "created_at": now,
                    }
                    for chat, name in fresh.items()
                ]
            )
            .on_conflict_do_nothing(index_elements=["association_id", "chat_id"])
        )
        audit.record(
            session,
            actor,
            "protocol.recipients_added",
            now,
            association_id=association.id,
            count=len(fresh),
        )
    found = await _recipient_list(session, association.id)
    await session.commit()
    return found


@atomic
async def remove_recipient(
    session: AsyncSession, actor: Actor, association_id: int, chat_id: int, now: datetime
) -> list[Recipient]:
    association = await _recipients_scope(session, actor, association_id)
    await session.execute(
        delete(ProtocolRecipient).where(
            ProtocolRecipient.association_id == association.id,
            ProtocolRecipient.chat_id == chat_id,
        )
    )
    audit.record(session, actor, "protocol.recipient_removed", now, association_id=association.id)
    found = await _recipient_list(session, association.id)
    await session.commit()
    return found


@atomic
async def unsubscribe(session: AsyncSession, chat_id: int, association_id: int) -> bool:
    """The interested person themselves: no more copies from this association."""
    result = await session.execute(
        delete(ProtocolRecipient).where(
            ProtocolRecipient.association_id == association_id,
            ProtocolRecipient.chat_id == chat_id,
        )
    )
    await session.commit()
    return bool(getattr(result, "rowcount", 0))
