"""Meetings: the draft (in the database, guarded by a version for concurrent editors), the
five-day rule, publication with its notices and reminders, changes, cancellation, the end.

Every message a meeting causes is an outbox row whose group key starts with `meeting:<id>:`
and whose dedupe key carries the meeting's revision, so a change sends fresh messages and a
stale one is never sent (each kind re-checks the revision at claim time)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AgendaItem,
    AgendaProposal,
    Association,
    Material,
    Meeting,
    MeetingForm,
    MeetingStatus,
    Membership,
    OutboxMessage,
    OutboxStatus,
    Person,
    ProposalStatus,
    Role,
    Rsvp,
)
from services import attendance, audit, deadlines, outbox, protocols, votes
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import atomic
from services.validation import check_name, check_title, clean_line

MAX_AGENDA = 30
DECISION_MAX = 4000
REASON_MAX = 1000
FILE_MAX = 20 * 1024 * 1024  # the Bot API's download limit
DURATIONS = (45, 60, 90, 120, 180)
_URL = re.compile(r"^https?://[^\s<>\"']{3,490}$")


class Kind(enum.StrEnum):
    """Outbox kinds of meetings."""

    NOTICE = "meeting_notice"  # the notice, or a changed notice (params: changes)
    REMINDER = "meeting_reminder"
    FINAL_AGENDA = "meeting_final_agenda"  # at the proposal cutoff, if the agenda changed
    CANCELLED = "meeting_cancelled"
    DRAFT_DEADLINE = "meeting_draft_deadline"  # to the chair and secretary of a draft
    CONFIRM = "meeting_confirm"  # an extraordinary meeting waits for the chair
    NUDGE = "meeting_nudge"  # "please answer" to those who have not answered
    DECISION = "meeting_decision"  # the chair's answer to an extraordinary request


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class MaterialView:
    id: int
    file_id: str
    file_name: str | None
    agenda_item_id: int | None


@dataclass(frozen=True)
class AgendaView:
    id: int
    position: int
    title: str
    speaker_id: int | None
    speaker: str | None
    draft_decision: str | None
    added_late: bool
    materials: list[MaterialView] = field(default_factory=list)
    vote_open: bool = False  # an open vote in the room has started and not closed


@dataclass(frozen=True)
class MeetingView:
    id: int
    association_id: int
    association_name: str
    service_id: int
    timezone: str
    locale: str
    topic: str
    form: MeetingForm
    starts_at: datetime | None
    duration_minutes: int
    place: str | None
    online_link: str | None
    ballot_deadline: datetime | None
    extraordinary: bool
    extraordinary_reason: str | None
    practical_seminar: bool
    presiding_id: int | None
    presiding: str | None
    minutes_keeper_id: int | None
    minutes_keeper: str | None
    requested_by: str | None  # who asked the chair for an extraordinary meeting
    status: MeetingStatus
    publish_at: datetime | None
    revision: int
    version: int
    published_at: datetime | None
    updated_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    ended_at: datetime | None
    notice_days: int
    proposal_days: int
    agenda: list[AgendaView]
    materials: list[MaterialView]  # for the whole meeting (not one question)

    @property
    def day(self) -> date | None:
        """The meeting's day on local dates: the gathering, or an absentee ballot deadline."""
        moment = self.ballot_deadline if self.form is MeetingForm.ABSENTEE else self.starts_at
        return deadlines.local_day(moment, self.timezone) if moment else None

    @property
    def ends_at(self) -> datetime | None:
        if self.form is MeetingForm.ABSENTEE:
            return self.ballot_deadline
        if self.starts_at is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def notice_deadline(self) -> datetime | None:
        day = self.day
        return deadlines.notice_deadline(day, self.notice_days, self.timezone) if day else None

    @property
    def proposal_deadline(self) -> datetime | None:
        day = self.day
        return deadlines.proposal_deadline(day, self.proposal_days, self.timezone) if day else None

    @property
    def ballot_until(self) -> datetime | None:
        """Absentee: the ballot deadline; hybrid: that, or the end of the gathering."""
        if self.form is MeetingForm.IN_PERSON:
            return None
        return self.ballot_deadline or self.ends_at

    @property
    def has_gathering(self) -> bool:
        return self.form is not MeetingForm.ABSENTEE

    @property
    def has_ballot(self) -> bool:
        return self.form is not MeetingForm.IN_PERSON

    def local(self, moment: datetime | None) -> datetime | None:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(self.timezone)) if moment else None


async def _view(session: AsyncSession, meeting: Meeting) -> MeetingView:
    association = await session.get_one(Association, meeting.association_id)
    items = list(
        (
            await session.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting.id)
                .order_by(AgendaItem.position)
            )
        ).all()
    )
    files = list(
        (
            await session.scalars(
                select(Material).where(Material.meeting_id == meeting.id).order_by(Material.id)
            )
        ).all()
    )
    names = await attendance.names_of(
        session,
        {
            *(i.speaker_id for i in items if i.speaker_id),
            meeting.presiding_id or 0,
            meeting.minutes_keeper_id or 0,
            meeting.requested_by_id or 0,
        },
    )
    by_item: dict[int | None, list[MaterialView]] = {}
    for m in files:
        by_item.setdefault(m.agenda_item_id, []).append(
            MaterialView(m.id, m.file_id, m.file_name, m.agenda_item_id)
        )
    agenda = [
        AgendaView(
            id=i.id,
            position=i.position,
            title=i.title,
            speaker_id=i.speaker_id,
            speaker=names.get(i.speaker_id) if i.speaker_id else i.speaker_name,
            draft_decision=i.draft_decision,
            added_late=i.added_at is not None,
            materials=by_item.get(i.id, []),
            vote_open=i.vote_opened_at is not None and i.vote_closed_at is None,
        )
        for i in items
    ]
    return MeetingView(
        id=meeting.id,
        association_id=association.id,
        association_name=association.name,
        service_id=association.service_id,
        timezone=association.timezone,
        locale=association.locale,
        topic=meeting.topic,
        form=meeting.form,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        place=meeting.place,
        online_link=meeting.online_link,
        ballot_deadline=meeting.ballot_deadline,
        extraordinary=meeting.extraordinary,
        extraordinary_reason=meeting.extraordinary_reason,
        practical_seminar=meeting.practical_seminar,
        presiding_id=meeting.presiding_id,
        presiding=names.get(meeting.presiding_id) if meeting.presiding_id else None,
        minutes_keeper_id=meeting.minutes_keeper_id,
        minutes_keeper=names.get(meeting.minutes_keeper_id) if meeting.minutes_keeper_id else None,
        requested_by=names.get(meeting.requested_by_id) if meeting.requested_by_id else None,
        status=meeting.status,
        publish_at=meeting.publish_at,
        revision=meeting.revision,
        version=meeting.version,
        published_at=meeting.published_at,
        updated_at=meeting.updated_at,
        cancelled_at=meeting.cancelled_at,
        cancel_reason=meeting.cancel_reason,
        ended_at=meeting.ended_at,
        notice_days=association.notice_days,
        proposal_days=association.proposal_days,
        agenda=agenda,
        materials=by_item.get(None, []),
    )


