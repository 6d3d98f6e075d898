"""Process end-to-end: the real `python -m bot` delivers an announcement to 150 members over
a local fake Bot API with Telegram's latency and limits; it is SIGKILLed at a random moment of
the broadcast and started again. Every member gets at least one copy, and duplicates are at
most the calls that were in flight when it died (the sender's concurrency)."""

from __future__ import annotations

import asyncio
import random
import signal
from collections import Counter
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from bot.db import create_engine, create_sessionmaker
from models import OutboxMessage, OutboxStatus
from services import announcements, outbox
from services.clock import SystemClock
from tests.e2e import TOKEN, start_bot
from tests.factories import make_world, member_link, register
from tests.fakeapi import FakeTelegram

CHAIR = 2001
MEMBERS = [4000 + n for n in range(150)]
CONCURRENCY = 8


async def seed(url: str) -> None:
    engine = create_engine(url)
    sm = create_sessionmaker(engine)
    clock = SystemClock()
    try:
        async with sm() as s:
            world = await make_world(s, clock, chair_tg=CHAIR)
            token = await member_link(s, world, clock)
            for n, tg_id in enumerate(MEMBERS):
                await register(s, token, tg_id, clock, name=f"Учитель {n:03d}")
            target = announcements.Target(world.association_id, None, "")
            draft = await announcements.save_draft(
                s, world.chair, target, clock.now(), text="Методический день 15.12 в 10:00."
            )
            await announcements.send(
                s, world.chair, draft, clock.now(), progress_chat_id=CHAIR, locale="ru"
            )
    finally:
        await engine.dispose()


def start(tg: FakeTelegram, url: str) -> Awaitable[asyncio.subprocess.Process]:
    return start_bot(
        tg,
        url,
        TICK_SECONDS="0.3",
        LEASE_SECONDS="5",
        SEND_TIMEOUT="3",
        SEND_CONCURRENCY=str(CONCURRENCY),
        LOG_LEVEL="WARNING",
    )


def chair_texts(tg: FakeTelegram) -> list[str]:
    return [m["text"] for m in tg.messages(CHAIR)]


def copies(tg: FakeTelegram) -> Counter[int]:
    return Counter(d.chat_id for d in tg.deliveries if "Методический день" in d.text)


async def wait_until(
    predicate: Callable[[], bool], seconds: float, say: Callable[[], object] = str
) -> None:
    try:
        async with asyncio.timeout(seconds):
            while not predicate():  # noqa: ASYNC110 - polls the fake server's log
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"not in {seconds} s: {say()}") from None


def settled(texts: list[str]) -> bool:
    """The chair's chat ends with the finished progress message and the summary."""
    return (
        len(texts) >= 2
        and texts[-2] == "✅ Отправлено: объявление"
        and texts[-1].startswith("Объявление: доставлено")
    )


async def test_sigkill_mid_broadcast_loses_nothing(db_url: str) -> None:
    url = db_url  # migrated: SQLite, and the machine's PostgreSQL
    await seed(url)
    seed_value = random.randrange(10**6)
    kill_after = random.Random(seed_value).randint(5, 120)
    print(f"random seed {seed_value}: SIGKILL after {kill_after} deliveries")

    async with FakeTelegram(TOKEN, latency=(0.02, 0.05)) as tg:
        tg.add_user(CHAIR, "Сергей")
        tg.open_chat(CHAIR)
        for tg_id in MEMBERS:
            tg.add_user(tg_id, f"U{tg_id}")
            tg.open_chat(tg_id)

        first = await start(tg, url)
        try:
            await wait_until(lambda: sum(copies(tg).values()) >= kill_after, 60)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        at_kill = sum(copies(tg).values())
        # A progress message the first process sent but did not live to record is a call in
        # doubt, like a member's copy: the second process cannot know it and sends its own.
        chair_at_kill = len(chair_texts(tg))
        assert chair_at_kill <= 1, chair_texts(tg)
        assert at_kill < len(MEMBERS), "the broadcast was over before the kill"

        second = await start(tg, url)
        try:
            await wait_until(lambda: set(copies(tg)) == set(MEMBERS), 90)
            # Killed before any handler could send the chair a progress message (the seed is
            # what «Отправить» commits): the chair gets one all the same, and the summary.
            await wait_until(lambda: settled(chair_texts(tg)), 60, lambda: chair_texts(tg))
        finally:
            second.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 0, output.decode()
        assert "Traceback" not in output.decode()

    counted = copies(tg)
    assert set(counted) == set(MEMBERS)  # nothing lost
    *stale, progress, summary = chair_texts(tg)
    assert len(stale) <= chair_at_kill and all(t.startswith("📤 Отправляется") for t in stale)
    assert progress == "✅ Отправлено: объявление"
    assert summary.startswith("Объявление: доставлено 150 из 150.")
    duplicates = sum(n - 1 for n in counted.values())
    assert duplicates <= CONCURRENCY, counted

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as s:
            status = await outbox.group_status(s, announcements.group_key(1))
            left = await s.scalar(
                select(OutboxMessage.id).where(OutboxMessage.status != OutboxStatus.SENT)
            )
    finally:
        await engine.dispose()
    assert status.sent == len(MEMBERS) and left is None
    assert duplicates <= status.in_doubt <= CONCURRENCY  # every duplicate was counted
