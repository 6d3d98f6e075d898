"""The roster of an association: members (joined or not yet), roles, personal links."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Association,
    Identity,
    Invite,
    InviteKind,
    Membership,
    Person,
    Role,
    School,
)
from services import audit, invites, schools
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Scope, may_manage_role, require
from services.tx import atomic
from services.validation import check_name, check_title

MAX_ROSTER_ROWS = 2000
MAX_ROSTER_BYTES = 1_000_000
ROLE_ORDER = {Role.CHAIR: 0, Role.DEPUTY: 1, Role.SECRETARY: 2, Role.MEMBER: 3}


@dataclass(frozen=True)
class RosterRow:
    membership_id: int
    person_id: int
    full_name: str
    role: Role
    school: str | None
    voting: bool
    joined: bool
    reachable: bool | None


@dataclass(frozen=True)
class RosterPage:
    association_id: int
    association_name: str
    rows: list[RosterRow]
    page: int
    pages: int
    total: int
    joined: int


async def _association(session: AsyncSession, association_id: int) -> Association:
    association = await session.get(Association, association_id)
    if association is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return association


def _scope(association: Association) -> Scope:
    return Scope(association.service_id, association.id)


@atomic
async def roster_page(
    session: AsyncSession, actor: Actor, association_id: int, page: int = 0, per_page: int = 10
) -> RosterPage:
    """A page of active members: chair first, then by name; with joined and reachable marks."""
    association = await _association(session, association_id)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    base = (
        select(Membership, Person, School.name, Identity.reachable, Identity.id)
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(School, School.id == Person.school_id)
        .outerjoin(Identity, Identity.person_id == Person.id)
        .where(Membership.association_id == association_id, Membership.active.is_(True))
    )
    rows = (await session.execute(base)).all()
    await session.commit()
    seen: dict[int, RosterRow] = {}
    for membership, person, school, reachable, identity_id in rows:
        if membership.id in seen:  # several identities: joined if any
            continue
        seen[membership.id] = RosterRow(
            membership_id=membership.id,
            person_id=person.id,
            full_name=person.full_name or "—",
            role=membership.role,
            school=school,
            voting=membership.voting,
            joined=identity_id is not None,
            reachable=reachable,
        )
    ordered = sorted(seen.values(), key=lambda r: (ROLE_ORDER[r.role], r.full_name.lower()))
    pages = max(1, -(-len(ordered) // per_page))
    page = min(max(page, 0), pages - 1)
    return RosterPage(
        association_id=association.id,
        association_name=association.name,
        rows=ordered[page * per_page : (page + 1) * per_page],
        page=page,
        pages=pages,
        total=len(ordered),
        joined=sum(1 for r in ordered if r.joined),
    )


@dataclass(frozen=True)
class RosterEntry:
    full_name: str
    school: str | None
    subject: str | None


_SEPARATORS = re.compile(r"\s*[;\t|]\s*")
_COMMA = re.compile(r"\s*,\s*")


def _fields(line: str, commas: bool) -> list[str]:
    """Name, school, subject of one line ("" where left out)."""
    if _SEPARATORS.search(line) or not commas:
        return [*_SEPARATORS.split(line), "", ""][:3]
    parts = _COMMA.split(line)
    if len(parts) > 3:  # «Иванова Анна, МБОУ СОШ № 5, г. Омск, математика»: a comma in the school
        return [parts[0], ", ".join(parts[1:-1]), parts[-1]]
    return [*parts, "", ""][:3]


def parse_roster(text: str, first_line: int = 1, *, commas: bool = True) -> list[RosterEntry]:
    """One person per line: «Фамилия Имя Отчество; школа; предмет» (school, subject optional).

    Fields are separated by `;`, a tab or `|`; a line with none of them may use commas
    («Иванова Анна, Школа 5, математика»). Every line is checked; any bad line rejects all,
    with its number and the reason's parameters, so nothing is half-imported.
    """
    if len(text.encode("utf-8")) > MAX_ROSTER_BYTES:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DomainError(ErrorCode.ROSTER_EMPTY)
    if len(lines) > MAX_ROSTER_ROWS:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    entries: list[RosterEntry] = []
    for number, line in enumerate(lines, start=first_line):
        parts = _fields(line.strip(), commas)
        try:
            name = check_name(parts[0])
            school = check_name(parts[1]) if parts[1].strip() else None
            subject = check_title(parts[2]) if parts[2].strip() else None
        except DomainError as exc:
            raise DomainError(
                ErrorCode.ROSTER_BAD_LINE,
                line=number,
                reason=exc.code,
                reason_params=dict(exc.params),
            ) from exc
        entries.append(RosterEntry(name, school, subject))
    return entries


_HEADER_WORDS = {"фио", "ф.и.о.", "ф. и. о.", "full name", "name", "имя", "фамилия имя отчество"}


def parse_roster_file(data: bytes) -> list[RosterEntry]:
    """A roster sent as a file: CSV or plain text, as Excel or Google Sheets save it.

    UTF-8 (with or without BOM) or Windows-1251 (Russian Excel's CSV); fields separated by
    `;`, a comma, a tab or `|`, quoted as CSV quotes them; a header row is skipped. The
    rules and limits of `parse_roster` apply to every row.
    """
    if len(data) > MAX_ROSTER_BYTES:
        raise DomainError(ErrorCode.ROSTER_TOO_BIG, rows=MAX_ROSTER_ROWS)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DomainError(ErrorCode.ROSTER_EMPTY)
    sample = "\n".join(lines[:50])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        delimiter = ";"
    rows = [
        [cell.replace(";", ",").strip() for cell in row]
        for row in csv.reader(lines, delimiter=delimiter)
    ]
    header = bool(rows and rows[0] and rows[0][0].casefold() in _HEADER_WORDS)
    body = rows[1:] if header else rows
    return parse_roster(
        "\n".join("; ".join(row[:3]) for row in body if any(row)),
        first_line=2 if header else 1,
        commas=False,  # the file's own delimiter has split the fields already
    )


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


def _same_person(schools_of_name: set[str | None] | None, school: str | None) -> bool:
    """A roster line names someone already there: the same name, and the same school or a
    school missing on either side (two teachers of one name at two schools are two people)."""
    if not schools_of_name:
        return False
    return school is None or None in schools_of_name or school in schools_of_name


@atomic
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
    association = await _association(session, association_id)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    if not may_manage_role(actor, _scope(association), Role.MEMBER):
        raise DomainError(ErrorCode.FORBIDDEN)
    present = await session.execute(
        select(Person.full_name, School.norm_name)
        .join(Membership, Membership.person_id == Person.id)
        .outerjoin(School, School.id == Person.school_id)
        .where(Membership.association_id == association.id, Membership.active)
    )
    seen: dict[str, set[str | None]] = {}  # name → the schools of the people of that name
    for name, norm_school in present.all():
        if name:
            seen.setdefault(name_key(name), set()).add(norm_school)
    fresh: list[RosterEntry] = []
    skipped: list[str] = []
    for entry in entries:
        key = name_key(entry.full_name)
        school_key = schools.normalize_school(entry.school) if entry.school else None
        if _same_person(seen.get(key), school_key):
            skipped.append(entry.full_name)
        else:
            seen.setdefault(key, set()).add(school_key)
            fresh.append(entry)
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
    await session.commit()
    return RosterAdded(links, skipped)


async def _member(session: AsyncSession, membership_id: int) -> tuple[Membership, Association]:
    row = (
        await session.execute(
            select(Membership, Association)
            .join(Association, Association.id == Membership.association_id)
            .where(Membership.id == membership_id)
        )
    ).first()
    if row is None or not row[0].active:
        raise DomainError(ErrorCode.STALE)
    return row[0], row[1]


@atomic
async def personal_link(
    session: AsyncSession, actor: Actor, membership_id: int, now: datetime
) -> PersonalLink:
    """A fresh personal link for a roster person who has not joined yet."""
    membership, association = await _member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    if not may_manage_role(actor, _scope(association), membership.role):
        raise DomainError(ErrorCode.FORBIDDEN)
    if await session.scalar(select(Identity.id).where(Identity.person_id == membership.person_id)):
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
    await session.commit()
    return PersonalLink(person.id, person.full_name or "", token)


@atomic
async def change_role(
    session: AsyncSession, actor: Actor, membership_id: int, role: Role, now: datetime
) -> RosterRow:
    membership, association = await _member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    if not may_manage_role(actor, _scope(association), membership.role, role):
        raise DomainError(ErrorCode.FORBIDDEN)
    if membership.role is Role.CHAIR and role is not Role.CHAIR:
        await _keep_a_chair(session, association.id, membership.id)
    if role is Role.CHAIR:
        for other in (
            await session.scalars(
                select(Membership).where(
                    Membership.association_id == association.id,
                    Membership.role == Role.CHAIR,
                    Membership.id != membership.id,
                )
            )
        ).all():
            other.role = Role.MEMBER
    old = membership.role
    membership.role = role
    audit.record(
        session,
        actor,
        "membership.role",
        now,
        association_id=association.id,
        object_type="membership",
        object_id=membership.id,
        old=old.value,
        new=role.value,
    )
    await session.commit()
    return await _row(session, membership)


@atomic
async def set_voting(
    session: AsyncSession, actor: Actor, membership_id: int, voting: bool, now: datetime
) -> RosterRow:
    """Guests and observers don't vote: the flag of a membership."""
    membership, association = await _member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    if not may_manage_role(actor, _scope(association), membership.role, membership.role):
        raise DomainError(ErrorCode.FORBIDDEN)
    membership.voting = voting
    audit.record(
        session,
        actor,
        "membership.voting",
        now,
        association_id=association.id,
        object_type="membership",
        object_id=membership.id,
        voting=voting,
    )
    await session.commit()
    return await _row(session, membership)


@atomic
async def remove(session: AsyncSession, actor: Actor, membership_id: int, now: datetime) -> str:
    """Deactivate a membership (attendance history keeps it); returns the person's name."""
    membership, association = await _member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    if not may_manage_role(actor, _scope(association), membership.role):
        raise DomainError(ErrorCode.FORBIDDEN)
    if membership.role is Role.CHAIR:
        await _keep_a_chair(session, association.id, membership.id)
    membership.active = False
    # Their personal links to this association stop working: an old one must not bring the
    # removed membership back.
    revoked: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(Invite)
        .where(
            Invite.person_id == membership.person_id,
            Invite.association_id == association.id,
            Invite.expires_at > now,
        )
        .values(expires_at=now)
    )
    person = await session.get_one(Person, membership.person_id)
    audit.record(
        session,
        actor,
        "membership.removed",
        now,
        association_id=association.id,
        object_type="membership",
        object_id=membership.id,
        links_revoked=revoked.rowcount,
    )
    await session.commit()
    return person.full_name or "—"


