"""Approval of a plan edition at a meeting (issue 15, item 2; 002 Annex 2 §4.5 for a council).

The question «Об утверждении плана работы на 20__/20__ учебный год» is an agenda item linked
to the edition (`agenda_items.plan_id`, added by `services.meetings.add_plan_question`). The
notice that carries it freezes the edition's content on the item (`plan_version`,
`plan_snapshot`): that frozen content is what the meeting approves, whatever happens to the
draft afterwards.

**The moment.** The approval is evidenced by the protocol — the plan's heading says
«Утверждено на заседании … Протокол № … от …» — so it takes effect when the protocol is
signed by both signers (`on_protocol_signed`, in the transaction of the second signature),
not when the vote closes: until then the protocol may still change, and the number and date
printed on the plan must be those of a signed protocol. The date is the protocol's date, the
day of the meeting.

**The decision.** Only a decision adopted by the vote under the decision quorum approves:
the question's outcome in the signed protocol (`Outcome.adopted`, fixed when the vote closed:
services/quorum.py). A rejected decision, one without the decision quorum, and a question never
put to a vote (even with a decision the keeper recorded) approve nothing: PLAN_NOT_ADOPTED.

**A council** (002 Annex 2 §4.5: the plan «принимается на заседании Совета и утверждается его
председателем»): the signed protocol makes the plan ADOPTED («принят») and asks the chair; the
chair's tap (`confirm`) makes it APPROVED. Every other kind: APPROVED at once.

**Edited after the notice.** The approved edition is put back to the frozen content and the
later edits become edition + 1, a draft that needs approval again (the approved one is kept).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AgendaItem,
    AnnualPlan,
    AnnualPlanRow,
    Association,
    AssociationKind,
    PlanStatus,
    Protocol,
    Role,
)
from services import audit, outbox
from services.errors import DomainError, ErrorCode
from services.outbox import keys
from services.permissions import Action, Actor
from services.plans import queries
from services.plans.access import is_current, load_plan
from services.plans.checks import PlanField
from services.plans.content import PlanContent, PlanRowContent
from services.plans.editing import next_edition
from services.plans.kinds import ADOPTED, APPROVED
from services.plans.views import PlanView, build_content, build_view
from services.protocol_content import ProtocolContent
from services.tx import reads, writes


@dataclass(frozen=True)
class ApprovalNotice:
    """What the messages about an approval say."""

    plan_id: int
    association: str
    council: bool
    year_label: str
    edition: int
    status: PlanStatus
    protocol_number: int | None
    protocol_date: date | None


async def plan_for_agenda(
    session: AsyncSession, actor: Actor, plan_id: int, association_id: int | None
) -> AnnualPlan:
    """The edition a meeting of `association_id` may put to approval: a current draft of the
    same association (another association's plan is FORBIDDEN, an approved or adopted one
    PLAN_APPROVED: a change is a new edition). None: any meeting of the plan's own."""
    plan, association = await load_plan(session, actor, plan_id, Action.EDIT_PLAN)
    if association_id is not None and association.id != association_id:
        raise DomainError(ErrorCode.FORBIDDEN)
    if plan.status is not PlanStatus.DRAFT:
        raise DomainError(ErrorCode.PLAN_APPROVED)
    if not await is_current(session, plan):
        raise DomainError(ErrorCode.STALE)
    return plan


async def frozen(session: AsyncSession, plan_id: int) -> tuple[int, dict[str, Any]]:
    """The edition's version and content as JSON, to freeze on its agenda question."""
    plan = await session.get_one(AnnualPlan, plan_id)
    association = await session.get_one(Association, plan.association_id)
    return plan.version, (await build_content(session, plan, association)).to_json()


