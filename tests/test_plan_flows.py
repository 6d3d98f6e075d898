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
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from documents import plan_xlsx
from models import AnnualPlan, AnnualPlanRow, AssociationKind, AuditEntry, PlanRowKind, PlanStatus
from services import analysis, associations, invites, plans, schools
from services.clock import FixedClock
from services.permissions import Actor
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.flow import Flow, buttons

CHAIR, MEMBER, METHODIST = 2001, 3001, 6001


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
    "🗳 Вынести на утверждение",
    "📄 DOCX",
    "📊 XLSX",
    "🔄 Обновить",
]
ROW_LINE = (
    "1. 15.10.2026 — Семинар «Функциональная грамотность» · практический семинар · "
    "МАОУ «Лицей № 21» · Смирнова Ольга Петровна; Кузнецов И. И. (не в составе)"
)
FORBIDDEN = "У вас нет прав на это действие. Ничего не изменилось."


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
    assert again.alerts() == [
        "План на 2026/2027 учебный год уже есть: откройте его командой /plan."
    ]
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
    assert step.texts == [
        "Шаг 3 из 6. «Дата»: выберите её в календаре или напишите так: 15.10.2026, или нажмите "
        "«Без даты»."
    ]
    calendar = labels(flow, CHAIR)
    assert calendar[:2] == ["Ноябрь 2026", "Пн"] and calendar[-3:] == ["◀️", "▶️", "Без даты"]
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
    forged = await flow.press_data(CHAIR, "yr:venue:99999:-")  # a school not offered
    assert forged.alerts() == ["Эта кнопка устарела. Откройте список заново."]
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


