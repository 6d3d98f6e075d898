"""The annual plan in the chat (issue 15, items 1 and 5) through the real Dispatcher with the
recording session and the JSON-checking FSM storage, on SQLite: /plan and «📅 План на год»,
the card, the draft made, a field edited (a stale save refused), a row added step by step,
rows moved and deleted, the XLSX import's preview applied and a wrong file refused with
nothing written, a member's read-only card, forged and stale buttons."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from aiogram.methods import SendDocument
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openpyxl import load_workbook  # type: ignore[import-untyped]

from documents import plan_xlsx
from models import AnnualPlan, AnnualPlanRow, AuditEntry, PlanRowKind
from services import plans, schools
from services.clock import FixedClock
from services.permissions import Actor
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.flow import Flow, buttons

CHAIR, MEMBER = 2001, 3001


@dataclass
class Team:
    world: World
    member: Actor
    school_id: int


@pytest.fixture
async def team(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> Team:
    async with sm() as s:
        world = await make_world(s, clock)
        token = await member_link(s, world, clock)
        member = await register(s, token, MEMBER, clock, name="Смирнова Ольга Петровна")
        school = await schools.add_approved(
            s, ADMIN, world.municipality_id, world.service_id, "МАОУ «Лицей № 21»", clock.now()
        )
        return Team(world, member, school.id)


async def written(sm: async_sessionmaker[AsyncSession]) -> tuple[object, ...]:
    """Plans, rows and audit entries: equal snapshots mean nothing was written."""
    async with sm() as s:
        found = (
            await s.execute(
                select(AnnualPlan.id, AnnualPlan.version, AnnualPlan.theme).order_by(AnnualPlan.id)
            )
        ).all()
        rows = (
            await s.execute(
                select(AnnualPlanRow.id, AnnualPlanRow.position, AnnualPlanRow.topic).order_by(
                    AnnualPlanRow.id
                )
            )
        ).all()
        audit = await s.scalar(select(func.count()).select_from(AuditEntry))
        await s.commit()
        return repr(found), repr(rows), audit


def labels(flow: Flow, chat: int) -> list[str]:
    return [text for text, _data in buttons(flow.last(chat, with_buttons=True))]


HEAD = "📅 <b>План работы</b> — РМО учителей математики, 2026/2027 учебный год\n"
FIELDS_EMPTY = (
    "<b>Цель:</b> —\n"
    "<b>Задачи</b> —\n"
    "<b>Планируемый результат:</b> —\n"
    "<b>Организационные формы работы:</b> —\n"
    "\n"
    "<b>Календарно-тематическое планирование</b>\n"
)
THEME = "<b>Методическая тема:</b> Функциональная грамотность\n"
NO_PLAN = (
    HEAD + "Плана на этот учебный год пока нет.\n"
    "Создайте черновик: заполните его здесь по шагам, скопируйте план прошлого года или "
    "загрузите шаблон XLSX."
)
EDITOR_BUTTONS = [
    "✏️ Тема",
    "✏️ Цель",
    "✏️ Задачи",
    "✏️ Результат",
    "✏️ Формы работы",
    "➕ Добавить строку",
    "📥 Загрузить из XLSX",
    "📄 Шаблон XLSX",
    "📄 DOCX",
    "📊 XLSX",
    "🔄 Обновить",
]
ROW_LINE = (
    "1. 15.10.2026 — Семинар «Функциональная грамотность» · практический семинар · "
    "МАОУ «Лицей № 21» · Смирнова Ольга Петровна; Кузнецов И. И. (не в составе)"
)
FORBIDDEN = "У вас нет прав на это действие. Ничего не изменено."


async def drafted(sm: async_sessionmaker[AsyncSession], team: Team, clock: FixedClock) -> int:
    async with sm() as s:
        view = await plans.create_draft(
            s, team.world.chair, team.world.association_id, 2026, clock.now()
        )
        return view.id


async def test_a_chair_makes_the_plan_in_the_chat(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession]
) -> None:
    # The card of the school year without a plan: the chair is offered the draft.
    card = await flow.send(CHAIR, "/plan")
    assert card.text == NO_PLAN
    assert labels(flow, CHAIR) == ["📝 Создать черновик"]
    made = await flow.press(CHAIR, "Создать черновик")
    assert made.alerts() == ["Черновик создан: заполните его кнопками ниже."]
    assert made.texts[-1] == (
        HEAD + "📝 черновик\n\n<b>Методическая тема:</b> —\n" + FIELDS_EMPTY + "Строк пока нет."
    )
    assert labels(flow, CHAIR) == EDITOR_BUTTONS
    # A second tap on «Создать черновик» (a double tap) makes no second plan.
    before = await written(sm)
    again = await flow.press_data(CHAIR, f"yy:new:{team.world.association_id}:2026")
    assert again.alerts() == ["План на 2026/2027 учебный год уже есть: откройте его командой /plan."]
    assert await written(sm) == before
    # A field, step by step.
    asked = await flow.press(CHAIR, "✏️ Тема")
    assert asked.texts == [
        "<b>Методическая тема:</b> напишите новый текст (не длиннее 300 символов), «-» — "
        "чтобы очистить поле, или /cancel."
    ]
    typed = await flow.send(CHAIR, "Функциональная грамотность")
    assert typed.texts == [HEAD + "📝 черновик\n\n" + THEME + FIELDS_EMPTY + "Строк пока нет."]
    # A row, step by step: direction, topic, date, kind, venue (found), responsible.
    step = await flow.press(CHAIR, "➕ Добавить строку")
    assert step.texts == [
        "Шаг 1 из 6. «Направление деятельности»: выберите одно из формы или напишите своё."
    ]
    assert labels(flow, CHAIR)[0] == "Информационная деятельность"
    assert labels(flow, CHAIR)[-1] == "✍️ Своё направление"
    assert len(labels(flow, CHAIR)) == 10
    step = await flow.press(CHAIR, "Информационная деятельность")
    assert step.texts == ["Шаг 2 из 6. «Форма работы, тема»: напишите её (семинар, мастер-класс…)."]
    step = await flow.send(CHAIR, "Семинар «Функциональная грамотность»")
    assert step.texts == ["Шаг 3 из 6. «Дата»: напишите её так: 15.10.2026, или нажмите «Без даты»."]
    wrong = await flow.send(CHAIR, "15.10.2025")  # before the school year
    assert wrong.texts == [
        "Дата должна входить в 2026/2027 учебный год: с 01.09.2026 по 31.08.2027."
    ]
    step = await flow.send(CHAIR, "15.10.2026")
    assert step.texts == ["Шаг 4 из 6. Что это?"]
    assert labels(flow, CHAIR) == ["заседание", "практический семинар", "другое"]
    step = await flow.press(CHAIR, "практический семинар")
    assert step.texts == [
        "Шаг 5 из 6. «Площадка»: напишите название школы (я найду её в справочнике) или место "
        "(ИМЦ, онлайн…), или нажмите «Без площадки»."
    ]
    step = await flow.send(CHAIR, "лицей 21")
    assert step.texts == ["Это одна из этих школ?"]
    assert labels(flow, CHAIR) == ["МАОУ «Лицей № 21»", "Оставить как написано"]
    step = await flow.press(CHAIR, "Лицей")
    assert step.texts[0].startswith("Шаг 6 из 6. «Ответственный исполнитель»: напишите имя.")
    step = await flow.send(CHAIR, "смирнова")
    assert step.texts == ["Это кто-то из участников?"]
    assert labels(flow, CHAIR) == ["Смирнова Ольга Петровна", "Оставить как написано"]
    step = await flow.press(CHAIR, "Смирнова")
    assert step.texts == [
        "Добавлено: «Смирнова Ольга Петровна». Напишите ещё одно имя или нажмите «Готово»."
    ]
    step = await flow.send(CHAIR, "Кузнецов И. И.")  # nobody on the roster: kept as typed
    assert step.texts == [
        "Добавлено: «Кузнецов И. И.». Напишите ещё одно имя или нажмите «Готово»."
    ]
    done = await flow.press(CHAIR, "✅ Готово")
    assert done.texts[-1] == (
        HEAD
        + "📝 черновик\n\n"
        + THEME
        + FIELDS_EMPTY
        + "<i>Информационная деятельность</i>\n"
        + ROW_LINE
    )
    assert "↕️ Строки" in labels(flow, CHAIR)
    async with sm() as s:
        [row] = (await s.scalars(select(AnnualPlanRow))).all()
        assert (row.day, row.kind, row.venue_school_id, row.venue_text) == (
            date(2026, 10, 15),
            PlanRowKind.SEMINAR,
            team.school_id,
            None,
        )
        assert (row.responsible_ids, row.responsible_names) == (
            [team.member.person_id],
            ["Кузнецов И. И."],
        )
    # The files of the draft.
    got = await flow.press(CHAIR, "📄 DOCX")
    [document] = [c for c in got.calls if isinstance(c, SendDocument)]
    assert document.document.filename == "plan_2026-2027_v1.docx"  # type: ignore[union-attr]