async def on_protocol_signed(
    session: AsyncSession, protocol: Protocol, content: ProtocolContent, now: datetime
) -> list[int]:
    """In the transaction of the protocol's second signature: every plan question of the
    meeting whose decision was adopted approves its edition. One that was not adopted leaves
    its plan as it was (recorded in the audit log); the protocol is signed all the same.
    Returns the ids of the plans approved (or, for a council, adopted)."""
    done = []
    for item in (await session.scalars(queries.plan_items(protocol.meeting_id))).all():
        assert item.plan_id is not None
        plan = await session.get(AnnualPlan, item.plan_id, with_for_update=True)
        if plan is None or plan.status is not PlanStatus.DRAFT:
            continue  # approved already (a corrected protocol signed again), or by another
        association = await session.get_one(Association, plan.association_id)
        try:
            await _approve(session, None, plan, association, protocol, content, item, now)
        except DomainError as error:
            _audit(session, None, "plan.not_approved", now, plan, protocol, reason=error.code)
            continue
        done.append(plan.id)
    return done


@writes
async def approve_by_protocol(
    session: AsyncSession, actor: Actor, plan_id: int, protocol_id: int, now: datetime
) -> PlanView:
    """Approve an edition by a signed protocol of its association (what the second signature
    does by itself; asked again it is refused, and a decision not adopted is refused:
    PLAN_NOT_ADOPTED, nothing changed)."""
    plan, association = await load_plan(session, actor, plan_id, Action.EDIT_PLAN, lock=True)
    protocol = await session.get(Protocol, protocol_id)
    if protocol is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    if protocol.association_id != association.id:
        raise DomainError(ErrorCode.FORBIDDEN)
    version = await session.scalar(queries.signed_version(protocol.id))
    if version is None:
        raise DomainError(ErrorCode.PROTOCOL_NOT_SIGNED)
    items = (await session.scalars(queries.plan_items(protocol.meeting_id))).all()
    item = next((i for i in items if i.plan_id == plan.id), None)
    if item is None:
        raise DomainError(ErrorCode.PLAN_NOT_ADOPTED)
    content = ProtocolContent.from_json(version.content)
    await _approve(session, actor, plan, association, protocol, content, item, now)
    return await build_view(session, actor, plan, association)


@writes
async def confirm(session: AsyncSession, actor: Actor, plan_id: int, now: datetime) -> PlanView:
    """A council's chair approves the plan the council adopted («утверждён председателем»):
    refused for a plan no meeting adopted (PLAN_NOT_ADOPTED) or one already approved."""
    plan, association = await load_plan(session, actor, plan_id, Action.APPROVE_PLAN, lock=True)
    if plan.status is PlanStatus.APPROVED:
        raise DomainError(ErrorCode.PLAN_APPROVED)
    if plan.status is not PlanStatus.ADOPTED:
        raise DomainError(ErrorCode.PLAN_NOT_ADOPTED)
    plan.status = PlanStatus.APPROVED
    plan.approved_at = now
    if plan.snapshot is not None:
        content = PlanContent.from_json(plan.snapshot)
        plan.snapshot = replace(content, status=PlanStatus.APPROVED).to_json()
    await _tell(session, plan, APPROVED, (Role.CHAIR, Role.SECRETARY), now)
    _audit(session, actor, "plan.approved", now, plan, None)
    await session.flush()
    return await build_view(session, actor, plan, association)


@reads
async def approval_notice(session: AsyncSession, plan_id: int) -> ApprovalNotice | None:
    """What the adopted / approved messages say (None: the plan is gone)."""
    plan = await session.get(AnnualPlan, plan_id)
    if plan is None:
        return None
    association = await session.get_one(Association, plan.association_id)
    return ApprovalNotice(
        plan_id=plan.id,
        association=association.name,
        council=association.kind is AssociationKind.COUNCIL,
        year_label=f"{plan.school_year}/{plan.school_year + 1}",
        edition=plan.edition,
        status=plan.status,
        protocol_number=plan.protocol_number,
        protocol_date=plan.protocol_date,
    )


