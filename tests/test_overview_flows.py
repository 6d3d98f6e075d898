"""/overview and «🗂 Обзор» through the Dispatcher (issue 18): the methodist's page by
attention, a tap into an association's card and back, both languages; a member refused, a
forged button for another service's association and a stale page answered, nothing
written."""

from __future__ import annotations

import io

import pytest
from aiogram.methods import SendDocument, SendPhoto
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AssociationKind
from services import associations, invites
from services.clock import FixedClock
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.flow import Flow, buttons
from tests.test_flows import snapshot
from tests.xlsx_rows import built_off_the_loop

TEACHER, METHODIST, FOREIGN = 3001, 6001, 7001
NAME = "РМО учителей математики"
REFUSED = "У вас нет прав на это действие. Ничего не изменилось."


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        world = await make_world(s, clock)
        await register(s, await member_link(s, world, clock), TEACHER, clock)
        link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
        await register(s, link.token, METHODIST, clock, name="Методист Службы")
        other = await associations.create_service(s, ADMIN, "ИМЦ Кировского района", clock.now())
        link = await invites.create_methodist_link(s, ADMIN, other.id, clock.now())
        await register(s, link.token, FOREIGN, clock, name="Чужой Методист")
        return world


async def test_the_methodist_opens_the_overview_and_a_card(
    flow: Flow,
    world: World,
    sm: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    makers = ("documents.overview_xlsx:xlsx_bytes", "documents.overview_chart:chart_png",
              "documents.databank_xlsx:xlsx_bytes")  # fmt: skip
    built = built_off_the_loop(monkeypatch, *makers)
    async with sm() as s:
        await associations.create_association(
            s, ADMIN, kind=AssociationKind.GMO, name="ГМО учителей истории", subject=None,
            municipality_id=world.municipality_id, timezone="Asia/Novosibirsk", now=clock.now(),
        )  # fmt: skip
    before = await snapshot(sm)
    reply = await flow.send(METHODIST, "/overview")
    # 22 November: the plan's deadline (1 October) passed (a compliance finding when the
    # daily check runs); no needs survey yet: amber for both, the РМО first by name.
    assert reply.texts == [
        "\n".join(
            [
                "🗂 <b>Обзор</b>: ИМЦ Ленинского района",
                "Объединений: 2 (🔴 0 · 🟠 2 · 🟢 0); страница 1 из 1",
                "",
                "1. 🟠 <b>ГМО учителей истории</b>",
                "заседаний 0 + 0 из — · посещаемость — · банк данных —",
                "в этом учебном году не было опроса потребностей",
                "",
                f"2. 🟠 <b>{NAME}</b>",
                "заседаний 0 + 0 из 4 · посещаемость — · банк данных 25 %",
                "в этом учебном году не было опроса потребностей",
            ]
        )
    ]
    page = flow.last(METHODIST, with_buttons=True)
    assert [text for text, _ in buttons(page)] == [
        "1. 🟠 ГМО учителей истории",
        f"2. 🟠 {NAME}",
        "📊 XLSX",
        "🖼 График",
        "📈 Потребности",
        "⬇️ Банк данных XLSX",
    ]
    got = await flow.press(METHODIST, "XLSX", page)
    [document] = [c for c in got.calls if isinstance(c, SendDocument)]
    assert document.document.filename == "overview_2026-11-22.xlsx"  # type: ignore[union-attr]
    data = document.document.data  # type: ignore[union-attr]
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Сводка", "ИМЦ Ленинского района"]
    assert [c.value for c in book["ИМЦ Ленинского района"]["B"]][1:] == [
        "ГМО учителей истории",
        NAME,
    ]
    got = await flow.press(METHODIST, "График", page)
    [photo] = [c for c in got.calls if isinstance(c, SendPhoto)]
    assert photo.photo.filename == "overview_2026-11-22.png"  # type: ignore[union-attr]
    # Issue 18, item 4: the service's data bank, one row per person, as XLSX.
    got = await flow.press(METHODIST, "Банк данных XLSX", page)
    [document] = [c for c in got.calls if isinstance(c, SendDocument)]
    assert built == list(makers)  # each in a worker thread, not on the event loop
    assert document.document.filename == "data_bank_2026-11-22.xlsx"  # type: ignore[union-attr]
    book = load_workbook(io.BytesIO(document.document.data))  # type: ignore[union-attr]
    assert book.sheetnames == ["Банк данных", "Курсы и конкурсы"]
    assert [c.value for c in book["Банк данных"]["A"]] == [
        "ФИО",
        "Иванова Анна Петровна",
        "Петров Сергей Иванович",
    ]
    card = await flow.press(METHODIST, NAME, page)
    assert card.texts[-1] == "\n".join(
        [
            f"🟠 <b>{NAME}</b>",
            "Служба: ИМЦ Ленинского района",
            "Район: Ленинский район",
            "Вид: районное методическое объединение (РМО)",
            "Руководитель: Петров Сергей Иванович",
            "Участники: подключились 2 из 2 по списку; с правом голоса (M): 2",
            "Банк данных заполнен: 25 %",
            "Заседания: проведено 0, запланировано 0, минимум 4",
            "Средняя посещаемость в этом учебном году: —",
            "Последнее заседание: —",
            "Протоколов просрочено: 0",
            "Открытых замечаний: 0",
            "Опрос потребностей в этом учебном году: нет",
            "План утверждён: нет",
            "Анализ работы принят: —",
            "",
            "Внимание: в этом учебном году не было опроса потребностей",
        ]
    )
    back = await flow.press(METHODIST, "К обзору", flow.last(METHODIST, with_buttons=True))
    assert back.texts[-1] == reply.texts[0]
    # The menu button does the same as the command.
    assert (await flow.send(METHODIST, "🗂 Обзор")).texts == reply.texts
    # In English.
    flow.languages[METHODIST] = "en"
    async with sm() as s:
        from sqlalchemy import update

        from models import Person

        await s.execute(
            update(Person).where(Person.full_name == "Методист Службы").values(locale="en")
        )
        await s.commit()
    english = await flow.send(METHODIST, "/overview")
    assert english.texts[0].split("\n")[:2] == [
        "🗂 <b>Overview</b>: ИМЦ Ленинского района",
        "Associations: 2 (🔴 0 · 🟠 2 · 🟢 0); page 1 of 1",
    ]
    assert english.texts[0].endswith("no needs survey this school year")
    assert await snapshot(sm) == before


async def test_others_are_refused_and_nothing_changes(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    before = await snapshot(sm)
    for person in (TEACHER, world.chair_tg):
        assert (await flow.send(person, "/overview")).texts == [REFUSED]
    # Another service's methodist: a forged card of this service, or this service's pages.
    forged = await flow.press_data(FOREIGN, f"ov:op:0:0:{world.association_id}")
    assert forged.alerts() == [REFUSED]
    forged = await flow.press_data(FOREIGN, f"ov:pg:{world.service_id}:0:0")
    assert forged.alerts() == [REFUSED]
    # Nor this service's data bank, nor one association's (issue 18, item 4): no file sent.
    for data in (f"ov:bk:{world.service_id}:0:0", f"db:{world.association_id}"):
        forged = await flow.press_data(FOREIGN, data)
        assert forged.alerts() == [REFUSED]
        assert not [c for c in forged.calls if isinstance(c, SendDocument)]
    for person in (TEACHER, world.chair_tg):  # the chair has the association's, not the service's
        forged = await flow.press_data(person, f"ov:bk:{world.service_id}:0:0")
        assert forged.alerts() == [REFUSED]
    forged = await flow.press_data(TEACHER, f"db:{world.association_id}")
    assert forged.alerts() == [REFUSED]
    # The right association under a wrong service: not found.
    mine = await flow.press_data(
        METHODIST, f"ov:op:{world.service_id + 1}:0:{world.association_id}"
    )
    assert mine.alerts() == ["Ничего не найдено. Возможно, это уже удалено."]
    # A stale page: the last one.
    stale = await flow.press_data(METHODIST, f"ov:pg:{world.service_id}:7:0")
    assert stale.texts[-1].startswith("🗂 <b>Обзор</b>: ИМЦ Ленинского района")
    assert "страница 1 из 1" in stale.texts[-1]
    assert await snapshot(sm) == before
