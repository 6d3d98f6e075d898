"""The sandbox's demonstration data, made through the services themselves (no hand-written
rows): one methodical service, one РМО with its chair, secretary and eight teachers from three
schools, a meeting in seven days with a two-question agenda, a needs survey draft."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import AssociationKind, InviteKind
from services import associations, invites, meetings, surveys
from services.clock import Clock
from services.deadlines import Typed
from services.people import load_actor
from services.permissions import Actor

ADMIN_ID = 100
TIMEZONE = "Europe/Moscow"
SUBJECT = "математика"
SCHOOLS = ("МБОУ СОШ № 1", "МБОУ СОШ № 2", "МБОУ Гимназия № 3")


@dataclass(frozen=True)
class Person:
    """Someone the sandbox's user can play: a Telegram id, a name and a role badge."""

    id: int
    name: str
    role: str  # admin, methodist, chair, secretary, teacher
    school: str | None = None


CAST: tuple[Person, ...] = (
    Person(ADMIN_ID, "Администратор", "admin"),
    Person(200, "Соколова Марина Викторовна", "methodist"),
    Person(301, "Петров Сергей Иванович", "chair", SCHOOLS[0]),
    Person(302, "Кузнецова Ольга Николаевна", "secretary", SCHOOLS[1]),
    Person(401, "Иванова Анна Петровна", "teacher", SCHOOLS[0]),
    Person(402, "Смирнов Алексей Дмитриевич", "teacher", SCHOOLS[0]),
    Person(403, "Васильева Елена Сергеевна", "teacher", SCHOOLS[0]),
    Person(404, "Попова Наталья Андреевна", "teacher", SCHOOLS[1]),
    Person(405, "Новиков Игорь Павлович", "teacher", SCHOOLS[1]),
    Person(406, "Морозова Татьяна Юрьевна", "teacher", SCHOOLS[1]),
    Person(407, "Волкова Ирина Александровна", "teacher", SCHOOLS[2]),
    Person(408, "Лебедев Павел Олегович", "teacher", SCHOOLS[2]),
)
TOPIC = "Итоги входной диагностики по математике"
AGENDA = (
    "Итоги входной диагностики в 5–9 классах",
    "План подготовки к олимпиаде школьников",
)


async def _register(session: AsyncSession, token: str, person: Person, clock: Clock) -> Actor:
    await invites.redeem(
        session,
        token,
        person.id,
        invites.Registration(
            consent=True,
            full_name=person.name,
            school_typed=person.school,
            subject=SUBJECT if person.school else None,
            locale="ru",
        ),
        clock.now(),
    )
    return await load_actor(session, person.id, [ADMIN_ID])


async def seed(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    translate: Callable[[str], str],
) -> None:
    """Fill an empty, migrated database with the demonstration data."""
    admin = Actor(external_id=ADMIN_ID, is_admin=True)
    by_role = {p.role: p for p in CAST}
    async with sessionmaker() as session:
        now = clock.now()
        service = await associations.create_service(
            session, admin, "ИМЦ Демонстрационного района", now
        )
        municipality = await associations.create_municipality(
            session, admin, service.id, "Демонстрационный район", TIMEZONE, now
        )
        link = await invites.create_methodist_link(session, admin, service.id, now)
        await _register(session, link.token, by_role["methodist"], clock)
        created = await associations.create_association(
            session,
            admin,
            kind=AssociationKind.RMO,
            name="РМО учителей математики",
            subject=SUBJECT,
            municipality_id=municipality.id,
            timezone=TIMEZONE,
            now=now,
        )
        association_id = created.association.id
        chair = await _register(session, created.chair_token, by_role["chair"], clock)
        link = await invites.create_link(session, chair, InviteKind.SECRETARY, association_id, now)
        await _register(session, link.token, by_role["secretary"], clock)
        link = await invites.create_link(session, chair, InviteKind.MEMBER, association_id, now)
        for person in CAST:
            if person.role == "teacher":
                await _register(session, link.token, person, clock)

        view = await meetings.create_draft(session, chair, association_id, TOPIC, now)
        day = (now.astimezone(ZoneInfo(TIMEZONE)) + timedelta(days=7)).date()
        view = await meetings.set_day(
            session, chair, view.id, view.version, Typed(day, time(15, 0)), now
        )
        view = await meetings.set_place(
            session, chair, view.id, view.version, f"{SCHOOLS[0]}, кабинет 21", now
        )
        for title in AGENDA:
            view = await meetings.add_question(session, chair, view.id, view.version, title, now)

        await surveys.create_from_template(
            session, chair, association_id, "needs", translate, now, locale="ru"
        )
