"""Who may do what (DESIGN.md, "People, roles, permissions"). Handlers only decide what to
show; every use case calls `require` (or `decide`) before it changes anything."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from models import Role
from services.errors import DomainError, ErrorCode


class Action(enum.StrEnum):
    CREATE_ASSOCIATION = "create_association"  # and invite its chair
    INVITE_STAFF = "invite_staff"  # secretary and deputy links
    EDIT_ROSTER = "edit_roster"  # /invite member links, /members: add, remove (roles by rank)
    MANAGE_MEETING = "manage_meeting"  # create, publish, change, cancel
    CALL_EXTRAORDINARY = "call_extraordinary"  # publish after the notice deadline
    NAME_PRESIDING = "name_presiding"  # who presides, who keeps the minutes
    REVIEW_PROPOSALS = "review_proposals"
    PARTICIPATE = "participate"  # propose, RSVP, check in, vote, answer surveys
    RUN_CHECKIN = "run_checkin"  # open/close check-in, roll call, record open votes
    RUN_VOTES = "run_votes"  # start and close votes
    SEND_SURVEYS = "send_surveys"  # polls and surveys, see results
    LINK_GROUP = "link_group"  # link the association's group chat
    ANNOUNCE = "announce"  # /announce to the members (a methodist: to the whole service)
    EDIT_PLAN = "edit_plan"  # the annual plan: draft, fields, rows, import, copy
    VIEW_PLAN = "view_plan"  # read the plan, download its DOCX / XLSX
    APPROVE_PLAN = "approve_plan"  # a council's plan «утверждён председателем» (002 Annex 2 §4.5)
    CHECK_COMPLIANCE = "check_compliance"  # /check: the findings of the regulations' rules
    SET_COMPLIANCE = "set_compliance"  # the compliance settings of an association kind
    READ_PROTOCOLS = "read_protocols"  # /protocols: the archive (drafts: MANAGE_MEETING)
    # a school a teacher typed: the service's methodists, the chair and deputy of the
    # associations whose members typed it (services/schools.py, issue 20)
    REVIEW_SCHOOLS = "review_schools"
    # /backup: a copy of the database made now, kept on the server (issue 14)
    BACK_UP = "back_up"
    # the annual analysis (issue 16): read it; write the chair's sections and submit it;
    # accept it or return it «на доработку» (the service's methodists)
    VIEW_ANALYSIS = "view_analysis"
    WRITE_ANALYSIS = "write_analysis"
    REVIEW_ANALYSIS = "review_analysis"
    # /overview: every association of the service at a glance (issue 18)
    VIEW_OVERVIEW = "view_overview"
    # the data bank of members as XLSX (issue 18, item 4): an association's (its chair and
    # deputy), a service's (its methodists, the admins)
    EXPORT_DATA_BANK = "export_data_bank"


class Decision(enum.IntEnum):
    DENY = 0
    CONFIRM = 1  # allowed with the chair's confirmation
    ALLOW = 2


A, C = Decision.ALLOW, Decision.CONFIRM

_ADMIN: dict[Action, Decision] = {
    Action.CREATE_ASSOCIATION: A,
    Action.INVITE_STAFF: A,
    Action.EDIT_ROSTER: A,
    Action.SEND_SURVEYS: A,
    Action.LINK_GROUP: A,
    Action.REVIEW_SCHOOLS: A,
    Action.BACK_UP: A,
    Action.VIEW_OVERVIEW: A,
    Action.EXPORT_DATA_BANK: A,
}
_METHODIST: dict[Action, Decision] = {
    Action.CREATE_ASSOCIATION: A,
    Action.INVITE_STAFF: A,
    Action.EDIT_ROSTER: A,
    Action.MANAGE_MEETING: A,
    Action.CALL_EXTRAORDINARY: C,
    Action.SEND_SURVEYS: A,
    Action.LINK_GROUP: A,
    Action.ANNOUNCE: A,
    Action.VIEW_PLAN: A,
    Action.CHECK_COMPLIANCE: A,
    Action.SET_COMPLIANCE: A,
    Action.READ_PROTOCOLS: A,  # the service's associations: drafts too, the year's ZIP
    Action.REVIEW_SCHOOLS: A,
    Action.VIEW_ANALYSIS: A,
    Action.REVIEW_ANALYSIS: A,
    Action.VIEW_OVERVIEW: A,
    Action.EXPORT_DATA_BANK: A,
}
_CHAIR: dict[Action, Decision] = {
    Action.INVITE_STAFF: A,
    Action.EDIT_ROSTER: A,
    Action.MANAGE_MEETING: A,
    Action.CALL_EXTRAORDINARY: A,
    Action.NAME_PRESIDING: A,
    Action.REVIEW_PROPOSALS: A,
    Action.PARTICIPATE: A,
    Action.RUN_CHECKIN: A,
    Action.RUN_VOTES: A,
    Action.SEND_SURVEYS: A,
    Action.LINK_GROUP: A,
    Action.ANNOUNCE: A,
    Action.EDIT_PLAN: A,
    Action.VIEW_PLAN: A,
    Action.APPROVE_PLAN: A,
    Action.CHECK_COMPLIANCE: A,
    Action.READ_PROTOCOLS: A,
    Action.REVIEW_SCHOOLS: A,
    Action.VIEW_ANALYSIS: A,
    Action.WRITE_ANALYSIS: A,
    Action.EXPORT_DATA_BANK: A,
}
_SECRETARY: dict[Action, Decision] = {
    Action.EDIT_ROSTER: A,  # members only: see `may_manage_role`
    Action.MANAGE_MEETING: A,
    Action.CALL_EXTRAORDINARY: C,
    Action.REVIEW_PROPOSALS: A,
    Action.PARTICIPATE: A,
    Action.RUN_CHECKIN: A,
    Action.ANNOUNCE: A,
    Action.EDIT_PLAN: A,
    Action.VIEW_PLAN: A,
    Action.CHECK_COMPLIANCE: A,
    Action.READ_PROTOCOLS: A,
    Action.VIEW_ANALYSIS: A,
}
_MEMBER: dict[Action, Decision] = {
    Action.PARTICIPATE: A,
    Action.VIEW_PLAN: A,
    Action.READ_PROTOCOLS: A,  # the issued ones
}

ROLE_TABLE: Mapping[Role, Mapping[Action, Decision]] = {
    Role.CHAIR: _CHAIR,
    Role.DEPUTY: _CHAIR,  # the deputy may do everything the chair may
    Role.SECRETARY: _SECRETARY,
    Role.MEMBER: _MEMBER,
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: loaded once per update. `person_id` is None before registration."""

    external_id: int | None
    person_id: int | None = None
    is_admin: bool = False
    roles: Mapping[int, Role] = field(default_factory=dict)  # association id → role
    methodist_services: frozenset[int] = frozenset()
    locale: str | None = None

    @property
    def is_methodist(self) -> bool:
        return bool(self.methodist_services)

    @property
    def is_staff(self) -> bool:
        """Has any management capacity (admin, methodist, chair, deputy, secretary)."""
        return (
            self.is_admin
            or self.is_methodist
            or any(role is not Role.MEMBER for role in self.roles.values())
        )


