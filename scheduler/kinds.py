"""Kinds of outbox rows: each says whether a claimed row is still wanted and renders it, in
the recipient's language at send time, as one or more parts (text, a file)."""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import date, datetime, timedelta
from typing import Generic, Protocol, TypeVar

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import formats, messages, protocol_files
from bot.messages import Part, announcement_parts
from bot.render import render
from documents.invitations import meeting_ics
from models import SurveyKind as SurveyKindModel
from services import (
    announcements,
    attendance,
    deadlines,
    files,
    meetings,
    participation,
    protocols,
    surveys,
    votes,
)
from services.clock import Clock, SystemClock
from services.meetings import Kind as MeetingMessage
from services.meetings import MeetingView
from services.outbox import Claimed
from ui.common import days_phrase


class Kind(Protocol):
    name: str

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        """Ids of claimed rows no longer wanted (cancelled, not sent)."""
        ...

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]: ...


K = TypeVar("K")
V = TypeVar("V")


class _Cache(Generic[K, V]):
    """A small LRU: a broadcast renders the same object thousands of times."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.data.get(key)
        if value is not None:
            self.data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.size:
            self.data.popitem(last=False)


class AnnouncementKind:
    """`/announce`: still wanted while the person belongs to the association (or service)."""

    name = announcements.KIND

    def __init__(self) -> None:
        self._content: _Cache[int, announcements.Content] = _Cache()

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        pairs = {
            row.id: (int(row.params["announcement_id"]), row.person_id)
            for row in rows
            if row.person_id is not None
        }
        async with sessionmaker() as session:
            wanted = await announcements.still_members(
                session, [(a, p) for a, p in pairs.values() if p is not None]
            )
        return {row_id for row_id, pair in pairs.items() if pair not in wanted}

    async def _get(
        self, sessionmaker: async_sessionmaker[AsyncSession], announcement_id: int
    ) -> announcements.Content:
        found = self._content.get(announcement_id)
        if found is None:
            async with sessionmaker() as session:
                found = await announcements.content(session, announcement_id)
            self._content.put(announcement_id, found)
        return found

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        content = await self._get(sessionmaker, int(row.params["announcement_id"]))
        with i18n.context(), i18n.use_locale(locale):
            return announcement_parts(content)


class MeetingKind:
    """Every message a meeting causes (services.meetings.Kind, proposal messages).
    What is still wanted is decided in services.participation.unwanted."""

    def __init__(self, name: str, clock: Clock, shared: _MeetingCache) -> None:
        self.name = name
        self.clock = clock
        self.shared = shared

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        async with sessionmaker() as session:
            return await participation.unwanted(session, rows)

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        revision = row.params.get("revision")
        view = await self.shared.view(
            sessionmaker, int(row.params["meeting_id"]), None if revision is None else int(revision)
        )
        now = self.clock.now()
        personal = row.person_id is not None
        kind = row.kind
        with i18n.context(), i18n.use_locale(locale):
            facts = messages.meeting_facts(view, now)
            if kind == MeetingMessage.NOTICE.value:
                parts = messages.notice_parts(
                    view, changes=list(row.params.get("changes", [])), personal=personal, now=now
                )
            elif kind == MeetingMessage.REMINDER.value:
                answered = (
                    await self.shared.answered(sessionmaker, view.id, row.person_id)
                    if row.person_id
                    else True
                )
                text = render(
                    "meeting_reminder.html",
                    m=view,
                    t=facts,
                    soon=messages.reminder_when(view, now),
                    answered=answered,
                )
                parts = [Part(text=text, reply_markup=messages.rsvp_keyboard(view, now))]
            elif kind == MeetingMessage.CANCELLED.value:
                parts = [Part(text=render("meeting_cancelled.html", m=view, t=facts))]
            elif kind == MeetingMessage.FINAL_AGENDA.value:
                parts = [Part(text=render("meeting_final_agenda.html", m=view, t=facts))]
            elif kind == MeetingMessage.NUDGE.value:
                text = render("meeting_nudge.html", m=view, t=facts)
                parts = [Part(text=text, reply_markup=messages.rsvp_keyboard(view, now))]
            elif kind == MeetingMessage.DRAFT_DEADLINE.value:
                text = render("meeting_draft_deadline.html", m=view, t=facts)
                parts = [Part(text=text, reply_markup=messages.draft_keyboard(view))]
            elif kind == MeetingMessage.CONFIRM.value:
                text = render("meeting_confirm.html", m=view, t=facts, requester=view.requested_by)
                parts = [Part(text=text, reply_markup=messages.confirm_keyboard(view))]
            elif kind in (PROPOSAL, PROPOSAL_DECIDED):
                async with sessionmaker() as session:
                    proposal = await participation.get_proposal(
                        session, int(row.params["proposal_id"])
                    )
                template = (
                    "meeting_proposal.html"
                    if kind == PROPOSAL
                    else ("meeting_proposal_decided.html")
                )
                text = render(template, m=view, t=facts, p=proposal)
                keyboard = messages.proposal_keyboard(proposal.id) if kind == PROPOSAL else None
                parts = [Part(text=text, reply_markup=keyboard)]
                if kind == PROPOSAL and proposal.file_id:
                    parts.append(Part(file_id=proposal.file_id))
            elif kind == MeetingMessage.DECISION.value:
                text = render(
                    "meeting_decision.html",
                    m=view,
                    t=facts,
                    confirmed=bool(row.params["confirmed"]),
                )
                parts = [Part(text=text)]
            elif kind == attendance.CHECKIN:
                async with sessionmaker() as session:
                    code = await meetings.checkin_code(session, view.id)
                text = render("meeting_checkin.html", m=view, code=code)
                parts = [Part(text=text, reply_markup=messages.checkin_keyboard(view))]
            elif kind == attendance.VOTE:
                item = next(q for q in view.agenda if q.id == int(row.params["item_id"]))
                text = render("meeting_vote.html", m=view, q=item)
                parts = [Part(text=text, reply_markup=messages.vote_keyboard(item.id))]
            elif kind == attendance.VOTE_RESULT:
                async with sessionmaker() as session:
                    found = await votes.results(session, view.id)
                if "item_id" in row.params:
                    found = [r for r in found if r.item_id == int(row.params["item_id"])]
                parts = [Part(text=render("meeting_vote_result.html", m=view, results=found))]
            elif kind == attendance.BALLOT_REMINDER:
                text = render("meeting_ballot_reminder.html", m=view, t=facts)
                parts = [Part(text=text, reply_markup=messages.ballot_keyboard(view.id))]
            else:
                raise LookupError(f"no rendering for {kind}")
        if kind in (MeetingMessage.NOTICE.value, MeetingMessage.CANCELLED.value):
            parts.append(
                Part(
                    stored_file_id=await self.shared.ics(
                        sessionmaker, i18n, view, cancelled=kind == MeetingMessage.CANCELLED.value
                    )
                )
            )
        return parts


class ProtocolKind:
    """Every message a protocol causes (services.protocols): the draft to the keeper, what
    is missing, the request to sign, reminders, the overdue flag, the signed copy."""

    def __init__(self, name: str, clock: Clock, shared: _MeetingCache) -> None:
        self.name = name
        self.clock = clock
        self.shared = shared
        # A signed version never changes: its copies to every member render from one load.
        self._signed: _Cache[tuple[int, int], protocols.ProtocolView] = _Cache()
        self._files: _Cache[tuple[int, int], tuple[int, int]] = _Cache()

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        async with sessionmaker() as session:
            return await protocols.unwanted(session, rows)

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        kind, params = row.kind, row.params
        view: protocols.ProtocolView | None = None
        if "protocol_id" in params and kind == protocols.COPY:
            key = (int(params["protocol_id"]), int(params["version"]))
            view = self._signed.get(key)
            if view is None:
                async with sessionmaker() as session:
                    view = await protocols.load(session, *key)
                self._signed.put(key, view)
        elif "protocol_id" in params:
            async with sessionmaker() as session:
                view = await protocols.load(session, int(params["protocol_id"]))
        elif "meeting_id" in params:
            async with sessionmaker() as session:
                view = await protocols.load_of_meeting(session, int(params["meeting_id"]))
        with i18n.context(), i18n.use_locale(locale):
            if kind in (protocols.DRAFT, protocols.SIGN, protocols.COPY):
                assert view is not None
                context = messages.protocol_context(view, self.clock.now())
                if kind == protocols.COPY:
                    text = render("protocol_copy.html", **context)
                    files_key = (view.id, view.version)
                    stored = self._files.get(files_key)
                    if stored is None:
                        stored = await protocol_files.signed_files(sessionmaker, view)
                        self._files.put(files_key, stored)
                    docx, pdf = stored
                    stop = (
                        messages.protocol_stop_keyboard(int(params["association_id"]))
                        if row.chat_id is not None and "association_id" in params
                        else None
                    )
                    parts = [
                        Part(text=text, reply_markup=stop),
                        Part(stored_file_id=docx),
                        Part(stored_file_id=pdf),
                    ]
                    parts += [Part(file_id=a.file_id) for a in view.content.attachments]
                    return parts
                if kind == protocols.DRAFT:
                    text = render("protocol_draft.html", **context)
                else:
                    signer = (
                        view.content.presiding
                        if view.content.presiding.signed_at
                        else view.content.keeper
                    )
                    text = render("protocol_sign.html", signer=signer.name, **context)
                return [Part(text=text, reply_markup=messages.protocol_open_keyboard(view.id))]
            meeting = await self.shared.view(sessionmaker, int(params["meeting_id"]))
            day = messages.day_label(meeting)
            if kind == protocols.MISSING:
                text = render(
                    "protocol_missing.html",
                    m=meeting,
                    day=day,
                    absentee=params.get("missing") == "no_ballots",
                )
                keyboard = messages.protocol_make_keyboard(
                    meeting.id, roll=params.get("missing") == "no_attendance"
                )
                return [Part(text=text, reply_markup=keyboard)]
            due = date.fromisoformat(str(params["due"]))
            left = (due - deadlines.local_day(self.clock.now(), meeting.timezone)).days + 1
            template = (
                "protocol_reminder.html"
                if kind == protocols.REMINDER
                else ("protocol_overdue.html")
            )
            text = render(
                template,
                m=meeting,
                p=view,
                day=day,
                due=due.strftime("%d.%m.%Y"),
                days_left=days_phrase(max(left, 0)),
            )
            keyboard = (
                messages.protocol_open_keyboard(view.id)
                if view
                else messages.protocol_make_keyboard(meeting.id)
            )
            return [Part(text=text, reply_markup=keyboard)]


class SurveyOutboxKind:
    """A survey's invitation (a single-choice poll's with its options as buttons: one tap
    answers) and its reminders to those who have not finished (services.surveys)."""

    TTL = 20.0  # seconds: a broadcast renders the same survey for every recipient

    def __init__(self, name: str) -> None:
        self.name = name
        self._views: _Cache[int, tuple[float, surveys.SurveyView, str | None]] = _Cache()

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        async with sessionmaker() as session:
            return await surveys.unwanted(session, rows)

    async def _view(
        self, sessionmaker: async_sessionmaker[AsyncSession], survey_id: int
    ) -> tuple[surveys.SurveyView, str | None]:
        found = self._views.get(survey_id)
        if found is not None and time.monotonic() - found[0] < self.TTL:
            return found[1], found[2]
        async with sessionmaker() as session:
            view = await surveys.load(session, survey_id)
        async with sessionmaker() as session:
            zone = (await surveys.zones(session, [survey_id])).get(survey_id)
        self._views.put(survey_id, (time.monotonic(), view, zone))
        return view, zone

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        view, zone = await self._view(sessionmaker, int(row.params["survey_id"]))
        with i18n.context(), i18n.use_locale(locale):
            closes = (
                formats.when(view.closes_at, zone or "Europe/Moscow", locale)
                if view.closes_at
                else None
            )
            poll = view.kind is SurveyKindModel.POLL
            if row.kind == surveys.INVITE:
                text = render("survey_invite.html", v=view, poll=poll, closes=closes, author=None)
                keyboard = messages.survey_invite_keyboard(view)
            else:
                text = render("survey_reminder.html", v=view, closes=closes)
                keyboard = messages.survey_start_keyboard(view.id, resume=True)
        return [Part(text=text, reply_markup=keyboard)]


PROPOSAL = "meeting_proposal"
PROPOSAL_DECIDED = "meeting_proposal_decided"


class _MeetingCache:
    """Meetings rendered for a broadcast: loaded once per revision and kept a few seconds
    (an accepted proposal changes the agenda without a revision); the .ics of a revision is
    stored once, so Telegram gets it uploaded once."""

    TTL = timedelta(seconds=20)

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._views: _Cache[int, tuple[datetime, MeetingView]] = _Cache(128)
        self._ics: _Cache[tuple[int, int, bool], int] = _Cache(128)

    async def view(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        meeting_id: int,
        revision: int | None = None,
    ) -> MeetingView:
        """The meeting, from the cache unless it is older than the row's revision (a change
        or a cancellation right after a broadcast must show the new content)."""
        now = self.clock.now()
        found = self._views.get(meeting_id)
        fresh = found is not None and now - found[0] < self.TTL
        if found is not None and fresh and (revision is None or found[1].revision >= revision):
            return found[1]
        async with sessionmaker() as session:
            view = await meetings.load(session, meeting_id)
        self._views.put(meeting_id, (now, view))
        return view

    async def answered(
        self, sessionmaker: async_sessionmaker[AsyncSession], meeting_id: int, person_id: int
    ) -> bool:
        async with sessionmaker() as session:
            return await participation.answer_of(session, meeting_id, person_id) is not None

    async def ics(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        view: MeetingView,
        *,
        cancelled: bool,
    ) -> int:
        key = (view.id, view.revision, cancelled)
        found = self._ics.get(key)
        if found is not None:
            return found
        with i18n.context(), i18n.use_locale(view.locale):  # documents: the association's
            description = messages.ics_description(view)
        content = meeting_ics(view, description=description, cancelled=cancelled)
        name = f"meeting-{view.id}.ics"
        async with sessionmaker() as session:
            stored = await files.store(session, name, content)
            await session.commit()
        self._ics.put(key, stored)
        return stored


def registry(clock: Clock | None = None) -> dict[str, Kind]:
    clock = clock or SystemClock()
    shared = _MeetingCache(clock)
    kinds: list[Kind] = [AnnouncementKind()]
    names = [k.value for k in meetings.Kind] + [
        PROPOSAL,
        PROPOSAL_DECIDED,
        attendance.CHECKIN,
        attendance.VOTE,
        attendance.VOTE_RESULT,
        attendance.BALLOT_REMINDER,
    ]
    kinds.extend(MeetingKind(name, clock, shared) for name in names)
    kinds.extend(ProtocolKind(name, clock, shared) for name in protocols.KINDS)
    kinds.extend(SurveyOutboxKind(name) for name in surveys.KINDS)
    return {kind.name: kind for kind in kinds}