def _scope(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


async def _meeting(
    session: AsyncSession, actor: Actor, meeting_id: int, action: Action = Action.MANAGE_MEETING
) -> tuple[Meeting, Association]:
    meeting = await session.get(Meeting, meeting_id, with_for_update=True)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, action, _scope(association))
    return meeting, association


@atomic
async def get(session: AsyncSession, actor: Actor, meeting_id: int) -> MeetingView:
    """A meeting as its association's members and managers see it."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    scope = _scope(association)
    manager = decide(actor, Action.MANAGE_MEETING, scope) is not Decision.DENY
    member = decide(actor, Action.PARTICIPATE, scope) is not Decision.DENY
    if not manager and not (member and meeting.status not in _UNPUBLISHED):
        raise DomainError(ErrorCode.FORBIDDEN)
    view = await _view(session, meeting)
    await session.commit()
    return view


@atomic
async def load(session: AsyncSession, meeting_id: int) -> MeetingView:
    """For rendering messages (no actor: the outbox sender)."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    view = await _view(session, meeting)
    await session.commit()
    return view


_UNPUBLISHED = (MeetingStatus.DRAFT, MeetingStatus.SCHEDULED, MeetingStatus.AWAITING_CHAIR)
_EDITABLE = _UNPUBLISHED


# ---------------------------------------------------------------- drafts


@atomic
async def associations_to_manage(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Association.id, Association.service_id, Association.name)
        .where(
            Association.id.in_(list(actor.roles))
            | Association.service_id.in_(actor.methodist_services)
        )
        .order_by(Association.name, Association.id)
    )
    found = [
        (aid, name)
        for aid, sid, name in rows.all()
        if decide(actor, Action.MANAGE_MEETING, Scope(sid, aid)) is not Decision.DENY
    ]
    await session.commit()
    return found


@atomic
async def create_draft(
    session: AsyncSession, actor: Actor, association_id: int, topic: str, now: datetime
) -> MeetingView:
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.MANAGE_MEETING, _scope(association))
    chair, secretary = await attendance.default_roles(session, association.id)
    meeting = Meeting(
        association_id=association.id,
        topic=check_title(topic, angles=True),
        form=MeetingForm.IN_PERSON,
        presiding_id=chair,
        minutes_keeper_id=secretary,
        status=MeetingStatus.DRAFT,
        created_by_id=actor.person_id,
        updated_at=now,
    )
    session.add(meeting)
    await session.flush()
    await _take_deferred(session, meeting, now)
    audit.record(
        session,
        actor,
        "meeting.drafted",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    view = await _view(session, meeting)
    await session.commit()
    return view


async def _take_deferred(session: AsyncSession, meeting: Meeting, now: datetime) -> None:
    """Questions the chair took to the next meeting join this draft's agenda."""
    deferred = (
        await session.scalars(
            select(AgendaProposal)
            .join(Meeting, Meeting.id == AgendaProposal.meeting_id)
            .where(
                Meeting.association_id == meeting.association_id,
                AgendaProposal.status == ProposalStatus.DEFERRED,
            )
            .order_by(AgendaProposal.id)
        )
    ).all()
    for n, proposal in enumerate(deferred[:MAX_AGENDA], start=1):
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=n,
                title=proposal.text,
                speaker_id=proposal.person_id,
                proposal_id=proposal.id,
            )
        )
        proposal.status = ProposalStatus.ACCEPTED
    await session.flush()


async def renumber(session: AsyncSession, meeting_id: int) -> None:
    """Positions 1..n again after a question left (unique per meeting: via negatives)."""
    rest = (
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    ).all()
    for n, item in enumerate(rest, start=1):
        item.position = -n
    await session.flush()
    for item in rest:
        item.position = -item.position
    await session.flush()


@atomic
async def drafts(session: AsyncSession, actor: Actor) -> list[MeetingView]:
    """Unpublished meetings the actor may continue (newest first)."""
    rows = await session.scalars(
        select(Meeting).where(Meeting.status.in_(_UNPUBLISHED)).order_by(Meeting.id.desc())
    )
    found = []
    for meeting in rows.all():
        association = await session.get_one(Association, meeting.association_id)
        if decide(actor, Action.MANAGE_MEETING, _scope(association)) is not Decision.DENY:
            found.append(await _view(session, meeting))
    await session.commit()
    return found


class Field(enum.StrEnum):
    TOPIC = "topic"
    FORM = "form"
    DAY = "day"  # date (and time) of the gathering, or of the ballot deadline
    TIME = "time"
    DURATION = "duration"
    PLACE = "place"
    LINK = "link"
    SEMINAR = "seminar"
    EXTRAORDINARY = "extraordinary"
    PRESIDING = "presiding"
    MINUTES = "minutes"


def _check_link(text: str | None) -> str | None:
    value = clean_line(text)
    if not value:
        return None
    if not _URL.match(value):
        raise DomainError(ErrorCode.BAD_LINK)
    return value


def _check_reason(text: str | None) -> str:
    value = (text or "").strip()
    if not value:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if len(value) > REASON_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=REASON_MAX, length=len(value))
    return value


