"""Services, municipalities and associations: creation by the admin and methodists, lookups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, AssociationKind, InviteKind, MethodService, Municipality
from services import audit, invites
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide, require
from services.tx import reads, writes
from services.validation import check_title

# A short list of Russian cities for the time zone picker: (label key, IANA name).
TIMEZONES: tuple[tuple[str, str], ...] = (
    ("Калининград", "Europe/Kaliningrad"),
    ("Москва", "Europe/Moscow"),
    ("Самара", "Europe/Samara"),
    ("Екатеринбург", "Asia/Yekaterinburg"),
    ("Омск", "Asia/Omsk"),
    ("Новосибирск", "Asia/Novosibirsk"),
    ("Красноярск", "Asia/Krasnoyarsk"),
    ("Иркутск", "Asia/Irkutsk"),
    ("Якутск", "Asia/Yakutsk"),
    ("Владивосток", "Asia/Vladivostok"),
    ("Магадан", "Asia/Magadan"),
    ("Камчатка", "Asia/Kamchatka"),
)


def check_timezone(name: str) -> str:
    name = name.strip()
    if not name or "/" not in name or len(name) > 64:
        raise DomainError(ErrorCode.BAD_TIMEZONE)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a tzdata folder
        raise DomainError(ErrorCode.BAD_TIMEZONE) from exc
    return name


def _admin_only(actor: Actor) -> None:
    if not actor.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN)


@dataclass(frozen=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True)
class AssociationView:
    id: int
    name: str
    kind: AssociationKind
    subject: str | None
    service_id: int
    municipality_id: int
    municipality: str
    timezone: str
    group_linked: bool


@writes
async def create_service(session: AsyncSession, actor: Actor, name: str, now: datetime) -> Named:
    _admin_only(actor)
    service = MethodService(name=check_title(name, max_len=150))
    session.add(service)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise DomainError(ErrorCode.DUPLICATE_NAME) from exc
    audit.record(
        session, actor, "service.created", now, object_type="service", object_id=service.id
    )
    return Named(service.id, service.name)


@writes
async def create_municipality(
    session: AsyncSession, actor: Actor, service_id: int, name: str, timezone: str, now: datetime
) -> Named:
    _admin_only(actor)
    if await session.get(MethodService, service_id) is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    municipality = Municipality(
        service_id=service_id,
        name=check_title(name, max_len=150),
        timezone=check_timezone(timezone),
    )
    session.add(municipality)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise DomainError(ErrorCode.DUPLICATE_NAME) from exc
    audit.record(
        session,
        actor,
        "municipality.created",
        now,
        object_type="municipality",
        object_id=municipality.id,
    )
    return Named(municipality.id, municipality.name)


@reads
async def list_services(session: AsyncSession, actor: Actor) -> list[Named]:
    """Services the actor may work in: all for the admin, their own for a methodist."""
    stmt = select(MethodService).order_by(MethodService.name)
    if not actor.is_admin:
        stmt = stmt.where(MethodService.id.in_(actor.methodist_services))
    result = [Named(s.id, s.name) for s in (await session.scalars(stmt)).all()]
    return result


@reads
async def list_municipalities(session: AsyncSession, actor: Actor) -> list[Named]:
    """Municipalities where the actor may create associations."""
    stmt = select(Municipality).order_by(Municipality.name)
    if not actor.is_admin:
        stmt = stmt.where(Municipality.service_id.in_(actor.methodist_services))
    result = [Named(m.id, m.name) for m in (await session.scalars(stmt)).all()]
    return result


@reads
async def municipality_timezone(session: AsyncSession, municipality_id: int) -> str | None:
    municipality = await session.get(Municipality, municipality_id)
    return municipality.timezone if municipality else None


@dataclass(frozen=True)
class NewAssociation:
    association: AssociationView
    chair_token: str


@writes
async def create_association(
    session: AsyncSession,
    actor: Actor,
    *,
    kind: AssociationKind,
    name: str,
    subject: str | None,
    municipality_id: int,
    timezone: str,
    now: datetime,
) -> NewAssociation:
    """Create an association with DOMAIN.md's default rules and a single-use chair link."""
    municipality = await session.get(Municipality, municipality_id)
    if municipality is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    require(actor, Action.CREATE_ASSOCIATION, Scope(municipality.service_id))
    association = Association(
        kind=kind,
        name=check_title(name),
        subject=check_title(subject) if subject else None,
        service_id=municipality.service_id,
        municipality_id=municipality.id,
        timezone=check_timezone(timezone),
    )
    session.add(association)
    await session.flush()
    audit.record(
        session,
        actor,
        "association.created",
        now,
        association_id=association.id,
        object_type="association",
        object_id=association.id,
    )
    token = await invites.issue(
        session, actor, InviteKind.CHAIR, now, association_id=association.id
    )
    return NewAssociation(_view(association, municipality.name), token)


def _view(a: Association, municipality: str) -> AssociationView:
    return AssociationView(
        id=a.id,
        name=a.name,
        kind=a.kind,
        subject=a.subject,
        service_id=a.service_id,
        municipality_id=a.municipality_id,
        municipality=municipality,
        timezone=a.timezone,
        group_linked=a.group_chat_id is not None,
    )


@reads
async def get_view(session: AsyncSession, association_id: int) -> AssociationView:
    row = (
        await session.execute(
            select(Association, Municipality.name)
            .join(Municipality, Municipality.id == Association.municipality_id)
            .where(Association.id == association_id)
        )
    ).first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return _view(row[0], row[1])


@reads
async def associations_for(
    session: AsyncSession, actor: Actor, action: Action
) -> list[AssociationView]:
    """Associations where `action` is allowed for the actor (for pickers), by name."""
    stmt = select(Association, Municipality.name).join(
        Municipality, Municipality.id == Association.municipality_id
    )
    if not actor.is_admin:
        stmt = stmt.where(
            Association.id.in_(list(actor.roles))
            | Association.service_id.in_(actor.methodist_services)
        )
    rows = (await session.execute(stmt.order_by(Association.name, Association.id))).all()
    return [
        _view(a, m)
        for a, m in rows
        if decide(actor, action, Scope(a.service_id, a.id)) is not Decision.DENY
    ]
