"""Absentee and hybrid meetings: the reminder to fill in the ballot before its deadline."""

from __future__ import annotations

from bot import messages
from bot.messages import Part
from bot.render import render
from services import attendance

from .meeting import MeetingKind, Rendering


class BallotReminderKind(MeetingKind):
    name = attendance.BALLOT_REMINDER

    async def parts(self, r: Rendering) -> list[Part]:
        text = render("meeting_ballot_reminder.html", m=r.view, t=r.facts)
        return [Part(text=text, reply_markup=messages.ballot_keyboard(r.view.id))]
