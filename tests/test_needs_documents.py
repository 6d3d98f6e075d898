"""Needs monitoring's documents (issue 18, items 1 and 3), on SQLite and PostgreSQL: the
breakdown's XLSX read back (numbers as numbers, frozen header, autofilter, «недостаточно
ответов» for the gymnasium of an anonymous survey), a school's one-page DOCX read back (the
school, its figures or «недостаточно ответов», A4, margins, Times New Roman 14), and the
needs and overview charts are valid PNGs."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from documents import needs_xlsx
from documents.needs import chart_png, docx_bytes
from documents.overview_chart import chart_png as overview_png
from services import needs, overview
from services.clock import FixedClock
from tests.factories import ADMIN
from tests.needs_world import GYMNASIUM, LYCEUM, NOW, needs_world

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def text_of(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return lines


def cm(*values: object) -> tuple[float, ...]:
    return tuple(round(int(str(v)) / 360000, 1) for v in values)


async def test_the_xlsx_reads_back(session: AsyncSession, clock: FixedClock) -> None:
    w = await needs_world(session, clock)
    found = await needs.breakdown(session, ADMIN, NOW)
    book = load_workbook(io.BytesIO(needs_xlsx.xlsx_bytes(found, "ru")))
    assert book.sheetnames == ["По направлениям", "По форматам", "По предметам", "По школам"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    directions = [[c.value for c in row] for row in book["По направлениям"].iter_rows()]
    assert directions[0] == ["Вариант", "Ответы", "%"]
    first = found.total.directions[0]
    assert directions[1] == [first.label, 3, 50]  # numbers as numbers
    assert [r[1:] for r in directions[1:]] == [[s.count, s.percent] for s in found.total.directions]
    by_school = [[c.value for c in row] for row in book["По школам"].iter_rows(min_row=2)]
    assert [GYMNASIUM, None, None, None, None, None, "недостаточно ответов"] in by_school
    lyceum = [r for r in by_school if r[0] == LYCEUM]
    assert {r[1] for r in lyceum} == {3} and all(isinstance(r[4], int) for r in lyceum)
    assert sum(1 for r in lyceum if r[2] == "Направления поддержки") == 3
    subjects = [[c.value for c in row] for row in book["По предметам"].iter_rows(min_row=2)]
    assert ["физика", None, None, None, None, None, "недостаточно ответов"] in subjects
    assert w.survey_id


@pytest.mark.parametrize("anonymous", [True, False])
async def test_a_schools_docx_reads_back(
    session: AsyncSession, clock: FixedClock, anonymous: bool
) -> None:
    w = await needs_world(session, clock, anonymous=anonymous)
    summary = await needs.school_summary(session, ADMIN, NOW, w.schools[GYMNASIUM])
    data = docx_bytes(summary, "ru", NOW)
    lines = text_of(data)
    assert "Профессиональные потребности педагогов: сводка по образовательной организации" in lines
    assert GYMNASIUM in lines and "Методическая служба: ИМЦ Ленинского района" in lines
    assert "Учебный год: 2026/2027" in lines and "Педагогов в объединениях: 2" in lines
    assert "Их посещаемость заседаний в этом учебном году: —" in lines
    if anonymous:  # two answers of an anonymous survey: no figure at all
        assert "Ответов на опрос потребностей: недостаточно ответов" in lines
        assert Document(io.BytesIO(data)).tables == []
        assert not any("50" in line for line in lines)
    else:
        assert "Ответов на опрос потребностей: 2" in lines
        shares = {s.label: s for s in summary.needs.directions}
        assert len(shares) == 2 and {s.percent for s in shares.values()} == {50}
        for label in shares:
            assert f"{label} | 1 | 50" in lines
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert cm(section.page_width, section.page_height) == (21.0, 29.7)
    assert cm(section.left_margin, section.right_margin) == (3.0, 1.5)
    assert cm(section.top_margin, section.bottom_margin) == (2.0, 2.0)
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt if normal.size else None) == ("Times New Roman", 14)


async def test_the_charts_are_pngs(session: AsyncSession, clock: FixedClock) -> None:
    await needs_world(session, clock)
    found = await needs.breakdown(session, ADMIN, NOW)
    for data in (
        chart_png(found, "ru"),
        chart_png(found.by_school[0], "en"),  # a hidden group: a chart that says so
        overview_png(await overview.overview(session, ADMIN, NOW), "ru"),
    ):
        assert data.startswith(PNG)
        image = Image.open(io.BytesIO(data))
        image.verify()
        assert image.format == "PNG" and image.width >= 800
