"""A member's agenda proposal, to the chair, deputy and secretary (with the member's file),
and the decision on it, back to the member."""

from __future__ import annotations

from bot import messages
from bot.messages import Part
from bot.render import render
from services import meetings
from services.meetings import Kind as MeetingMessage

from .meeting import MeetingKind, Rendering

PROPOSAL = MeetingMessage.PROPOSAL.value
PROPOSAL_DECIDED = MeetingMessage.PROPOSAL_DECIDED.value


class ProposalKind(MeetingKind):
    name = PROPOSAL

    async def parts(self, r: Rendering) -> list[Part]:
        async with r.sessionmaker() as session:
            proposal = await meetings.get_proposal(session, int(r.row.params["proposal_id"]))
        text = render("meeting_proposal.html", m=r.view, t=r.facts, p=proposal)
        parts = [Part(text=text, reply_markup=messages.proposal_keyboard(proposal.id))]
        if proposal.file_id:
            parts.append(Part(file_id=proposal.file_id, stored_file_id=proposal.stored_file_id))
        return parts


class ProposalDecidedKind(MeetingKind):
    name = PROPOSAL_DECIDED

    async def parts(self, r: Rendering) -> list[Part]:
        async with r.sessionmaker() as session:
            proposal = await meetings.get_proposal(session, int(r.row.params["proposal_id"]))
        text = render("meeting_proposal_decided.html", m=r.view, t=r.facts, p=proposal)
        return [Part(text=text, reply_markup=None)]
