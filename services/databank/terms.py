"""The reminder before a qualification category's term ends (issue 18, item 4): a category
lasts `TermSettings.years` (CATEGORY_TERM_YEARS, 5) from the date of the order that set it;
`remind_months` (CATEGORY_REMIND_MONTHS, 3) before the end the teacher and every methodist
of the services of their associations are told, once per (person, order date): the person
row keeps the order date reminded of, and each message's dedupe key carries it. A person
with no order date (or «без категории») gets none. Run by the daily job; each message goes
within the sending window of the person's first association, in the recipient's language."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Category, Membership, Person
from services import deadlines, outbox
from services.outbox import keys
from services.people import queries as people_queries
from services.tx import reads, writes

CATEGORY_TERM = "category_term"
_DAY = timedelta(days=1)
RANKED = (Category.FIRST, Category.HIGHEST, Category.METHODIST, Category.MENTOR)


@dataclass(frozen=True)
class TermSettings:
    years: int = 5
    remind_months: int = 3


def term_end(order_date: date, years: int) -> date:
    """The day the category's term ends: the order's date `years` later (29 Feb → 28 Feb)."""
    return deadlines.add_months(order_date, 12 * years)


def remind_on(order_date: date, settings: TermSettings) -> date:
    return deadlines.add_months(term_end(order_date, settings.years), -settings.remind_months)


def _due_people(earliest: date, latest: date) -> Select[Person, Association]:
    """People with a ranked category whose order falls in [earliest, latest], not yet
    reminded of that order, with each active association (by membership id)."""
    return (
        select(Person, Association)
        .join(Membership, Membership.person_id == Person.id)
        .join(Association, Association.id == Membership.association_id)
        .where(
            Membership.active,
            Person.forgotten_at.is_(None),
            Person.category.in_(RANKED),
            Person.category_order_date.is_not(None),
            Person.category_order_date >= earliest,
            Person.category_order_date <= latest,
            (Person.category_reminded_order.is_(None))
            | (Person.category_reminded_order != Person.category_order_date),
        )
        .order_by(Person.id, Membership.id)
    )


@writes
async def remind_category_terms(
    session: AsyncSession, now: datetime, settings: TermSettings | None = None
) -> int:
    """Enqueue today's reminders; returns how many people were reminded."""
    settings = settings or TermSettings()
    today = now.date()
    months = 12 * settings.years
    # A window a day wider than exact on each side: the local day decides below.
    earliest = deadlines.add_months(today, -months) - _DAY
    latest = deadlines.add_months(today, settings.remind_months - months) + _DAY
    found: dict[int, tuple[Person, list[Association]]] = {}
    for person, association in (await session.execute(_due_people(earliest, latest))).all():
        found.setdefault(person.id, (person, []))[1].append(association)
    services = {a.service_id for _p, assocs in found.values() for a in assocs}
    methodists: dict[int, list[int]] = defaultdict(list)
    if services:
        for service_id, person_id in (
            await session.execute(people_queries.services_methodists(services))
        ).all():
            methodists[service_id].append(person_id)
    rows: list[outbox.Outgoing] = []
    reminded = 0
    for person, assocs in found.values():
        first = assocs[0]
        order_date = person.category_order_date
        assert order_date is not None and person.category is not None
        local = deadlines.local_day(now, first.timezone)
        ends = term_end(order_date, settings.years)
        if not remind_on(order_date, settings) <= local < ends:
            continue
        recipients = [person.id]
        for association in assocs:
            for methodist in methodists.get(association.service_id, []):
                if methodist not in recipients:
                    recipients.append(methodist)
        due = outbox.reminder_due(
            now, now, first.timezone, first.send_from_minute, first.send_until_minute
        )
        params = {
            "person_id": person.id,  # ids and dates only: the name and order at render time
            "order_date": order_date.isoformat(),
            "ends": ends.isoformat(),
        }
        rows.extend(
            outbox.Outgoing(
                kind=CATEGORY_TERM,
                dedupe_key=keys.category_term(
                    person_id=person.id, order_date=order_date, recipient_id=recipient
                ),
                group_key=keys.category_term_group(today),
                due_at=due,
                params={**params, "to_self": recipient == person.id},
                person_id=recipient,
            )
            for recipient in recipients
        )
        person.category_reminded_order = order_date
        reminded += 1
    await outbox.enqueue(session, rows)
    return reminded


def _current(person: Person | None, order_date: date) -> bool:
    return (
        person is not None
        and person.forgotten_at is None
        and person.category in RANKED
        and person.category_order_date == order_date
    )


@reads
async def still_current(session: AsyncSession, person_id: int, order_date: date) -> bool:
    """Is the order still the person's (the row is wanted): not forgotten, no other order?"""
    return _current(await session.get(Person, person_id), order_date)


@dataclass(frozen=True)
class TermDetails:
    """What the reminder says of the person, read when it is sent (the row keeps ids)."""

    name: str
    category: Category
    order_number: str


@reads
async def term_details(
    session: AsyncSession, person_id: int, order_date: date
) -> TermDetails | None:
    """The person's name, category and order number while the order is still theirs; None
    once forgotten or another order was entered (the row must not be sent)."""
    person = await session.get(Person, person_id)
    if person is None or person.category is None or not _current(person, order_date):
        return None
    return TermDetails(person.full_name or "", person.category, person.category_order_number or "")
