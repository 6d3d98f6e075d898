"""Centres over services (issue 18, item 2; `../shared/seeds/004_…`: an ММЦ coordinates the
methodological services of several districts and has associations of its own).

A centre is a service (`MethodService`) that others point at by `centre_id`: one level only,
never a cycle (`set_centre`, the administrator's). A centre's methodists are methodists of
every service it groups: `services.people.actor` adds those services to
`Actor.methodist_services` where the actor is loaded, so every right (the overview, a card,
announcements, exports) follows with no check of its own; a grouped service's methodists
see neither the centre's nor a sibling's data.

A centre's announcement goes to all its associations (its own and its services') or to the
services chosen, to the chairs or to every member (`audience`): the recipients counted once
and the time Telegram's pace takes (`send_seconds`) are shown before sending, and the
author's broadcast summary carries the figures per service and per association
(`delivery_report`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Announcement,
    AnnouncementService,
    Association,
    Membership,
    MethodService,
    OutboxStatus,
    Person,
    Role,
)
from services import audit, outbox
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.tx import reads, writes


@dataclass(frozen=True)
class ServiceLine:
    id: int
    name: str
    centre_id: int | None
    centre: str | None  # the centre's name
    groups: int  # how many services it groups (a centre's)


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise DomainError(ErrorCode.FORBIDDEN)


@reads
async def services(session: AsyncSession, actor: Actor) -> list[ServiceLine]:
    """Every service with its centre and how many it groups, by name (the administrator's)."""
    _admin(actor)
    found = (await session.scalars(select(MethodService).order_by(MethodService.name))).all()
    names = {s.id: s.name for s in found}
    counts: dict[int, int] = defaultdict(int)
    for s in found:
        if s.centre_id is not None:
            counts[s.centre_id] += 1
    return [
        ServiceLine(s.id, s.name, s.centre_id, names.get(s.centre_id or 0), counts.get(s.id, 0))
        for s in found
    ]


@reads
async def candidates(session: AsyncSession, actor: Actor, service_id: int) -> list[ServiceLine]:
    """The services that may group `service_id`: any service not itself grouped, but the
    service itself. None when the service groups others (it is a centre: one level)."""
    lines = await services(session, actor)
    me = next((s for s in lines if s.id == service_id), None)
    if me is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    if me.groups:
        return []
    return [s for s in lines if s.id != service_id and s.centre_id is None]


@writes
async def set_centre(
    session: AsyncSession, actor: Actor, service_id: int, centre_id: int | None, now: datetime
) -> None:
    """Group `service_id` under the centre `centre_id` (None: detach it). CENTRE_NESTED for
    the service itself, a centre that is grouped, or a service that groups others; nothing
    changes then."""
    _admin(actor)
    service = await session.get(MethodService, service_id, with_for_update=True)
    if service is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    if centre_id is not None:
        centre = await session.get(MethodService, centre_id, with_for_update=True)
        if centre is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        groups_others = await session.scalar(
            select(MethodService.id).where(MethodService.centre_id == service_id).limit(1)
        )
        if centre_id == service_id or centre.centre_id is not None or groups_others is not None:
            raise DomainError(ErrorCode.CENTRE_NESTED)
    service.centre_id = centre_id
    audit.record(
        session,
        actor,
        "service.centre_set" if centre_id is not None else "service.centre_detached",
        now,
        object_type="service",
        object_id=service_id,
        centre_id=centre_id,
    )


# ---------------------------------------------------------------- announcements


@reads
async def choices(session: AsyncSession, actor: Actor, centre_id: int) -> list[tuple[int, str]]:
    """The services a centre's announcement may be sent to: the centre first, then the
    services it groups by name; [] for a service that groups none or is not the actor's."""
    if centre_id not in actor.methodist_services:
        return []
    centre = await session.get(MethodService, centre_id)
    grouped = (
        await session.execute(
            select(MethodService.id, MethodService.name)
            .where(MethodService.centre_id == centre_id)
            .order_by(MethodService.name, MethodService.id)
        )
    ).all()
    if centre is None or not grouped:
        return []
    return [(centre.id, centre.name), *((i, n) for i, n in grouped)]


async def check_selection(
    session: AsyncSession, actor: Actor, centre_id: int, chosen: Iterable[int]
) -> tuple[int, ...]:
    """The chosen services, each one of the centre's (`choices`): SELECTION_EMPTY for none,
    FORBIDDEN for a service not among them (a forged button)."""
    picked = tuple(sorted(set(chosen)))
    if not picked:
        raise DomainError(ErrorCode.SELECTION_EMPTY)
    allowed = {i for i, _ in await choices(session, actor, centre_id)}
    if not set(picked) <= allowed:
        raise DomainError(ErrorCode.FORBIDDEN)
    return picked


async def _chosen(session: AsyncSession, announcement_id: int) -> list[int]:
    found = await session.scalars(
        select(AnnouncementService.service_id).where(
            AnnouncementService.announcement_id == announcement_id
        )
    )
    return list(found.all())


async def check_stored(session: AsyncSession, actor: Actor, announcement: Announcement) -> None:
    """The services a centre's draft was saved for are still the centre's (`choices`) before
    it is previewed or sent: one detached since is STALE (choose again), never reached."""
    chosen = await _chosen(session, announcement.id)
    if not chosen or announcement.service_id is None:
        return
    try:
        await check_selection(session, actor, announcement.service_id, chosen)
    except DomainError as err:
        raise DomainError(ErrorCode.STALE) from err


async def _scope(session: AsyncSession, announcement: Announcement) -> list[int]:
    """The services an announcement to a service or a centre goes to: the chosen ones, or
    (none chosen) the service and those it groups."""
    assert announcement.service_id is not None
    chosen = await _chosen(session, announcement.id)
    if chosen:
        return chosen
    grouped = await session.scalars(
        select(MethodService.id).where(MethodService.centre_id == announcement.service_id)
    )
    return [announcement.service_id, *grouped.all()]


def _memberships(scope: list[int], chairs_only: bool) -> Select[int, int]:
    stmt = (
        select(Membership.person_id, Membership.association_id)
        .join(Association, Association.id == Membership.association_id)
        .where(Association.service_id.in_(scope))
    )
    return stmt.where(Membership.role == Role.CHAIR) if chairs_only else stmt


async def audience(session: AsyncSession, announcement: Announcement) -> Select[int, int]:
    """(person, association) of everyone an announcement to a service or a centre reaches:
    the chosen services' associations, or (none chosen) the service's and those of the
    services it groups; the chairs only when so chosen. People whose data is deleted are
    left out."""
    scope = await _scope(session, announcement)
    return (
        _memberships(scope, announcement.chairs_only)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.active, Person.forgotten_at.is_(None))
    )


