"""A centre's methodist end to end (issue 18, item 2; the app on the fake Bot API): /overview
lists the associations of the centre and of its two services with the service and district,
a tap opens one's card, the XLSX comes with a sheet per service carrying those columns; an
announcement to the chairs of the two services shows its recipients and the time, and the
summary reports per service and per association. A district service's methodist forging the
centre's buttons, and an empty selection, are refused and change nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook  # type: ignore[import-untyped]

from models import Announcement
from services.clock import FixedClock
from services.errors import ErrorCode
from tests.app import running, started
from tests.centre_world import centre_world
from tests.e2e import Person
from tests.helpers import count, find, forge, press, refusal

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
CENTRE, NORTH = 3900, 3901
PEOPLE = (3100, 3101, 3200, 3201, 3300, 3301, CENTRE, NORTH)
ABDULINO = "РМО учителей математики Абдулино"


async def test_a_centres_methodist_overview_export_and_announcement(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        async with sm() as s:
            w = await centre_world(s, clock)
            await s.commit()
        for user in PEOPLE:
            tg.add_user(user, f"User {user}")
            tg.open_chat(user)
        async with started(tg, sm, clock) as app:
            me = Person(tg, CENTRE)
            page = await me.say("/overview", "Обзор")
            assert "Объединений: 3" in page["text"]
            assert "🏛 ИМЦ Абдулинского района · 📍 Абдулинский район" in page["text"]
            assert "🏛 ММЦ г. Бугуруслан · 📍 г. Бугуруслан" in page["text"]
            card = await me.tap(page, ABDULINO, "Район:", new=False)
            assert "Служба: ИМЦ Абдулинского района" in card["text"]
            assert "Район: Абдулинский район" in card["text"]
            page = await me.tap(card, "К обзору", "Обзор", new=False)
            sent = await me.tap(page, "XLSX")
            data = tg.file_content(sent["document"]["file_id"])
            book = load_workbook(io.BytesIO(data))
            assert book.sheetnames == [
                "Сводка",
                "ИМЦ Абдулинского района",
                "ИМЦ Асекеевского района",
                "ММЦ г. Бугуруслан",
            ]
            sheet = book["ИМЦ Абдулинского района"]
            assert [c.value for c in sheet[1]][1:4] == ["Объединение", "Служба", "Район"]
            assert [c.value for c in sheet[2]][1:4] == [
                ABDULINO,
                "ИМЦ Абдулинского района",
                "Абдулинский район",
            ]

            # A district service's methodist: the centre's and a sibling's buttons refused.
            north = Person(tg, NORTH)
            theirs = await north.say("/overview", "Обзор")
            assert "Объединений: 1" in theirs["text"]
            forbidden, missing = ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND
            for data_, code in (
                (f"ov:op:0:0:{w.centre.association_id}", forbidden),
                (f"ov:op:0:0:{w.south.association_id}", forbidden),
                (f"ov:op:{w.north.service_id}:0:{w.south.association_id}", missing),
                (f"ov:pg:{w.centre.service_id}:0:0", forbidden),
                (f"ov:xl:{w.south.service_id}:0:0", forbidden),
                (f"au:t:{w.centre.service_id}:{w.north.service_id}", forbidden),
            ):
                assert await forge(tg, NORTH, theirs, data_) == refusal(app, code), data_

            # The announcement: the two services, the chairs only.
            asked = await me.say("/announce", "Кому адресовано объявление?")
            choose = await me.tap(asked, "Все объединения «ММЦ г. Бугуруслан»", "Отметьте")
            assert "Выбрано служб: 3" in choose["text"]
            for name in ("ММЦ г. Бугуруслан", "ИМЦ Абдулинского района", "ИМЦ Асекеевского"):
                choose = await me.tap(choose, f"✅ {name}", new=False)
            assert "Выбрано служб: 0" in choose["text"]
            empty = await press(tg, CENTRE, choose, "Далее")
            assert empty == refusal(app, ErrorCode.SELECTION_EMPTY)
            async with sm() as s:
                assert await count(s, Announcement) == 0
            for name in ("ИМЦ Абдулинского района", "ИМЦ Асекеевского"):
                choose = await me.tap(choose, f"▫️ {name}", new=False)
            choose = await me.tap(choose, "Только руководители: нет", new=False)
            assert "Получатели: только руководители" in choose["text"]
            await me.tap(choose, "Далее", "Напишите объявление")
            preview = await me.say("Семинар ММЦ по подготовке к ОГЭ 10 декабря", "Получателей")
            assert "Получателей: 2." in preview["text"]
            assert "Кому: только руководители. Рассылка займёт ≈ 1 с" in preview["text"]
            await me.tap(preview, "Отправить (2)", "")
            await app.settle()
            await app.settle()  # the summary, enqueued when the broadcast finished
            for chair in (3200, 3300):
                [got] = [m for m in tg.messages(chair) if "Семинар ММЦ" in m.get("text", "")]
                assert got["text"].startswith(
                    "📣 Объявление для руководителей объединений · ММЦ г. Бугуруслан"
                )
            for other in (3100, 3201, 3301):
                assert not any("Семинар ММЦ" in m.get("text", "") for m in tg.messages(other))
            summary = find(app, CENTRE, "По службам и объединениям")["text"]
            assert "доставлено 2 из 2" in summary
            assert (
                "🏛 ИМЦ Абдулинского района: доставлено 1, не доставлено 0, "
                "заблокировали бота 0" in summary
            )
            # Every association reached: one line, not a line each.
            assert ABDULINO not in summary
            assert "  • 1 объединение: всё доставлено" in summary
            assert "🏛 ИМЦ Асекеевского района: доставлено 1" in summary
