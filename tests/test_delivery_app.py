"""App end-to-end: the whole application in this process (Dispatcher polling a local fake Bot
API over real HTTP, the delivery engine, the limiter, the injected clock) runs `/announce`
while the fake answers some calls with 500, 429 and 403, holds one answer past the client's
timeout (delivering it all the same), and knows one member's account not at all. Time moves
by the injected clock and the tick is run by hand. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_bot, build_dispatcher
from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from models import AlertName, Identity
from scheduler.engine import Delivery
from services import announcements, outbox, people, roster
from services.clock import FixedClock
from services.outbox import keys
from services.people import load_actor
from tests.app import pause_jobs
from tests.e2e import Person, buttons
from tests.factories import ADMIN_ID, make_world, member_link, register
from tests.fakeapi import FakeTelegram, Fault

TOKEN = "123456:TEST-token"
CHAIR = 2001
MEMBERS = list(range(3001, 3011))
FAILS_TWICE, THROTTLED, SLOW, BLOCKED, ENGLISH = 3001, 3002, 3003, 3004, 3005
STRANGER = 7777  # has an identity, but never opened the bot: "chat not found"
CONCURRENCY = 4


@dataclass
class App:
    tg: FakeTelegram
    dp: Dispatcher
    bot: Bot
    sm: async_sessionmaker[AsyncSession]
    clock: FixedClock
    association_id: int

    @property
    def delivery(self) -> Delivery:
        engine: Delivery = self.dp["delivery"]
        return engine


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    engine = create_engine(db_url)
    sm = create_sessionmaker(engine)
    async with sm() as s:
        world = await make_world(s, clock, chair_tg=CHAIR)
        token = await member_link(s, world, clock)
        for n, tg_id in enumerate([*MEMBERS, STRANGER]):
            await register(s, token, tg_id, clock, name=f"Учитель Номер {n:02d}")
        await roster.add_people(
            s,
            world.chair,
            world.association_id,
            [roster.RosterEntry("Ещё Не Подключилась", None, None)],
            clock.now(),
        )
        english = await load_actor(s, ENGLISH, [])
        await people.set_locale(s, english, "en")
    try:
        async with FakeTelegram(TOKEN, private_per_second=1) as tg:  # Telegram's 1/s per chat
            tg.add_user(CHAIR, "Сергей")
            for tg_id in MEMBERS:
                tg.add_user(tg_id, f"U{tg_id}", language_code="en" if tg_id == ENGLISH else "ru")
                tg.open_chat(tg_id)
            tg.block(BLOCKED)
            async with serving(tg, sm, clock, world.association_id) as app:
                yield app
    finally:
        await engine.dispose()


@asynccontextmanager
async def serving(
    tg: FakeTelegram, sm: async_sessionmaker[AsyncSession], clock: FixedClock, association_id: int
) -> AsyncIterator[App]:
    """The application (Dispatcher, engine, limiter) on the fake; leaving stops it, as a
    restart does (a second `serving` on the same database is the process started again)."""
    settings = Settings(
        bot_token=TOKEN,
        telegram_api_base=tg.base_url,
        admin_ids=[ADMIN_ID],
        tick_seconds=60,  # the test runs the tick itself
        progress_seconds=60,
        send_concurrency=CONCURRENCY,
        send_timeout=1,
        lease_seconds=5,
        _env_file=None,
    )
    bot = build_bot(settings)
    dp = build_dispatcher(settings, sm, clock=clock, storage=MemoryStorage())
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
    try:
        for _ in range(200):
            if "delivery" in dp.workflow_data:
                break
            await asyncio.sleep(0.02)
        pause_jobs(dp)
        yield App(tg, dp, bot, sm, clock, association_id)
    finally:
        with contextlib.suppress(RuntimeError):  # stopped already (a restart in the test)
            await dp.stop_polling()
        await polling


async def test_announcement_reaches_everyone_once_through_faults(app: App) -> None:
    tg, clock = app.tg, app.clock
    chair = Person(tg, CHAIR)
    tg.fault(FAILS_TWICE, 500, 500)
    tg.fault(THROTTLED, Fault(429, retry_after=1))
    tg.fault(SLOW, Fault.slow(2.5))  # longer than the sender's 1 s timeout: in doubt

    ask = await chair.say("/announce", "Напишите объявление")
    assert "РМО учителей математики" in ask["text"]
    await chair.say("x" * 3600, "3500")  # too long: refused, asked again
    text = "Семинар 12.12 переносится на 19.12, <аудитория 5>."
    preview = await chair.say(text, "Получателей")
    assert "Получателей: 12" in preview["text"]  # 11 with accounts, 1 roster person
    shown = tg.messages(CHAIR)[-2]
    assert "&lt;аудитория 5&gt;" in shown["html"] and "Объявление" in shown["text"]
    # A double tap on «Отправить»: both presses arrive before the bot has answered either.
    [send] = [b["callback_data"] for b in buttons(preview) if "Отправить" in b["text"]]
    after = chair.last_id()
    await asyncio.gather(
        tg.press(CHAIR, preview["message_id"], send), tg.press(CHAIR, preview["message_id"], send)
    )
    progress = await tg.wait_for_message(CHAIR, "Доставлено 0 из 12", after=after)

    key = announcements.group_key(1)
    for _round in range(40):
        await app.delivery.tick()
        await app.delivery.sender.drained()
        async with app.sm() as s:
            status = await outbox.group_status(s, key)
        if status.done:
            break
        await app.delivery.progress()
        clock.advance(timedelta(seconds=10))
    assert status.done, status
    assert status.total == 12  # the double tap enqueued nothing twice

    delivered = Counter(
        d.chat_id for d in tg.deliveries if d.chat_id != CHAIR and "Семинар" in d.text
    )
    reachable = [m for m in MEMBERS if m != BLOCKED]
    assert set(delivered) == set(reachable), delivered  # nothing lost
    duplicates = {chat: n - 1 for chat, n in delivered.items() if n > 1}
    assert set(duplicates) <= {SLOW}  # the only duplicate is the in-doubt call
    assert status.in_doubt == 1 <= CONCURRENCY
    assert (status.sent, status.unreachable, status.failed) == (9, 3, 0)
    english = [d.text for d in tg.delivered_to(ENGLISH)]
    assert english and english[0].startswith("📣 Announcement")

    # The author sees the progress end, then one summary naming who was not reached and why.
    await app.delivery.progress()
    edited = await chair.edited(progress, "✅ Отправлено: объявление")
    assert edited["text"] == "✅ Отправлено: объявление"  # the figures are the summary's
    await app.delivery.tick()  # the summary is an outbox row
    await app.delivery.sender.drained()
    summary = await tg.wait_for_message(CHAIR, "Не удалось доставить", timeout=5)
    body = summary["text"]
    assert body.startswith("Объявление: доставлено 9 из 12.")
    assert "Учитель Номер 03 — заблокировал(а) бота" in body
    assert "Учитель Номер 10 — не открывал(а) бота" in body
    assert "Ещё Не Подключилась — ещё не подключился(-ась) к боту" in body
    assert "дважды" in body  # the in-doubt call is explained

    # /members shows who cannot be reached (the roster's first page: ten people).
    roster_page = await chair.say("/members", "Участников")
    rows = roster_page["text"].split("\n\n")
    [blocked_row] = [row for row in rows if "Учитель Номер 03" in row]
    assert "⚠️" in blocked_row
    assert sum("⚠️" in row for row in rows) == 1

    # Telegram's limits were kept: the only 429 is the scripted one.
    assert tg.error_count(429) == 1
    async with app.sm() as s:
        found = await s.execute(
            select(Identity.external_id, Identity.reachable).where(
                Identity.external_id.in_([BLOCKED, STRANGER, ENGLISH])
            )
        )
        marks = {external: reachable for external, reachable in found.all()}
    assert marks == {BLOCKED: False, STRANGER: False, ENGLISH: None}


async def deliver_all(app: App, group_key: str) -> outbox.GroupStatus:
    """Ticks, the sender and the progress job until the group is done (time moves 10 s a
    round)."""
    for _round in range(40):
        await app.delivery.tick()
        await app.delivery.sender.drained()
        async with app.sm() as s:
            status = await outbox.group_status(s, group_key)
        if status.done:
            return status
        await app.delivery.progress()
        app.clock.advance(timedelta(seconds=10))
    raise AssertionError(f"{group_key} not done: {status}")


async def test_killed_right_after_send_the_chair_still_gets_progress_and_summary(
    app: App,
) -> None:
    """What a process killed right after «Отправить» leaves: the rows and the broadcast
    committed, no progress message. The engine sends one (its first try a 500), the final
    edit and the summary go through a burst of 500s, and the summary, enqueued before a
    restart, is sent by the process started again: once."""
    tg, clock = app.tg, app.clock
    tg.open_chat(CHAIR)
    async with app.sm() as s:
        chair = await load_actor(s, CHAIR, [])
        target = announcements.Target(app.association_id, None, "")
        draft = await announcements.save_draft(
            s, chair, target, clock.now(), text="Семинар 12.12 переносится на 19.12."
        )
        sent = await announcements.send(
            s, chair, draft, clock.now(), progress_chat_id=CHAIR, locale="ru"
        )
    await app.delivery.progress()
    assert tg.messages(CHAIR) == []  # within the grace its handler would be sending it
    clock.advance(timedelta(seconds=6))
    tg.fault(CHAIR, 500)
    await app.delivery.progress()
    assert tg.messages(CHAIR) == []  # refused: tried again on the next round
    await app.delivery.progress()
    [progress] = tg.messages(CHAIR)
    assert progress["text"] == "📤 Отправляется: объявление\nДоставлено 0 из 12"

    await deliver_all(app, sent.group_key)
    tg.fault(CHAIR, 500)
    await app.delivery.progress()  # the final edit: a 500, so not finished yet
    assert tg.messages(CHAIR)[0]["text"].startswith("📤")
    async with app.sm() as s:
        assert await outbox.group_status(s, keys.broadcast_group(sent.broadcast_id)) == (
            outbox.GroupStatus(0, 0, 0, 0, 0, 0, 0)
        )
    await app.delivery.progress()
    assert [m["text"] for m in tg.messages(CHAIR)] == ["✅ Отправлено: объявление"]
    tg.fault(CHAIR, 500, 500)
    await app.delivery.tick()  # the summary: a 500, again in 5 s
    await app.delivery.sender.drained()
    clock.advance(timedelta(seconds=5))
    await app.delivery.tick()  # a 500 again: in 10 s
    await app.delivery.sender.drained()
    assert len(tg.messages(CHAIR)) == 1 and tg.faults_pending(CHAIR) == 0

    await app.dp.stop_polling()  # the process stops with the summary still due
    clock.advance(timedelta(seconds=10))
    async with serving(tg, app.sm, clock, app.association_id) as again:
        await again.delivery.progress()  # finished already: nothing twice
        await again.delivery.tick()
        await again.delivery.sender.drained()
        await asyncio.sleep(0.05)
    texts = [m["text"] for m in tg.messages(CHAIR)]
    assert texts[0] == "✅ Отправлено: объявление" and len(texts) == 2, texts
    assert texts[1].startswith("Объявление: доставлено 9 из 12.")
    assert "Учитель Номер 03 — заблокировал(а) бота" in texts[1]


async def test_a_summary_given_up_raises_the_operators_alert(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram answers the summary 500 every time: after the outbox's retries the row stays
    failed and the operator's alert is raised: logged at ERROR, and sent to the
    administrators once (a message given up, an outcome lost), even after a restart."""
    tg, clock = app.tg, app.clock
    tg.open_chat(CHAIR)
    tg.add_user(ADMIN_ID, "Админ")
    tg.open_chat(ADMIN_ID)
    async with app.sm() as s:
        chair = await load_actor(s, CHAIR, [])
        target = announcements.Target(app.association_id, None, "")
        draft = await announcements.save_draft(s, chair, target, clock.now(), text="Семинар.")
        sent = await announcements.send(
            s, chair, draft, clock.now(), progress_chat_id=CHAIR, locale="ru"
        )
    clock.advance(timedelta(seconds=6))
    await deliver_all(app, sent.group_key)
    await app.delivery.progress()  # finished: the summary enqueued
    summary_group = keys.broadcast_group(sent.broadcast_id)
    tg.fault(CHAIR, *[Fault(500)] * outbox.MAX_ATTEMPTS)
    for _try in range(outbox.MAX_ATTEMPTS):
        await app.delivery.tick()
        await app.delivery.sender.drained()
        clock.advance(outbox.backoff(outbox.MAX_ATTEMPTS))
    async with app.sm() as s:
        status = await outbox.group_status(s, summary_group)
        [failure] = await outbox.group_failures(s, summary_group)
    assert (status.total, status.failed) == (1, 1) and failure.code == outbox.Failure.GAVE_UP
    [alert] = [r for r in caplog.records if "OPERATOR ALERT" in r.getMessage()]
    assert alert.levelname == "ERROR" and "broadcast_summary" in alert.getMessage()

    raised = await app.delivery.check_alerts()
    assert {a.name for a in raised} == {AlertName.GIVEN_UP, AlertName.OUTCOME_LOST}
    assert await app.delivery.check_alerts() == []  # once per crossing
    await app.delivery.tick()
    await app.delivery.sender.drained()
    told = [m["text"] for m in tg.messages(ADMIN_ID)]
    assert len(told) == 2 and all(t.startswith("⚠️ Сигнал оператору") for t in told), told
    assert any("Бот отказался от 1 сообщений" in t for t in told), told
    assert any("сводка рассылки" in t and "gave_up" in t for t in told), told
    async with serving(tg, app.sm, clock, app.association_id) as again:  # a restart
        assert await again.delivery.check_alerts() == []
        await again.delivery.tick()
        await again.delivery.sender.drained()
    assert len(tg.messages(ADMIN_ID)) == 2