async def test_a_member_reads_the_plan_and_may_not_change_it(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    pid = await drafted(sm, team, clock)
    card = await flow.send(MEMBER, "/plan")
    assert card.text == (
        HEAD + "📝 черновик\n\n<b>Методическая тема:</b> —\n" + FIELDS_EMPTY + "Строк пока нет."
    )
    assert labels(flow, MEMBER) == ["📄 DOCX", "📊 XLSX", "🔄 Обновить"]
    # The staff's buttons forged by the member: refused, nothing written.
    before = await written(sm)
    for data in (
        f"yf:{pid}:1:theme",
        f"yp:add:{pid}:1:0",
        f"yp:imp:{pid}:1:0",
        f"yp:rows:{pid}:1:0",
        f"yp:edition:{pid}:1:0",
        f"yy:new:{team.world.association_id}:2027",
    ):
        reply = await flow.press_data(MEMBER, data)
        assert reply.alerts() == [FORBIDDEN], data
    assert await written(sm) == before


async def test_the_staff_menu_opens_the_plan(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await drafted(sm, team, clock)
    start = await flow.send(CHAIR, "/start")
    [menu] = [c.reply_markup for c in start.sent() if c.reply_markup is not None]
    assert "📅 План на год" in [b.text for row in menu.keyboard for b in row]  # type: ignore[union-attr]
    card = await flow.send(CHAIR, "📅 План на год")
    assert card.text.startswith(HEAD + "📝 черновик\n")
    assert labels(flow, CHAIR) == EDITOR_BUTTONS


async def test_forged_and_stale_buttons_change_nothing(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    pid = await drafted(sm, team, clock)
    async with sm() as s:
        chair = team.world.chair
        view = await plans.add_row(
            s, chair, pid, 1, plans.RowInput(plans.DIRECTIONS[0], "Семинар"), clock.now()
        )
        view = await plans.add_row(
            s, chair, pid, view.version, plans.RowInput(plans.DIRECTIONS[1], "Анализ"), clock.now()
        )
        version, (first, second) = view.version, view.row_ids
        other = await register(s, (await _other_chair_token(s, team, clock)), 2900, clock)
    assert other.person_id is not None
    before = await written(sm)
    # Another association's chair with this plan's buttons.
    for data in (f"yf:{pid}:{version}:goal", f"yp:del:{pid}:{version}:{first}"):
        reply = await flow.press_data(2900, data)
        assert reply.alerts() == [FORBIDDEN], data
    # A row of no plan, a plan that does not exist.
    reply = await flow.press_data(CHAIR, f"yp:row:{pid}:{version}:99999")
    assert reply.alerts() == ["Ничего не найдено. Возможно, это уже удалено."], reply.calls
    reply = await flow.press_data(CHAIR, "yp:open:77777:1:0")
    assert reply.alerts() == ["Ничего не найдено. Возможно, это уже удалено."], reply.calls
    assert await written(sm) == before
    # The chair opens the rows and moves the second one up; the old list's buttons are stale.
    await flow.send(CHAIR, "/plan")
    rows = await flow.press(CHAIR, "↕️ Строки")
    assert rows.texts == [
        "<b>Строки плана</b>: нажмите номер строки, чтобы переместить, изменить или удалить её."
        "\n\n1. — — Семинар\n2. — — Анализ"
    ]
    old_list = flow.last(CHAIR, with_buttons=True)
    await flow.press(CHAIR, "2")
    assert labels(flow, CHAIR) == ["⬆️", "✏️ Заполнить заново", "🗑 Удалить", "◀️ Строки"]
    moved = await flow.press(CHAIR, "⬆️")
    assert moved.texts[-1].endswith(
        "<i>Информационная деятельность</i>\n2. — — Семинар · другое\n"
        "<i>Аналитическая деятельность</i>\n1. — — Анализ · другое"
    )
    async with sm() as s:
        order = (
            await s.scalars(
                select(AnnualPlanRow.id)
                .where(AnnualPlanRow.plan_id == pid)
                .order_by(AnnualPlanRow.position)
            )
        ).all()
    assert list(order) == [second, first]
    before = await written(sm)
    # A tap on the list shown before the move: refused with the current card, nothing written.
    stale = await flow.press(CHAIR, "1", old_list)
    assert stale.alerts() == []
    deleted = await flow.press_data(CHAIR, f"yp:del:{pid}:{version}:{first}", old_list)
    assert deleted.alerts() == [
        "Кто-то только что изменил этот черновик; ваше изменение не сохранено. Вот текущая "
        "версия: внесите изменение ещё раз."
    ]
    assert await written(sm) == before
    # A field typed after someone else saved: refused, the current card shown.
    await flow.send(CHAIR, "/plan")
    await flow.press(CHAIR, "✏️ Цель")
    async with sm() as s:
        current = await plans.get_plan(s, team.world.chair, pid)
        await plans.set_field(
            s, team.world.chair, pid, current.version, plans.PlanField.TASKS, "Задача", clock.now()
        )
    before = await written(sm)
    late = await flow.send(CHAIR, "Цель, которую перезапишут")
    assert late.texts[0] == (
        "Кто-то только что изменил этот черновик; ваше изменение не сохранено. Вот текущая "
        "версия: внесите изменение ещё раз."
    )
    assert "<b>Задачи</b> Задача\n" in late.texts[1]
    assert await written(sm) == before


async def _other_chair_token(s: AsyncSession, team: Team, clock: FixedClock) -> str:
    other = await associations.create_association(
        s,
        ADMIN,
        kind=AssociationKind.RMO,
        name="РМО учителей физики",
        subject="физика",
        municipality_id=team.world.municipality_id,
        timezone="Asia/Novosibirsk",
        now=clock.now(),
    )
    return other.chair_token


def filled(rows: list[list[object]]) -> bytes:
    book = load_workbook(io.BytesIO(plan_xlsx.template_bytes("ru")))
    sheet = book.worksheets[0]
    for n, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(n, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_an_xlsx_is_previewed_then_applied_and_a_wrong_one_refused(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    pid = await drafted(sm, team, clock)
    async with sm() as s:
        await plans.add_row(
            s, team.world.chair, pid, 1, plans.RowInput(plans.DIRECTIONS[0], "Старая"), clock.now()
        )
    await flow.send(CHAIR, "/plan")
    template = await flow.press(CHAIR, "📄 Шаблон XLSX")
    [sent] = [c for c in template.calls if isinstance(c, SendDocument)]
    assert sent.document.filename == "plan_template_2026-2027.xlsx"  # type: ignore[union-attr]
    asked = await flow.press(CHAIR, "📥 Загрузить из XLSX")
    assert asked.texts == [
        "Пришлите заполненный шаблон XLSX файлом (не больше 1 МБ). Его строки заменят строки "
        "плана после предпросмотра. Или /cancel."
    ]
    # A file with a wrong row: every wrong cell named, nothing written, the step goes on.
    before = await written(sm)
    bad = filled(
        [
            [1, plans.DIRECTIONS[0], "Семинар", datetime(2026, 10, 1), "ИМЦ", "", "заседание"],
            [2, plans.DIRECTIONS[1], "Лагерь", datetime(2027, 9, 1), "", "", "вебинар"],
        ]
    )
    refused = await flow.send_document(CHAIR, "plan.xlsx", bad)
    assert refused.texts == [
        "Ничего не загружено: исправьте эти ячейки и пришлите файл ещё раз.\n"
        "Строка 3, столбец D («Дата (число, месяц, год)»): Дата должна входить в 2026/2027 "
        "учебный год: с 01.09.2026 по 31.08.2027.\n"
        "Строка 3, столбец G («Вид мероприятия»): Неизвестный вид мероприятия: напишите "
        "«заседание», «практический семинар» или «другое» либо оставьте ячейку пустой."
    ]
    # A file over the limit is refused before it is read.
    big = await flow.send_document(CHAIR, "plan.xlsx", b"x" * (plan_xlsx.MAX_BYTES + 1))
    assert big.texts == ["Файл слишком большой: не больше 1 МБ."]
    assert await written(sm) == before
    # A correct file: the preview, then «Применить».
    good = filled(
        [
            [1, plans.DIRECTIONS[0], "Семинар", datetime(2026, 10, 1), "ИМЦ", "", "заседание"],
            [2, "Своё направление", "Вебинар", "15.11.2026", "", "Гостев Пётр", ""],
        ]
    )
    preview = await flow.send_document(CHAIR, "plan.xlsx", good)
    assert preview.texts == [
        "<b>Файл в порядке.</b> Строк в нём: 2. Будет заменено строк плана: 1.\n"
        "Не в составе (оставлены как написаны): Гостев Пётр.\n"
        "Площадок нет в справочнике школ (оставлены как написаны): 1."
    ]
    assert labels(flow, CHAIR) == ["✅ Применить", "✖️ Отмена"]
    assert await written(sm) == before
    preview_message = flow.last(CHAIR, with_buttons=True)
    applied = await flow.press(CHAIR, "✅ Применить")
    assert "1. 01.10.2026 — Семинар · заседание · ИМЦ" in applied.texts[-1]
    assert (
        "<i>Своё направление</i>\n2. 15.11.2026 — Вебинар · другое · Гостев Пётр (не в составе)"
        in applied.texts[-1]
    )
    async with sm() as s:
        topics = (
            await s.scalars(
                select(AnnualPlanRow.topic)
                .where(AnnualPlanRow.plan_id == pid)
                .order_by(AnnualPlanRow.position)
            )
        ).all()
    assert list(topics) == ["Семинар", "Вебинар"]
    # A second tap on «Применить» (its preview is gone) writes nothing.
    after = await written(sm)
    twice = await flow.press_data(CHAIR, buttons(preview_message)[0][1])
    assert twice.alerts() == ["Эта кнопка устарела. Откройте список заново."]
    assert await written(sm) == after


async def test_the_card_in_english(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    flow.languages[CHAIR] = "en"
    card = await flow.send(CHAIR, "/plan")
    assert card.text == (
        "📅 <b>Work plan</b> — РМО учителей математики, school year 2026/2027\n"
        "There is no plan for this school year yet.\n"
        "Make a draft: fill it in here step by step, copy last year's plan or load the XLSX "
        "template."
    )
    assert labels(flow, CHAIR) == ["📝 Make the draft"]


async def test_last_years_plan_copied_approved_then_a_new_edition(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        chair, aid = team.world.chair, team.world.association_id
        last = await plans.create_draft(s, chair, aid, 2025, clock.now())
        await plans.add_row(
            s,
            chair,
            last.id,
            last.version,
            plans.RowInput(plans.DIRECTIONS[0], "Семинар", date(2025, 10, 15)),
            clock.now(),
        )
    await flow.send(CHAIR, "/plan")
    assert labels(flow, CHAIR) == ["📝 Создать черновик", "📋 Скопировать план 2025/2026"]
    copied = await flow.press(CHAIR, "📋 Скопировать")
    assert copied.alerts() == [
        "План прошлого года скопирован, даты сдвинуты на год: проверьте и исправьте его."
    ]
    assert copied.texts[-1].endswith(
        "<i>Информационная деятельность</i>\n1. 15.10.2026 — Семинар · другое"
    )
    # Approved (by a meeting: the approval's own flow; here written directly).
    async with sm() as s:
        await s.execute(
            update(AnnualPlan)
            .where(AnnualPlan.school_year == 2026)
            .values(status=PlanStatus.APPROVED, protocol_number=3, protocol_date=date(2026, 10, 20))
        )
        await s.commit()
        first = await s.scalar(select(AnnualPlan.id).where(AnnualPlan.school_year == 2026))
    card = await flow.send(CHAIR, "/plan")
    assert card.text.startswith(HEAD + "✅ утверждён — протокол № 3 от 20.10.2026\n")
    assert labels(flow, CHAIR) == ["🆕 Новая редакция", "📄 DOCX", "📊 XLSX", "🔄 Обновить"]
    # The approved edition's field, forged: refused, nothing written.
    before = await written(sm)
    forged = await flow.press_data(CHAIR, f"yf:{first}:1:theme")
    assert forged.alerts() == [
        "Эта редакция плана утверждена и больше не меняется. Изменение создаёт новую редакцию, "
        "её снова утверждают; утверждённая сохраняется."
    ]
    assert await written(sm) == before
    edition = await flow.press(CHAIR, "🆕 Новая редакция")
    assert edition.alerts() == ["Создана новая редакция: внесите изменения и утвердите её заново."]
    assert edition.texts[-1].startswith(HEAD + "📝 черновик · редакция 2\n")
    assert labels(flow, CHAIR) == [*EDITOR_BUTTONS[:6], "↕️ Строки", *EDITOR_BUTTONS[6:]]
    # The row typed again, with one's own direction, no date, venue or person responsible.
    await flow.press(CHAIR, "↕️ Строки")
    await flow.press(CHAIR, "1")
    await flow.press(CHAIR, "✏️ Заполнить заново")
    own = await flow.press(CHAIR, "✍️ Своё направление")
    assert own.texts == ["Напишите направление деятельности."]
    await flow.send(CHAIR, "Работа с родителями")
    await flow.send(CHAIR, "Собрание")
    october = await flow.press(CHAIR, "◀️")  # the calendar: November → October
    assert october.texts == [] and labels(flow, CHAIR)[0] == "Октябрь 2026"
    title = await flow.press(CHAIR, "Октябрь 2026")  # a label: answered, nothing else
    assert [type(c).__name__ for c in title.calls] == ["AnswerCallbackQuery"]
    assert title.alerts() == []
    stale = await flow.press_data(CHAIR, "cal:day:2026:10:15:plan:99999:1")  # another plan's
    assert stale.alerts() == ["Эта кнопка устарела. Откройте список заново."]
    await flow.press(CHAIR, "15")
    await flow.press(CHAIR, "другое")
    await flow.press(CHAIR, "Без площадки")
    done = await flow.press(CHAIR, "Никого")
    assert done.texts[-1].endswith("<i>Работа с родителями</i>\n1. 15.10.2026 — Собрание · другое")
    async with sm() as s:
        kept = await s.scalar(select(AnnualPlanRow.topic).where(AnnualPlanRow.plan_id == first))
    assert kept == "Семинар"  # the approved edition keeps its row


async def test_a_methodist_picks_the_association_and_reads_its_plan(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    await drafted(sm, team, clock)
    async with sm() as s:
        await _other_chair_token(s, team, clock)  # a second association of the service
        link = await invites.create_methodist_link(s, ADMIN, team.world.service_id, clock.now())
        await register(s, link.token, METHODIST, clock, name="Методист Службы")
    asked = await flow.send(METHODIST, "/plan")
    assert asked.texts == ["Чей план?"]
    assert labels(flow, METHODIST) == ["РМО учителей математики", "РМО учителей физики"]
    card = await flow.press(METHODIST, "РМО учителей математики")
    assert card.texts[-1].startswith(HEAD + "📝 черновик\n")
    assert labels(flow, METHODIST) == ["📄 DOCX", "📊 XLSX", "🔄 Обновить"]
    picker = min(flow.session.sent[METHODIST].values(), key=lambda m: m.message_id)
    other = await flow.press(METHODIST, "РМО учителей физики", picker)
    assert other.texts == [
        "📅 <b>План работы</b> — РМО учителей физики, 2026/2027 учебный год\n"
        "Плана на этот учебный год пока нет."
    ]


async def test_the_same_row_twice_is_refused_at_the_last_step(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    pid = await drafted(sm, team, clock)
    async with sm() as s:
        await plans.add_row(
            s, team.world.chair, pid, 1, plans.RowInput(plans.DIRECTIONS[0], "Семинар"), clock.now()
        )
    await flow.send(CHAIR, "/plan")
    await flow.press(CHAIR, "➕ Добавить строку")
    await flow.press(CHAIR, "Информационная деятельность")
    await flow.send(CHAIR, "семинар")
    await flow.press(CHAIR, "Без даты")
    await flow.press(CHAIR, "другое")
    await flow.press(CHAIR, "Без площадки")
    before = await written(sm)
    last = flow.last(CHAIR, with_buttons=True)
    refused = await flow.press(CHAIR, "Никого")
    assert refused.alerts() == [
        "Такая строка (направление, тема и дата) уже есть в плане: строка 1."
    ]
    assert await written(sm) == before
    assert flow.last(CHAIR, with_buttons=True) == last  # its button is left to try again


async def test_last_years_conclusions_offered_while_the_plan_is_drafted(
    flow: Flow, team: Team, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    """Issue 16: «Вывод», «Рекомендации», «Предложения …» of last year's analysis are offered
    as a starting list on the card of next year's plan, while it is made or a draft."""
    chair, aid = team.world.chair, team.world.association_id
    async with sm() as s:  # a section that is not offered: no button yet
        await analysis.write_section(s, chair, aid, 2025, "gifted", "Олимпиады", clock.now())
    await flow.send(CHAIR, "/plan")
    assert labels(flow, CHAIR) == ["📝 Создать черновик"]
    async with sm() as s:
        for key, text in (
            ("conclusion", "Работа велась по плану."),
            ("proposals", "Курсы по ФГОС & наставничество."),
        ):
            await analysis.write_section(s, chair, aid, 2025, key, text, clock.now())
    await flow.send(CHAIR, "/plan")
    assert labels(flow, CHAIR) == ["📋 Выводы анализа 2025/2026", "📝 Создать черновик"]
    offered = await flow.press(CHAIR, "📋 Выводы анализа")
    assert offered.alerts() == []
    assert offered.texts == [
        "<b>Из анализа работы за 2025/2026 учебный год</b> — чтобы составить план на "
        "2026/2027:\n"
        "\n<b>Вывод:</b>\nРабота велась по плану.\n"
        "\n<b>Предложения в план работы Управления образования на 2026/2027 уч. год:</b>\n"
        "Курсы по ФГОС &amp; наставничество."
    ]
    await flow.press(CHAIR, "📝 Создать черновик")
    assert labels(flow, CHAIR)[:2] == ["📋 Выводы анализа 2025/2026", "✏️ Тема"]
    # A member sees no such button and a forged one is refused, nothing sent but the answer.
    await flow.send(MEMBER, "/plan")
    assert not any(label.startswith("📋") for label in labels(flow, MEMBER))
    forged = await flow.press_data(MEMBER, f"yy:points:{aid}:2026")
    assert forged.alerts() == [FORBIDDEN]
    assert [type(c).__name__ for c in forged.calls] == ["AnswerCallbackQuery"]
    # Once approved the plan is no longer drafted: no offer.
    async with sm() as s:
        await s.execute(update(AnnualPlan).values(status=PlanStatus.APPROVED))
        await s.commit()
    await flow.send(CHAIR, "/plan")
    assert not any(label.startswith("📋") for label in labels(flow, CHAIR))
    flow.languages[CHAIR] = "en"
    english = await flow.press_data(CHAIR, f"yy:points:{aid}:2026")
    assert english.texts[0].startswith(
        "<b>From the analysis of the school year 2025/2026</b> — to draft the plan of 2026/2027:"
    )
