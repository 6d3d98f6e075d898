"""The protocol card through the real Dispatcher (built updates, a recording fake session) on
SQLite: a meeting that ended with a draft (made through the services), then the minutes
keeper opens the card from /protocols, types «Слушали» in two messages, rewords the
decision, adds a guest, previews the files and signs; the chair signs and the copies are
queued. A member's forged signature and a signature on a stale revision are refused with
nothing written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import EditMessageText, SendDocument
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from models import AuditEntry, InviteKind, MeetingForm, OutboxMessage, ProtocolVersion
from services import attendance, deadlines, invites, meetings, protocols
from services.clock import FixedClock
from services.permissions import Actor
from tests.factories import ADMIN_ID, World, make_world, member_link, register
from tests.flow import Flow, RecordingSession, build_bot, buttons
from ui.callbacks.protocols import ProtoCb

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
DAY = date(2026, 12, 20)
SECRETARY, TEACHER = 4001, 3001
CHAIR_NAME = "Петров Сергей Иванович"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


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


@dataclass
class Ended:
    world: World
    secretary: Actor
    teacher: Actor
    protocol_id: int


async def ended_with_draft(session: AsyncSession, clock: FixedClock) -> Ended:
    """The chair, a secretary (keeping the minutes) and a teacher; a meeting of one question
    published, held with all three checked in, ended by its clock: the draft is made."""
    world = await make_world(session, clock)
    chair = world.chair
    link = await invites.create_link(
        session, chair, InviteKind.SECRETARY, world.association_id, clock.now()
    )
    secretary = await register(
        session, link.token, SECRETARY, clock, name="Секретарёва Ольга Павловна"
    )
    token = await member_link(session, world, clock)
    teacher = await register(session, token, TEACHER, clock, name="Учитель Номер Один")
    view = await meetings.create_draft(session, chair, world.association_id, "Итоги четверти", NOW)
    view = await meetings.set_form(
        session, chair, view.id, view.version, MeetingForm.IN_PERSON, NOW
    )
    view = await meetings.set_day(
        session, chair, view.id, view.version, deadlines.Typed(DAY, time(15, 0)), NOW
    )
    view = await meetings.set_place(session, chair, view.id, view.version, "Каб. 12", NOW)
    view = await meetings.add_question(
        session, chair, view.id, view.version, "План работы", NOW, draft_decision="Принять план."
    )
    view = (await meetings.publish(session, chair, view.id, view.version, NOW)).view
    assert view.starts_at is not None
    start = view.starts_at
    await meetings.run_clock(session, start)
    for actor in (chair, secretary, teacher):
        await attendance.check_in(session, actor, view.id, start + timedelta(minutes=1))
    await meetings.run_clock(session, start + timedelta(minutes=90))
    protocol_id = await protocols.of_meeting(session, chair, view.id)
    assert protocol_id is not None
    clock.set(start + timedelta(days=2))
    return Ended(world, secretary, teacher, protocol_id)


@pytest.fixture
async def ended(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> Ended:
    async with sm() as s:
        return await ended_with_draft(s, clock)


async def written(sm: async_sessionmaker[AsyncSession]) -> tuple[object, ...]:
    """Audit entries, outbox rows and every version's revision and content: equal snapshots
    mean nothing was written."""
    async with sm() as s:
        audit = await s.scalar(select(func.count()).select_from(AuditEntry))
        rows = await s.scalar(select(func.count()).select_from(OutboxMessage))
        versions = (
            await s.execute(
                select(
                    ProtocolVersion.revision,
                    ProtocolVersion.content,
                    ProtocolVersion.keeper_signed_at,
                    ProtocolVersion.presiding_signed_at,
                ).order_by(ProtocolVersion.id)
            )
        ).all()
        await s.commit()
        return audit, rows, repr(versions)


async def current(sm: async_sessionmaker[AsyncSession], ended: Ended) -> protocols.ProtocolView:
    async with sm() as s:
        return await protocols.get(s, ended.secretary, ended.protocol_id)


async def test_the_keeper_completes_and_both_sign(
    flow: Flow, ended: Ended, sm: async_sessionmaker[AsyncSession]
) -> None:
    pid = ended.protocol_id
    # /protocols: the year's list; «№ 1» turns it into the card, in place.
    listed = await flow.send(SECRETARY, "/protocols")
    assert "РМО учителей математики" in listed.text
    assert "№ 1 · 20.12.2026 — Итоги четверти · 📝 черновик" in listed.text
    opened = await flow.press(SECRETARY, "№ 1")
    [card] = [c.text or "" for c in opened.calls if isinstance(c, EditMessageText)]
    assert "Итоги четверти" in card and "не заполнено" in card
    labels = [text for text, _data in buttons(flow.last(SECRETARY, with_buttons=True))]
    assert labels == [
        "Слушали 1 ✏️",
        "Решили 1",
        "🎫 Приглашённые",
        "📎 Файлы",
        "✍️ Подписать",  # offered; refused until «Слушали» is in
        "📄 Просмотр: DOCX и PDF",
        "🔄 Обновить",
    ]

    # «Слушали» in two messages, joined on «Готово».
    asked = await flow.press(SECRETARY, "Слушали 1")
    assert asked.texts[0].startswith("<b>Слушали</b> по вопросу 1: План работы")
    first = await flow.send(SECRETARY, "Доклад председателя о плане.")
    assert first.texts == ["Получено: 28 знаков в 1 сообщ. Отправьте ещё или нажмите «Готово»."]
    second = await flow.send(SECRETARY, "Обсуждение: вопросов нет.")
    assert second.texts == ["Получено: 54 знаков в 2 сообщ. Отправьте ещё или нажмите «Готово»."]
    done = await flow.press(SECRETARY, "Готово")
    assert done.alerts() == ["Сохранено."]
    assert "Доклад председателя о плане.\nОбсуждение: вопросов нет." in done.text
    view = await current(sm, ended)
    assert view.content.questions[0].heard == (
        "Доклад председателя о плане.\nОбсуждение: вопросов нет."
    )

    # «Выступили» (optional): from the button under the «Слушали» prompt; «Слушали» typed
    # just before it (no «Готово» yet) is kept, not dropped.
    asked = await flow.press(SECRETARY, "Слушали 1")
    assert "винительном падеже" in asked.texts[0]
    prompt = flow.last(SECRETARY, with_buttons=True)
    await flow.send(SECRETARY, "Доклад председателя о плане, с уточнением.")
    spoke = await flow.press(SECRETARY, "Выступили", prompt)
    assert spoke.texts[0].startswith("<b>Выступили</b> по вопросу 1: План работы")
    await flow.send(SECRETARY, "Петрова Н.С. предложила дополнить план.")
    done = await flow.press(SECRETARY, "Готово")
    assert done.alerts() == ["Сохранено."]
    view = await current(sm, ended)
    assert view.content.questions[0].spoke == "Петрова Н.С. предложила дополнить план."
    assert view.content.questions[0].heard == "Доклад председателя о плане, с уточнением."

    # «Решили» reworded in one message.
    asked = await flow.press(SECRETARY, "Решили 1")
    assert asked.texts[0].startswith("<b>Решили</b> по вопросу 1: План работы")
    saved = await flow.send(SECRETARY, "Утвердить план работы на второе полугодие.")
    assert saved.texts[0] == "Решение сохранено."
    assert "Утвердить план работы на второе полугодие." in saved.texts[1]

    # A guest.
    await flow.press(SECRETARY, "Приглашённые")
    added = await flow.send(SECRETARY, "Иванова Анна Петровна — методист ИМЦ")
    assert added.texts == ["Приглашённых в протоколе: 1. Отправьте ещё или нажмите «Готово»."]
    back = await flow.press(SECRETARY, "Готово")
    assert "Иванова Анна Петровна — методист ИМЦ" in back.text
    view = await current(sm, ended)
    assert [(g.name, g.position) for g in view.content.guests] == [
        ("Иванова Анна Петровна", "методист ИМЦ")
    ]
    assert view.content.questions[0].decision == "Утвердить план работы на второе полугодие."

    # The preview: DOCX and PDF marked as a draft.
    preview = await flow.press(SECRETARY, "Просмотр")
    assert preview.alerts() == ["Готовлю файлы…"]
    documents = [c for c in preview.calls if isinstance(c, SendDocument)]
    assert [d.caption for d in documents] == ["Черновик, ещё не подписан."] * 2
    names = [getattr(d.document, "filename", "") for d in documents]
    assert names == [  # the names a secretary files them under
        "Протокол №1 от 20.12.2026 — РМО учителей математики.docx",
        "Протокол №1 от 20.12.2026 — РМО учителей математики.pdf",
    ]

    # A member's forged signature and a stale revision: refused, nothing written.
    before = await written(sm)
    forged = await flow.press_data(TEACHER, ProtoCb.signing(pid, view.revision).pack())
    assert forged.alerts() == [
        "Этот протокол подписывают только председательствовавший и секретарь заседания."
    ]
    stale = await flow.press_data(SECRETARY, ProtoCb.signing(pid, view.revision - 1).pack())
    [refusal] = stale.alerts()
    assert refusal.startswith("Кто-то только что изменил этот черновик")
    assert await written(sm) == before

    # The keeper signs: the chair is asked to.
    signed = await flow.press(SECRETARY, "Подписать")
    assert signed.alerts() == [
        f"Подписано. Протокол уйдёт членам объединения, когда подпишет и {CHAIR_NAME}."
    ]
    [edited] = [c for c in signed.calls if isinstance(c, EditMessageText)]
    assert "секретарь: подписан 22 декабря 2026, вт, 15:00" in (edited.text or "")
    assert "Подписать" not in str(edited.reply_markup)

    # The chair opens the card from /protocols and signs: issued, copies queued.
    chair = ended.world.chair_tg
    await flow.send(chair, "/protocols")
    await flow.press(chair, "№ 1")
    issued = await flow.press(chair, "Подписать")
    assert issued.alerts() == ["Подписано. Обе подписи есть: протокол уходит членам объединения."]
    view = await current(sm, ended)
    assert view.signed and view.issued_at is not None
    async with sm() as s:
        copies = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == protocols.COPY)
        )
        await s.commit()
    assert copies == 3  # the chair, the secretary, the teacher
