"""The year's end, end to end (the app on the fake Bot API, the injected clock): members
answer the year-end report (one only after the reminder, which the other never gets), the
chair writes two sections of the analysis and submits it, the methodist returns it «на
доработку» with a comment the chair gets, the chair submits again and it is accepted."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from docx import Document
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import YearReport
from services import invites, surveys
from services.clock import FixedClock
from services.people import load_actor
from services.permissions import Actor
from services.surveys import Answer
from tests.app import running, started
from tests.e2e import Person
from tests.factories import ADMIN, ADMIN_ID, register
from tests.helpers import CHAIR, TEACHERS, find, got, seed

METHODIST = 6001
MAY_20 = datetime(2027, 5, 20, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk
CLOSES = MAY_20 + timedelta(days=7)
REMINDER = "Пожалуйста, ответьте на опрос"


async def answer(
    sm: async_sessionmaker[AsyncSession], person: Actor, survey_id: int, now: datetime
) -> None:
    async with sm() as s:
        for position, value in (
            (1, Answer(text="Функциональная грамотность; 3; 36; дистанционно; ИРО; 15.11.2026")),
            (2, Answer(options=(0,))),
            (3, Answer(text="нет")),
            (4, Answer(text="нет")),
            (5, Answer(options=(2,))),
            (6, Answer(options=(2,))),
        ):
            await surveys.answer(s, person, survey_id, position, value, now)
        await surveys.finish(s, person, survey_id, now)


async def test_report_analysis_return_and_acceptance(db_url: str) -> None:
    clock = FixedClock(MAY_20)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with sm() as s:
            link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
            await register(s, link.token, METHODIST, clock, name="Методист Службы")
            view = await surveys.create_from_template(
                s, world.chair, world.association_id, "yearend", lambda t: t, clock.now()
            )
            view = await surveys.set_schedule(
                s, world.chair, view.id, view.version, clock.now(), opens_at=None, closes_at=CLOSES
            )
            view = (
                await surveys.open_survey(s, world.chair, view.id, view.version, clock.now())
            ).view
            teachers = {tg_id: await load_actor(s, tg_id, [ADMIN_ID]) for tg_id in TEACHERS[:2]}
        tg.add_user(METHODIST, "Methodist")
        tg.open_chat(METHODIST)
        first, second = TEACHERS[:2]
        async with started(tg, sm, clock) as app:
            await app.settle()
            await answer(sm, teachers[first], view.id, clock.now())
            # Two days before closing: the reminder reaches the one who has not answered.
            clock.set(CLOSES - timedelta(days=2))
            await app.settle()
            assert got(app, first, REMINDER) == 0
            assert got(app, second, REMINDER) == 1
            await answer(sm, teachers[second], view.id, clock.now())
            clock.set(CLOSES - timedelta(hours=3))
            await app.settle()
            assert got(app, second, REMINDER) == 1  # never twice
            async with sm() as s:
                assert await s.scalar(select(func.count()).select_from(YearReport)) == 2

            chair = Person(tg, CHAIR)
            # Last school year's analysis is open too (not accepted): a choice of two years.
            choice = await chair.say("/analysis", "Анализ какого учебного года?")
            card = await chair.tap(choice, "2026/2027", "анализ работы за 2026/2027 учебный год")
            assert "отчётов за год: 2" in card["text"]
            for number, text in ((0, "Посещаемость стабильная."), (10, "Год удался.")):
                listing = await chair.tap(card, "✍️ Разделы", "Какой раздел?")
                label = listing["reply_markup"]["inline_keyboard"][number][0]["text"]
                await chair.tap(listing, label, "Напишите текст раздела")
                card = await chair.say(text, "Разделов руководителя заполнено")
            assert "заполнено: 2 из 13" in card["text"]
            await chair.tap(card, "📨 Представить", "представлен, ждёт решения")
            await app.settle()
            sent = find(app, METHODIST, "представило анализ работы за 2026/2027 учебный год")
            # The documents come with it: the DOCX and the XLSX, as submitted.
            documents = [m["document"] for m in tg.messages(METHODIST) if "document" in m]
            assert [d["file_name"].rsplit(".", 1)[1] for d in documents] == ["docx", "xlsx"]
            paragraphs = Document(io.BytesIO(tg.file_content(documents[0]["file_id"]))).paragraphs
            assert "Год удался." in [p.text for p in paragraphs]
            sheets = load_workbook(io.BytesIO(tg.file_content(documents[1]["file_id"])))
            assert len(sheets.worksheets) > 1

            methodist = Person(tg, METHODIST)
            await methodist.tap(sent, "↩️ На доработку", "Что исправить руководителю?")
            await methodist.say("Добавьте выводы по формату.", "Возвращено на доработку")
            await app.settle()
            returned = find(app, CHAIR, "вернула анализ работы")
            assert "Комментарий: Добавьте выводы по формату." in returned["text"]

            card = await chair.tap(returned, "📊 Открыть анализ", "на доработке")
            await chair.tap(card, "📨 Представить", "представлен, ждёт решения")
            await app.settle()
            assert got(app, METHODIST, "представило анализ работы") == 2
            again = find(app, METHODIST, "представило анализ работы")
            await methodist.tap(again, "✅ Принять", "принято")
            await app.settle()
            assert got(app, CHAIR, "приняла анализ работы") == 1