def check_decision(text: str | None) -> str | None:
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > DECISION_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=DECISION_MAX, length=len(value))
    return value


async def _editable(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int
) -> tuple[Meeting, Association]:
    meeting, association = await _meeting(session, actor, meeting_id)
    if meeting.status not in _EDITABLE:
        raise DomainError(ErrorCode.ALREADY_PUBLISHED)
    if meeting.version != version:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    return meeting, association


async def _touch(session: AsyncSession, meeting: Meeting, now: datetime) -> MeetingView:
    meeting.version += 1
    meeting.updated_at = now
    if meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.AWAITING_CHAIR):
        # Any change to a planned publication takes it back to a draft: it is checked again.
        meeting.status = MeetingStatus.DRAFT
        meeting.publish_at = None
    await session.flush()
    view = await _view(session, meeting)
    await _plan_draft_reminders(session, view, now)
    await session.commit()
    return view


@atomic
async def set_field(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    name: Field,
    value: Any,
    now: datetime,
) -> MeetingView:
    """Change one field of a draft. The version the editor saw must still be current;
    otherwise DRAFT_CHANGED (someone else saved meanwhile) and nothing is written."""
    meeting, association = await _editable(session, actor, meeting_id, version)
    tz = association.timezone
    if name is Field.TOPIC:
        meeting.topic = check_title(value, angles=True)
    elif name is Field.FORM:
        meeting.form = MeetingForm(value)
    elif name is Field.DAY:
        typed: deadlines.Typed = value
        clock = typed.at or _current_time(meeting, tz) or time(15, 0)
        moment = deadlines.at_local(typed.day, clock, tz)
        if moment <= now:
            raise DomainError(ErrorCode.DATE_IN_PAST)
        _set_moment(meeting, moment)
    elif name is Field.TIME:
        day = _current_day(meeting, tz)
        if day is None:
            raise DomainError(ErrorCode.TIME_WITHOUT_DATE)
        moment = deadlines.at_local(day, value, tz)
        if moment <= now:
            raise DomainError(ErrorCode.DATE_IN_PAST)
        _set_moment(meeting, moment)
    elif name is Field.DURATION:
        minutes = int(value)
        if not 15 <= minutes <= 600:
            raise DomainError(ErrorCode.BAD_DURATION)
        meeting.duration_minutes = minutes
    elif name is Field.PLACE:
        meeting.place = check_title(value, angles=True) if value else None
    elif name is Field.LINK:
        meeting.online_link = _check_link(value)
    elif name is Field.SEMINAR:
        meeting.practical_seminar = bool(value)
    elif name is Field.EXTRAORDINARY:
        if value:
            meeting.extraordinary = True
            meeting.extraordinary_reason = _check_reason(value)
        else:
            meeting.extraordinary, meeting.extraordinary_reason = False, None
    elif name in (Field.PRESIDING, Field.MINUTES):
        require(actor, Action.NAME_PRESIDING, _scope(association))
        person_id = int(value)
        role = await session.scalar(
            select(Membership.role).where(
                Membership.association_id == association.id,
                Membership.person_id == person_id,
                Membership.active,
            )
        )
        if role is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        if name is Field.PRESIDING:
            if role not in (Role.CHAIR, Role.DEPUTY):
                raise DomainError(ErrorCode.PRESIDING_ROLE)
            meeting.presiding_id = person_id
        else:
            meeting.minutes_keeper_id = person_id
    return await _touch(session, meeting, now)


def _set_moment(meeting: Meeting, moment: datetime) -> None:
    if meeting.form is MeetingForm.ABSENTEE:
        meeting.ballot_deadline = moment
        meeting.starts_at = None
    else:
        meeting.starts_at = moment


def _current_time(meeting: Meeting, tz: str) -> time | None:
    moment = meeting.ballot_deadline if meeting.form is MeetingForm.ABSENTEE else meeting.starts_at
    if moment is None:
        return None
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(tz)).time().replace(second=0, microsecond=0)


def _current_day(meeting: Meeting, tz: str) -> date | None:
    moment = meeting.ballot_deadline if meeting.form is MeetingForm.ABSENTEE else meeting.starts_at
    return deadlines.local_day(moment, tz) if moment else None


@atomic
async def add_question(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    title: str,
    now: datetime,
    *,
    speaker_id: int | None = None,
    speaker_name: str | None = None,
    draft_decision: str | None = None,
) -> MeetingView:
    meeting, association = await _editable(session, actor, meeting_id, version)
    count = int(
        await session.scalar(
            select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        )
        or 0
    )
    if count >= MAX_AGENDA:
        raise DomainError(ErrorCode.AGENDA_FULL, max=MAX_AGENDA)
    last = await session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    session.add(
        AgendaItem(
            meeting_id=meeting.id,
            position=(last or 0) + 1,
            title=check_title(title, angles=True),
            speaker_id=await _speaker(session, association.id, speaker_id),
            speaker_name=check_name(speaker_name) if speaker_name else None,
            draft_decision=check_decision(draft_decision),
        )
    )
    return await _touch(session, meeting, now)


async def _speaker(session: AsyncSession, association_id: int, person_id: int | None) -> int | None:
    if person_id is None:
        return None
    found = await session.scalar(
        select(Membership.person_id).where(
            Membership.association_id == association_id,
            Membership.person_id == person_id,
            Membership.active,
        )
    )
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return found


@atomic
async def edit_question(
    session: AsyncSession,
    /,
    actor: Actor,
    meeting_id: int,
    version: int,
    item_id: int,
    now: datetime,
    **changes: Any,
) -> MeetingView:
    """Change a question of a draft: title, speaker (id or typed name), draft decision."""
    meeting, association = await _editable(session, actor, meeting_id, version)
    item = await session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError(ErrorCode.STALE)
    if "title" in changes:
        item.title = check_title(changes["title"], angles=True)
    if "speaker_id" in changes:
        item.speaker_id = await _speaker(session, association.id, changes["speaker_id"])
        item.speaker_name = None
    if "speaker_name" in changes:
        item.speaker_name = check_name(changes["speaker_name"]) if changes["speaker_name"] else None
        item.speaker_id = None
    if "draft_decision" in changes:
        item.draft_decision = check_decision(changes["draft_decision"])
    return await _touch(session, meeting, now)