async def _approve(
    session: AsyncSession,
    actor: Actor | None,
    plan: AnnualPlan,
    association: Association,
    protocol: Protocol,
    content: ProtocolContent,
    item: AgendaItem,
    now: datetime,
) -> None:
    if plan.status is not PlanStatus.DRAFT:
        raise DomainError(ErrorCode.PLAN_APPROVED)
    question = next((q for q in content.questions if q.position == item.position), None)
    if question is None or question.outcome is None or not question.outcome.adopted:
        raise DomainError(ErrorCode.PLAN_NOT_ADOPTED)
    if item.plan_snapshot is None or item.plan_version is None:  # no notice froze it
        item_version, snapshot = await frozen(session, plan.id)
    else:
        item_version, snapshot = item.plan_version, item.plan_snapshot
    approved = PlanContent.from_json(snapshot)
    if plan.version != item_version:
        await _keep_later_edits(session, plan, approved, now)
    council = association.kind is AssociationKind.COUNCIL
    plan.status = PlanStatus.ADOPTED if council else PlanStatus.APPROVED
    plan.protocol_number = protocol.number
    plan.protocol_date = protocol.meeting_day
    plan.adopted_at = now
    plan.approved_at = None if council else now
    plan.snapshot = replace(
        approved,
        status=plan.status,
        protocol_number=protocol.number,
        protocol_date=protocol.meeting_day,
    ).to_json()
    if council:
        await _tell(session, plan, ADOPTED, (Role.CHAIR,), now)
    else:
        await _tell(session, plan, APPROVED, (Role.CHAIR, Role.SECRETARY), now)
    _audit(session, actor, "plan.adopted" if council else "plan.approved", now, plan, protocol)
    await session.flush()


async def _keep_later_edits(
    session: AsyncSession, plan: AnnualPlan, approved: PlanContent, now: datetime
) -> None:
    """The draft changed after the notice: its edits go to edition + 1 (a draft, to be
    approved again) and this edition is put back to what the notice froze."""
    await next_edition(session, plan, plan.created_by_id, now)
    for field in PlanField:
        setattr(plan, field.value, getattr(approved, field.value))
    await session.execute(delete(AnnualPlanRow).where(AnnualPlanRow.plan_id == plan.id))
    await session.flush()
    for row in approved.rows:
        session.add(_row_of(plan.id, row))
    plan.version += 1
    plan.updated_at = now
    await session.flush()


def _row_of(plan_id: int, row: PlanRowContent) -> AnnualPlanRow:
    return AnnualPlanRow(
        plan_id=plan_id,
        position=row.position,
        direction=row.direction,
        topic=row.topic,
        day=row.day,
        kind=row.kind,
        venue_school_id=row.venue_school_id,
        venue_text=None if row.venue_school_id else row.venue,
        responsible_ids=[r.person_id for r in row.responsible if r.person_id is not None],
        responsible_names=[r.name for r in row.responsible if r.person_id is None],
        meeting_id=row.meeting_id,
    )


async def _tell(
    session: AsyncSession, plan: AnnualPlan, kind: str, roles: tuple[Role, ...], now: datetime
) -> None:
    people = (await session.scalars(queries.staff(plan.association_id, roles))).all()
    key = keys.plan_adopted if kind == ADOPTED else keys.plan_approved
    await outbox.enqueue(
        session,
        [
            outbox.Outgoing(
                kind=kind,
                dedupe_key=key(plan_id=plan.id, person_id=person),
                group_key=keys.plan_approval_group(plan.id),
                due_at=now,
                params={"plan_id": plan.id},
                person_id=person,
            )
            for person in people
        ],
    )


def _audit(
    session: AsyncSession,
    actor: Actor | None,
    action: str,
    now: datetime,
    plan: AnnualPlan,
    protocol: Protocol | None,
    **details: object,
) -> None:
    if protocol is not None:
        details["protocol_id"] = protocol.id
    audit.record(
        session,
        actor,
        action,
        now,
        association_id=plan.association_id,
        object_type="annual_plan",
        object_id=plan.id,
        **details,
    )
