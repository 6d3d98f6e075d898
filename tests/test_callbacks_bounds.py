"""Every integer a button carries is bounded (issue 13): an id beyond 64 bits
(`sv:xlsx:9999999999999999999999999:0:0`) is refused as «Ничего не найдено» by one
mechanism, the last router, before any handler or query — never an OverflowError in the
SQLite driver answered «попробуйте ещё раз»."""

from __future__ import annotations

import pytest
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.clock import FixedClock
from tests.factories import World, make_world
from tests.flow import Flow
from ui.callbacks.base import ID_MAX
from ui.callbacks.common import ID_STEPS, Pick
from ui.callbacks.known import by_prefix, names_no_row

BIG = "9999999999999999999999999"
NOT_FOUND = "Ничего не найдено. Возможно, это уже удалено."

# One real button per prefix; each field "7" is in turn replaced by an id beyond 64 bits.
SAMPLES = [
    "ag:remove:7:7", "an:send:7", "ap:members:7", "at:7:7", "au:t:7:7", "cg:7:7", "bl:7:7",
    "cal:day:1:1:7:x:7:7",
    "ck:in:7", "da:7", "db:7", "dd:7", "dr:open:7:7:", "dr:setdur:7:7:7", "dr:spk:7:7:7-7",
    "ik:7:chair", "mb:7:open::7", "mt:open:7", "nd:sd:7:7:7", "ov:op:7:7:7", "pgn:msvc:7",
    "pl:year:7:7", "pp:accept:7",
    "pr:open:7:7", "ps:7", "ra:7", "ri:7:1", "rc:list:7:7", "rl:7:7:p:7", "rs:7:7", "rv:7:7",
    "sc:7",
    "se:tpl:7:7::7", "sr:7:1", "sv:start:7:7:7", "va:open:7", "vh:7:7:f", "vt:7:f",
    "yf:7:7:goal", "yp:up:7:7:7", "yr:venue:7:-", "yy:copy:7:7",
    *(f"pk:{step.value}:7" for step in sorted(ID_STEPS)),
]  # fmt: skip


def beyond(sample: str) -> list[str]:
    """`sample` with each of its "7"s (one at a time) made an id past 64 bits."""
    parts = sample.split(":")
    out = []
    for i, part in enumerate(parts):
        for j, piece in enumerate(part.split("-")):
            if piece == "7":
                pieces = part.split("-")
                pieces[j] = BIG
                out.append(":".join([*parts[:i], "-".join(pieces), *parts[i + 1 :]]))
    return out


def test_every_prefix_has_a_sample() -> None:
    assert {sample.split(":")[0] for sample in SAMPLES} >= {
        prefix
        for prefix, cls in by_prefix().items()
        if any(f.annotation is int for f in cls.model_fields.values()) or prefix in ("dr", "pk")
    }


def test_every_integer_field_is_bounded_within_64_bits() -> None:
    unbounded = [
        f"{cls.__name__}.{name}"
        for cls in by_prefix().values()
        for name, field in cls.model_fields.items()
        if field.annotation is int
        and not any(getattr(m, "le", ID_MAX + 1) <= ID_MAX for m in field.metadata)
    ]
    assert unbounded == []


@pytest.mark.parametrize("sample", SAMPLES)
def test_an_id_beyond_64_bits_names_no_row(sample: str) -> None:
    cls = by_prefix()[sample.split(":")[0]]
    cls.unpack(sample)  # the sample itself is a real button
    assert not names_no_row(sample)
    forged = beyond(sample)
    assert forged, sample
    for data in forged:
        with pytest.raises(ValueError):
            cls.unpack(data)
        assert names_no_row(data), data
    assert not names_no_row(sample.replace("7", "x", 1))  # malformed, not too big: stale


def test_pick_digits_are_bounded() -> None:
    [step, *_] = sorted(ID_STEPS)
    assert Pick.unpack(f"pk:{step.value}:{ID_MAX}").chosen_id == ID_MAX
    with pytest.raises(ValueError):
        Pick.unpack(f"pk:{step.value}:{ID_MAX + 1}")


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        return await make_world(s, clock)


async def test_refused_as_not_found_before_any_query(
    flow: Flow, world: World, sqlite_engine: AsyncEngine
) -> None:
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        statements.append(f"{statement} {params}")

    event.listen(sqlite_engine.sync_engine, "before_cursor_execute", record)
    try:
        forged = ["sv:xlsx:9999999999999999999999999:0:0"]
        forged += [data for sample in SAMPLES for data in beyond(sample)]
        for data in forged:
            reply = await flow.press_data(world.chair_tg, data)
            assert reply.alerts() == [NOT_FOUND], (data, reply.texts)
            assert all(isinstance(c, AnswerCallbackQuery) for c in reply.calls), data
    finally:
        event.remove(sqlite_engine.sync_engine, "before_cursor_execute", record)
    assert not [s for s in statements if BIG in s]
