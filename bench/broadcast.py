"""`python -m bench.broadcast`: an announcement to 2,000 members, enqueued through the service
into a file SQLite database, delivered by the real tick and sender over HTTP to a local fake
Bot API that behaves like Telegram: each call takes 20-50 ms, and a call over the limits (more
than 30 in any one-second window, or a second message to one chat within a second) is
answered 429 and delivers nothing. The baseline is Telegram's cap, 30 messages a second.

It runs twice: on an idle machine, then with a CPU-loading process beside it (a subprocess
spinning, so the event loop lags as on a busy host). The goal for both: at least 0.95 of the
cap, no 429, nothing lost, no duplicates.

The last line is one JSON object: recipients, cap_per_s, msgs_per_s (deliveries ÷ (last
delivery − first enqueue)), ratio, http_429, duplicates, lost, peak_rss_mb, and the same
figures of the loaded run under "loaded".
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import sys
import time
from collections import Counter

from aiogram.utils.i18n import I18n
from sqlalchemy import insert, select

from bench.common import sqlite_engine
from bot.app import build_bot, build_limiter
from bot.config import Settings
from bot.db import create_sessionmaker
from bot.i18n import DOMAIN, LOCALES_DIR
from models import Identity, Person
from scheduler.engine import Delivery, EngineSettings
from services import announcements, outbox, roster
from services.clock import SystemClock
from tests.factories import make_world
from tests.fakeapi import FakeTelegram

RECIPIENTS = 2000
CAP = 30
TOKEN = "123456:BENCH-token"
CHAIR = 2001
FIRST_MEMBER = 100_000


async def run() -> dict[str, object]:
    clock = SystemClock()
    async with sqlite_engine() as engine:
        sm = create_sessionmaker(engine)
        async with sm() as s:
            world = await make_world(s, clock, chair_tg=CHAIR)
            added = await roster.add_people(
                s,
                world.chair,
                world.association_id,
                [
                    roster.RosterEntry(f"Учитель Номер {n:04d}", None, None)
                    for n in range(RECIPIENTS)
                ],
                clock.now(),
            )
            await s.execute(
                insert(Identity),
                [
                    {"person_id": link.person_id, "external_id": FIRST_MEMBER + n}
                    for n, link in enumerate(added.links)
                ],
            )
            await s.commit()
            assert await s.scalar(select(Person.id).limit(1)) is not None
        async with FakeTelegram(
            TOKEN, latency=(0.02, 0.05), global_per_second=CAP, private_per_second=1
        ) as tg:
            tg.add_user(CHAIR, "Chair")
            tg.open_chat(CHAIR)
            for n in range(RECIPIENTS):
                tg.add_user(FIRST_MEMBER + n, f"T{n}")
                tg.open_chat(FIRST_MEMBER + n)
            settings = Settings(bot_token=TOKEN, telegram_api_base=tg.base_url, _env_file=None)
            bot = build_bot(settings, build_limiter(settings))
            i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
            delivery = Delivery(
                bot, sm, clock, i18n, EngineSettings(tick_seconds=0.5, concurrency=8)
            )
            delivery.start()
            try:
                start = time.monotonic()
                async with sm() as s:
                    draft = await announcements.save_draft(
                        s,
                        world.chair,
                        announcements.Target(world.association_id, None, ""),
                        clock.now(),
                        text="Методический день 15.12: программа во вложении.",
                    )
                    sent = await announcements.send(
                        s, world.chair, draft, clock.now(), progress_chat_id=CHAIR, locale="ru"
                    )
                while True:
                    await asyncio.sleep(0.5)
                    async with sm() as s:
                        status = await outbox.group_status(s, sent.group_key)
                    if status.done:
                        break
            finally:
                await delivery.stop()
                await bot.session.close()
            members = [d for d in tg.deliveries if d.chat_id != CHAIR]
    copies = Counter(d.chat_id for d in members)
    span = max(d.at for d in members) - start
    rate = len(members) / span
    return {
        "bench": "broadcast",
        "recipients": RECIPIENTS,
        "cap_per_s": CAP,
        "msgs_per_s": round(rate, 2),
        "ratio": round(rate / CAP, 3),
        "http_429": tg.error_count(429),
        "duplicates": sum(n - 1 for n in copies.values()),
        "lost": RECIPIENTS - len(copies),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def loaded() -> dict[str, object]:
    """The same run with a process spinning on a CPU beside it."""
    spinner = await asyncio.create_subprocess_exec(sys.executable, "-c", "while True: pass")
    try:
        return await run()
    finally:
        spinner.kill()
        await spinner.wait()


def _line(label: str, result: dict[str, object]) -> str:
    return (
        f"  {label}: {result['msgs_per_s']} msg/s ({result['ratio']:.3f} of the cap), "
        f"429s {result['http_429']}, duplicates {result['duplicates']}, lost {result['lost']}, "
        f"peak RSS {result['peak_rss_mb']} MB"
    )


async def main() -> None:
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)  # skipped runs
    print(f"broadcast: {RECIPIENTS} recipients, Telegram's cap {CAP}/s, 20-50 ms per call")
    result = await run()
    print(_line("idle machine", result))
    busy = await loaded()
    print(_line("a CPU-loading process beside it", busy))
    keep = ("msgs_per_s", "ratio", "http_429", "duplicates", "lost", "peak_rss_mb")
    result["loaded"] = {name: busy[name] for name in keep}
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
