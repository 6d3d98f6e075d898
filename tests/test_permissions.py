"""DESIGN.md's permission table, row by row, for every capacity."""

from __future__ import annotations

import pytest

from models import Role
from services.capabilities import (
    may_announce,
    may_anywhere,
    may_create_associations,
    may_review_schools,
    may_view_analysis,
)
from services.permissions import (
    Action,
    Actor,
    Decision,
    Scope,
    decide,
    may_edit_protocol,
    may_manage_role,
    may_sign_protocol,
)

SERVICE, OTHER_SERVICE, ASSOC = 1, 2, 10
SCOPE = Scope(SERVICE, ASSOC)

ADMIN = Actor(external_id=1, is_admin=True)
METHODIST = Actor(external_id=2, person_id=2, methodist_services=frozenset({SERVICE}))
FOREIGN_METHODIST = Actor(external_id=3, person_id=3, methodist_services=frozenset({OTHER_SERVICE}))


def member(role: Role, person_id: int = 5) -> Actor:
    return Actor(external_id=person_id, person_id=person_id, roles={ASSOC: role})


CHAIR, DEPUTY = member(Role.CHAIR), member(Role.DEPUTY)
SECRETARY, MEMBER = member(Role.SECRETARY), member(Role.MEMBER)
STRANGER = Actor(external_id=9, person_id=9)
A, C, D = Decision.ALLOW, Decision.CONFIRM, Decision.DENY
CAPACITIES = [ADMIN, METHODIST, CHAIR, DEPUTY, SECRETARY, MEMBER]

# action → decisions for admin, methodist, chair, deputy, secretary, member (DESIGN.md)
TABLE: dict[Action, tuple[Decision, ...]] = {
    Action.CREATE_ASSOCIATION: (A, A, D, D, D, D),
    Action.INVITE_STAFF: (A, A, A, A, D, D),
    Action.EDIT_ROSTER: (A, A, A, A, A, D),
    Action.MANAGE_MEETING: (D, A, A, A, A, D),
    Action.CALL_EXTRAORDINARY: (D, C, A, A, C, D),
    Action.NAME_PRESIDING: (D, D, A, A, D, D),
    Action.REVIEW_PROPOSALS: (D, D, A, A, A, D),
    Action.PARTICIPATE: (D, D, A, A, A, A),
    Action.RUN_CHECKIN: (D, D, A, A, A, D),
    Action.RUN_VOTES: (D, D, A, A, D, D),
    Action.SEND_SURVEYS: (A, A, A, A, D, D),
    Action.ANNOUNCE: (D, A, A, A, A, D),  # issue 3: chair, deputy, secretary, methodist
    Action.EDIT_PLAN: (D, D, A, A, A, D),  # issue 15: the plan's editors
    Action.VIEW_PLAN: (D, A, A, A, A, A),  # members and the service's methodists read it
    # issue 15: a council's plan «утверждён председателем» (the deputy acts for the chair)
    Action.APPROVE_PLAN: (D, D, A, A, D, D),
    Action.CHECK_COMPLIANCE: (D, A, A, A, A, D),  # issue 15: /check, never a plain member
    Action.SET_COMPLIANCE: (D, A, D, D, D, D),  # the settings per kind: the methodists
    Action.VIEW_OVERVIEW: (A, A, D, D, D, D),  # issue 18: the methodist's desk
    # issue 18: the data bank as XLSX (personal data: the chair, not the secretary)
    Action.EXPORT_DATA_BANK: (A, A, A, A, D, D),
    # issue 20: /protocols, the archive: the members and the service's methodists
    Action.READ_PROTOCOLS: (D, A, A, A, A, A),
    Action.VIEW_ANALYSIS: (D, A, A, A, A, D),  # the staff and the service's methodists
    Action.WRITE_ANALYSIS: (D, D, A, A, D, D),  # the chair's sections, submitting
    Action.REVIEW_ANALYSIS: (D, A, D, D, D, D),  # «принято» / «на доработку»
    # issue 20: a school a teacher typed (the chair's scope: an association of its teachers)
    Action.REVIEW_SCHOOLS: (A, A, A, A, D, D),
    # issue 14: /backup, the system administrator only (the database holds everyone's data)
    Action.BACK_UP: (A, D, D, D, D, D),
}


def test_table_covers_every_action_but_group_link() -> None:
    assert set(TABLE) | {Action.LINK_GROUP} == set(Action)


