"""The daily compliance check end to end (the app on the fake Bot API, the injected clock):
an ММА's quarter reaches its last month with no meeting, the chair gets one finding with its
button (which starts a meeting's draft), the methodist one digest a day; the job run again
sends nothing; when the quarter ends, the closing finding «период закрыт с нарушением»."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from models import Association, AssociationKind
from services import invites
from services.clock import FixedClock
from tests.app import running, started
from tests.e2e import Person
from tests.factories import ADMIN, register
from tests.helpers import CHAIR, got, seed, texts

METHODIST = 6001
NOV_30 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 08:00 in Novosibirsk
NAME = "РМО учителей математики"
QUARTER = "IV квартал 2026 года: проведено заседаний: 0, запланировано: 0"
CLOSED = "Период закрыт с нарушением: IV квартал 2026 года, проведено заседаний: 0 из не менее 1"
DIGEST = "📋 Новые замечания проверки по положениям"


async def test_a_quarter_without_meetings(db_url: str) -> None:
    clock = FixedClock(NOV_30)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with sm() as s:
            await s.execute(
                update(Association)
                .where(Association.id == world.association_id)
                .values(kind=AssociationKind.MMA)
            )
            await s.commit()
            link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
            await register(s, link.token, METHODIST, clock, name="Методист Службы")
        tg.add_user(METHODIST, "Methodist")
        tg.open_chat(METHODIST)
        async with started(tg, sm, clock) as app:
            # 30 November: the quarter's last month has not begun; the plan is missing.
            await app.delivery.daily()
            await app.settle()
            assert got(app, CHAIR, QUARTER) == 0
            assert got(app, CHAIR, "План работы на 2026/2027 учебный год ещё не утверждён.") == 1
            assert got(app, METHODIST, DIGEST) == 1
            # 1 December: one finding with its button, one digest; the job again: nothing.
            clock.set(NOV_30 + timedelta(days=1))
            for _run in range(2):
                await app.delivery.daily()
                await app.settle()
            assert got(app, CHAIR, QUARTER) == 1
            assert got(app, METHODIST, DIGEST) == 2
            assert got(app, METHODIST, QUARTER) == 1
            chair = Person(tg, CHAIR)
            finding = next(m for m in tg.messages(CHAIR) if QUARTER in m.get("text", ""))
            assert finding["text"].endswith("Основание: Положение (002), приложение 3, п. 3.3.")
            asked = await chair.tap(finding, "📝 Запланировать заседание")
            assert asked["text"] == f"«{NAME}»: напишите тему заседания (до 300 знаков)."
            # 1 January: the quarter is closed with a violation; the shortfall cleared.
            clock.set(datetime(2027, 1, 1, 1, 0, tzinfo=UTC))
            await app.delivery.daily()
            await app.settle()
            assert got(app, CHAIR, CLOSED) == 1
            assert got(app, METHODIST, DIGEST) == 3
            assert len(texts(app, METHODIST)) == 3
