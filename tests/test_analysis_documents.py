"""The analysis DOCX and XLSX (issue 16, item 4): every heading of 000 Приложение 2 (and of
the table after the plan in Приложение 1) in the form's order and wording — quoted below from
the seed (its OCR'd tabs and breaks joined), the year filled in where the form has a blank —
A4, Times New Roman 14, margins 3 / 1.5 / 2 / 2 cm, header rows repeated, «нет данных» where
there is none, the same bytes for the same analysis; XLSX one sheet per table with numbers."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession

from documents.analysis import docx_bytes
from documents.analysis_xlsx import xlsx_bytes
from documents.protocol import PAGE_HEIGHT, PAGE_WIDTH
from services import analysis
from services.clock import FixedClock
from tests.analysis_world import NOW, seed
from tests.factories import make_world

# 000_edaccb96bec8e0b3.txt, the table after the plan (lines ~235-249) and Приложение 2
# (lines 251-340): each heading up to the form's blank «____».
FORM = (
    "Тема",
    "Цель",
    "Задачи",
    "Выводы по реализации поставленных задач и результативности их выполнения:",
    "Основные вопросы, рассмотренные в профессиональном объединении в",
    "Анализ работы профессионального объединения педагогов",
    "Посещаемость профессионального объединения в",
    "Основные выводы по посещаемости, проблемы, пути решения:",
    "Формат проведения профессионального объединения в",
    "Оценка эффективности деятельности профессионального объединения в",
    "Нереализованные задачи, темы, направления, нерешенные проблемы:",
    "Результаты повышения квалификации педагогов в",
    "Основные направления повышения квалификации:",
    "Учет форм повышения квалификации:",
    "Трансляция опыта",
    "Итоги работы профессионального объединения по совершенствованию профессионального мастерства",
    "Работа профессионального объединения по созданию условий для одаренных и талантливых детей",
    "Работа по обновлению содержания образования",
    "Удовлетворенность участников профессионального объединения собственной деятельностью "
    "(на основе проведенного опроса, анкетирования)",
    "Совершенствование профессионального мастерства педагогических работников на основе "
    "диагностики профессиональных дефицитов:",
    "Социальное партнерство (организации, цели сотрудничества, результат):",
    "Информационная открытость объединения",
    "Вывод:",
    "Рекомендации:",
    "Предложения в план работы Управления образования",
)
FORM_TABLES = (
    ("№", "Направление", "Количество человек", "%"),
    ("№", "Направление", "Всего человек", "%"),
    ("Показатели", "Документы", "Значения"),
)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def texts(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


async def test_the_docx_in_the_forms_order_and_layout(
    session: AsyncSession, clock: FixedClock
) -> None:
    seeded = await seed(session, clock)
    aid = seeded.world.association_id
    found = await analysis.analysis(session, seeded.world.chair, aid, NOW)
    sections = {"attendance": "Посещаемость стабильная.", "conclusion": "Год удался."}
    data = docx_bytes(found, sections)
    assert docx_bytes(found, sections) == data  # the same analysis, the same bytes
    paragraphs = texts(data)
    position = 0
    for heading in FORM:  # each in order
        found_at = next(
            (i for i in range(position, len(paragraphs)) if paragraphs[i].startswith(heading)),
            None,
        )
        assert found_at is not None, heading
        position = found_at + 1
    assert "Посещаемость профессионального объединения в 2026/2027 учебном году:" in paragraphs
    assert "Предложения в план работы Управления образования на 2027/2028 уч. год:" in paragraphs
    assert "Посещаемость стабильная." in paragraphs and "Год удался." in paragraphs
    assert "(заполняет руководитель)" in paragraphs  # a section not written yet

    document = Document(io.BytesIO(data))
    section = document.sections[0]

    def cm(*values: object) -> tuple[float, ...]:
        return tuple(round(int(str(v)) / 360000, 1) for v in values)

    assert cm(section.page_width, section.page_height) == (PAGE_WIDTH, PAGE_HEIGHT) == (21, 29.7)
    assert cm(section.left_margin, section.right_margin) == (3.0, 1.5)
    assert cm(section.top_margin, section.bottom_margin) == (2.0, 2.0)
    assert document.styles["Normal"].font.name == "Times New Roman"
    tables = document.tables
    for table in tables:
        assert table.rows[0]._tr.get_or_add_trPr().find(qn("w:tblHeader")) is not None
    headers = [tuple(c.text for c in t.rows[0].cells) for t in tables]
    for header in FORM_TABLES:
        assert header in headers
    attendance = tables[1]
    assert [c.text for c in attendance.rows[0].cells] == [
        "ОО",
        "10.10.2026",
        "15.12.2026",
        "20.02.2027",
    ]
    assert [c.text for c in attendance.rows[3].cells] == [
        "МОУ СОШ № 5",
        "2/3 (67 %)",
        "1/3 (33 %)",
        "2/2 (100 %)",
    ]
    assert [c.text for c in attendance.rows[-1].cells] == [
        "Всего",
        "3/5 (60 %)",
        "3/5 (60 %)",
        "5/6 (83 %)",
    ]
    experience = next(t for t in tables if t.rows[0].cells[2].text == "Всего человек")
    assert [c.text for c in experience.rows[-1].cells] == [
        "7.",
        "Опыт не транслировался",
        "2",
        "33 %",
    ]

    book = load_workbook(io.BytesIO(xlsx_bytes(found)))
    assert book.sheetnames == [
        "Посещаемость",
        "Форматы",
        "Направления",
        "Формы",
        "Трансляция опыта",
        "Диагностика",
        "Опросы",
        "Не проведено",
        "Вопросы",
    ]
    first = book[book.sheetnames[0]]
    rows = list(first.iter_rows(values_only=True))
    assert rows[0] == ("ОО", "Дата", "Присутствовали", "По списку", "%")
    assert ("МОУ СОШ № 5", "10.10.2026", 2, 3, 67) in rows
    assert ("Всего", "20.02.2027", 5, 6, 83) in rows
    experience_sheet = list(book["Трансляция опыта"].iter_rows(values_only=True))
    assert experience_sheet[-1] == (7, "Опыт не транслировался", 2, 33)


async def test_no_data_where_the_bot_has_none(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    found = await analysis.analysis(session, world.chair, world.association_id, NOW)
    paragraphs = texts(docx_bytes(found, {}))
    after = paragraphs.index(
        "Оценка эффективности деятельности профессионального объединения в 2026/2027 году "
        "(на основе проведенного опроса, анкетирования):"
    )
    assert paragraphs[after + 1] == "нет данных"  # no satisfaction survey ran
    assert "Тема: нет данных" in paragraphs
