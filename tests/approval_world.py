"""A world for the plan approval's tests (tests/test_plan_approval*.py): a team, a draft
plan, a meeting that puts it to approval, the meeting held, voted and its protocol signed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.i18n import translations
from models import AnnualPlan, Choice, InviteKind, OutboxMessage, PlanRowKind, Protocol
from services import attendance, deadlines, invites, meetings, plans, protocols, votes
from services.clock import FixedClock
from services.permissions import Actor
from services.plans import PlanField, RowInput
from tests.factories import World, make_world, member_link, register

SECRETARY_TG = 4001
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk: school year 2026
DAY = date(2026, 12, 20)
RU = translations("ru").gettext
TITLE = RU(plans.APPROVAL_QUESTION) % {"year": "2026/2027"}
DECISION = RU(plans.APPROVAL_DECISION) % {"year": "2026/2027"}


async def team(
    session: AsyncSession, clock: FixedClock, teachers: int = 3
) -> tuple[World, Actor, list[Actor]]:
    """The chair, a secretary and `teachers` members (with schools): M = 2 + teachers."""
    world = await make_world(session, clock)
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
    )
    secretary = await register(
        session, link.token, SECRETARY_TG, clock, name="Секретарёва Ольга Павловна"
    )
    token = await member_link(session, world, clock)
    members = [
        await register(
            session, token, 3001 + n, clock, name=f"Учитель Номер {n}", school=f"МОУ СОШ № {n + 1}"
        )
        for n in range(teachers)
    ]
    return world, secretary, members


async def complete(session: AsyncSession, keeper: Actor, protocol_id: int, now: datetime) -> int:
    """«Слушали» of every question typed: the protocol may be signed."""
    view = await protocols.get(session, keeper, protocol_id)
    for q in view.content.questions:
        view = await protocols.set_heard(
            session, keeper, protocol_id, q.position, f"Доклад по вопросу {q.position}.", now
        )
    return view.revision


async def draft_plan(session: AsyncSession, world: World, theme: str = "Тема года") -> int:
    chair = world.chair
    view = await plans.create_draft(session, chair, world.association_id, 2026, NOW)
    view = await plans.set_field(session, chair, view.id, view.version, PlanField.THEME, theme, NOW)
    row = RowInput(
        plans.DIRECTIONS[2], "Заседание 1", date(2027, 1, 25), PlanRowKind.MEETING, None, "ИМЦ"
    )
    view = await plans.add_row(session, chair, view.id, view.version, row, NOW)
    return view.id


async def meeting_with_plan(session: AsyncSession, world: World, plan_id: int) -> int:
    """A draft on DAY with the plan's question, then published."""
    chair = world.chair
    view = await meetings.create_draft(session, chair, world.association_id, "Заседание", NOW)
    view = await meetings.set_day(
        session, chair, view.id, view.version, deadlines.Typed(DAY, time(15, 0)), NOW
    )
    view = await meetings.set_place(session, chair, view.id, view.version, "Каб. 12", NOW)
    view = await meetings.add_plan_question(
        session, chair, view.id, plan_id, TITLE, NOW, version=view.version, draft_decision=DECISION
    )
    assert [q.title for q in view.agenda] == [
        "Об утверждении плана работы на 2026/2027 учебный год"
    ]
    published = await meetings.publish(session, chair, view.id, view.version, NOW)
    return published.view.id


async def held_and_signed(
    session: AsyncSession,
    world: World,
    secretary: Actor,
    meeting_id: int,
    present: list[Actor],
    ballot: list[Choice] | None,
) -> Protocol:
    """The meeting held with `present` checked in, the plan's question put to the vote with
    `ballot` (None: never voted), the protocol completed and signed by both."""
    view = await meetings.get(session, world.chair, meeting_id)
    start = view.starts_at
    assert start is not None
    await meetings.run_clock(session, start)
    for actor in present:
        await attendance.check_in(session, actor, meeting_id, start + timedelta(minutes=1))
    item = view.agenda[0].id
    if ballot is not None:
        await votes.open_vote(session, world.chair, item, start + timedelta(minutes=5))
        for actor, choice in zip(present, ballot, strict=True):
            await votes.cast(session, actor, item, choice, start + timedelta(minutes=6))
        await votes.close_vote(session, world.chair, item, start + timedelta(minutes=7))
    await meetings.run_clock(session, start + timedelta(minutes=90))
    protocol = await session.scalar(select(Protocol).where(Protocol.meeting_id == meeting_id))
    assert protocol is not None
    await session.commit()
    later = start + timedelta(days=2)
    revision = await complete(session, secretary, protocol.id, later)
    if ballot is None:  # the keeper records a decision no vote adopted: it approves nothing
        recorded = await protocols.set_decision(session, secretary, protocol.id, 1, DECISION, later)
        revision = recorded.revision
    await protocols.sign(session, secretary, protocol.id, revision, later)
    signed = await protocols.sign(session, world.chair, protocol.id, revision, later)
    assert signed.issued
    return protocol


async def plan_row(session: AsyncSession, plan_id: int) -> AnnualPlan:
    plan = await session.get_one(AnnualPlan, plan_id, populate_existing=True)
    await session.commit()
    return plan


async def told(session: AsyncSession, kind: str) -> list[tuple[int | None, str]]:
    rows = (
        await session.execute(
            select(OutboxMessage.person_id, OutboxMessage.dedupe_key)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.person_id)
        )
    ).all()
    await session.commit()
    return [(p, k) for p, k in rows]
