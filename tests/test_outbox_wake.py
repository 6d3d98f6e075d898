"""Rows enqueued in the engine's own process are sent at once, not at the next tick: a chair's
«Отправить» with TICK_SECONDS at a minute still reaches every member within seconds; a
rolled-back enqueue sends nothing; waking a stopped engine does nothing. A broadcast larger
than the sender's queue keeps going as the queue runs low, without the tick."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_bot
from bot.config import Settings
from bot.i18n import DOMAIN, LOCALES_DIR
from scheduler.engine import Delivery, EngineSettings
from services import announcements, outbox
from services.clock import FixedClock
from tests.factories import make_world, member_link, register
from tests.fakeapi import FakeTelegram

TOKEN = "123456:WAKE-token"
CHAIR = 2001
MEMBERS = [5000 + n for n in range(5)]
MANY = [6000 + n for n in range(40)]  # more than the sender's room (concurrency 2: 16 rows)
A_MINUTE = 60.0  # the scheduled tick never comes within the test


def reached(tg: FakeTelegram) -> set[int]:
    return {d.chat_id for d in tg.deliveries if "Семинар" in d.text}


@pytest.mark.parametrize("members", [MEMBERS, MANY], ids=["few", "more-than-the-queue"])
async def test_an_announcement_goes_out_without_waiting_for_the_tick(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FixedClock, members: list[int]
) -> None:
    async with sessionmaker() as s:
        world = await make_world(s, clock, chair_tg=CHAIR)
        token = await member_link(s, world, clock)
        for tg_id in members:
            await register(s, token, tg_id, clock, name=f"Учитель {tg_id}")
        draft = await announcements.save_draft(
            s,
            world.chair,
            announcements.Target(world.association_id, None, ""),
            clock.now(),
            text="Семинар 12.12",
        )
    async with FakeTelegram(TOKEN) as tg:
        for chat in [CHAIR, *members]:
            tg.add_user(chat, f"U{chat}")
            tg.open_chat(chat)
        settings = Settings(bot_token=TOKEN, telegram_api_base=tg.base_url, _env_file=None)
        bot = build_bot(settings)
        i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
        delivery = Delivery(
            bot, sessionmaker, clock, i18n, EngineSettings(tick_seconds=A_MINUTE, concurrency=2)
        )
        delivery.start()
        try:
            # A rolled-back enqueue: its row is never sent.
            async with sessionmaker() as s:
                item = outbox.Outgoing(
                    kind="announcement",
                    template="announcement.html",
                    params={"announcement_id": draft},
                    person_id=None,
                    chat_id=CHAIR,
                    group_key="wake-test",
                    dedupe_key="wake-test:rolled-back",
                    due_at=clock.now(),
                )
                assert await outbox.enqueue(s, [item]) == 1
                await s.rollback()
            async with sessionmaker() as s:
                await announcements.send(
                    s, world.chair, draft, clock.now(), progress_chat_id=CHAIR, locale="ru"
                )
            async with asyncio.timeout(A_MINUTE / 4):
                while reached(tg) != set(members):  # noqa: ASYNC110 - polls the fake's log
                    await asyncio.sleep(0.05)
        finally:
            await delivery.stop()
            await bot.session.close()
        delivery.wake()  # stopped: nothing scheduled, nothing raised
    assert all(d.chat_id != CHAIR or "Семинар" not in d.text for d in tg.deliveries)
