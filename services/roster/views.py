"""The roster as people see it: a page of members, one member's row, and what the viewer
may do with a member (the buttons of the member's card)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, Person, Role, School
from services.permissions import Action, Actor, Decision, Scope, decide, may_manage_role, require
from services.roster import queries
from services.roster.access import load_association, load_member, require_removal, scope_of
from services.tx import reads

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
    may_export_bank: bool = False  # the data bank as XLSX (issue 18): chair, deputy, methodist


@reads
async def roster_page(
    session: AsyncSession, actor: Actor, association_id: int, page: int = 0, per_page: int = 10
) -> RosterPage:
    """A page of active members: chair first, then by name; with joined and reachable marks."""
    association = await load_association(session, association_id)
    require(actor, Action.EDIT_ROSTER, scope_of(association))
    rows = (await session.execute(queries.roster_rows(association_id))).all()
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
        may_export_bank=decide(actor, Action.EXPORT_DATA_BANK, scope_of(association))
        is Decision.ALLOW,
    )


@reads
async def get_row(session: AsyncSession, actor: Actor, membership_id: int) -> RosterRow:
    membership, association = await load_member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, scope_of(association))
    return await row_of(session, membership)


@reads
async def row_to_remove(session: AsyncSession, actor: Actor, membership_id: int) -> RosterRow:
    """The member's row for «Remove …?»: refused as `changes.remove` refuses."""
    membership, association = await load_member(session, membership_id)
    require_removal(actor, association, membership.role)
    return await row_of(session, membership)


async def row_of(session: AsyncSession, membership: Membership) -> RosterRow:
    person = await session.get_one(Person, membership.person_id)
    school = await session.get(School, person.school_id) if person.school_id else None
    identity = await session.scalar(queries.first_identity(person.id))
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


@reads
async def association_of(session: AsyncSession, actor: Actor, membership_id: int) -> int:
    """The association of a membership the actor may manage (for navigation)."""
    _, association = await load_member(session, membership_id)
    require(actor, Action.EDIT_ROSTER, scope_of(association))
    return association.id


@dataclass(frozen=True)
class MemberActions:
    """What the viewer may do with one member: the buttons of the member's card."""

    appoint: tuple[Role, ...]  # the roles they may give, in the order shown
    set_voting: bool
    send_link: bool  # a fresh personal link (the member has not joined yet)
    remove: bool


def member_actions(
    actor: Actor, row: RosterRow, service_id: int, association_id: int
) -> MemberActions:
    scope = Scope(service_id, association_id)
    manage = may_manage_role(actor, scope, row.role)
    return MemberActions(
        appoint=tuple(
            role
            for role in (Role.MEMBER, Role.SECRETARY, Role.DEPUTY, Role.CHAIR)
            if role is not row.role and may_manage_role(actor, scope, row.role, role)
        ),
        set_voting=may_manage_role(actor, scope, row.role, row.role),
        send_link=manage and not row.joined,
        remove=manage,
    )
