"""Attendance screens through the Dispatcher: the chair's votes panel follows each vote's
state, and the secretary records by hand the votes of people marked present on the roll."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Choice, InviteKind, Presence, Vote
from services import attendance, invites
from services.clock import FixedClock
from tests.factories import make_world, register
from tests.flow import Flow, buttons, open_flow
from tests.helpers import NOW, START, members, published
from ui.callbacks.attendance import AttendCb, HandCb, VoteAdmin

SECRETARY = 4001


@pytest.fixture
async def flow(sm: async_sessionmaker[AsyncSession]) -> AsyncIterator[Flow]:
    """The Dispatcher at the meeting's start (conftest's `flow` is at another moment)."""
    async with open_flow(sm, FixedClock(START)) as running:
        yield running


async def votes_of(sm: async_sessionmaker[AsyncSession]) -> list[tuple[int | None, Choice]]:
    async with sm() as s:
        return [(v.by_hand_id, v.choice) for v in (await s.scalars(select(Vote))).all()]


async def test_votes_panel_and_votes_recorded_by_hand(
    flow: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    clock = FixedClock(NOW)
    async with sm() as s:
        world = await make_world(s, clock)
        link = await invites.create_link(
            s, world.chair, InviteKind.SECRETARY, world.association_id, NOW
        )
        secretary = await register(s, link.token, SECRETARY, clock, name="Секретарь Объединения")
        people = await members(s, world, clock, 2)
        view = await published(s, world)
        await attendance.open_checkin(s, world.chair, view.id, START)
        # Without the bot in the room: the secretary marks them on the roll.
        for person in people:
            await attendance.roll(
                s, secretary, view.id, person.person_id or 0, Presence.PRESENT, START
            )
    item = view.agenda[0].id
    chair = world.chair_tg

    await flow.press_data(chair, AttendCb(action="votes", meeting_id=view.id).pack())
    panel = flow.last(chair, with_buttons=True)
    labels = [text for text, _data in buttons(panel)]
    assert any("1" in t and "🗳" in t for t in labels)  # open 1, open 2; nothing to close yet
    assert not any("⏹" in t or "✍️" in t for t in labels)

    await flow.press(chair, "🗳", panel)
    panel = flow.last(chair, with_buttons=True)
    labels = [text for text, _data in buttons(panel)]
    assert any("⏹" in t and "1" in t for t in labels) and any("✍️" in t for t in labels)

    # A member cannot see or use the by-hand list.
    forged = HandCb(item_id=item, person_id=people[1].person_id or 0, choice="f").pack()
    refused = await flow.press_data(people[0].external_id or 0, forged)
    assert refused.alerts() and await votes_of(sm) == []

    listing = await flow.press_data(SECRETARY, VoteAdmin(action="hand", item_id=item).pack())
    [sheet] = listing.sent()
    assert "Участник 000" in sheet.text and "Участник 001" in sheet.text
    await flow.press(SECRETARY, "1 ✅")
    await flow.press(SECRETARY, "2 ❌")
    await flow.press(SECRETARY, "2 ⏸")  # a correction: still one row for them
    recorded = await votes_of(sm)
    assert sorted(c.value for _by, c in recorded) == sorted(
        [Choice.FOR.value, Choice.ABSTAIN.value]
    )
    assert {by for by, _c in recorded} == {secretary.person_id}
    sheet_now = flow.last(SECRETARY, with_buttons=True)
    assert sheet_now.text is not None and "Участник 001" in sheet_now.text

    # Closed: the list is refused and nothing more is written.
    await flow.press(chair, "⏹", flow.last(chair, with_buttons=True))
    late = await flow.press_data(
        SECRETARY, HandCb(item_id=item, person_id=people[0].person_id or 0, choice="a").pack()
    )
    assert late.alerts()
    async with sm() as s:
        assert await s.scalar(select(func.count()).select_from(Vote)) == 2