@atomic
async def remove_question(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int, item_id: int, now: datetime
) -> MeetingView:
    meeting, _association = await _editable(session, actor, meeting_id, version)
    item = await session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError(ErrorCode.STALE)
    await session.delete(item)
    await session.flush()
    rest = (
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position)
        )
    ).all()
    for n, other in enumerate(rest, start=1):  # positions stay 1..n (unique: move up first)
        other.position = -n
    await session.flush()
    for other in rest:
        other.position = -other.position
    return await _touch(session, meeting, now)


@atomic
async def add_material(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    now: datetime,
    *,
    file_id: str,
    file_name: str | None,
    file_size: int | None,
    agenda_item_id: int | None = None,
) -> MeetingView:
    meeting, _association = await _editable(session, actor, meeting_id, version)
    if file_size is not None and file_size > FILE_MAX:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=FILE_MAX // (1024 * 1024))
    if agenda_item_id is not None:
        item = await session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise DomainError(ErrorCode.STALE)
    count = int(
        await session.scalar(
            select(func.count()).select_from(Material).where(Material.meeting_id == meeting.id)
        )
        or 0
    )
    if count >= MAX_AGENDA:
        raise DomainError(ErrorCode.AGENDA_FULL, max=MAX_AGENDA)
    session.add(
        Material(
            meeting_id=meeting.id,
            agenda_item_id=agenda_item_id,
            file_id=file_id,
            file_name=(file_name or "")[:255] or None,
            file_size=file_size,
        )
    )
    return await _touch(session, meeting, now)


@atomic
async def discard_draft(
    session: AsyncSession, actor: Actor, meeting_id: int, version: int, now: datetime
) -> None:
    meeting, association = await _editable(session, actor, meeting_id, version)
    await outbox_cancel_prefix(session, f"meeting:{meeting.id}:")
    await session.delete(meeting)
    audit.record(
        session,
        actor,
        "meeting.discarded",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting_id,
    )
    await session.commit()


# ---------------------------------------------------------------- publication


@dataclass(frozen=True)
class Problem:
    """Why a draft cannot be published yet (a DomainError code and its parameters)."""

    code: ErrorCode
    params: dict[str, Any] = field(default_factory=dict)


def problems(view: MeetingView, now: datetime) -> list[Problem]:
    """What is missing or wrong before publication; empty when it can go."""
    found: list[Problem] = []
    moment = view.ballot_deadline if view.form is MeetingForm.ABSENTEE else view.starts_at
    if moment is None:
        found.append(Problem(ErrorCode.NO_DATE))
    elif moment <= now:
        found.append(Problem(ErrorCode.DATE_IN_PAST))
    if view.form is not MeetingForm.ABSENTEE and not view.place:
        found.append(Problem(ErrorCode.NO_PLACE))
    if view.form is MeetingForm.HYBRID and not view.online_link:
        found.append(Problem(ErrorCode.NO_LINK))
    if not view.agenda:
        found.append(Problem(ErrorCode.NO_AGENDA))
    if view.has_ballot:
        missing = [q.position for q in view.agenda if not q.draft_decision]
        if missing:
            found.append(Problem(ErrorCode.NO_DRAFT_DECISION, {"questions": missing}))
    return found


def _late(deadline: datetime, timezone: str, days: int) -> DomainError:
    """NOTICE_LATE with the last day the notice could go (the rule: 002 Annex 2 §4.8)."""
    last = deadlines.local_day(deadline - timedelta(seconds=1), timezone)
    return DomainError(ErrorCode.NOTICE_LATE, day=last.strftime("%d.%m.%Y"), days=days)


def _first_problem(view: MeetingView, now: datetime) -> None:
    found = problems(view, now)
    if found:
        raise DomainError(found[0].code, **found[0].params)


class Outcome(enum.StrEnum):
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    AWAITING_CHAIR = "awaiting_chair"


@dataclass(frozen=True)
class Published:
    outcome: Outcome
    view: MeetingView
    recipients: int
    group_key: str | None  # the notices' group, for the progress message


@atomic
async def publish(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    now: datetime,
    *,
    extraordinary_reason: str | None = None,
    progress_chat_id: int | None = None,
    locale: str = "ru",
) -> Published:
    """Publish now. A regular meeting only until its notice deadline (the end of meeting day
    − notice days); after it only as extraordinary with a reason: the chair or deputy publish
    at once, the secretary or a methodist ask the chair to confirm first."""
    meeting, association = await _editable(session, actor, meeting_id, version)
    view = await _view(session, meeting)
    _first_problem(view, now)
    assert view.notice_deadline is not None
    late = now >= view.notice_deadline
    if extraordinary_reason is not None:
        meeting.extraordinary = True
        meeting.extraordinary_reason = _check_reason(extraordinary_reason)
    if late and not meeting.extraordinary:
        raise _late(view.notice_deadline, view.timezone, view.notice_days)
    if meeting.extraordinary:
        decision = require(actor, Action.CALL_EXTRAORDINARY, _scope(association))
        if decision is Decision.CONFIRM:
            meeting.status = MeetingStatus.AWAITING_CHAIR
            meeting.requested_by_id = actor.person_id
            meeting.version += 1
            await _ask_chair(session, meeting, association, now)
            audit.record(
                session,
                actor,
                "meeting.extraordinary_requested",
                now,
                association_id=association.id,
                object_type="meeting",
                object_id=meeting.id,
            )
            view = await _view(session, meeting)
            await session.commit()
            return Published(Outcome.AWAITING_CHAIR, view, 0, None)
    return await _publish(session, actor, meeting, association, now, progress_chat_id, locale)