async def _keep_a_chair(session: AsyncSession, association_id: int, leaving_id: int) -> None:
    """The only chair cannot be demoted or removed while nobody replaces them."""
    others = await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.association_id == association_id,
            Membership.role == Role.CHAIR,
            Membership.active.is_(True),
            Membership.id != leaving_id,
        )
    )
    if not others:
        raise DomainError(ErrorCode.LAST_CHAIR)


@atomic
async def get_row(session: AsyncSession, actor: Actor, membership_id: int) -> RosterRow:
    membership, association = await _member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    return await _row(session, membership)  # commits: a read holds no lock afterwards


async def _row(session: AsyncSession, membership: Membership) -> RosterRow:
    person = await session.get_one(Person, membership.person_id)
    school = await session.get(School, person.school_id) if person.school_id else None
    identity = await session.scalar(
        select(Identity).where(Identity.person_id == person.id).limit(1)
    )
    await session.commit()
    return RosterRow(
        membership_id=membership.id,
        person_id=person.id,
        full_name=person.full_name or "—",
        role=membership.role,
        school=school.name if school else None,
        voting=membership.voting,
        joined=identity is not None,
        reachable=identity.reachable if identity else None,
    )


@atomic
async def association_of(session: AsyncSession, actor: Actor, membership_id: int) -> int:
    """The association of a membership the actor may manage (for navigation)."""
    _membership, association = await _member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, _scope(association))
    await session.commit()
    return association.id
