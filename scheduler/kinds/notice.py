"""The meeting's notice (or a changed notice, params: changes) and its cancellation, each
followed by the calendar file."""

from __future__ import annotations

from bot import messages
from bot.messages import Part
from bot.render import render
from services.meetings import Kind as MeetingMessage

from .meeting import Invite, MeetingKind, Rendering


class NoticeKind(MeetingKind):
    name = MeetingMessage.NOTICE.value
    invite = Invite.EVENT

    async def parts(self, r: Rendering) -> list[Part]:
        return messages.notice_parts(
            r.view,
            changes=list(r.row.params.get("changes", [])),
            personal=r.row.person_id is not None,
            now=r.now,
        )


class CancelledKind(MeetingKind):
    name = MeetingMessage.CANCELLED.value
    invite = Invite.CANCELLED

    async def parts(self, r: Rendering) -> list[Part]:
        return [Part(text=render("meeting_cancelled.html", m=r.view, t=r.facts))]
