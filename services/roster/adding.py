"""Adding people to the roster (people who may not have opened the bot yet), each with a
personal link, and fresh personal links later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import Association, Invite, InviteKind, Membership, Person, Role
from services import audit, invites, schools
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, may_manage_role, require
from services.roster import queries
from services.roster.access import load_association, load_member, scope_of
from services.roster.parsing import RosterEntry
from services.tx import reads, writes


@dataclass(frozen=True)
class PersonalLink:
    person_id: int
    full_name: str
    token: str
    school: str | None = None
    subject: str | None = None


@dataclass(frozen=True)
class RosterAdded:
    links: list[PersonalLink]
    skipped: list[str]  # names already on the roster (or twice in the list): not added again


def name_key(name: str) -> str:
    """Names compared for duplicates: case, «ё» and spacing do not matter."""
    return " ".join(name.casefold().replace("ё", "е").split())


def same_person(schools_of_name: set[str | None] | None, school: str | None) -> bool:
    """A roster line names someone already there: the same name, and the same school or a
    school missing on either side (two teachers of one name at two schools are two people)."""
    if not schools_of_name:
        return False
    return school is None or None in schools_of_name or school in schools_of_name


@dataclass(frozen=True)
class RosterPreview:
    """What adding a list would do: who is new, who is already on the roster."""

    association_name: str
    fresh: list[RosterEntry]
    skipped: list[str]


async def _split(
    session: AsyncSession, actor: Actor, association: Association, entries: list[RosterEntry]
) -> tuple[list[RosterEntry], list[str]]:
    """The entries not yet on the roster (nor earlier in the list), and the names of the
    others; FORBIDDEN unless the actor may add members here."""
    require(actor, Action.EDIT_ROSTER, scope_of(association))
    if not may_manage_role(actor, scope_of(association), Role.MEMBER):
        raise DomainError(ErrorCode.FORBIDDEN)
    present = await session.execute(queries.present_names(association.id))
    seen: dict[str, set[str | None]] = {}  # name → the schools of the people of that name
    for name, norm_school in present.all():
        if name:
            seen.setdefault(name_key(name), set()).add(norm_school)
    fresh: list[RosterEntry] = []
    skipped: list[str] = []
    for entry in entries:
        key = name_key(entry.full_name)
        school_key = schools.normalize_school(entry.school) if entry.school else None
        if same_person(seen.get(key), school_key):
            skipped.append(entry.full_name)
        else:
            seen.setdefault(key, set()).add(school_key)
            fresh.append(entry)
    return fresh, skipped


@reads
async def preview_people(
    session: AsyncSession, actor: Actor, association_id: int, entries: list[RosterEntry]
) -> RosterPreview:
    """What `add_people` would do with the list, writing nothing (the XLSX import's preview)."""
    association = await load_association(session, association_id)
    fresh, skipped = await _split(session, actor, association, entries)
    return RosterPreview(association.name, fresh, skipped)


@writes
async def add_people(
    session: AsyncSession,
    actor: Actor,
    association_id: int,
    entries: list[RosterEntry],
    now: datetime,
) -> RosterAdded:
    """Add roster rows (people who may not have opened the bot) with a personal link each.

    A person already among the active members, or repeated in the list, is skipped (same
    name, and same school or no school to tell them apart), so sending the same list twice
    adds nobody twice. Up to 2,000 rows go in as a few multi-row INSERTs
    (one per table), not a round trip per person.
    """
    association = await load_association(session, association_id)
    fresh, skipped = await _split(session, actor, association, entries)
    school_ids: dict[str, int] = {}  # each distinct school resolved once
    for entry in fresh:
        if entry.school and schools.normalize_school(entry.school) not in school_ids:
            school = await schools.resolve_typed(
                session, association.municipality_id, entry.school, now
            )
            school_ids[schools.normalize_school(entry.school)] = school.id
    links: list[PersonalLink] = []
    if fresh:
        # (name, school) pairs in `fresh` are distinct, so the returned rows are matched by
        # them: asking for RETURNING in parameter order makes SQLite insert row by row.
        inserted = await session.execute(
            insert(Person).returning(Person.id, Person.full_name, Person.school_id),
            [
                {
                    "full_name": e.full_name,
                    "school_id": school_ids.get(schools.normalize_school(e.school))
                    if e.school
                    else None,
                    "subject": e.subject,
                }
                for e in fresh
            ],
        )
        id_of = {(name, school_id): pid for pid, name, school_id in inserted.all()}
        person_ids = [
            id_of[
                (
                    e.full_name,
                    school_ids[schools.normalize_school(e.school)] if e.school else None,
                )
            ]
            for e in fresh
        ]
        await session.execute(
            insert(Membership),
            [
                {"person_id": pid, "association_id": association.id, "role": Role.MEMBER}
                for pid in person_ids
            ],
        )
        tokens = [invites.new_token() for _ in fresh]
        await session.execute(
            insert(Invite),
            [
                {
                    "token": token,
                    "kind": InviteKind.MEMBER,
                    "association_id": association.id,
                    "person_id": pid,
                    "expires_at": now + invites.PERSONAL_TTL,
                    "uses_left": 1,
                    "created_by_id": actor.person_id,
                }
                for pid, token in zip(person_ids, tokens, strict=True)
            ],
        )
        links = [
            PersonalLink(pid, e.full_name, token, e.school, e.subject)
            for pid, e, token in zip(person_ids, fresh, tokens, strict=True)
        ]
    audit.record(
        session,
        actor,
        "roster.added",
        now,
        association_id=association.id,
        object_type="association",
        object_id=association.id,
        count=len(links),
        skipped=len(skipped),
    )
    return RosterAdded(links, skipped)


@writes
async def personal_link(
    session: AsyncSession, actor: Actor, membership_id: int, now: datetime
) -> PersonalLink:
    """A fresh personal link for a roster person who has not joined yet."""
    membership, association = await load_member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, scope_of(association))
    if not may_manage_role(actor, scope_of(association), membership.role):
        raise DomainError(ErrorCode.FORBIDDEN)
    if await session.scalar(queries.identity_of(membership.person_id)):
        raise DomainError(ErrorCode.ALREADY_BOUND)
    person = await session.get_one(Person, membership.person_id)
    token = await invites.issue(
        session,
        actor,
        InviteKind.MEMBER,
        now,
        association_id=association.id,
        person_id=person.id,
    )
    return PersonalLink(person.id, person.full_name or "", token)
