"""A roster sent as a file (issue 13): a malformed CSV is refused with its row named and
nothing added; a file that is no text (a workbook, a picture) is called so, not blamed on
HTML characters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Membership, Person
from services import roster
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from tests.factories import World, make_world
from tests.flow import Flow

BAD_LINE = (
    "Строка {line}: Кавычка открыта и не закрыта. Никто не добавлен; исправьте строку и "
    "отправьте список ещё раз."
)
NOT_TEXT = (
    "Это не CSV и не текстовый файл; ничего не добавлено. В Excel или Google Таблицах "
    "выберите «Сохранить как» / «Скачать» → CSV и отправьте этот файл или вставьте строки "
    "сюда."
)


def refused(data: bytes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        roster.parse_roster_file(data)
    return caught.value


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('ФИО;школа\n"Иванов Иван;МОУ\n', 2),  # the file: the quote never closes
        ('ФИО;школа\n"Иванов Иван;МОУ\nПетров Пётр;Школа 5\n', 2),  # it swallows the next
        ('Петров Пётр;Школа 5\n\nСидорова Анна;"МОУ "СОШ" 7";химия\n', 3),  # a stray quote
        ('Петров Пётр,Школа 5\r\n"Сидорова Анна,Лицей\r\nИванов Иван,МОУ\r\n', 2),
    ],
)
def test_an_unbalanced_quote_refuses_the_file_at_its_line(text: str, line: int) -> None:
    for encoding in ("utf-8", "cp1251"):
        error = refused(text.encode(encoding))
        assert error.code is ErrorCode.ROSTER_BAD_LINE, error
        assert error.params["line"] == line, error.params
        assert error.params["reason"] is ErrorCode.ROSTER_BAD_QUOTES


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00<workbook>" + bytes(300),  # an XLSX renamed .csv
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(300),  # an old XLS
        b"%PDF-1.7\n<< /Type /Catalog >>\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<>",
        bytes(range(256)) * 4,
        "Иванов Иван;<b>МОУ</b>\x00\x01\x02".encode(),
    ],
)
def test_a_binary_file_is_not_a_csv_or_text_file(data: bytes) -> None:
    assert refused(data).code is ErrorCode.ROSTER_NOT_TEXT


def test_well_formed_files_still_parse() -> None:
    data = (
        'ФИО;школа;предмет\r\n"Иванова Анна";"МБОУ ""СОШ № 5""";математика\r\n\r\n'
        "Петров Пётр;Школа 5;\r\n"
    ).encode("cp1251")
    assert roster.parse_roster_file(data) == [
        roster.RosterEntry("Иванова Анна", 'МБОУ "СОШ № 5"', "математика"),
        roster.RosterEntry("Петров Пётр", "Школа 5", None),
    ]
    commas = 'Иванова Анна,"МБОУ СОШ № 5, г. Омск",физика\nПетров Пётр,Школа 5,\n'.encode()
    assert roster.parse_roster_file(commas) == [
        roster.RosterEntry("Иванова Анна", "МБОУ СОШ № 5, г. Омск", "физика"),
        roster.RosterEntry("Петров Пётр", "Школа 5", None),
    ]
    # A bad name is named by its line in the file (blank lines and the header counted).
    error = refused("ФИО;школа\n\nИванова Анна;Школа 5\nИ;Школа 5\n".encode())
    assert (error.code, error.params["line"]) == (ErrorCode.ROSTER_BAD_LINE, 4)


async def people(sm: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sm() as s:
        persons = int(await s.scalar(select(func.count()).select_from(Person)) or 0)
        members = int(await s.scalar(select(func.count()).select_from(Membership)) or 0)
        return persons, members


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        return await make_world(s, clock)


async def test_a_malformed_or_binary_file_adds_nobody(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    before = await people(sm)
    chair = world.chair_tg
    await flow.send(chair, "/members")
    await flow.press(chair, "➕")
    reply = await flow.send_document(chair, "list.csv", 'ФИО;школа\n"Иванов Иван;МОУ\n'.encode())
    assert reply.texts == [BAD_LINE.format(line=2)]
    await flow.send(chair, "/members")
    await flow.press(chair, "➕")
    xlsx = b"PK\x03\x04\x14\x00\x06\x00<sheet>" + bytes(500)
    reply = await flow.send_document(chair, "list.csv", xlsx)
    assert reply.texts == [NOT_TEXT]
    assert await people(sm) == before
