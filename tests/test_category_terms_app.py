"""The category's term reminder end to end (issue 18, item 4: the app on the fake Bot API,
the injected clock, the daily job): the teacher and the methodist are told on the day the
reminder is due, once, in the sending window; not the day before, not again the next day;
a teacher whose category has no order date is told nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from models import Category, Person
from services import invites
from services.clock import FixedClock
from tests.app import running, started
from tests.factories import ADMIN, register
from tests.helpers import CHAIR, NAMES, TEACHERS, got, seed

METHODIST = 6001
# 14 December 2025, 08:00 in Novosibirsk: the day before the reminder of an order of
# 15 March 2021 (the term ends on 15 March 2026; 3 months ahead).
DEC_14 = datetime(2025, 12, 14, 1, 0, tzinfo=UTC)
MINE = "⏳ Срок вашей квалификационной категории (высшая категория, приказ № 123-к от 15.03.2021)"
THEIRS = f"⏳ Срок квалификационной категории: {NAMES[CHAIR]}"


async def test_the_reminder_before_the_term_ends(db_url: str) -> None:
    clock = FixedClock(DEC_14)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with sm() as s:
            link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
            await register(s, link.token, METHODIST, clock, name="Методист Службы")
            await s.execute(
                update(Person)
                .where(Person.full_name == NAMES[CHAIR])
                .values(category=Category.HIGHEST, category_order_date=date(2021, 3, 15),
                        category_order_number="123-к")
            )  # fmt: skip
            await s.execute(
                update(Person)
                .where(Person.full_name == NAMES[TEACHERS[0]])
                .values(category=Category.FIRST)  # no order date: never reminded
            )
            await s.commit()
        tg.add_user(METHODIST, "Methodist")
        tg.open_chat(METHODIST)
        async with started(tg, sm, clock) as app:
            await app.delivery.daily()
            await app.settle()
            assert got(app, CHAIR, "⏳") == 0 and got(app, METHODIST, "⏳") == 0
            clock.set(DEC_14 + timedelta(days=1))
            for _run in range(2):
                await app.delivery.daily()
                await app.settle()
            assert got(app, CHAIR, MINE) == 1
            assert got(app, METHODIST, THEIRS) == 1
            clock.set(DEC_14 + timedelta(days=2))
            await app.delivery.daily()
            await app.settle()
            assert got(app, CHAIR, "⏳") == 1 and got(app, METHODIST, "⏳") == 1
            assert got(app, TEACHERS[0], "⏳") == 0