def send_seconds(recipients: int, rate_per_second: int) -> int:
    """How long sending takes at Telegram's pace (the limiter's RATE_PER_SECOND; one
    message each: a person is one chat, well under its one a second): whole seconds,
    rounded up."""
    if recipients <= 0:
        return 0
    return -(-recipients // max(1, rate_per_second))


# ---------------------------------------------------------------- the delivery report


@dataclass(frozen=True)
class Tally:
    name: str
    delivered: int = 0
    failed: int = 0
    blocked: int = 0


@dataclass(frozen=True)
class ServiceReport:
    tally: Tally
    associations: tuple[Tally, ...]


def _add(t: Tally, outcome: outbox.Outcome) -> Tally:
    if outcome.status is OutboxStatus.SENT:
        return Tally(t.name, t.delivered + 1, t.failed, t.blocked)
    if outcome.status is OutboxStatus.FAILED:
        if outcome.code == outbox.Failure.BLOCKED.value:
            return Tally(t.name, t.delivered, t.failed, t.blocked + 1)
        return Tally(t.name, t.delivered, t.failed + 1, t.blocked)
    return t  # still on its way, or cancelled (no longer a member)


@reads
async def delivery_report(session: AsyncSession, announcement_id: int) -> list[ServiceReport]:
    """Delivered / failed / blocked per service (each person once) and per association (a
    person in two associations counts in each), of the people it was sent to (their
    memberships then or since, active or not), by name; [] for an announcement to one
    association, or to a service that groups none (its summary says it all)."""
    announcement = await session.get(Announcement, announcement_id)
    if announcement is None or announcement.service_id is None:
        return []
    # The people the broadcast was sent to, by their memberships of the scope whether still
    # active or not: one who left, or deleted their data, since still counts where they were.
    key = outbox.keys.announcement_group(announcement_id)
    sent = outbox.queries.group_outcomes(key).subquery()
    stmt = _memberships(await _scope(session, announcement), announcement.chairs_only)
    pairs = (
        await session.execute(stmt.where(Membership.person_id.in_(select(sent.c.person_id))))
    ).all()
    assoc_ids = {a for _, a in pairs}
    named = (
        await session.execute(
            select(Association.id, Association.name, MethodService.id, MethodService.name)
            .join(MethodService, MethodService.id == Association.service_id)
            .where(Association.id.in_(assoc_ids))
        )
    ).all()
    if len({row[2] for row in named}) < 2 and not await session.scalar(
        select(MethodService.id).where(MethodService.centre_id == announcement.service_id)
    ):
        return []
    where = {aid: (name, sid, sname) for aid, name, sid, sname in named}
    outcomes = {o.person_id: o for o in await outbox.group_outcomes(session, key)}
    by_assoc: dict[int, Tally] = {aid: Tally(where[aid][0]) for aid in where}
    by_service: dict[int, Tally] = {sid: Tally(sname) for _, sid, sname in where.values()}
    counted: set[tuple[int, int]] = set()
    for person, aid in pairs:
        found = outcomes.get(person)
        if found is None:
            continue  # the author, or none sent
        by_assoc[aid] = _add(by_assoc[aid], found)
        sid = where[aid][1]
        if (sid, person) not in counted:
            counted.add((sid, person))
            by_service[sid] = _add(by_service[sid], found)
    reports = [
        ServiceReport(
            by_service[sid],
            tuple(
                sorted(
                    (by_assoc[a] for a, (_, s, _) in where.items() if s == sid),
                    key=lambda t: t.name.casefold(),
                )
            ),
        )
        for sid in by_service
    ]
    return sorted(reports, key=lambda r: r.tally.name.casefold())