@atomic
async def confirm_extraordinary(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    *,
    progress_chat_id: int | None = None,
    locale: str = "ru",
) -> Published:
    """The chair (or deputy) confirms an extraordinary meeting a secretary or a methodist
    asked for: it is published at once."""
    meeting, association = await _meeting(session, actor, meeting_id, Action.CALL_EXTRAORDINARY)
    if decide(actor, Action.CALL_EXTRAORDINARY, _scope(association)) is not Decision.ALLOW:
        raise DomainError(ErrorCode.FORBIDDEN)
    if meeting.status is not MeetingStatus.AWAITING_CHAIR:
        raise DomainError(ErrorCode.NOT_AWAITING)
    view = await _view(session, meeting)
    _first_problem(view, now)
    await _tell_requester(session, meeting, now, confirmed=True)
    return await _publish(session, actor, meeting, association, now, progress_chat_id, locale)


@atomic
async def decline_extraordinary(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> MeetingView:
    """The chair does not call the extraordinary meeting: it goes back to a draft, and the
    one who asked is told."""
    meeting, association = await _meeting(session, actor, meeting_id, Action.CALL_EXTRAORDINARY)
    if decide(actor, Action.CALL_EXTRAORDINARY, _scope(association)) is not Decision.ALLOW:
        raise DomainError(ErrorCode.FORBIDDEN)
    if meeting.status is not MeetingStatus.AWAITING_CHAIR:
        raise DomainError(ErrorCode.NOT_AWAITING)
    meeting.status = MeetingStatus.DRAFT
    meeting.extraordinary = False
    meeting.version += 1
    meeting.updated_at = now
    await _tell_requester(session, meeting, now, confirmed=False)
    audit.record(
        session,
        actor,
        "meeting.extraordinary_declined",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    view = await _view(session, meeting)
    await session.commit()
    return view


async def _tell_requester(
    session: AsyncSession, meeting: Meeting, now: datetime, *, confirmed: bool
) -> None:
    if meeting.requested_by_id is None:
        return
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=Kind.DECISION.value,
                person_id=meeting.requested_by_id,
                group_key=f"meeting:{meeting.id}:decision",
                dedupe_key=f"meeting:{meeting.id}:decision:v={meeting.version}",
                due_at=now,
                params={"meeting_id": meeting.id, "confirmed": confirmed},
            )
        ],
    )


@atomic
async def schedule(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    version: int,
    publish_day: date,
    now: datetime,
) -> MeetingView:
    """Publish on a chosen day (at 09:00 local): it must still be in time for the notice."""
    meeting, association = await _editable(session, actor, meeting_id, version)
    view = await _view(session, meeting)
    _first_problem(view, now)
    moment = deadlines.at_local(publish_day, time(9, 0), association.timezone)
    if moment <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    assert view.notice_deadline is not None
    # The broadcast must finish before the deadline: an hour's margin.
    if moment + timedelta(hours=1) > view.notice_deadline and not meeting.extraordinary:
        raise _late(view.notice_deadline, view.timezone, view.notice_days)
    start = meeting.starts_at or meeting.ballot_deadline
    if start is not None and moment >= start:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    if meeting.extraordinary and (
        decide(actor, Action.CALL_EXTRAORDINARY, _scope(association)) is not Decision.ALLOW
    ):
        raise DomainError(ErrorCode.CHAIR_MUST_DECIDE)
    meeting.status = MeetingStatus.SCHEDULED
    meeting.publish_at = moment
    meeting.version += 1
    audit.record(
        session,
        actor,
        "meeting.scheduled",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    view = await _view(session, meeting)
    await session.commit()
    return view


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


def notice_group(meeting_id: int, revision: int) -> str:
    return f"meeting:{meeting_id}:notice:{revision}"


async def _publish(
    session: AsyncSession,
    actor: Actor | None,
    meeting: Meeting,
    association: Association,
    now: datetime,
    progress_chat_id: int | None,
    locale: str,
) -> Published:
    meeting.status = MeetingStatus.PUBLISHED
    meeting.revision += 1
    meeting.version += 1
    meeting.published_at = meeting.published_at or now
    meeting.updated_at = now
    meeting.publish_at = None
    await session.flush()
    view = await _view(session, meeting)
    members = await _members(session, association.id)
    group = notice_group(meeting.id, meeting.revision)
    await _enqueue_notices(session, view, association, members, now, changes=[])
    await _plan_reminders(session, view, association, members, now)
    await _plan_ballot_reminders(session, view, association, members, now)
    await _plan_final_agenda(session, view, members, now)
    if progress_chat_id is not None:
        from models import Broadcast

        session.add(
            Broadcast(
                group_key=group,
                started_by_id=actor.person_id if actor else None,
                chat_id=progress_chat_id,
                locale=locale,
                total=len(members),
                created_at=now,
            )
        )
    audit.record(
        session,
        actor,
        "meeting.published",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        revision=meeting.revision,
        extraordinary=meeting.extraordinary,
        recipients=len(members),
    )
    await session.commit()
    return Published(Outcome.PUBLISHED, view, len(members), group)


async def _enqueue_notices(
    session: AsyncSession,
    view: MeetingView,
    association: Association,
    members: list[int],
    now: datetime,
    *,
    changes: list[str],
    kind: Kind = Kind.NOTICE,
) -> None:
    group = (
        notice_group(view.id, view.revision)
        if kind is Kind.NOTICE
        else f"meeting:{view.id}:{kind.value.removeprefix('meeting_')}:{view.revision}"
    )
    params = {"meeting_id": view.id, "revision": view.revision, "changes": changes}
    items = [
        outbox.Outgoing(
            kind=kind.value,
            person_id=pid,
            group_key=group,
            dedupe_key=f"meeting:{view.id}:{kind.value}:rev={view.revision}:person={pid}",
            due_at=now,
            params=params,
        )
        for pid in members
    ]
    if association.group_chat_id is not None:
        items.append(
            outbox.Outgoing(
                kind=kind.value,
                chat_id=association.group_chat_id,
                group_key=f"meeting:{view.id}:group:{view.revision}",
                dedupe_key=(
                    f"meeting:{view.id}:{kind.value}:rev={view.revision}"
                    f":chat={association.group_chat_id}"
                ),
                due_at=now,
                params={**params, "group": True},
            )
        )
    await outbox.enqueue(session, items)


def reminder_offsets(association: Association) -> list[int]:
    found = []
    for part in association.reminder_minutes.split(","):
        if part.strip().isdigit():
            found.append(int(part.strip()))
    return sorted(set(found), reverse=True)


async def _plan_reminders(
    session: AsyncSession,
    view: MeetingView,
    association: Association,
    members: list[int],
    now: datetime,
) -> None:
    """A day and two hours before a gathering (the association's setting), kept within its
    sending window; only those that are still ahead."""
    if not view.has_gathering or view.starts_at is None:
        return
    items: list[outbox.Outgoing] = []
    for minutes in reminder_offsets(association):
        if view.starts_at - timedelta(minutes=minutes) < now:
            continue  # published too late for this one (a day's reminder 3 hours before)
        due = outbox.reminder_due(
            view.starts_at - timedelta(minutes=minutes),
            now,
            association.timezone,
            association.send_from_minute,
            association.send_until_minute,
            event=view.starts_at,
        )
        if due >= view.starts_at or due < now:
            continue
        items.extend(
            outbox.Outgoing(
                kind=Kind.REMINDER.value,
                person_id=pid,
                group_key=f"meeting:{view.id}:reminders",
                dedupe_key=f"meeting:{view.id}:reminder:{minutes}:rev={view.revision}:person={pid}",
                due_at=due,
                params={"meeting_id": view.id, "revision": view.revision, "minutes": minutes},
            )
            for pid in members
        )
    await outbox.enqueue(session, items)


async def _plan_ballot_reminders(
    session: AsyncSession,
    view: MeetingView,
    association: Association,
    members: list[int],
    now: datetime,
) -> None:
    """Absentee and hybrid meetings: two days and one day before the ballot deadline, to
    those who have not answered every question yet (checked when the moment comes)."""
    deadline = view.ballot_deadline or (view.ends_at if view.form is MeetingForm.HYBRID else None)
    if not view.has_ballot or deadline is None:
        return
    items: list[outbox.Outgoing] = []
    for days in (2, 1):
        due = outbox.reminder_due(
            deadline - timedelta(days=days),
            now,
            association.timezone,
            association.send_from_minute,
            association.send_until_minute,
            event=deadline,
        )
        if due < now or due >= deadline:
            continue
        items.extend(
            outbox.Outgoing(
                kind=attendance.BALLOT_REMINDER,
                person_id=pid,
                group_key=f"meeting:{view.id}:ballot_reminders",
                dedupe_key=f"meeting:{view.id}:ballotrem:{days}:rev={view.revision}:person={pid}",
                due_at=due,
                params={"meeting_id": view.id, "revision": view.revision, "days": days},
            )
            for pid in members
        )
    await outbox.enqueue(session, items)


async def _plan_final_agenda(
    session: AsyncSession, view: MeetingView, members: list[int], now: datetime
) -> None:
    """At the proposal cutoff everyone gets the final agenda, if proposals changed it (the
    kind checks that when the moment comes)."""
    cutoff = view.proposal_deadline
    if cutoff is None or cutoff <= now:
        return
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=Kind.FINAL_AGENDA.value,
                person_id=pid,
                group_key=f"meeting:{view.id}:final",
                dedupe_key=f"meeting:{view.id}:final:rev={view.revision}:person={pid}",
                due_at=cutoff,
                params={"meeting_id": view.id, "revision": view.revision},
            )
            for pid in members
        ],
    )


