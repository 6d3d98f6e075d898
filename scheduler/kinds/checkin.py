"""Check-in is open: the code (in person) and the buttons, to every member."""

from __future__ import annotations

from bot import messages
from bot.messages import Part
from bot.render import render
from services import attendance, meetings

from .meeting import MeetingKind, Rendering


class CheckinKind(MeetingKind):
    name = attendance.CHECKIN

    async def parts(self, r: Rendering) -> list[Part]:
        async with r.sessionmaker() as session:
            code = await meetings.checkin_code(session, r.view.id)
        text = render("meeting_checkin.html", m=r.view, code=code)
        return [Part(text=text, reply_markup=messages.checkin_keyboard(r.view))]
