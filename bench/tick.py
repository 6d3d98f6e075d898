"""`python -m bench.tick`: the outbox tick on an SQLite outbox of 1,000,000 rows (sent, failed,
cancelled, pending due next month, and 100 rows `sending` with live leases), nothing due, for
at least 200 ticks each running its queries, against the same ticks on an empty outbox.

The last line is one JSON object: outbox_rows, ticks, tick_ms_p50, tick_ms_p99,
ratio_to_empty (p50 on the full outbox ÷ p50 on the empty one).
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import sqlite_engine
from bot.app import build_bot
from bot.config import Settings
from bot.db import create_sessionmaker
from bot.i18n import DOMAIN, LOCALES_DIR
from scheduler.engine import Delivery
from services.clock import FixedClock
from services.outbox import keys

ROWS = 1_000_000
TICKS = 300
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how the UTC datetime type stores moments in SQLite


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).strftime(_FORMAT)


def fill(path: str) -> None:
    """A million rows straight through sqlite3, not through services.outbox (building them
    through the ORM would take minutes and measure nothing of interest); keys as the
    keys module builds them."""
    rnd = random.Random(7)
    past, later, lease = (
        NOW - timedelta(days=20),
        NOW + timedelta(days=30),
        NOW + timedelta(hours=1),
    )
    statuses = ["sent"] * 90 + ["failed"] * 3 + ["cancelled"] * 3 + ["pending"] * 4

    def rows() -> object:
        for n in range(ROWS):
            status = "sending" if n < 100 else rnd.choice(statuses)
            due = later if status == "pending" else past
            yield (
                "announcement",
                100_000 + n,
                "announcement.html",
                '{"announcement_id": 1}',
                _at(due),
                status,
                1,
                0,
                0,
                _at(lease) if status == "sending" else None,
                _at(past) if status == "sending" else None,
                keys.announcement_group(n // 2000),
                keys.announcement(announcement_id=n // 2000, person_id=n),
                _at(past),
            )

    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO outbox (kind, chat_id, template, params, due_at, status, attempts, "
            "doubts, parts_done, lease_until, started_at, group_key, dedupe_key, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),  # type: ignore[arg-type]
        )
    connection.execute("ANALYZE")
    connection.close()


async def ticks(engine: AsyncEngine) -> list[float]:
    settings = Settings(bot_token="123456:BENCH-token", _env_file=None)
    bot = build_bot(settings)
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    delivery = Delivery(bot, create_sessionmaker(engine), FixedClock(NOW), i18n)
    timings = []
    try:
        for n in range(TICKS + 20):
            start = time.perf_counter()
            report = await delivery.tick()
            elapsed = time.perf_counter() - start
            assert report.claimed == 0 and report.requeued == 0
            if n >= 20:  # the first ticks warm the pool and the page cache
                timings.append(elapsed * 1000)
    finally:
        await bot.session.close()
    return timings


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def main() -> None:
    print(f"tick: {ROWS:,} outbox rows, nothing due, {TICKS} ticks (after 20 to warm up)")
    async with sqlite_engine() as empty:
        base = await ticks(empty)
    async with sqlite_engine() as engine:
        path = engine.url.database
        assert path is not None
        start = time.perf_counter()
        await asyncio.to_thread(fill, path)
        print(f"  filled in {time.perf_counter() - start:.1f} s")
        full = await ticks(engine)
    result = {
        "bench": "tick",
        "outbox_rows": ROWS,
        "ticks": len(full),
        "tick_ms_p50": round(statistics.median(full), 3),
        "tick_ms_p99": round(p(full, 99), 3),
        "ratio_to_empty": round(statistics.median(full) / statistics.median(base), 3),
    }
    print(
        f"  empty outbox p50 {statistics.median(base):.2f} ms · full outbox p50 "
        f"{result['tick_ms_p50']} ms, p99 {result['tick_ms_p99']} ms · ratio "
        f"{result['ratio_to_empty']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
