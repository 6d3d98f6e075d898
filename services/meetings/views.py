"""What a meeting looks like to the rest of the program: its view (agenda, materials, the
dates derived from the association's rules) and what a given person may do with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Meeting, MeetingForm, MeetingStatus, School
from services import attendance, deadlines
from services.errors import DomainError, ErrorCode
from services.meetings import queries
from services.meetings.rules import EDITABLE, change_refusal, may_end
from services.permissions import Action, Actor, Decision, Scope, decide


@dataclass(frozen=True)
class MaterialView:
    id: int
    file_id: str
    file_name: str | None
    agenda_item_id: int | None
    stored_file_id: int | None = None  # its bytes, when kept


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
    checkin_opened_at: datetime | None
    notice_days: int
    proposal_days: int
    agenda: list[AgendaView]
    materials: list[MaterialView]  # for the whole meeting (not one question)
    venue_school_id: int | None = None  # the school it is held at (issue 15, item 3)
    venue_school: str | None = None  # that school's name

    @property
    def venue(self) -> str | None:
        """Where it gathers: the place typed, else the venue school's name."""
        return self.place or self.venue_school

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
        return moment.astimezone(ZoneInfo(self.timezone)) if moment else None

    # ------------------------------------------------------------ what a person may do

    @property
    def scope(self) -> Scope:
        return Scope(self.service_id, self.association_id)

    def can_manage(self, actor: Actor) -> bool:
        """Edit the draft, publish, change, cancel; sees the chair's card (chair, deputy,
        secretary, the service's methodists)."""
        return decide(actor, Action.MANAGE_MEETING, self.scope) is not Decision.DENY

    def can_decide(self, actor: Actor) -> bool:
        """The chair's own decisions (an extraordinary meeting, a ballot's days): the chair
        or the deputy; a secretary or a methodist only asks them."""
        return decide(actor, Action.CALL_EXTRAORDINARY, self.scope) is Decision.ALLOW

    def can_name_presiding(self, actor: Actor) -> bool:
        """Choose who presides and who keeps the minutes."""
        return decide(actor, Action.NAME_PRESIDING, self.scope) is not Decision.DENY

    def can_run(self, actor: Actor) -> bool:
        """Run the meeting in the room: check-in, the end."""
        return decide(actor, Action.RUN_CHECKIN, self.scope) is not Decision.DENY

    def end_refusal(self, now: datetime) -> ErrorCode | None:
        """Why it cannot be ended by hand now (rules.may_end); None: it can."""
        return may_end(self.form, self.status, self.starts_at, self.checkin_opened_at, now)

    def can_end(self, actor: Actor, now: datetime) -> bool:
        """«🏁 Завершить заседание» is offered only when it works."""
        return self.can_run(actor) and self.end_refusal(now) is None

    # The steps that ask before acting («Завершить?», «Удалить черновик?», the reason of a
    # cancellation) check what the action will check, so nobody is asked in vain.

    def require_end(self, actor: Actor, now: datetime) -> None:
        """Refused unless this person may end it now (services.meetings.end)."""
        if not self.can_run(actor):
            raise DomainError(ErrorCode.FORBIDDEN)
        refused = self.end_refusal(now)
        if refused is not None:
            raise DomainError(refused)

    def require_change(self, actor: Actor, *, cancel: bool = False) -> None:
        """Refused unless this person may move it, change its place or (`cancel`) cancel
        it (services.meetings.reschedule, change_place, cancel)."""
        if not self.can_manage(actor):
            raise DomainError(ErrorCode.FORBIDDEN)
        refused = change_refusal(self.status, cancel=cancel)
        if refused is not None:
            raise DomainError(refused)

    def require_discard(self, actor: Actor) -> None:
        """Refused unless this person may discard it as a draft (discard_draft)."""
        if not self.can_manage(actor):
            raise DomainError(ErrorCode.FORBIDDEN)
        if self.status not in EDITABLE:
            raise DomainError(ErrorCode.ALREADY_PUBLISHED)


async def build_view(session: AsyncSession, meeting: Meeting) -> MeetingView:
    association = await session.get_one(Association, meeting.association_id)
    items = list((await session.scalars(queries.agenda_of(meeting.id))).all())
    files = list((await session.scalars(queries.materials_of(meeting.id))).all())
    names = await attendance.names_of(
        session,
        {
            *(i.speaker_id for i in items if i.speaker_id),
            meeting.presiding_id or 0,
            meeting.minutes_keeper_id or 0,
            meeting.requested_by_id or 0,
        },
    )
    school = await session.get(School, meeting.venue_school_id) if meeting.venue_school_id else None
    by_item: dict[int | None, list[MaterialView]] = {}
    for m in files:
        by_item.setdefault(m.agenda_item_id, []).append(
            MaterialView(m.id, m.file_id, m.file_name, m.agenda_item_id, m.stored_file_id)
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
        checkin_opened_at=meeting.checkin_opened_at,
        notice_days=association.notice_days,
        proposal_days=association.proposal_days,
        agenda=agenda,
        materials=by_item.get(None, []),
        venue_school_id=meeting.venue_school_id,
        venue_school=school.name if school else None,
    )
