"""A person's updates run one at a time, in order; different people never wait on each other."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.types import User

from bot.middlewares import PerPersonOrder


async def test_one_persons_updates_run_in_order_others_do_not_wait() -> None:
    order = PerPersonOrder()
    log: list[str] = []
    release = asyncio.Event()

    def user(uid: int) -> dict[str, Any]:
        return {"event_from_user": User(id=uid, is_bot=False, first_name="U")}

    async def slow(event: Any, data: dict[str, Any]) -> None:
        log.append("first starts")
        await release.wait()
        log.append("first ends")

    async def quick(event: Any, data: dict[str, Any]) -> None:
        log.append(f"{event} runs")

    first = asyncio.create_task(order(slow, None, user(1)))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    second = asyncio.create_task(order(quick, "same person", user(1)))  # type: ignore[arg-type]
    other = asyncio.create_task(order(quick, "someone else", user(2)))  # type: ignore[arg-type]
    await other
    assert log == ["first starts", "someone else runs"]  # the second waits, the other did not
    release.set()
    await asyncio.gather(first, second)
    assert log[-2:] == ["first ends", "same person runs"]
    assert order._locks == {}  # nothing kept for people who are done