@dataclass(frozen=True)
class Scope:
    """The object an action is about: a service, and the association inside it if any."""

    service_id: int
    association_id: int | None = None


def decide(actor: Actor, action: Action, scope: Scope) -> Decision:
    """The best decision any of the actor's capacities gives for this action here."""
    best = Decision.DENY
    if actor.is_admin:
        best = max(best, _ADMIN.get(action, Decision.DENY))
    if scope.service_id in actor.methodist_services:
        best = max(best, _METHODIST.get(action, Decision.DENY))
    if scope.association_id is not None:
        role = actor.roles.get(scope.association_id)
        if role is not None:
            best = max(best, ROLE_TABLE[role].get(action, Decision.DENY))
    return best


def require(actor: Actor, action: Action, scope: Scope) -> Decision:
    decision = decide(actor, action, scope)
    if decision is Decision.DENY:
        raise DomainError(ErrorCode.FORBIDDEN)
    return decision


def may_manage_role(actor: Actor, scope: Scope, target: Role, new: Role | None = None) -> bool:
    """May the actor add, remove or re-role someone holding `target` (becoming `new`)?

    Admins and the service's methodists: any role. Chair and deputy: anyone but a chair, to
    any role but chair. Secretary: members only, and may not change roles.
    """
    if actor.is_admin or scope.service_id in actor.methodist_services:
        return True
    assert scope.association_id is not None
    role = actor.roles.get(scope.association_id)
    if role in (Role.CHAIR, Role.DEPUTY):
        return target is not Role.CHAIR and new is not Role.CHAIR
    if role is Role.SECRETARY:
        return target is Role.MEMBER and new in (None, Role.MEMBER)
    return False


def may_edit_protocol(actor: Actor, association_id: int, minutes_keeper_id: int | None) -> bool:
    """The secretary edits; the chair or deputy or a member only when keeping the minutes."""
    role = actor.roles.get(association_id)
    if role is None:
        return False
    if role is Role.SECRETARY:
        return True
    return actor.person_id is not None and actor.person_id == minutes_keeper_id


def may_sign_protocol(
    actor: Actor, association_id: int, presiding_id: int | None, minutes_keeper_id: int | None
) -> bool:
    """Those two sign: whoever presided (chair or deputy) and whoever kept the minutes."""
    role = actor.roles.get(association_id)
    if role is None or actor.person_id is None:
        return False
    if actor.person_id == minutes_keeper_id:
        return True
    return role in (Role.CHAIR, Role.DEPUTY) and actor.person_id == presiding_id
