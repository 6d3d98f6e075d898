"""The sender against the fake Bot API: a stored file is uploaded once and then re-sent by the
file_id Telegram gave it; text over 4,096 characters goes as several messages cut on line
boundaries, and a retry resends only the parts not yet delivered."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_bot
from bot.config import Settings
from bot.db import create_sessionmaker
from bot.i18n import DOMAIN, LOCALES_DIR
from bot.messages import Part
from models import StoredFile
from scheduler.kinds import Kind
from scheduler.sender import Item, Sender
from services import files, outbox
from services.clock import FixedClock
from services.outbox import Claimed, Outgoing
from tests.fakeapi import FakeTelegram, Fault, utf16_len

TOKEN = "123456:TEST-token"
CHATS = [5001, 5002, 5003]
LONG = "\n".join(f"<b>{n:04d}</b> " + "строка повестки " * 12 for n in range(60))


class Handout:
    """A test kind: the text of the row's `text` param and, if given, a stored file."""

    name = "handout"

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        return set()

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        parts = [Part(text=str(row.params["text"]))]
        if "file" in row.params:
            parts.append(Part(stored_file_id=int(row.params["file"]), caption="Программа"))
        return parts


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN, private_per_second=50) as fake:
        for chat in CHATS:
            fake.add_user(chat, f"U{chat}")
            fake.open_chat(chat)
        yield fake


async def deliver_all(
    tg: FakeTelegram, sqlite_engine: AsyncEngine, params: dict[str, object]
) -> tuple[Sender, async_sessionmaker[AsyncSession]]:
    """Enqueue one row per chat and deliver, round after round, until the group is done."""
    sm = create_sessionmaker(sqlite_engine)
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    async with sm() as s:
        await outbox.enqueue(
            s,
            [
                Outgoing("handout", f"h:{c}", "handout:1", clock.now(), params=params, chat_id=c)
                for c in CHATS
            ],
        )
        await s.commit()
    settings = Settings(
        bot_token=TOKEN, telegram_api_base=tg.base_url, rate_per_chat_second=50, _env_file=None
    )
    bot = build_bot(settings)
    kinds: dict[str, Kind] = {"handout": Handout()}
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    sender = Sender(bot, sm, clock, i18n, kinds, concurrency=1)
    sender.start()
    try:
        for _round in range(5):
            async with sm() as s:
                claimed = await outbox.claim(s, clock.now(), 10, timedelta(seconds=60))
            sender.submit([Item(row, row.chat_id, "ru") for row in claimed])
            await sender.drained()
            async with sm() as s:
                if (await outbox.group_status(s, "handout:1")).done:
                    break
            clock.advance(timedelta(minutes=1))
    finally:
        await sender.stop()
        await bot.session.close()
    return sender, sm


async def test_a_stored_file_is_uploaded_once(tg: FakeTelegram, sqlite_engine: AsyncEngine) -> None:
    sm = create_sessionmaker(sqlite_engine)
    async with sm() as s:
        file_id = await files.store(s, "программа.pdf", b"%PDF-1.4 programme")
        again = await files.store(s, "copy.pdf", b"%PDF-1.4 programme")  # same content
        await s.commit()
    assert again == file_id
    sender, sm = await deliver_all(
        tg, sqlite_engine, {"text": "Программа семинара", "file": file_id}
    )
    assert sender.stats.sent == 3
    uploads = [p for m, p in tg.requests if m == "sendDocument"]
    assert len(uploads) == 3
    assert uploads[0]["document"].startswith("attach://")  # the first: the file itself
    assert not any(p["document"].startswith("attach://") for p in uploads[1:])  # by file_id
    async with sm() as s:
        stored = await s.scalar(select(StoredFile.telegram_file_id))
    assert stored == uploads[1]["document"]
    for chat in CHATS:
        assert [m.get("document", {}).get("file_name") for m in tg.messages(chat)][-1] == (
            "программа.pdf"
        )


async def test_long_text_is_split_on_lines_and_retries_resume(
    tg: FakeTelegram, sqlite_engine: AsyncEngine
) -> None:
    assert len(LONG) > 8000
    # The first chat: its first part goes through, the second gets a 500 and is retried.
    tg.fault(CHATS[0], Fault.slow(0), 500)
    sender, _ = await deliver_all(tg, sqlite_engine, {"text": LONG})
    assert (sender.stats.sent, sender.stats.retried) == (3, 1)
    counts = {len(tg.messages(chat)) for chat in CHATS}
    assert len(counts) == 1 and counts.pop() > 2  # no part twice in the retried chat
    for chat in CHATS:
        texts = [m["html"] for m in tg.messages(chat)]
        assert all(utf16_len(m["text"]) <= 4096 for m in tg.messages(chat))  # as Telegram counts
        assert "\n".join(texts) == LONG  # cut between lines, nothing lost, no tag cut


class Broken(Handout):
    """A kind whose check fails (a bug in a future kind): its rows must not hold up others."""

    name = "broken"

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        raise KeyError("meeting_id")


async def test_a_broken_kind_fails_its_rows_and_the_others_go(
    tg: FakeTelegram, sqlite_engine: AsyncEngine
) -> None:
    from scheduler.engine import Delivery, EngineSettings

    sm = create_sessionmaker(sqlite_engine)
    clock = FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    escaped = 'Приказ "О проведении" & <приложение> ' * 150  # escapes grow past 4,096
    async with sm() as s:
        await outbox.enqueue(
            s,
            [
                Outgoing("broken", "b:1", "broken:1", clock.now(), chat_id=CHATS[0], params={}),
                *(
                    Outgoing(
                        "handout",
                        f"h:{c}",
                        "handout:1",
                        clock.now(),
                        chat_id=c,
                        params={"text": html.escape(escaped)},
                    )
                    for c in CHATS
                ),
            ],
        )
        await s.commit()
    settings = Settings(
        bot_token=TOKEN, telegram_api_base=tg.base_url, rate_per_chat_second=50, _env_file=None
    )
    bot = build_bot(settings)
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    kinds: dict[str, Kind] = {"handout": Handout(), "broken": Broken()}
    delivery = Delivery(bot, sm, clock, i18n, EngineSettings(concurrency=2), kinds=kinds)
    delivery.start(schedule=False)
    try:
        report = await delivery.tick()
        await delivery.sender.drained()
    finally:
        await delivery.stop()
        await bot.session.close()
    assert report.claimed == 4
    async with sm() as s:
        broken = await outbox.group_status(s, "broken:1")
        fine = await outbox.group_status(s, "handout:1")
    assert (broken.failed, broken.pending) == (1, 0)
    assert (fine.sent, fine.failed) == (3, 0)
    for chat in CHATS:
        delivered = "".join(m["text"] for m in tg.messages(chat))
        # Whole (Telegram trims the spaces at a message's ends), never cut inside `&…;`.
        assert "".join(delivered.split()) == "".join(escaped.split())