@pytest.mark.parametrize("action", list(TABLE), ids=lambda a: a.value)
def test_permission_row(action: Action) -> None:
    scope = Scope(SERVICE) if action is Action.CREATE_ASSOCIATION else SCOPE
    got = tuple(decide(actor, action, scope) for actor in CAPACITIES)
    assert got == TABLE[action]


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_outsiders_may_do_nothing(action: Action) -> None:
    assert decide(STRANGER, action, SCOPE) is D
    assert decide(FOREIGN_METHODIST, action, SCOPE) is D
    # A role in one association gives nothing in another.
    assert decide(CHAIR, action, Scope(SERVICE, ASSOC + 1)) is D


def test_capacities_combine_to_the_best() -> None:
    both = Actor(
        external_id=7,
        person_id=7,
        roles={ASSOC: Role.SECRETARY},
        methodist_services=frozenset({SERVICE}),
    )
    assert decide(both, Action.INVITE_STAFF, SCOPE) is A  # as methodist
    assert decide(both, Action.PARTICIPATE, SCOPE) is A  # as secretary


def test_roster_ranks() -> None:
    assert may_manage_role(ADMIN, SCOPE, Role.CHAIR, Role.MEMBER)
    assert may_manage_role(METHODIST, SCOPE, Role.MEMBER, Role.CHAIR)
    assert may_manage_role(CHAIR, SCOPE, Role.MEMBER, Role.SECRETARY)
    assert may_manage_role(DEPUTY, SCOPE, Role.SECRETARY, Role.DEPUTY)
    assert not may_manage_role(DEPUTY, SCOPE, Role.CHAIR, Role.MEMBER)
    assert not may_manage_role(CHAIR, SCOPE, Role.MEMBER, Role.CHAIR)
    assert may_manage_role(SECRETARY, SCOPE, Role.MEMBER)
    assert not may_manage_role(SECRETARY, SCOPE, Role.MEMBER, Role.SECRETARY)
    assert not may_manage_role(SECRETARY, SCOPE, Role.DEPUTY)
    assert not may_manage_role(MEMBER, SCOPE, Role.MEMBER)


def test_protocol_editing_and_signing() -> None:
    keeper = member(Role.MEMBER, person_id=42)
    assert may_edit_protocol(SECRETARY, ASSOC, minutes_keeper_id=None)
    assert may_edit_protocol(keeper, ASSOC, minutes_keeper_id=42)
    assert not may_edit_protocol(MEMBER, ASSOC, minutes_keeper_id=42)
    assert not may_edit_protocol(CHAIR, ASSOC, minutes_keeper_id=None)
    assert may_sign_protocol(CHAIR, ASSOC, presiding_id=CHAIR.person_id, minutes_keeper_id=1)
    assert not may_sign_protocol(CHAIR, ASSOC, presiding_id=99, minutes_keeper_id=1)
    assert may_sign_protocol(keeper, ASSOC, presiding_id=1, minutes_keeper_id=42)
    assert not may_sign_protocol(SECRETARY, ASSOC, presiding_id=1, minutes_keeper_id=42)
    assert not may_sign_protocol(MEMBER, ASSOC, presiding_id=MEMBER.person_id, minutes_keeper_id=1)


# The gates of menus and wizards (services.capabilities), as the handlers and the command
# menu wrote them before they were read from the table.
ADMIN_MEMBER = Actor(external_id=1, person_id=1, is_admin=True, roles={ASSOC: Role.MEMBER})
SECRETARY_ELSEWHERE = Actor(
    external_id=6, person_id=6, roles={ASSOC: Role.MEMBER, ASSOC + 1: Role.SECRETARY}
)
EVERYBODY = [*CAPACITIES, FOREIGN_METHODIST, STRANGER, ADMIN_MEMBER, SECRETARY_ELSEWHERE]


@pytest.mark.parametrize("actor", EVERYBODY, ids=repr)
def test_menu_and_wizard_gates_are_the_permission_tables(actor: Actor) -> None:
    roles = set(actor.roles.values())
    assert may_create_associations(actor) == (actor.is_admin or actor.is_methodist)
    assert may_review_schools(actor) == (
        actor.is_admin or actor.is_methodist or bool(roles & {Role.CHAIR, Role.DEPUTY})
    )
    assert may_announce(actor) == (actor.is_methodist or bool(roles - {Role.MEMBER}))
    assert may_view_analysis(actor) == (actor.is_methodist or bool(roles - {Role.MEMBER}))
    assert may_anywhere(actor, Action.PARTICIPATE) == bool(roles)
