"""Before a meeting, to its members: the reminders (a day, two hours), "please answer"
(a nudge), and the final agenda at the proposal cutoff."""

from __future__ import annotations

from bot import messages
from bot.messages import Part
from bot.render import render
from services.meetings import Kind as MeetingMessage

from .meeting import MeetingKind, Rendering


class ReminderKind(MeetingKind):
    name = MeetingMessage.REMINDER.value

    async def parts(self, r: Rendering) -> list[Part]:
        person = r.row.person_id
        answered = await self.shared.answered(r.sessionmaker, r.view.id, person) if person else True
        text = render(
            "meeting_reminder.html",
            m=r.view,
            t=r.facts,
            soon=messages.reminder_when(r.view, r.now),
            answered=answered,
        )
        return [Part(text=text, reply_markup=messages.rsvp_keyboard(r.view, r.now))]


class NudgeKind(MeetingKind):
    name = MeetingMessage.NUDGE.value

    async def parts(self, r: Rendering) -> list[Part]:
        text = render("meeting_nudge.html", m=r.view, t=r.facts)
        return [Part(text=text, reply_markup=messages.rsvp_keyboard(r.view, r.now))]


class FinalAgendaKind(MeetingKind):
    name = MeetingMessage.FINAL_AGENDA.value

    async def parts(self, r: Rendering) -> list[Part]:
        return [Part(text=render("meeting_final_agenda.html", m=r.view, t=r.facts))]
