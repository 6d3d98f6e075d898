"""Builds a small world through the services themselves (no hand-written rows)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models import AssociationKind, InviteKind
from services import associations, invites
from services.clock import Clock
from services.people import load_actor
from services.permissions import Actor

ADMIN_ID = 1001
ADMIN = Actor(external_id=ADMIN_ID, is_admin=True)


@dataclass
class World:
    service_id: int
    municipality_id: int
    association_id: int
    chair: Actor
    chair_tg: int


async def register(
    session: AsyncSession,
    token: str,
    tg_id: int,
    clock: Clock,
    name: str = "Иванова Анна Петровна",
    school: str = "МОУ СОШ № 5",
    subject: str = "математика",
) -> Actor:
    await invites.redeem(
        session,
        token,
        tg_id,
        invites.Registration(consent=True, full_name=name, school_typed=school, subject=subject),
        clock.now(),
    )
    return await load_actor(session, tg_id, [ADMIN_ID])


async def make_world(session: AsyncSession, clock: Clock, chair_tg: int = 2001) -> World:
    service = await associations.create_service(
        session, ADMIN, "ИМЦ Ленинского района", clock.now()
    )
    municipality = await associations.create_municipality(
        session, ADMIN, service.id, "Ленинский район", "Asia/Novosibirsk", clock.now()
    )
    created = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.RMO,
        name="РМО учителей математики",
        subject="математика",
        municipality_id=municipality.id,
        timezone="Asia/Novosibirsk",
        now=clock.now(),
    )
    chair = await register(
        session, created.chair_token, chair_tg, clock, name="Петров Сергей Иванович"
    )
    return World(service.id, municipality.id, created.association.id, chair, chair_tg)


async def member_link(session: AsyncSession, world: World, clock: Clock) -> str:
    link = await invites.create_link(
        session, world.chair, InviteKind.MEMBER, world.association_id, clock.now()
    )
    return link.token
