"""The sender of an update: who they are and what they may do, loaded by one query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Result
from sqlalchemy.ext.asyncio import AsyncSession

from models import Identity, Role
from services.errors import DomainError, ErrorCode
from services.people import queries
from services.permissions import Actor
from services.tx import run_single

TELEGRAM = "telegram"


@dataclass(frozen=True)
class MembershipView:
    association_id: int
    association_name: str
    role: Role


@dataclass(frozen=True)
class Me:
    """What one update knows of its sender, from the one query that loads the actor: enough
    to greet them (/start) and for the profile to skip the memberships. Read at the start of
    the update and never kept past it: the database stays the truth."""

    actor: Actor
    full_name: str = ""
    memberships: tuple[MembershipView, ...] = ()
    methodist_of: tuple[str, ...] = ()  # names of the methodological services


def me_from_rows(external_id: int, is_admin: bool, rows: Sequence[Any]) -> Me:
    # Outer joins: a person without memberships or posts has None in those columns; one row
    # per (membership, post, grouped service) triple, so each repeats. A centre's methodist
    # is a methodist of every service the centre groups (issue 18): every right follows.
    if not rows:
        return Me(Actor(external_id=external_id, is_admin=is_admin))
    memberships: dict[int, MembershipView] = {}
    services: dict[int, str] = {}
    grouped: set[int] = set()
    for _pid, _locale, _name, assoc_id, role, assoc_name, service_id, service_name, under in rows:
        if assoc_id is not None and assoc_id not in memberships:
            memberships[assoc_id] = MembershipView(assoc_id, assoc_name, role)
        if service_id is not None:
            services.setdefault(service_id, service_name)
        if under is not None:
            grouped.add(under)
    person_id, locale, full_name = rows[0][0], rows[0][1], rows[0][2]
    actor = Actor(
        external_id=external_id,
        person_id=person_id,
        is_admin=is_admin,
        roles={assoc_id: m.role for assoc_id, m in memberships.items()},
        methodist_services=frozenset(services) | grouped,
        locale=locale,
    )
    return Me(actor, full_name or "", tuple(memberships.values()), tuple(services.values()))


async def load_me(
    session: AsyncSession, external_id: int, admin_ids: Iterable[int], platform: str = TELEGRAM
) -> Me:
    """The person behind an account with their active roles and what greets them: one
    SELECT. This runs for every update, before any use case: then it is a transaction of
    its own in autocommit (`run_single`: on SQLite no BEGIN, no lock held). Called as a step
    of an open transaction (a use case's, or a test's), it runs inside that one and leaves
    it to its owner: `run_single` cannot nest the way `@reads` and `@writes` do."""
    params = {"platform": platform, "external_id": external_id}
    if session.in_transaction():
        found: Result[Any] = await session.execute(queries.ACTOR_QUERY, params)
    else:
        found = await run_single(session, queries.ACTOR_QUERY, params)
    rows = found.all()
    return me_from_rows(external_id, external_id in set(admin_ids), rows)


async def load_actor(
    session: AsyncSession, external_id: int, admin_ids: Iterable[int], platform: str = TELEGRAM
) -> Actor:
    """The person behind an account with their active roles (`load_me`, one SELECT)."""
    return (await load_me(session, external_id, admin_ids, platform)).actor


async def actor_of_person(session: AsyncSession, person_id: int) -> Actor | None:
    """What a person may do, for work done on their behalf outside an update (the outbox
    rendering what they may read): their account's roles, without the operator's admin
    right (ADMIN_IDS belongs to the process, not the database). None: no account."""
    external_id = await session.scalar(
        queries.account_ids(person_id).where(Identity.platform == TELEGRAM).limit(1)
    )
    if external_id is None:
        return None
    return (await load_me(session, int(external_id), ())).actor


def require_person(actor: Actor) -> int:
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    return actor.person_id
