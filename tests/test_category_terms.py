"""The reminder before a qualification category's term ends (issue 18, item 4), on SQLite
and PostgreSQL, on the injected clock: sent on the right day (term 5 years from the order's
date, 3 months ahead) to the teacher and the service's methodists, not before, never twice,
not for a person without an order date; within the association's sending window; in the
recipient's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import DOMAIN, LOCALES_DIR
from models import Category, OutboxMessage, Person
from scheduler.kinds import registry
from services import databank, invites, people
from services.clock import FixedClock
from tests.factories import ADMIN, make_world, member_link, register
from tests.test_compliance_flows import claimed

TERMS = databank.TermSettings(years=5, remind_months=3)
ORDER = date(2021, 3, 15)  # the term ends on 15.03.2026; the reminder from 15.12.2025


async def _rows(session: AsyncSession) -> list[OutboxMessage]:
    found = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == databank.CATEGORY_TERM)
        .order_by(OutboxMessage.id)
    )
    return list(found.all())


async def test_the_reminder_goes_once_on_the_right_day(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    world = await make_world(session, clock)
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, clock.now())
    methodist = await register(session, link.token, 6001, clock, name="Методист Службы")
    teacher = await register(session, await member_link(session, world, clock), 3001, clock)
    chair = world.chair.person_id
    await session.execute(
        update(Person)
        .where(Person.id == chair)
        .values(category=Category.HIGHEST, category_order_date=ORDER,
                category_order_number="123-к")
    )  # fmt: skip
    # A category without its order's date: never reminded.
    await session.execute(
        update(Person).where(Person.id == teacher.person_id).values(category=Category.FIRST)
    )
    await session.commit()
    # 14 December 2025, 23:30 in Novosibirsk (UTC+7): the day before, nothing.
    before = datetime(2025, 12, 14, 16, 30, tzinfo=UTC)
    assert await databank.remind_category_terms(session, before, TERMS) == 0
    assert await _rows(session) == []
    # 15 December, 00:30 local (17:30 UTC the day before): the day has come; the message
    # waits for the sending window (08:00 local = 01:00 UTC).
    on_time = datetime(2025, 12, 14, 17, 30, tzinfo=UTC)
    assert await databank.remind_category_terms(session, on_time, TERMS) == 1
    rows = await _rows(session)
    assert {r.person_id for r in rows} == {chair, methodist.person_id}
    assert {r.due_at for r in rows} == {datetime(2025, 12, 15, 1, 0, tzinfo=UTC)}
    # Never twice: the next run, the next day, a month later.
    for later in (
        on_time,
        datetime(2025, 12, 16, 3, tzinfo=UTC),
        datetime(2026, 1, 20, tzinfo=UTC),
    ):
        assert await databank.remind_category_terms(session, later, TERMS) == 0
    assert len(await _rows(session)) == 2
    # Rendered in the recipient's language, from the row.
    kinds = registry(clock)
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    mine = next(r for r in rows if r.person_id == chair)
    [part] = await kinds[mine.kind].render(sessionmaker, i18n, claimed(mine), "ru")
    assert part.text == (
        "⏳ Срок вашей квалификационной категории (высшая категория, приказ № 123-к от "
        "15.03.2021) истекает 15.03.2026. Пожалуйста, вовремя подайте заявление на "
        "аттестацию; когда выйдет новый приказ, укажите его дату и номер в /profile."
    )
    theirs = next(r for r in rows if r.person_id == methodist.person_id)
    [part] = await kinds[theirs.kind].render(sessionmaker, i18n, claimed(theirs), "en")
    assert part.text == (
        "⏳ The qualification category of Петров Сергей Иванович (highest category, order "
        "№ 123-к of 15.03.2021) ends on 15.03.2026."
    )
    assert await kinds[mine.kind].unwanted(sessionmaker, [claimed(mine)]) == set()
    # A new order: the old rows are no longer wanted; the new one is reminded in its time.
    await session.execute(
        update(Person).where(Person.id == chair).values(category_order_date=date(2026, 3, 1))
    )
    await session.commit()
    assert await kinds[mine.kind].unwanted(sessionmaker, [claimed(mine)]) == {mine.id}
    assert await databank.remind_category_terms(session, datetime(2030, 11, 30, 12, tzinfo=UTC),
                                                TERMS) == 0  # fmt: skip
    assert await databank.remind_category_terms(session, datetime(2030, 12, 1, 12, tzinfo=UTC),
                                                TERMS) == 1  # fmt: skip
    # The term's end passed without a reminder (a person added late): none afterwards.
    assert databank.term_end(date(2024, 2, 29), 5) == date(2029, 2, 28)


async def test_the_row_keeps_ids_only_and_a_forgotten_persons_is_refused(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> None:
    """The outbox row keeps the person's id and the dates, never their name, category or
    order number (read when it is sent); once the person is forgotten it is not rendered."""
    world = await make_world(session, clock)
    link = await invites.create_methodist_link(session, ADMIN, world.service_id, clock.now())
    methodist = await register(session, link.token, 6001, clock, name="Методист Службы")
    chair = world.chair.person_id
    await session.execute(
        update(Person)
        .where(Person.id == chair)
        .values(category=Category.HIGHEST, category_order_date=ORDER,
                category_order_number="123-к")
    )  # fmt: skip
    await session.commit()
    on_time = datetime(2025, 12, 14, 17, 30, tzinfo=UTC)
    assert await databank.remind_category_terms(session, on_time, TERMS) == 1
    rows = await _rows(session)
    for row in rows:
        assert set(row.params) == {"person_id", "order_date", "ends", "to_self"}
        assert "Петров" not in str(row.params) and "123-к" not in str(row.params)
    kinds = registry(clock)
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    theirs = next(r for r in rows if r.person_id == methodist.person_id)
    [part] = await kinds[theirs.kind].render(sessionmaker, i18n, claimed(theirs), "ru")
    assert part.text is not None
    assert "Петров Сергей Иванович" in part.text and "№ 123-к" in part.text
    await people.forget(session, world.chair, clock.now())
    with pytest.raises(LookupError):
        await kinds[theirs.kind].render(sessionmaker, i18n, claimed(theirs), "ru")
