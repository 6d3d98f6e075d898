"""A centre (an ММЦ) over two district services, through the services themselves: the centre
has a ГМО of its own; each district service an РМО with its chair and one member; a
methodist of the centre and one of a district service."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models import AssociationKind, InviteKind
from services import associations, centres, invites
from services.clock import Clock
from services.permissions import Actor
from tests.factories import ADMIN, register

TZ = "Asia/Yekaterinburg"


@dataclass
class Unit:
    service_id: int
    municipality: str
    association_id: int
    chair: Actor
    member: Actor


@dataclass
class CentreWorld:
    centre: Unit
    north: Unit
    south: Unit
    centre_methodist: Actor
    north_methodist: Actor


async def _unit(
    session: AsyncSession,
    clock: Clock,
    service: str,
    municipality: str,
    association: str,
    kind: AssociationKind,
    tg: int,
) -> Unit:
    now = clock.now()
    made = await associations.create_service(session, ADMIN, service, now)
    place = await associations.create_municipality(session, ADMIN, made.id, municipality, TZ, now)
    created = await associations.create_association(
        session, ADMIN, kind=kind, name=association, subject="математика",
        municipality_id=place.id, timezone=TZ, now=now,
    )  # fmt: skip
    chair = await register(session, created.chair_token, tg, clock, name=f"Председатель {tg}")
    link = await invites.create_link(session, chair, InviteKind.MEMBER, created.association.id, now)
    member = await register(session, link.token, tg + 1, clock, name=f"Участник {tg + 1}")
    return Unit(made.id, municipality, created.association.id, chair, member)


async def methodist_of(session: AsyncSession, clock: Clock, service_id: int, tg: int) -> Actor:
    link = await invites.create_methodist_link(session, ADMIN, service_id, clock.now())
    return await register(session, link.token, tg, clock, name=f"Методист {tg}")


async def centre_world(session: AsyncSession, clock: Clock) -> CentreWorld:
    gmo, rmo = AssociationKind.GMO, AssociationKind.RMO
    centre = await _unit(session, clock, "ММЦ г. Бугуруслан", "г. Бугуруслан",
                         "ГМО учителей математики ММЦ", gmo, 3100)  # fmt: skip
    north = await _unit(session, clock, "ИМЦ Асекеевского района", "Асекеевский район",
                        "РМО учителей математики Асекеево", rmo, 3200)  # fmt: skip
    south = await _unit(session, clock, "ИМЦ Абдулинского района", "Абдулинский район",
                        "РМО учителей математики Абдулино", rmo, 3300)  # fmt: skip
    for unit in (north, south):
        await centres.set_centre(session, ADMIN, unit.service_id, centre.service_id, clock.now())
    centre_methodist = await methodist_of(session, clock, centre.service_id, 3900)
    north_methodist = await methodist_of(session, clock, north.service_id, 3901)
    return CentreWorld(centre, north, south, centre_methodist, north_methodist)
