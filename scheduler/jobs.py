"""The jobs APScheduler runs, referenced by path ("scheduler.jobs:tick") with no arguments:
they reach the running delivery engine through `current()`, never through pickled objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.engine import Delivery

_running: Delivery | None = None


def install(engine: Delivery | None) -> None:
    global _running
    _running = engine


def current() -> Delivery:
    if _running is None:
        raise RuntimeError("the delivery engine is not running")
    return _running


async def tick() -> None:
    engine = current()
    async with engine.job():
        await engine.tick()


async def progress() -> None:
    engine = current()
    async with engine.job():
        await engine.progress()


async def daily() -> None:
    engine = current()
    async with engine.job():
        await engine.daily()


async def meeting_clock() -> None:
    engine = current()
    async with engine.job():
        await engine.meeting_clock()