async def _staff(session: AsyncSession, association_id: int, roles: tuple[Role, ...]) -> list[int]:
    rows = await session.scalars(
        select(Membership.person_id).where(
            Membership.association_id == association_id,
            Membership.active,
            Membership.role.in_(roles),
        )
    )
    return sorted(set(rows.all()))


async def _ask_chair(
    session: AsyncSession, meeting: Meeting, association: Association, now: datetime
) -> None:
    chairs = await _staff(session, association.id, (Role.CHAIR, Role.DEPUTY))
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=Kind.CONFIRM.value,
                person_id=pid,
                group_key=f"meeting:{meeting.id}:confirm",
                dedupe_key=f"meeting:{meeting.id}:confirm:v={meeting.version}:person={pid}",
                due_at=now,
                params={"meeting_id": meeting.id},
            )
            for pid in chairs
        ],
    )


async def _plan_draft_reminders(session: AsyncSession, view: MeetingView, now: datetime) -> None:
    """A draft with a date: the chair and the secretary are reminded two days before its
    notice deadline and on the deadline day («извещение нужно отправить до 15.12»)."""
    if view.status not in _UNPUBLISHED or view.day is None or view.notice_deadline is None:
        return
    last_day = view.day - timedelta(days=view.notice_days)
    staff = await _staff(session, view.association_id, (Role.CHAIR, Role.DEPUTY, Role.SECRETARY))
    items: list[outbox.Outgoing] = []
    for before in (2, 0):
        moment = deadlines.at_local(last_day - timedelta(days=before), time(9, 0), view.timezone)
        if moment < now:
            continue
        items.extend(
            outbox.Outgoing(
                kind=Kind.DRAFT_DEADLINE.value,
                person_id=pid,
                group_key=f"meeting:{view.id}:draft",
                dedupe_key=f"meeting:{view.id}:draftdl:{view.day.isoformat()}:{before}:person={pid}",
                due_at=moment,
                params={"meeting_id": view.id, "day": view.day.isoformat()},
            )
            for pid in staff
        )
    await outbox.enqueue(session, items)


