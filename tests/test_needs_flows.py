"""«📈 Потребности» and «🖼 График» under the overview through the Dispatcher (issue 18,
items 1 and 3): the methodist reads the needs, gets the chart, the XLSX and a school's DOCX
from the paged list; a teacher, another service's methodist and forged school or service
buttons are refused in the user's language, nothing sent and nothing written."""

from __future__ import annotations

import io

import pytest
from aiogram.methods import SendDocument, SendPhoto
from docx import Document
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import associations, invites
from services.clock import FixedClock
from tests.factories import ADMIN, register
from tests.flow import Flow, Reply, buttons
from tests.needs_world import GYMNASIUM, LYCEUM, THIRD, NeedsWorld, needs_world
from tests.test_flows import snapshot
from tests.xlsx_rows import built_off_the_loop

METHODIST, FOREIGN, TEACHER = 6001, 7001, 3001
REFUSED = "У вас нет прав на это действие. Ничего не изменилось."
NOT_FOUND = "Ничего не найдено. Возможно, это уже удалено."


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> NeedsWorld:
    async with sm() as s:
        w = await needs_world(s, clock)
        link = await invites.create_methodist_link(s, ADMIN, w.world.service_id, clock.now())
        await register(s, link.token, METHODIST, clock, name="Методист Службы")
        other = await associations.create_service(s, ADMIN, "ИМЦ Кировского района", clock.now())
        link = await invites.create_methodist_link(s, ADMIN, other.id, clock.now())
        await register(s, link.token, FOREIGN, clock, name="Чужой Методист")
        return w


def sent(reply: Reply) -> list[object]:
    return [c for c in reply.calls if isinstance(c, SendDocument | SendPhoto)]


async def test_the_methodist_reads_the_needs_and_downloads_them(
    flow: Flow,
    world: NeedsWorld,
    sm: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    makers = ("documents.needs:chart_png", "documents.needs_xlsx:xlsx_bytes",
              "documents.needs:docx_bytes")  # fmt: skip
    built = built_off_the_loop(monkeypatch, *makers)
    before = await snapshot(sm)
    await flow.send(METHODIST, "/overview")
    page = flow.last(METHODIST, with_buttons=True)
    [photo] = sent(await flow.press(METHODIST, "График", page))
    assert isinstance(photo, SendPhoto)
    assert photo.photo.data.startswith(b"\x89PNG")  # type: ignore[union-attr]
    shown = await flow.press(METHODIST, "Потребности", page)
    lines = shown.texts[-1].split("\n")
    assert lines[:2] == [
        "📈 <b>Потребности</b>: ИМЦ Ленинского района",
        "Учебный год 2026/2027; учтено опросов потребностей: 1; ответов: 6",
    ]
    assert "<b>Направления поддержки</b>" in lines and "<b>Предпочтительные форматы</b>" in lines
    assert lines[-1] == "Групп с недостаточным числом ответов (цифры не показаны): 4"
    needs = flow.last(METHODIST, with_buttons=True)
    assert [t for t, _ in buttons(needs)] == [
        "🖼 График", "📊 XLSX", "🏫 Сводка по школе", "◀️ К обзору"
    ]  # fmt: skip
    [photo] = sent(await flow.press(METHODIST, "График", needs))
    assert photo.photo.data.startswith(b"\x89PNG")  # type: ignore[attr-defined]
    [document] = sent(await flow.press(METHODIST, "XLSX", needs))
    assert isinstance(document, SendDocument)
    book = load_workbook(io.BytesIO(document.document.data))  # type: ignore[union-attr]
    assert book.sheetnames == ["По направлениям", "По форматам", "По предметам", "По школам"]
    listed = await flow.press(METHODIST, "Сводка по школе", needs)
    assert listed.texts[-1].endswith("страница 1 из 1")
    picker = flow.last(METHODIST, with_buttons=True)
    assert [t for t, _ in buttons(picker)] == [
        f"🏫 {GYMNASIUM}", f"🏫 {THIRD}", f"🏫 {LYCEUM}", "◀️ Назад к потребностям"
    ]  # fmt: skip
    [document] = sent(await flow.press(METHODIST, GYMNASIUM, picker))
    assert isinstance(document, SendDocument)
    name = document.document.filename  # type: ignore[union-attr]
    assert name == f"needs_school_{world.schools[GYMNASIUM]}_2026-11-22.docx"
    text = [p.text for p in Document(io.BytesIO(document.document.data)).paragraphs]  # type: ignore[union-attr]
    assert GYMNASIUM in text and "Ответов на опрос потребностей: недостаточно ответов" in text
    assert built == list(makers)  # each in a worker thread, not on the event loop
    back = await flow.press(METHODIST, "Назад к потребностям", picker)
    assert back.texts[-1] == shown.texts[-1]
    assert await snapshot(sm) == before


async def test_others_and_forged_buttons_are_refused(
    flow: Flow, world: NeedsWorld, sm: async_sessionmaker[AsyncSession]
) -> None:
    before = await snapshot(sm)
    service, school = world.world.service_id, world.schools[LYCEUM]
    for person, data, alert in (
        (TEACHER, "nd:sh:0:0:0", REFUSED),
        (TEACHER, f"nd:sd:0:0:{school}", REFUSED),
        (world.world.chair_tg, "nd:xl:0:0:0", REFUSED),
        (FOREIGN, f"nd:sh:{service}:0:0", REFUSED),
        (FOREIGN, f"nd:ch:{service}:0:0", REFUSED),
        (FOREIGN, f"nd:ss:{service}:0:0", REFUSED),
        (FOREIGN, f"nd:sd:{service}:0:{school}", REFUSED),
        (FOREIGN, f"nd:sd:0:0:{school}", NOT_FOUND),  # not a school of theirs
        (FOREIGN, f"ov:ch:{service}:0:0", REFUSED),
        (METHODIST, "nd:sd:0:0:999999", NOT_FOUND),  # a forged school
        (METHODIST, f"nd:xl:{service + 1}:0:0", REFUSED),  # a forged service
    ):
        got = await flow.press_data(person, data)
        assert (got.alerts(), sent(got)) == ([alert], []), (person, data)
    assert await snapshot(sm) == before
