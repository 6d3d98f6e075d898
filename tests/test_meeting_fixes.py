"""Defects met at meetings (issue 13, item 4): ending a meeting whose check-in was opened
early, the presiding person and the minutes keeper counted present, the protocol's
questions never voted on and its reasons of absence, the quorum card and the panel after a
change, and the onboarding's wording."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Choice, InviteKind, MeetingStatus, Protocol
from services import attendance, invites, meetings, protocols, votes
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from tests.factories import World, make_world, register
from tests.flow import Flow, buttons, open_flow
from tests.helpers import NOW, START, members, published
from ui.callbacks.meetings import MeetingAction, MeetingCb

EARLY = START - timedelta(minutes=40)  # 14:20 local: check-in opened early, held at once


@pytest.fixture
async def early(sm: async_sessionmaker[AsyncSession]) -> AsyncIterator[Flow]:
    async with open_flow(sm, FixedClock(EARLY)) as running:
        yield running


async def test_a_meeting_with_check_in_opened_early_can_be_ended(
    early: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    async with sm() as s:
        world = await make_world(s, FixedClock(NOW))
        view = await published(s, world)
    chair = world.chair_tg
    card = MeetingCb(action=MeetingAction.OPEN, meeting_id=view.id).pack()
    end = MeetingCb(action=MeetingAction.END, meeting_id=view.id).pack()

    # Before check-in and before the start, the button that cannot work is not offered.
    await early.press_data(chair, card)
    assert not [t for t, _d in buttons(early.last(chair, with_buttons=True)) if "🏁" in t]
    refused = await early.press_data(chair, end)  # an old card's button
    assert refused.alerts() == ["Заседание ещё не началось."]

    async with sm() as s:
        await attendance.open_checkin(s, world.chair, view.id, EARLY)
    await early.press_data(chair, card)
    await early.press(chair, "🏁 Завершить заседание")
    done = await early.press(chair, "🏁 Да, завершить")
    assert done.alerts() == ["Заседание завершено."]
    async with sm() as s:
        assert (await meetings.get(s, world.chair, view.id)).status is MeetingStatus.ENDED


async def test_ending_needs_check_in_or_the_start(session: AsyncSession) -> None:
    world = await make_world(session, FixedClock(NOW))
    view = await published(session, world)
    with pytest.raises(DomainError) as err:
        await meetings.end(session, world.chair, view.id, EARLY)
    assert err.value.code is ErrorCode.NOT_BEGUN
    await attendance.open_checkin(session, world.chair, view.id, EARLY)
    ended = await meetings.end(session, world.chair, view.id, EARLY + timedelta(minutes=30))
    assert ended.status is MeetingStatus.ENDED


async def twelve(session: AsyncSession) -> tuple[World, Actor, list[Actor]]:
    """An association of 12 voting members: the chair, a secretary and ten teachers."""
    clock = FixedClock(NOW)
    world = await make_world(session, clock)
    link = await invites.create_link(
        session, world.chair, InviteKind.SECRETARY, world.association_id, NOW
    )
    secretary = await register(session, link.token, 4001, clock, name="Секретарёва Ольга")
    return world, secretary, await members(session, world, clock, 10)


async def test_the_presiding_and_the_keeper_count_in_quorum_votes_and_protocol(
    session: AsyncSession,
) -> None:
    world, secretary, teachers = await twelve(session)
    view = await published(session, world)
    await meetings.run_clock(session, START)  # check-in opens at the start
    for teacher in teachers[:7]:
        await attendance.check_in(session, teacher, view.id, START)
    q = await attendance.quorum(session, world.chair, view.id, START)
    assert (q.quorum.present, q.quorum.members, q.checked_in) == (9, 12, 9)
    assert q.quorum.valid and q.quorum.decisions
    item = view.agenda[0].id
    await votes.open_vote(session, world.chair, item, START)
    for voter in (world.chair, secretary, *teachers[:4]):
        await votes.cast(session, voter, item, Choice.FOR, START)
    result = await votes.close_vote(session, world.chair, item, START)
    assert (result.quorum.present, result.quorum.members, result.adopted) == (9, 12, True)
    await meetings.end(session, world.chair, view.id, START + timedelta(minutes=30))
    pid = await session.scalar(select(Protocol.id).where(Protocol.meeting_id == view.id))
    await session.commit()
    assert pid is not None
    protocol = await protocols.get(session, secretary, pid)
    present = {a.name for a in protocol.content.present}
    absent = {a.name for a in protocol.content.absent}
    assert {"Петров Сергей Иванович", "Секретарёва Ольга"} <= present
    assert len(present) == 9 and len(absent) == 3
    assert protocol.content.presiding.name == "Петров Сергей Иванович"
    assert protocol.content.keeper.name == "Секретарёва Ольга"
