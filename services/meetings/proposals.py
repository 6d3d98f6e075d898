"""Agenda proposals: a member proposes a question until the cutoff; the chair, deputy or
secretary accepts or rejects it; for a ballot already sent, the chair keeps its days or takes
the question to the next meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import AgendaItem, AgendaProposal, Meeting, MeetingForm, Person, ProposalStatus, Role
from services import audit, deadlines, files, outbox
from services.errors import DomainError, ErrorCode
from services.meetings import queries
from services.meetings.access import open_meeting
from services.meetings.changes import announce_change
from services.meetings.draft import renumber
from services.meetings.recipients import staff_ids
from services.meetings.rules import FILE_MAX, MAX_AGENDA, Kind
from services.meetings.views import MeetingView, build_view
from services.outbox import keys
from services.permissions import Action, Actor, Decision, Scope, decide
from services.tx import reads, writes
from services.validation import check_title


@dataclass(frozen=True)
class ProposalView:
    id: int
    meeting_id: int
    meeting_topic: str
    proposer_id: int | None
    proposer: str | None
    text: str
    file_id: str | None
    file_name: str | None
    status: ProposalStatus
    comment: str | None
    stored_file_id: int | None = None


async def proposal_view(session: AsyncSession, proposal: AgendaProposal) -> ProposalView:
    meeting = await session.get_one(Meeting, proposal.meeting_id)
    proposer = await session.get(Person, proposal.person_id) if proposal.person_id else None
    return ProposalView(
        proposal.id,
        meeting.id,
        meeting.topic,
        proposal.person_id,
        proposer.full_name if proposer else None,
        proposal.text,
        proposal.file_id,
        proposal.file_name,
        proposal.status,
        proposal.comment,
        proposal.stored_file_id,
    )


@writes
async def propose(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    text: str,
    now: datetime,
    *,
    file_id: str | None = None,
    file_name: str | None = None,
    file_size: int | None = None,
    content: bytes | None = None,
) -> ProposalView:
    """A member proposes a question until the end of (meeting day − proposal days); the
    chair, deputy and secretary are asked to accept or reject it."""
    meeting, association = await open_meeting(session, actor, meeting_id, Action.PARTICIPATE)
    view = await build_view(session, meeting)
    cutoff = view.proposal_deadline
    if cutoff is not None and now >= cutoff:
        last = deadlines.local_day(cutoff - timedelta(seconds=1), view.timezone)
        raise DomainError(
            ErrorCode.PROPOSALS_CLOSED, day=last.strftime("%d.%m.%Y"), days=view.proposal_days
        )
    if file_size is not None and file_size > FILE_MAX:
        raise DomainError(ErrorCode.FILE_TOO_BIG, max_mb=FILE_MAX // (1024 * 1024))
    proposal = AgendaProposal(
        meeting_id=meeting.id,
        person_id=actor.person_id,
        text=check_title(text, angles=True),
        file_id=file_id,
        file_name=(file_name or "")[:255] or None,
        stored_file_id=await files.keep(session, file_name, content) if file_id else None,
        status=ProposalStatus.PENDING,
        created_at=now,
    )
    session.add(proposal)
    await session.flush()
    reviewers = await staff_ids(session, association.id, (Role.CHAIR, Role.DEPUTY, Role.SECRETARY))
    await outbox.fan_out(
        session,
        reviewers,
        kind=Kind.PROPOSAL.value,
        group_key=keys.proposals_group(meeting.id),
        dedupe_key=lambda pid: keys.proposal(
            meeting_id=meeting.id, proposal_id=proposal.id, person_id=pid
        ),
        due_at=now,
        params={"meeting_id": meeting.id, "proposal_id": proposal.id},
    )
    audit.record(
        session,
        actor,
        "meeting.proposal",
        now,
        association_id=association.id,
        object_type="agenda_proposal",
        object_id=proposal.id,
    )
    result = await proposal_view(session, proposal)
    return result


@reads
async def get_proposal(session: AsyncSession, proposal_id: int) -> ProposalView:
    proposal = await session.get(AgendaProposal, proposal_id)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    result = await proposal_view(session, proposal)
    return result


@dataclass(frozen=True)
class Decided:
    proposal: ProposalView
    needs_ballot_choice: bool  # accepted into an absentee/hybrid meeting whose ballot went out


@writes
async def decide_proposal(
    session: AsyncSession,
    actor: Actor,
    proposal_id: int,
    accept: bool,
    now: datetime,
    comment: str | None = None,
) -> Decided:
    """Accept (the question joins the agenda) or reject; the proposer is told. A second
    decision on the same proposal (a double tap, or another reviewer first) is refused."""
    proposal = await session.get(AgendaProposal, proposal_id, with_for_update=True)
    if proposal is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    meeting, association = await open_meeting(
        session, actor, proposal.meeting_id, Action.REVIEW_PROPOSALS
    )
    if proposal.status is not ProposalStatus.PENDING:
        raise DomainError(ErrorCode.ALREADY_DECIDED)
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.comment = check_title(comment, max_len=1000) if comment else None
    proposal.decided_by_id = actor.person_id
    proposal.decided_at = now
    ballot_choice = False
    if accept:
        count = len((await session.scalars(queries.agenda_ids(meeting.id))).all())
        if count >= MAX_AGENDA:
            raise DomainError(ErrorCode.AGENDA_FULL, max=MAX_AGENDA)
        last = await session.scalar(queries.last_position(meeting.id))
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=(last or 0) + 1,
                title=proposal.text,
                speaker_id=proposal.person_id,
                proposal_id=proposal.id,
                added_at=now,
            )
        )
        ballot_choice = meeting.form is not MeetingForm.IN_PERSON
    if proposal.person_id is not None:
        await outbox.enqueue(
            session,
            [
                outbox.Outgoing(
                    kind=Kind.PROPOSAL_DECIDED.value,
                    person_id=proposal.person_id,
                    group_key=keys.proposals_group(meeting.id),
                    dedupe_key=keys.proposal_decided(
                        meeting_id=meeting.id, proposal_id=proposal.id
                    ),
                    due_at=now,
                    params={"meeting_id": meeting.id, "proposal_id": proposal.id},
                )
            ],
        )
    audit.record(
        session,
        actor,
        "meeting.proposal_accepted" if accept else "meeting.proposal_rejected",
        now,
        association_id=association.id,
        object_type="agenda_proposal",
        object_id=proposal.id,
    )
    await session.flush()
    result = await proposal_view(session, proposal)
    view = await build_view(session, meeting)
    if accept and view.proposal_deadline is not None and now >= view.proposal_deadline:
        # The final agenda has gone out already: everyone gets the changed agenda now.
        await announce_change(session, actor, meeting, association, now, ["agenda"])
    return Decided(result, ballot_choice)


@writes
async def keep_ballot_days(
    session: AsyncSession, actor: Actor, meeting_id: int, now: datetime
) -> MeetingView:
    """For an absentee or hybrid meeting that accepted a question after its ballot went out:
    move the ballot deadline so the ballot keeps its notice days (the chair's choice)."""
    meeting, association = await open_meeting(session, actor, meeting_id, Action.CALL_EXTRAORDINARY)
    scope = Scope(association.service_id, association.id)
    if decide(actor, Action.CALL_EXTRAORDINARY, scope) is not Decision.ALLOW:
        raise DomainError(ErrorCode.CHAIR_MUST_DECIDE)
    tz = association.timezone
    moment = meeting.ballot_deadline or meeting.starts_at
    assert moment is not None
    earliest = deadlines.local_day(now, tz) + timedelta(days=association.notice_days)
    day = max(deadlines.local_day(moment, tz), earliest)
    clock = moment.astimezone(ZoneInfo(tz)).time()
    meeting.ballot_deadline = deadlines.at_local(day, clock, tz)  # the gathering stays
    return await announce_change(
        session, actor, meeting, association, now, ["ballot_deadline", "agenda"]
    )


@writes
async def defer_to_next(
    session: AsyncSession, actor: Actor, proposal_id: int, now: datetime
) -> ProposalView:
    """The chair's other choice: the accepted question goes to the next meeting instead (it
    leaves this agenda and waits, marked, for the next draft)."""
    proposal = await session.get(AgendaProposal, proposal_id, with_for_update=True)
    if proposal is None or proposal.status is not ProposalStatus.ACCEPTED:
        raise DomainError(ErrorCode.STALE)
    meeting, association = await open_meeting(
        session, actor, proposal.meeting_id, Action.CALL_EXTRAORDINARY
    )
    scope = Scope(association.service_id, association.id)
    if decide(actor, Action.CALL_EXTRAORDINARY, scope) is not Decision.ALLOW:
        raise DomainError(ErrorCode.CHAIR_MUST_DECIDE)
    item = await session.scalar(queries.item_of_proposal(meeting.id, proposal.id))
    if item is not None:
        await session.delete(item)
        await session.flush()
        await renumber(session, meeting.id)
    proposal.status = ProposalStatus.DEFERRED
    audit.record(
        session,
        actor,
        "meeting.proposal_deferred",
        now,
        association_id=association.id,
        object_type="agenda_proposal",
        object_id=proposal.id,
    )
    result = await proposal_view(session, proposal)
    return result
