"""`/analysis` and «📊 Анализ года» through the Dispatcher on SQLite (issue 16, item 4): the
chair's card, a section typed (HTML refused, nothing written), the DOCX, submitting; the
methodist accepts from the card; a forged button for another association and another
service's methodist are refused with nothing written."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import SendDocument
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from models import AnnualAnalysis, AssociationKind, OutboxMessage
from services import associations, invites
from services.clock import FixedClock
from tests.factories import ADMIN, ADMIN_ID, make_world, register
from tests.flow import Flow, RecordingSession, build_bot, buttons

METHODIST, FOREIGN = 4001, 4100


@pytest.fixture
def sm(sqlite_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(sqlite_engine)


@pytest.fixture
async def flow(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> AsyncIterator[Flow]:
    settings = Settings(bot_token="42:TEST", admin_ids=[ADMIN_ID], _env_file=None)
    dp = build_dispatcher(settings, sm, clock=clock, storage=MemoryStorage())
    session = RecordingSession()
    bot = build_bot(session)
    yield Flow(dp, bot, session)
    await bot.session.close()


async def snapshot(
    sm: async_sessionmaker[AsyncSession],
) -> tuple[tuple[tuple[object, ...], ...], tuple[str, ...]]:
    async with sm() as s:
        rows = (
            await s.execute(
                select(AnnualAnalysis.status, AnnualAnalysis.sections, AnnualAnalysis.version)
            )
        ).all()
        sent = (await s.execute(select(OutboxMessage.dedupe_key))).scalars().all()
        return tuple(tuple(r) for r in rows), tuple(sent)


async def test_the_chair_writes_and_submits_the_methodist_accepts(
    flow: Flow, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    now = clock.now()
    async with sm() as s:
        world = await make_world(s, clock)
        link = await invites.create_methodist_link(s, ADMIN, world.service_id, now)
        await register(s, link.token, METHODIST, clock, name="Методистова Нина")
        service = await associations.create_service(s, ADMIN, "ИМЦ Кировского района", now)
        municipality = await associations.create_municipality(
            s, ADMIN, service.id, "Кировский район", "Asia/Novosibirsk", now
        )
        foreign = await associations.create_association(
            s,
            ADMIN,
            kind=AssociationKind.RMO,
            name="РМО учителей физики",
            subject="физика",
            municipality_id=municipality.id,
            timezone="Asia/Novosibirsk",
            now=now,
        )
        link = await invites.create_methodist_link(s, ADMIN, service.id, now)
        await register(s, link.token, FOREIGN, clock, name="Чужая Вера")
    chair, aid = world.chair_tg, world.association_id

    # Last school year's analysis is open too until it is accepted: a choice of two years.
    reply = await flow.send(chair, "📊 Анализ года")
    assert reply.texts == ["Анализ какого учебного года?"]
    choice = flow.last(chair, with_buttons=True)
    assert buttons(choice) == [
        ("2025/2026", f"ya:open:{aid}:2025:0"),
        ("2026/2027", f"ya:open:{aid}:2026:0"),
    ]
    # A forged year outside those two: refused, nothing written.
    before = await snapshot(sm)
    for forged in (f"ya:open:{aid}:2024:0", f"ya:send:{aid}:2024:0", f"ya:my:{aid}:2027:0"):
        reply = await flow.press_data(chair, forged)
        assert any("не открыт" in t for t in reply.alerts() + reply.texts), forged
    assert await snapshot(sm) == before
    reply = await flow.press(chair, "2026/2027", choice)
    assert reply.texts[0].startswith(
        "📊 <b>РМО учителей математики</b>: анализ работы за 2026/2027 учебный год\n"
        "Состояние: черновик\n"
    )
    card = flow.last(chair, with_buttons=True)
    labels = [label for label, _data in buttons(card)]
    assert labels[:3] == ["📄 DOCX", "📊 XLSX", "✍️ Разделы"]

    reply = await flow.press(chair, "DOCX")
    assert [type(c) for c in reply.calls if isinstance(c, SendDocument)] == [SendDocument]

    await flow.press_data(chair, f"ya:sec:{aid}:2026:10")  # «Вывод»
    before = await snapshot(sm)
    reply = await flow.send(chair, "<b>Вывод</b>")
    assert reply.texts == [
        "Пожалуйста, не используйте здесь символы &lt; и &gt; (HTML). Напишите обычный текст."
    ]
    assert await snapshot(sm) == before
    await flow.press_data(chair, f"ya:sec:{aid}:2026:10")
    reply = await flow.send(chair, "Задачи года выполнены.")
    assert reply.texts[0] == "Раздел сохранён в черновике."

    # A forged button for another association's analysis: refused, nothing written.
    before = await snapshot(sm)
    reply = await flow.press_data(chair, f"ya:send:{foreign.association.id}:2026:0")
    assert reply.alerts() or reply.texts
    assert await snapshot(sm) == before

    await flow.press_data(chair, f"ya:sec:{aid}:2026:9")  # typing a section when…
    reply = await flow.press(chair, "Представить")
    assert "Анализ представлен в методическую службу." in reply.alerts() + reply.texts
    # …it is submitted meanwhile: the text is refused and the typing ends (the state is
    # cleared), so the next message is not taken for the section again.
    before = await snapshot(sm)
    refused = "Анализ представлен и ждёт решения методической службы"
    reply = await flow.send(chair, "Поздний текст раздела")
    assert any(refused in t for t in reply.texts)
    reply = await flow.send(chair, "Ещё один текст")
    assert not any(refused in t for t in reply.texts)
    assert await snapshot(sm) == before
    rows, sent = await snapshot(sm)
    assert [r[0].value for r in rows] == ["submitted"]  # type: ignore[attr-defined]
    assert any(key.endswith(":submitted:1:person=2") or ":submitted:1:" in key for key in sent)

    # Another service's methodist may not accept it.
    before = await snapshot(sm)
    await flow.press_data(FOREIGN, f"ya:ok:{aid}:2026:1")
    assert await snapshot(sm) == before
    # A button of another submission (round 2 is not the one waiting): refused.
    for stale in (f"ya:ok:{aid}:2026:2", f"ya:back:{aid}:2026:0"):
        reply = await flow.press_data(METHODIST, stale)
        assert any("более ранней" in t or "другой" in t for t in reply.alerts() + reply.texts)
    assert await snapshot(sm) == before
    reply = await flow.press_data(METHODIST, f"ya:ok:{aid}:2026:1")
    assert "Принято: руководитель получит сообщение." in reply.alerts() + reply.texts
    rows, _sent = await snapshot(sm)
    assert [r[0].value for r in rows] == ["accepted"]  # type: ignore[attr-defined]

    # Last year's analysis submitted and accepted: /analysis opens only the current year.
    await flow.press(chair, "2025/2026", choice)
    await flow.press(chair, "Представить")
    await flow.press_data(METHODIST, f"ya:ok:{aid}:2025:1")
    reply = await flow.send(chair, "/analysis")
    assert "анализ работы за 2026/2027 учебный год" in reply.texts[0]
    reply = await flow.press_data(chair, f"ya:open:{aid}:2025:0")
    assert any("не открыт" in t for t in reply.alerts() + reply.texts)