async def outbox_cancel_prefix(session: AsyncSession, prefix: str) -> int:
    """Cancel the pending rows of every group starting with `prefix` (caller's transaction)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.group_key.startswith(prefix, autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())


# ---------------------------------------------------------------- changes


async def _published(
    session: AsyncSession, actor: Actor, meeting_id: int
) -> tuple[Meeting, Association]:
    meeting, association = await _meeting(session, actor, meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is MeetingStatus.ENDED:
        raise DomainError(ErrorCode.MEETING_ENDED)
    if meeting.status is not MeetingStatus.PUBLISHED:
        raise DomainError(ErrorCode.NOT_PUBLISHED)
    return meeting, association


async def _announce_change(
    session: AsyncSession,
    actor: Actor,
    meeting: Meeting,
    association: Association,
    now: datetime,
    changes: list[str],
) -> MeetingView:
    """A new revision: everyone gets the changed notice; the pending reminders, ballot
    reminders and final agenda (which carry the revision) are planned again for it."""
    meeting.revision += 1
    meeting.version += 1
    meeting.updated_at = now
    await session.flush()
    view = await _view(session, meeting)
    members = await _members(session, association.id)
    # Older notices still waiting are superseded by this one (it carries everything).
    await outbox_cancel_prefix(session, f"meeting:{meeting.id}:notice:")
    await outbox_cancel_prefix(session, f"meeting:{meeting.id}:group:")
    await _enqueue_notices(session, view, association, members, now, changes=changes)
    await outbox_cancel_prefix(session, f"meeting:{meeting.id}:reminders")
    await outbox_cancel_prefix(session, f"meeting:{meeting.id}:final")
    await outbox_cancel_prefix(session, f"meeting:{meeting.id}:ballot_reminders")
    await _plan_reminders(session, view, association, members, now)
    await _plan_ballot_reminders(session, view, association, members, now)
    await _plan_final_agenda(session, view, members, now)
    audit.record(
        session,
        actor,
        "meeting.changed",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        revision=meeting.revision,
        changes=changes,
    )
    await session.commit()
    return view


@atomic
async def reschedule(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    typed: deadlines.Typed,
    now: datetime,
    *,
    extraordinary_reason: str | None = None,
) -> MeetingView:
    """Move a published meeting: the five-day rule is checked against the new date (a late
    move needs an extraordinary reason), reminders move, everyone gets the changed notice."""
    meeting, association = await _published(session, actor, meeting_id)
    tz = association.timezone
    clock = typed.at or _current_time(meeting, tz) or time(15, 0)
    moment = deadlines.at_local(typed.day, clock, tz)
    if moment <= now:
        raise DomainError(ErrorCode.DATE_IN_PAST)
    notice = deadlines.notice_deadline(typed.day, association.notice_days, tz)
    if extraordinary_reason is not None:
        require(actor, Action.CALL_EXTRAORDINARY, _scope(association))
        if decide(actor, Action.CALL_EXTRAORDINARY, _scope(association)) is not Decision.ALLOW:
            raise DomainError(ErrorCode.CHAIR_MUST_DECIDE)
        meeting.extraordinary = True
        meeting.extraordinary_reason = _check_reason(extraordinary_reason)
    if now >= notice and not meeting.extraordinary:
        raise _late(notice, tz, association.notice_days)
    _set_moment(meeting, moment)
    # Answers were about the old date: everyone is asked again with the changed notice.
    await session.execute(delete(Rsvp).where(Rsvp.meeting_id == meeting.id))
    return await _announce_change(session, actor, meeting, association, now, ["moved"])


@atomic
async def change_place(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    *,
    place: str | None = None,
    online_link: str | None = None,
) -> MeetingView:
    meeting, association = await _published(session, actor, meeting_id)
    changes = []
    if place is not None:
        meeting.place = check_title(place, angles=True)
        changes.append("place")
    if online_link is not None:
        meeting.online_link = _check_link(online_link)
        changes.append("link")
    if not changes:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    return await _announce_change(session, actor, meeting, association, now, changes)


@atomic
async def cancel(
    session: AsyncSession, actor: Actor, meeting_id: int, reason: str, now: datetime
) -> MeetingView:
    """Cancel with a reason: pending deliveries are cancelled; everyone is told, with an
    ICS that removes the event from their calendars."""
    meeting, association = await _meeting(session, actor, meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise DomainError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is MeetingStatus.ENDED:
        raise DomainError(ErrorCode.MEETING_ENDED)
    was_published = meeting.status is MeetingStatus.PUBLISHED
    meeting.cancel_reason = _check_reason(reason)
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = now
    meeting.updated_at = now
    meeting.revision += 1 if was_published else 0
    meeting.version += 1
    await outbox_cancel_prefix(session, f"meeting:{meeting.id}:")
    await session.flush()
    view = await _view(session, meeting)
    if was_published:
        members = await _members(session, association.id)
        await _enqueue_notices(
            session, view, association, members, now, changes=[], kind=Kind.CANCELLED
        )
    audit.record(
        session,
        actor,
        "meeting.cancelled",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
    )
    await session.commit()
    return view


@atomic
async def end(session: AsyncSession, actor: Actor, meeting_id: int, now: datetime) -> MeetingView:
    """«Завершить заседание»: the chair or secretary ends it; the protocol's draft is made
    in the same transaction (services.protocols.on_meeting_end)."""
    meeting, association = await _meeting(session, actor, meeting_id, Action.RUN_CHECKIN)
    if meeting.status is not MeetingStatus.PUBLISHED:
        raise DomainError(
            ErrorCode.MEETING_ENDED
            if meeting.status is MeetingStatus.ENDED
            else ErrorCode.NOT_PUBLISHED
        )
    begun = meeting.starts_at if meeting.form is not MeetingForm.ABSENTEE else None
    if begun is None or begun > now:
        raise DomainError(ErrorCode.NOT_BEGUN)  # an absentee one ends at its ballot deadline
    view = await _end(session, actor, meeting, association, now)
    await session.commit()
    return view


async def _end(
    session: AsyncSession,
    actor: Actor | None,
    meeting: Meeting,
    association: Association,
    now: datetime,
) -> MeetingView:
    meeting.status = MeetingStatus.ENDED
    meeting.ended_at = now
    meeting.version += 1
    meeting.checkin_closed_at = meeting.checkin_closed_at or now
    if meeting.form is MeetingForm.IN_PERSON:
        await votes.close_open_votes(session, meeting, association, now)
    else:
        await votes.close_ballots(session, meeting, association, now)
    for group in ("reminders", "final", "nudge", "checkin", "ballot_reminders"):
        await outbox_cancel_prefix(session, f"meeting:{meeting.id}:{group}")
    await session.flush()
    await protocols.on_meeting_end(session, meeting, association, now)
    audit.record(
        session,
        actor,
        "meeting.ended",
        now,
        association_id=association.id,
        object_type="meeting",
        object_id=meeting.id,
        automatic=actor is None,
    )
    await session.flush()
    return await _view(session, meeting)


# ---------------------------------------------------------------- the meeting clock


@dataclass(frozen=True)
class ClockReport:
    published: list[int]
    ended: list[int]
    checkin_opened: list[int] = field(default_factory=list)


def _finish_of(meeting: Meeting) -> datetime | None:
    """When a meeting is over: an absentee one at its ballot deadline; one with a gathering
    after its duration (a hybrid one not before its ballot deadline either)."""
    end = (
        meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        if meeting.starts_at
        else None
    )
    if meeting.form is MeetingForm.ABSENTEE:
        return meeting.ballot_deadline
    if meeting.form is MeetingForm.HYBRID and meeting.ballot_deadline and end:
        return max(end, meeting.ballot_deadline)
    return end


@atomic
async def run_clock(session: AsyncSession, now: datetime) -> ClockReport:
    """Time-driven steps, run by the scheduler every few seconds: scheduled publications that
    are due, and meetings whose time is over (an in-person or hybrid meeting after its
    duration, an absentee one at its ballot deadline)."""
    published: list[int] = []
    due = (
        await session.scalars(
            select(Meeting.id).where(
                Meeting.status == MeetingStatus.SCHEDULED, Meeting.publish_at <= now
            )
        )
    ).all()
    for meeting_id in due:
        meeting = await session.get_one(Meeting, meeting_id, with_for_update=True)
        association = await session.get_one(Association, meeting.association_id)
        view = await _view(session, meeting)
        if problems(view, now) or (
            view.notice_deadline is not None
            and now >= view.notice_deadline
            and not meeting.extraordinary
        ):
            meeting.status = MeetingStatus.DRAFT  # no longer publishable: back to its authors
            meeting.publish_at = None
            meeting.version += 1
            await _plan_draft_reminders(session, view, now)
            continue
        await _publish(session, None, meeting, association, now, None, association.locale)
        published.append(meeting_id)
    ended: list[int] = []
    opened: list[int] = []
    running = (
        await session.scalars(
            select(Meeting).where(
                Meeting.status == MeetingStatus.PUBLISHED,
                (Meeting.starts_at <= now) | (Meeting.ballot_deadline <= now),
            )
        )
    ).all()
    for meeting in running:
        association = await session.get_one(Association, meeting.association_id)
        if (
            meeting.form is not MeetingForm.ABSENTEE
            and meeting.starts_at is not None
            and meeting.starts_at <= now
            and meeting.checkin_opened_at is None
        ):
            await attendance._open(session, None, meeting, association, now, code=False)
            opened.append(meeting.id)
        finish = _finish_of(meeting)
        if finish is not None and finish <= now:
            await _end(session, None, meeting, association, now)
            ended.append(meeting.id)
    await session.commit()
    return ClockReport(published, ended, opened)


@dataclass(frozen=True)
class Listing:
    upcoming: list[MeetingView]
    past: list[MeetingView]


@atomic
async def listing(session: AsyncSession, actor: Actor, now: datetime, limit: int = 15) -> Listing:
    """`/meetings`: the published meetings of my associations (a methodist: of the service),
    upcoming first by date, then the latest past ones."""
    scope = Association.id.in_(list(actor.roles)) | Association.service_id.in_(
        actor.methodist_services
    )
    moment = func.coalesce(Meeting.starts_at, Meeting.ballot_deadline)
    base = (
        select(Meeting)
        .join(Association, Association.id == Meeting.association_id)
        .where(scope, Meeting.status.not_in(_UNPUBLISHED))
    )
    upcoming = (
        await session.scalars(
            base.where(Meeting.status == MeetingStatus.PUBLISHED).order_by(moment).limit(limit)
        )
    ).all()
    past = (
        await session.scalars(
            base.where(Meeting.status != MeetingStatus.PUBLISHED)
            .order_by(moment.desc())
            .limit(limit)
        )
    ).all()
    result = Listing(
        [await _view(session, m) for m in upcoming], [await _view(session, m) for m in past]
    )
    await session.commit()
    return result


@atomic
async def people(
    session: AsyncSession, actor: Actor, meeting_id: int
) -> list[tuple[int, str, Role]]:
    """The association's active members, for choosing a speaker or who presides."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    association = await session.get_one(Association, meeting.association_id)
    require(actor, Action.MANAGE_MEETING, _scope(association))
    rows = await session.execute(
        select(Person.id, Person.full_name, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.association_id == association.id, Membership.active)
        .order_by(Person.full_name)
    )
    found = [(pid, name or "—", role) for pid, name, role in rows.all()]
    await session.commit()
    return found


