"""A protocol that is late in coming: the keeper told what is missing for a draft, the
reminders while it is not issued, and the overdue flag after its due day."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import messages
from bot.messages import Part
from bot.render import render
from services import deadlines, protocols
from services.outbox import Claimed
from ui.common import days_phrase

from .protocol import ProtocolKind


class MissingKind(ProtocolKind):
    name = protocols.MISSING

    async def parts(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        row: Claimed,
        view: protocols.ProtocolView | None,
    ) -> list[Part]:
        meeting = await self.shared.view(sessionmaker, int(row.params["meeting_id"]))
        missing = row.params.get("missing")
        text = render(
            "protocol_missing.html",
            m=meeting,
            day=messages.day_label(meeting),
            absentee=missing == "no_ballots",
        )
        keyboard = messages.protocol_make_keyboard(meeting.id, roll=missing == "no_attendance")
        return [Part(text=text, reply_markup=keyboard)]


class ProtocolReminderKind(ProtocolKind):
    """The reminder (to the keeper and the chair) and, after the due day, the overdue flag
    (to the chair and the methodists): the same message but for its template."""

    name = protocols.REMINDER
    template = "protocol_reminder.html"

    async def parts(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        row: Claimed,
        view: protocols.ProtocolView | None,
    ) -> list[Part]:
        meeting = await self.shared.view(sessionmaker, int(row.params["meeting_id"]))
        due = date.fromisoformat(str(row.params["due"]))
        left = (due - deadlines.local_day(self.clock.now(), meeting.timezone)).days + 1
        text = render(
            self.template,
            m=meeting,
            p=view,
            day=messages.day_label(meeting),
            due=due.strftime("%d.%m.%Y"),
            days_left=days_phrase(max(left, 0)),
        )
        keyboard = (
            messages.protocol_open_keyboard(view.id)
            if view
            else messages.protocol_make_keyboard(meeting.id)
        )
        return [Part(text=text, reply_markup=keyboard)]


class OverdueKind(ProtocolReminderKind):
    name = protocols.OVERDUE
    template = "protocol_overdue.html"
