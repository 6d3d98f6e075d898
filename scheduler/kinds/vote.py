"""Open votes in a meeting: the question to those present, and the results (one question's,
or every question's when the ballots close)."""

from __future__ import annotations

from bot import messages
from bot.messages import Part
from bot.render import render
from services import attendance, votes

from .meeting import MeetingKind, Rendering


class VoteKind(MeetingKind):
    name = attendance.VOTE

    async def parts(self, r: Rendering) -> list[Part]:
        item = next(q for q in r.view.agenda if q.id == int(r.row.params["item_id"]))
        text = render("meeting_vote.html", m=r.view, q=item)
        return [Part(text=text, reply_markup=messages.vote_keyboard(item.id))]


class VoteResultKind(MeetingKind):
    name = attendance.VOTE_RESULT

    async def parts(self, r: Rendering) -> list[Part]:
        async with r.sessionmaker() as session:
            found = await votes.results(session, r.view.id)
        if "item_id" in r.row.params:
            found = [x for x in found if x.item_id == int(r.row.params["item_id"])]
        return [Part(text=render("meeting_vote_result.html", m=r.view, results=found))]
