"""The wizard's venue school (issue 15, item 3) through the real Dispatcher, on SQLite: with
the practical-seminar mark on, the panel's «🏫 Школа-площадка: не выбрана» asks for part of
the school's name, offers the matching schools of the directory and «Не в школе»; the school
picked becomes the venue shown in the notice (no place typed) and «Не в школе» clears it. A
forged school, a stale button and a member's tap change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Meeting
from services import deadlines, meetings, schools
from services.clock import FixedClock
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.flow import Flow, buttons

CHAIR, MEMBER = 2001, 3001
LYCEUM = "МАОУ «Лицей № 21»"
NOT_CHOSEN = "🏫 Школа-площадка: не выбрана"
CHOSEN = "🏫 Школа-площадка: МАОУ «Лицей № 21»"
ASK = (
    "Напишите часть названия школы (например, «лицей 21»): практический семинар "
    "засчитывается, только если он проходит в школе из справочника."
)
NONE_FOUND = (
    "В справочнике нет школы по запросу «гимназия 99». Напишите другую часть названия или "
    "попросите методиста добавить школу в справочник."
)
FOUND = "Школы по запросу «лицей 21»: выберите площадку."
STALE = (
    "Кто-то только что изменил этот черновик; ваше изменение не сохранено. Вот текущая "
    "версия: внесите изменение ещё раз."
)
NOT_FOUND = "Ничего не найдено. Возможно, это уже удалено."
FORBIDDEN = "У вас нет прав на это действие. Ничего не изменилось."


def labels(flow: Flow, chat: int) -> list[str]:
    return [text for text, _data in buttons(flow.last(chat, with_buttons=True))]


async def venue(sm: async_sessionmaker[AsyncSession]) -> tuple[int | None, str | None, int]:
    async with sm() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None
        await s.commit()
        return meeting.venue_school_id, meeting.place, meeting.version


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
        await register(s, token, MEMBER, clock, name="Смирнова Ольга Петровна")
        return world


async def seminar_panel(
    flow: Flow, sm: async_sessionmaker[AsyncSession], world: World, clock: FixedClock
) -> tuple[int, int]:
    """A draft with the seminar mark, a day and a question; its panel opened by the chair."""
    async with sm() as s:
        school = await schools.add_approved(
            s, ADMIN, world.municipality_id, world.service_id, LYCEUM, clock.now()
        )
        await schools.add_approved(
            s, ADMIN, world.municipality_id, world.service_id, "МБОУ «СОШ № 5»", clock.now()
        )
        school_id = school.id
        chair, now = world.chair, clock.now()
        view = await meetings.create_draft(s, chair, world.association_id, "Открытые уроки", now)
        typed = deadlines.Typed(date(2027, 2, 12), None)
        view = await meetings.set_day(s, chair, view.id, view.version, typed, now)
        view = await meetings.add_question(s, chair, view.id, view.version, "Смысловое чтение", now)
    await flow.press_data(CHAIR, f"dr:open:{view.id}:{view.version}:")
    assert labels(flow, CHAIR).count("⬜ Практический семинар") == 1
    assert NOT_CHOSEN not in labels(flow, CHAIR)  # only with the seminar mark
    await flow.press(CHAIR, "⬜ Практический семинар")
    return view.id, school_id


async def test_the_chair_chooses_the_venue_school_and_clears_it(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    meeting_id, school_id = await seminar_panel(flow, sm, world, clock)
    assert NOT_CHOSEN in labels(flow, CHAIR)
    asked = await flow.press(CHAIR, NOT_CHOSEN)
    assert asked.texts == [ASK]
    assert labels(flow, CHAIR) == ["Не в школе"]
    none = await flow.send(CHAIR, "гимназия 99")
    assert none.texts == [NONE_FOUND]
    assert labels(flow, CHAIR) == ["Не в школе"]
    found = await flow.send(CHAIR, "лицей 21")
    assert found.texts == [FOUND]
    assert labels(flow, CHAIR) == [LYCEUM, "Не в школе"]  # «СОШ № 5» does not match
    offered = flow.last(CHAIR, with_buttons=True)
    picked = await flow.press(CHAIR, LYCEUM)
    assert f"\n📍 {LYCEUM}\n" in picked.texts[-1]  # no place typed: the school is the venue
    assert CHOSEN in labels(flow, CHAIR)
    chosen = await venue(sm)
    assert chosen[:2] == (school_id, None)
    # Refused, nothing written: the same (now stale) button, a school never offered
    # (unknown or pending), a member's taps.
    stale = await flow.press(CHAIR, LYCEUM, offered)
    assert stale.texts[0] == STALE
    version = chosen[2]
    for forged in (999, await pending_school(sm, world, clock)):
        tapped = await flow.press_data(CHAIR, f"dr:setvenue:{meeting_id}:{version}:{forged}")
        assert tapped.alerts() == [NOT_FOUND]
    for data in (f"dr:setvenue:{meeting_id}:{version}:0", f"dr:venue:{meeting_id}:{version}:"):
        assert (await flow.press_data(MEMBER, data)).alerts() == [FORBIDDEN]
    assert await venue(sm) == chosen
    # «Не в школе» clears it: the panel has no venue any more.
    await flow.send(CHAIR, "/newmeeting")
    await flow.press(CHAIR, "Открытые уроки")
    await flow.press(CHAIR, CHOSEN)
    cleared = await flow.press(CHAIR, "Не в школе")
    assert "📍" not in cleared.texts[-1]
    assert NOT_CHOSEN in labels(flow, CHAIR)
    assert await venue(sm) == (None, None, version + 1)


async def pending_school(
    sm: async_sessionmaker[AsyncSession], world: World, clock: FixedClock
) -> int:
    """A school typed by a teacher, waiting for the methodist: never offered as a venue."""
    async with sm() as s:
        school = await schools.resolve_typed(s, world.municipality_id, "Гимназия № 9", clock.now())
        school_id = school.id
        await s.commit()
        return school_id
