"""The annual plan's files: the DOCX in the form of 000 Приложение 1 (its headings in the
form's order and wording, quoted below from the seed; A4, Times New Roman 14, margins
3/1.5/2/2 cm, the calendar table in a landscape section), and the XLSX: export with real
number and date cells, import parse → preview → apply, a round trip, a file with one bad row
refused whole (each wrong cell named by row and column, in the user's language), foreign,
malformed and oversized files refused. Services on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

import pytest
from aiogram.utils.i18n import I18n
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Length, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession

from documents import plan_xlsx
from documents.i18n import DOMAIN, LOCALES_DIR
from documents.plan import docx_bytes
from handlers.errors import error_text
from models import AnnualPlanRow, PlanRowKind, PlanStatus
from services import plans
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.plans import PlanContent, PlanRowContent, Responsible, RowInput
from tests.helpers import count
from tests.test_plans import NOW, Team, team
from tests.xlsx_rows import max_row_forbidden

# Quoted from 000_edaccb96bec8e0b3.txt, Приложение 1 (the scan's line breaks joined; its
# blanks «на ____ учебный год», «Протокол № от» filled by the plan).
FORM_APPROVAL = ("Утверждено на заседании", "Протокол № {number} от {date}")
FORM_HEADINGS = (
    "План работы профессионального объединения педагогов",
    "Методическая тема:",
    "Цель:",
    "Задачи",
    "Планируемый результат:",
    "Организационные формы работы:",
    "Календарно-тематическое планирование на {year} учебный год",
)
FORM_TABLE = (
    "Направление деятельности",
    "Форма работы, тема (семинар, мастер-класс и др)",
    "Дата (число, месяц, год)",
    "Площадка",
    "Ответственный исполнитель",
)
FORM_DIRECTIONS = (
    "Информационная деятельность",
    "Аналитическая деятельность",
    "Организационно-методическая деятельность",
    "Методическое обеспечение совершенствования педагогического мастерства, развития "
    "педагогического творчества",
    "Методическое сопровождение ЕГЭ и ОГЭ",
    "Методическое сопровождение реализации программ направленных на выявление и поддержку "
    "одаренных и талантливых детей, в том числе, детей с ОВЗ и оказавшихся в ТЖС",
    "Диагностическая работа",
    "Методическое сопровождение молодых учителей",
    "Методическое сопровождение по обновлению содержания образования",
)
FORM_HEAD = "Руководитель профессионального объединения"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def sample(locale: str = "ru", approved: bool = True) -> PlanContent:
    return PlanContent(
        plan_id=1,
        association="РМО учителей математики",
        association_kind="rmo",
        locale=locale,
        school_year=2026,
        edition=1,
        status=PlanStatus.APPROVED if approved else PlanStatus.DRAFT,
        theme="Функциональная грамотность",
        goal="Повышение компетентности",
        tasks="Изучить опыт\nПровести семинары",
        planned_result="Рост результатов",
        work_forms="Семинары, мастер-классы",
        rows=(
            PlanRowContent(
                1,
                FORM_DIRECTIONS[2],
                "Заседание 1",
                date(2026, 9, 25),
                PlanRowKind.MEETING,
                "ИМЦ",
                responsible=(Responsible("Петров С. И.", 5), Responsible("Гостева А. С.")),
            ),
            PlanRowContent(2, "Проектная деятельность", "Проекты", None, PlanRowKind.OTHER, None),
            PlanRowContent(
                3, FORM_DIRECTIONS[2], "Семинар", date(2027, 2, 12), PlanRowKind.SEMINAR, "Лицей"
            ),
        ),
        chair="Петров Сергей Иванович",
        protocol_number=3 if approved else None,
        protocol_date=date(2026, 8, 28) if approved else None,
    )


def _cm(*lengths: Length | None) -> tuple[float, ...]:
    """Lengths in centimetres, to a tenth of a millimetre (Word stores twentieths of a point)."""
    return tuple(round(length.cm, 2) if length is not None else -1.0 for length in lengths)


def _body(data: bytes) -> list[Paragraph | Table]:
    return list(Document(io.BytesIO(data)).iter_inner_content())


def test_the_docx_has_the_forms_headings_in_order_and_its_layout() -> None:
    data = docx_bytes(sample())
    document = Document(io.BytesIO(data))
    body = _body(data)
    paragraphs = [p for p in body if isinstance(p, Paragraph) and p.text.strip()]
    headings = [p.runs[0].text.strip() for p in paragraphs if p.runs and p.runs[0].bold]
    year = "2026/2027"
    assert headings == [h.format(year=year) for h in FORM_HEADINGS] + ["График заседаний"]
    texts = [p.text for p in paragraphs]
    assert texts[:6] == [
        FORM_APPROVAL[0],
        "РМО учителей математики",
        FORM_APPROVAL[1].format(number=3, date="28.08.2026"),
        FORM_HEADINGS[0],
        "РМО учителей математики",
        f"на {year} учебный год",
    ]
    assert texts[6:12] == [
        "Методическая тема: Функциональная грамотность",
        "Цель: Повышение компетентности",
        "Задачи Изучить опыт",
        "Провести семинары",
        "Планируемый результат: Рост результатов",
        "Организационные формы работы: Семинары, мастер-классы",
    ]
    assert texts[-1] == f"{FORM_HEAD} ____________ Петров Сергей Иванович"
    calendar, schedule = [t for t in body if isinstance(t, Table)]
    assert [c.text for c in calendar.rows[0].cells] == list(FORM_TABLE)
    # The nine directions in the form's order (each printed), then the chair's own; the
    # direction's cell is merged over its rows.
    first_column = [row.cells[0].text for row in calendar.rows[1:]]
    assert list(dict.fromkeys(first_column)) == [*FORM_DIRECTIONS, "Проектная деятельность"]
    assert [c.text for c in calendar.rows[3].cells] == [
        FORM_DIRECTIONS[2],
        "Заседание 1",
        "25.09.2026",
        "ИМЦ",
        "Петров С. И., Гостева А. С. (не в составе)",
    ]
    assert [c.text for c in calendar.rows[4].cells][1:3] == ["Семинар", "12.02.2027"]
    assert [[c.text for c in row.cells] for row in schedule.rows] == [
        ["Дата", "Тема", "Форма проведения"],
        ["25.09.2026", "Заседание 1", "заседание"],
        ["12.02.2027", "Семинар", "практический семинар"],
    ]
    portrait, landscape = document.sections
    assert portrait.orientation == WD_ORIENT.PORTRAIT
    assert _cm(portrait.page_width, portrait.page_height) == (21.0, 29.7)
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert _cm(landscape.page_width, landscape.page_height) == (29.7, 21.0)
    for section in (portrait, landscape):
        margins = (
            section.left_margin,
            section.right_margin,
            section.top_margin,
            section.bottom_margin,
        )
        assert _cm(*margins) == (3.0, 1.5, 2.0, 2.0)
    normal = document.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Times New Roman", Pt(14))


def test_an_unapproved_plan_leaves_the_forms_blanks_and_a_gmo_has_no_schedule() -> None:
    content = sample(approved=False)
    content = replace(content, association_kind="gmo")
    texts = [p.text for p in _body(docx_bytes(content)) if isinstance(p, Paragraph)]
    assert "Протокол № ____ от ____________" in texts
    assert "График заседаний" not in texts
    assert docx_bytes(content) == docx_bytes(content)  # the same plan, the same file
    # Dated by the plan (1 September of its year, unapproved), not by the clock of the call.
    with zipfile.ZipFile(io.BytesIO(docx_bytes(content))) as archive:
        stamps = {entry.date_time for entry in archive.infolist()}
    assert stamps == {(content.school_year, 9, 1, 12, 0, 0)}


def test_the_english_docx_is_in_english() -> None:
    texts = [p.text for p in _body(docx_bytes(sample("en"))) if isinstance(p, Paragraph)]
    assert "Work plan of the professional association of teachers" in texts
    assert "Protocol No. 3 of 28.08.2026" in texts


# ---------------------------------------------------------------- XLSX


async def drafted(session: AsyncSession, clock: FixedClock) -> tuple[Team, plans.PlanView]:
    t = await team(session, clock)
    chair = t.world.chair
    plan = await plans.create_draft(session, chair, t.world.association_id, 2026, NOW)
    member = t.member.person_id
    assert member is not None
    for typed in (
        RowInput(
            FORM_DIRECTIONS[0],
            "Заседание 1. Анализ ОГЭ",
            date(2026, 9, 25),
            PlanRowKind.MEETING,
            venue_text="ИМЦ",
            responsible_ids=(member,),
            responsible_names=("Гостева Анна Сергеевна",),
        ),
        RowInput("Проектная деятельность", "=Проекты", None, PlanRowKind.OTHER),
        RowInput(
            FORM_DIRECTIONS[4],
            "Практический семинар",
            date(2027, 2, 12),
            PlanRowKind.SEMINAR,
            venue_school_id=t.school_id,
        ),
    ):
        plan = await plans.add_row(session, chair, plan.id, plan.version, typed, NOW)
    return t, plan


async def test_the_xlsx_round_trip_gives_the_same_rows(
    session: AsyncSession, clock: FixedClock
) -> None:
    t, plan = await drafted(session, clock)
    chair = t.world.chair
    content = await plans.plan_content(session, chair, plan.id)
    with max_row_forbidden():  # rows counted, not found by scanning every cell
        data = plan_xlsx.plan_bytes(content)
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["№", *FORM_TABLE, "Вид мероприятия"]
    assert sheet["A2"].value == 1 and isinstance(sheet["A2"].value, int)
    assert sheet["D2"].value == datetime(2026, 9, 25) and sheet["D2"].number_format == "DD.MM.YYYY"
    assert sheet["F2"].value == "Смирнова Ольга Петровна; Гостева Анна Сергеевна (не в составе)"
    assert sheet["C3"].value == "'=Проекты"  # never a formula
    assert sheet["G4"].value == "практический семинар"
    parsed = plan_xlsx.read_sheet(data)
    preview = await plans.preview_import(session, chair, plan.id, parsed)
    assert (preview.version, preview.replaces, len(preview.rows)) == (plan.version, 3, 3)
    assert preview.off_roster == ("Гостева Анна Сергеевна",)
    after = await plans.apply_import(session, chair, preview, NOW)
    assert after.version == plan.version + 1
    unchanged = [r for r in content.rows if r.position != 2]
    assert [r for r in after.content.rows if r.position != 2] == unchanged
    assert after.content.rows[1].topic == "'=Проекты"  # what the cell held, kept as text
    # A preview of a draft changed meanwhile is not applied.
    await plans.set_field(session, chair, plan.id, after.version, plans.PlanField.GOAL, "Цель", NOW)
    with pytest.raises(DomainError) as caught:
        await plans.apply_import(session, chair, preview, NOW)
    assert caught.value.code is ErrorCode.DRAFT_CHANGED


def _filled(rows: list[list[object]], locale: str = "ru") -> bytes:
    book = load_workbook(io.BytesIO(plan_xlsx.template_bytes(locale)))
    sheet = book.worksheets[0]
    for n, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(n, column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ru_text(error: DomainError) -> str:
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    with i18n.context(), i18n.use_locale("ru"):
        return error_text(error)


async def test_a_file_with_one_bad_row_is_refused_whole_naming_its_cells(
    session: AsyncSession, clock: FixedClock
) -> None:
    t, plan = await drafted(session, clock)
    data = _filled(
        [
            [1, FORM_DIRECTIONS[0], "Семинар", datetime(2026, 10, 1), "ИМЦ", "", "заседание"],
            [
                2,
                "Своё направление",
                "Вебинар",
                "15.11.2026",
                "онлайн",
                "Смирнова Ольга Петровна",
                "",
            ],
            [None, None, None, None, None, None, None],  # an empty line is skipped
            [3, FORM_DIRECTIONS[1], "Летний лагерь", datetime(2027, 9, 1), "", "", "вебинар"],
            [4, FORM_DIRECTIONS[0], "семинар", "01.10.2026", "", "", ""],
        ]
    )
    with pytest.raises(DomainError) as caught:
        await plans.preview_import(session, t.world.chair, plan.id, plan_xlsx.read_sheet(data))
    error = caught.value
    assert error.code is ErrorCode.PLAN_IMPORT_INVALID
    assert [(e["row"], e["column"], e["reason"]) for e in error.params["errors"]] == [
        (5, "D", "plan_date_outside_year"),
        (5, "G", "plan_bad_kind"),
        (6, "C", "plan_duplicate_row"),
    ]
    assert ru_text(error) == (
        "Ничего не загружено: исправьте эти ячейки и пришлите файл ещё раз.\n"
        "Строка 5, столбец D («Дата (число, месяц, год)»): Дата должна входить в 2026/2027 "
        "учебный год: с 01.09.2026 по 31.08.2027.\n"
        "Строка 5, столбец G («Вид мероприятия»): Неизвестный вид мероприятия: напишите "
        "«заседание», «практический семинар» или «другое» либо оставьте ячейку пустой.\n"
        "Строка 6, столбец C («Форма работы, тема (семинар, мастер-класс и др)»): Такая строка "
        "(направление, тема и дата) уже есть в плане: строка 2."
    )
    assert await count(session, AnnualPlanRow) == 3  # nothing written
    # The same file without the bad lines is accepted; an English template too.
    good = await plans.preview_import(
        session,
        t.world.chair,
        plan.id,
        plan_xlsx.read_sheet(
            _filled(
                [[1, "Своё", "Тема", date(2026, 9, 10), "", "", "meeting of the association"]], "en"
            )
        ),
    )
    assert [(r.direction, r.day, r.kind) for r in good.rows] == [
        ("Своё", date(2026, 9, 10), PlanRowKind.MEETING)
    ]


def _workbook(header: Sequence[object], *rows: Sequence[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _code(data: bytes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        plan_xlsx.read_sheet(data)
    return caught.value


def test_foreign_malformed_and_oversized_files_are_refused() -> None:
    assert _code(b"PK\x03\x04 not really a zip").code is ErrorCode.PLAN_XLSX_UNREADABLE
    assert _code(b"%PDF-1.4").code is ErrorCode.PLAN_XLSX_UNREADABLE
    bomb = io.BytesIO()  # small packed, huge unpacked: refused before openpyxl reads it
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (plan_xlsx.MAX_UNPACKED + 1))
    assert len(bomb.getvalue()) < plan_xlsx.MAX_BYTES
    assert _code(bomb.getvalue()).code is ErrorCode.PLAN_XLSX_UNREADABLE
    too_big = _code(b"0" * (plan_xlsx.MAX_BYTES + 1))
    assert (too_big.code, too_big.params) == (ErrorCode.FILE_TOO_BIG, {"max_mb": 1})
    foreign = _code(_workbook(["ФИО", "Школа"], ["Иванов", "СОШ 1"]))
    assert foreign.code is ErrorCode.PLAN_XLSX_COLUMNS
    assert foreign.params["found"] == ["ФИО", "Школа"]
    assert ru_text(foreign).startswith(
        "Это не шаблон плана: в первой строке должны быть столбцы «№», «Направление деятельности»"
    )
    header = ["№", *FORM_TABLE]  # the kind's column missing
    assert _code(_workbook(header, [1, "А", "Б"])).code is ErrorCode.PLAN_XLSX_COLUMNS
    full = [*header, "Вид мероприятия"]
    extra = _code(_workbook(full, [1, "А", "Б", None, None, None, None, "лишнее"]))
    assert extra.code is ErrorCode.PLAN_XLSX_COLUMNS
    assert _code(plan_xlsx.template_bytes("ru")).code is ErrorCode.PLAN_XLSX_EMPTY
