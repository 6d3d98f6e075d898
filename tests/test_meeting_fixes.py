"""Defects met at meetings (issue 13, item 4): ending a meeting whose check-in was opened
early, the presiding person and the minutes keeper counted present, the protocol's
questions never voted on and its reasons of absence, the quorum card and the panel after a
change, and the onboarding's wording."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import MeetingStatus
from services import attendance, meetings
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from tests.factories import make_world
from tests.flow import Flow, buttons, open_flow
from tests.helpers import NOW, START, published
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