@atomic
async def change_agenda(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    *,
    add: str | None = None,
    remove_item_id: int | None = None,
) -> MeetingView:
    """Add or remove a question of a published meeting: everyone gets the changed notice
    (proposals' own path is accept or reject; this is the chair's or secretary's edit)."""
    meeting, association = await _published(session, actor, meeting_id)
    items = list(
        (
            await session.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting.id)
                .order_by(AgendaItem.position)
            )
        ).all()
    )
    if add is not None:
        if len(items) >= MAX_AGENDA:
            raise DomainError(ErrorCode.AGENDA_FULL, max=MAX_AGENDA)
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=len(items) + 1,
                title=check_title(add, angles=True),
                added_at=now,
            )
        )
    elif remove_item_id is not None:
        target = next((i for i in items if i.id == remove_item_id), None)
        if target is None:
            raise DomainError(ErrorCode.STALE)
        if len(items) == 1:
            raise DomainError(ErrorCode.NO_AGENDA)
        await session.delete(target)
        await session.flush()
        rest = [i for i in items if i.id != remove_item_id]
        for n, item in enumerate(rest, start=1):
            item.position = -n
        await session.flush()
        for item in rest:
            item.position = -item.position
    else:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    await session.flush()
    return await _announce_change(session, actor, meeting, association, now, ["agenda"])


@atomic
async def checkin_code(session: AsyncSession, meeting_id: int) -> str | None:
    code = await session.scalar(select(Meeting.checkin_code).where(Meeting.id == meeting_id))
    await session.commit()
    return code
