"""What every message a meeting causes shares: the meeting loaded once per revision for a
broadcast (`MeetingCache`), the rule for what is still wanted (services.meetings), and
the rendering frame each meeting kind fills in (`MeetingKind.parts`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import messages
from bot.messages import Part
from documents.invitations import meeting_ics
from services import files, meetings
from services.clock import Clock
from services.meetings import MeetingView
from services.outbox import Claimed

from .base import Cache


class MeetingCache:
    """Meetings rendered for a broadcast: loaded once per revision and kept a few seconds
    (an accepted proposal changes the agenda without a revision); the .ics of a revision is
    stored once, so Telegram gets it uploaded once."""

    TTL = timedelta(seconds=20)

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._views: Cache[int, tuple[datetime, MeetingView]] = Cache(128)
        self._ics: Cache[tuple[int, int, bool], int] = Cache(128)

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
            return await meetings.answer_of(session, meeting_id, person_id) is not None

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


class Invite(enum.Enum):
    """The calendar file that follows a message: none, the invitation, or its cancellation."""

    NONE = enum.auto()
    EVENT = enum.auto()
    CANCELLED = enum.auto()


@dataclass(frozen=True)
class Rendering:
    """What a meeting kind renders from, inside the recipient's locale."""

    sessionmaker: async_sessionmaker[AsyncSession]
    row: Claimed
    view: MeetingView
    facts: dict[str, str | None]
    now: datetime


class MeetingKind:
    """A message a meeting causes. What is still wanted is decided in
    services.meetings.unwanted; a subclass names its kind and renders its parts."""

    name: str
    invite = Invite.NONE

    def __init__(self, clock: Clock, shared: MeetingCache) -> None:
        self.clock = clock
        self.shared = shared

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        async with sessionmaker() as session:
            return await meetings.unwanted(session, rows)

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
        with i18n.context(), i18n.use_locale(locale):
            facts = messages.meeting_facts(view, now)
            parts = await self.parts(Rendering(sessionmaker, row, view, facts, now))
        if self.invite is not Invite.NONE:
            cancelled = self.invite is Invite.CANCELLED
            stored = await self.shared.ics(sessionmaker, i18n, view, cancelled=cancelled)
            parts.append(Part(stored_file_id=stored))
        return parts

    async def parts(self, r: Rendering) -> list[Part]:
        raise NotImplementedError
