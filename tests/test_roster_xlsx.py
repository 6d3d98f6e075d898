"""A roster sent as XLSX (issue 18, item 4): every row checked, each error named by its row
and column and the whole file refused; duplicates, broken bytes, wrong columns, oversize and
formulas refused; the data bank's export goes back in with no change, and new rows are added
(SQLite and PostgreSQL); through the chat, a preview first (the flow tests)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from documents.databank_xlsx import xlsx_bytes
from models import Membership, Person
from services import databank, roster
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.roster import MAX_ROSTER_BYTES, MAX_ROSTER_ROWS
from services.roster.xlsx import MAX_COLUMNS, MAX_SHEET_ROWS
from tests.factories import World, make_world, member_link, register
from tests.flow import Flow, buttons
from tests.xlsx_rows import built_off_the_loop


def book(*rows: list[Any], text: tuple[int, int] | None = None) -> bytes:
    """A workbook of `rows`; the cell at `text` (row, column) kept as text even with «=»."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if text is not None:
        sheet.cell(*text).data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused(data: bytes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        roster.parse_roster_xlsx(data)
    return caught.value


HEADER = ["ФИО", "Школа", "Предмет"]


def test_columns_in_any_order_others_ignored() -> None:
    data = book(
        [],
        ["Предмет", "Возраст", "фио:", "Место работы"],
        ["математика", 40, "Иванова Анна Петровна", "МОУ СОШ № 5"],
        [None, None, None, None],
        [None, 33, "Петров Сергей", None],
        ["=текст", None, "Сидоров Иван", "Лицей № 7"],  # a text starting with «=» is text
        text=(6, 1),
    )
    assert roster.parse_roster_xlsx(data) == [
        roster.RosterEntry("Иванова Анна Петровна", "МОУ СОШ № 5", "математика"),
        roster.RosterEntry("Петров Сергей", None, None),
        roster.RosterEntry("Сидоров Иван", "Лицей № 7", "=текст"),
    ]


def test_one_bad_row_refuses_the_file_naming_row_and_column() -> None:
    error = refused(
        book(HEADER, ["Иванова Анна Петровна", "МОУ СОШ № 5", None], ["Я", "Школа 2", None])
    )
    assert error.code is ErrorCode.ROSTER_BAD_CELL
    assert (error.params["row"], error.params["column"]) == (3, "ФИО")
    assert error.params["reason"] == ErrorCode.NAME_TOO_SHORT
    error = refused(book(HEADER, ["Иванова Анна", "МОУ", "<b>химия</b>"]))
    assert (error.params["row"], error.params["column"]) == (2, "Предмет")
    formula = book(HEADER, ["Иванова Анна", "=A1", None])
    error = refused(formula)
    assert (error.code, error.params["row"], error.params["column"]) == (
        ErrorCode.ROSTER_BAD_CELL, 2, "Школа",
    )  # fmt: skip
    assert error.params["reason"] == ErrorCode.ROSTER_FORMULA


def test_duplicates_wrong_columns_broken_and_oversize_are_refused() -> None:
    twice = book(HEADER, ["Иванова Анна", "МОУ СОШ № 5", None], ["иванова  анна", "Школа №5", None])
    error = refused(twice)
    assert (error.code, error.params["row"], error.params["first"]) == (
        ErrorCode.ROSTER_DUPLICATE, 3, 2,
    )  # fmt: skip
    # The same name at two schools: two people.
    assert len(roster.parse_roster_xlsx(book(HEADER, ["Иванова Анна", "Школа 1", None],
                                             ["Иванова Анна", "Школа 2", None]))) == 2  # fmt: skip
    assert refused(book(["Имя и фамилия", "Школа"], ["Иванова Анна", "МОУ"])).code is (
        ErrorCode.ROSTER_COLUMNS
    )
    assert refused(book(["ФИО", "ФИО"], ["Иванова Анна", "Иванова Анна"])).code is (
        ErrorCode.ROSTER_COLUMNS
    )
    assert refused(b"not a workbook at all").code is ErrorCode.ROSTER_NOT_XLSX
    assert refused(b"PK\x03\x04" + bytes(300)).code is ErrorCode.ROSTER_NOT_XLSX
    good = book(HEADER, ["Иванова Анна", None, None])
    assert refused(good[: len(good) // 2]).code is ErrorCode.ROSTER_NOT_XLSX
    assert refused(b"PK\x03\x04" + bytes(MAX_ROSTER_BYTES)).code is ErrorCode.ROSTER_TOO_BIG
    many = book(
        HEADER, *[[f"Учитель Номер{n:05d}", None, None] for n in range(MAX_ROSTER_ROWS + 1)]
    )
    assert refused(many).code is ErrorCode.ROSTER_TOO_BIG
    assert refused(book(HEADER)).code is ErrorCode.ROSTER_EMPTY


def forged(data: bytes, dimension: str, far_row: int | None = None) -> bytes:
    """`data` with its sheet's declared dimension replaced, and a cell at row `far_row`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = re.sub(
                    r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', content.decode()
                )
                if far_row is not None:
                    cell = f'<c r="A{far_row}" t="inlineStr"><is><t>Петров Пётр</t></is></c>'
                    xml = xml.replace(
                        "</sheetData>", f'<row r="{far_row}">{cell}</row></sheetData>'
                    )
                content = xml.encode()
            dst.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


class Counted:
    """Rows and cells the roster reader takes from openpyxl's read-only sheet."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # type: ignore[import-untyped]

        self.rows = self.cells = 0
        iter_rows = ReadOnlyWorksheet.iter_rows

        def counting(sheet: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            for row in iter_rows(sheet, *args, **kwargs):
                self.rows += 1
                self.cells += len(row)
                yield row

        monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting)


def test_a_declared_dimension_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few cells declared as A1:XFD300 (16,384 columns): only what is there is read, at most
    `MAX_COLUMNS` a row (openpyxl padded every row to the declared size)."""
    data = forged(book(HEADER, ["Иванова Анна", "МОУ СОШ № 5", None]), "A1:XFD300")
    counted = Counted(monkeypatch)
    assert roster.parse_roster_xlsx(data) == [
        roster.RosterEntry("Иванова Анна", "МОУ СОШ № 5", None)
    ]
    assert counted.rows == 2
    assert counted.cells <= 2 * MAX_COLUMNS


def test_a_row_far_down_is_refused_without_reading_up_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cell at row 1,048,576 (and the dimension saying 1): refused as too big once the rows
    pass `MAX_SHEET_ROWS`, not read row by row to the end of the sheet."""
    data = forged(book(HEADER, ["Иванова Анна", None, None]), "A1", far_row=1_048_576)
    counted = Counted(monkeypatch)
    assert refused(data).code is ErrorCode.ROSTER_TOO_BIG
    assert counted.rows <= MAX_SHEET_ROWS + 1
    # Within the bound a far row is read as any other.
    near = forged(book(HEADER, ["Иванова Анна", None, None]), "A1", far_row=MAX_SHEET_ROWS)
    assert [e.full_name for e in roster.parse_roster_xlsx(near)] == ["Иванова Анна", "Петров Пётр"]


async def test_the_data_bank_goes_back_in(session: AsyncSession, clock: FixedClock) -> None:
    world = await make_world(session, clock)
    await register(session, await member_link(session, world, clock), 3001, clock)
    bank = await databank.association_bank(session, world.chair, world.association_id, clock.now())
    exported = xlsx_bytes(bank, "ru")
    entries = roster.parse_roster_xlsx(exported)
    assert [e.full_name for e in entries] == ["Иванова Анна Петровна", "Петров Сергей Иванович"]
    preview = await roster.preview_people(session, world.chair, world.association_id, entries)
    assert preview.fresh == [] and len(preview.skipped) == 2
    added = await roster.add_people(
        session, world.chair, world.association_id, entries, clock.now()
    )
    assert added.links == []
    # A new row in the same workbook: created, with its school and subject.
    workbook = load_workbook(io.BytesIO(exported))
    workbook.active.append(["Новикова Ольга", "Гимназия № 2", "физика"])
    out = io.BytesIO()
    workbook.save(out)
    entries = roster.parse_roster_xlsx(out.getvalue())
    preview = await roster.preview_people(session, world.chair, world.association_id, entries)
    assert [e.full_name for e in preview.fresh] == ["Новикова Ольга"]
    added = await roster.add_people(
        session, world.chair, world.association_id, entries, clock.now()
    )
    assert [link.full_name for link in added.links] == ["Новикова Ольга"]
    count = await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.association_id == world.association_id)
    )
    assert count == 3


# ---------------------------------------------------------------- through the chat


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        return await make_world(s, clock)


async def _people(sm: async_sessionmaker[AsyncSession]) -> int:
    async with sm() as s:
        return int(await s.scalar(select(func.count()).select_from(Person)) or 0)


async def test_the_chat_previews_then_adds(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    read = built_off_the_loop(monkeypatch, "services.roster:parse_roster_xlsx")
    chair = world.chair_tg
    before = await _people(sm)
    await flow.send(chair, "/members")
    await flow.press(chair, "➕")
    data = book(HEADER, ["Иванова Анна Петровна", "МОУ СОШ № 5", "математика"],
                ["Петров Сергей Иванович", None, None])  # fmt: skip
    reply = await flow.send_document(chair, "список.xlsx", data)
    assert reply.texts[-1].startswith("Файл в порядке: строк — 2. Новых: 1; уже в списке: 1.")
    assert read == ["services.roster:parse_roster_xlsx"]  # in a worker thread, not on the loop
    assert "• Иванова Анна Петровна (МОУ СОШ № 5, математика)" in reply.texts[-1]
    assert [t for t, _ in buttons(flow.last(chair, with_buttons=True))] == [
        "✅ Добавить 1",
        "✖️ Отмена",
    ]
    assert await _people(sm) == before  # a preview writes nothing
    reply = await flow.press(chair, "Добавить 1")
    assert "Добавлено: 1." in reply.text
    assert await _people(sm) == before + 1
    # The same button again: stale, nothing added twice.
    again = await flow.press_data(chair, f"ri:{world.association_id}:1")
    assert again.alerts() and await _people(sm) == before + 1
    # Cancel adds nobody; a bad row is refused whole, named by row and column.
    await flow.send(chair, "/members")
    await flow.press(chair, "➕")
    await flow.send_document(chair, "b.xlsx", book(HEADER, ["Новикова Ольга", None, None]))
    reply = await flow.press(chair, "Отмена")
    assert "Ничего не добавлено." in reply.text and await _people(sm) == before + 1
    await flow.send(chair, "/members")
    await flow.press(chair, "➕")
    bad = book(HEADER, ["Новикова Ольга", None, None], ["Я", None, None])
    reply = await flow.send_document(chair, "c.xlsx", bad)
    assert reply.texts[-1].startswith("Строка 3, столбец «ФИО»: "), reply.texts
    assert await _people(sm) == before + 1
    reply = await flow.send_document(chair, "d.xlsx", b"garbage")
    assert "не читается как книга Excel" in reply.texts[-1]
    assert await _people(sm) == before + 1


async def test_the_chair_downloads_the_bank_under_the_roster(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiogram.methods import SendDocument

    built = built_off_the_loop(monkeypatch, "documents.databank_xlsx:xlsx_bytes")

    chair = world.chair_tg
    await flow.send(chair, "/members")
    reply = await flow.press(chair, "Банк данных XLSX")
    [document] = [c for c in reply.calls if isinstance(c, SendDocument)]
    exported = document.document.data  # type: ignore[union-attr]
    assert load_workbook(io.BytesIO(exported)).sheetnames == ["Банк данных", "Курсы и конкурсы"]
    assert built == ["documents.databank_xlsx:xlsx_bytes"]  # in a worker thread, not on the loop
