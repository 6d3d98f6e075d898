"""A meeting not published yet: its notice deadline is near (to the chair and secretary), an
extraordinary meeting waits for the chair's confirmation, and the chair's decision goes back
to whoever asked."""

from __future__ import annotations

from bot import messages
from bot.messages import Part
from bot.render import render
from services.meetings import Kind as MeetingMessage

from .meeting import MeetingKind, Rendering


class DraftDeadlineKind(MeetingKind):
    name = MeetingMessage.DRAFT_DEADLINE.value

    async def parts(self, r: Rendering) -> list[Part]:
        text = render("meeting_draft_deadline.html", m=r.view, t=r.facts)
        return [Part(text=text, reply_markup=messages.draft_keyboard(r.view))]


class ConfirmKind(MeetingKind):
    name = MeetingMessage.CONFIRM.value

    async def parts(self, r: Rendering) -> list[Part]:
        text = render("meeting_confirm.html", m=r.view, t=r.facts, requester=r.view.requested_by)
        return [Part(text=text, reply_markup=messages.confirm_keyboard(r.view))]


class DecisionKind(MeetingKind):
    name = MeetingMessage.DECISION.value

    async def parts(self, r: Rendering) -> list[Part]:
        text = render(
            "meeting_decision.html",
            m=r.view,
            t=r.facts,
            confirmed=bool(r.row.params["confirmed"]),
        )
        return [Part(text=text)]
