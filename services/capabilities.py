"""What a person may start at all, before any object is chosen: the gates of the command
menus and of the wizards that ask for an object first (which municipality, which school).

Each answer is read from the permission table (`services.permissions.decide`) over every
scope the person has, so a menu never offers what the table refuses everywhere, and the
use case that runs at the end still checks the object it is given."""

from __future__ import annotations

from services.permissions import Action, Actor, Decision, Scope, decide

NOWHERE = -1  # a service id no row has: a scope that only the admin's capacity reaches


def may_anywhere(actor: Actor, action: Action) -> bool:
    """`action` is allowed (or allowed with a confirmation) in at least one of the actor's
    scopes: as the admin, in a service of theirs (a methodist) or in an association where
    they hold a role."""
    scopes = [
        Scope(NOWHERE),
        *(Scope(service_id) for service_id in actor.methodist_services),
        *(Scope(NOWHERE, association_id) for association_id in actor.roles),
    ]
    return any(decide(actor, action, scope) is not Decision.DENY for scope in scopes)


def may_create_associations(actor: Actor) -> bool:
    """/newassociation, and adding schools to a municipality's directory (the admin, a
    methodist)."""
    return may_anywhere(actor, Action.CREATE_ASSOCIATION)


def may_review_schools(actor: Actor) -> bool:
    """Approving the schools teachers typed (the admin, a methodist, a chair or deputy)."""
    return may_anywhere(actor, Action.REVIEW_SCHOOLS)


def may_announce(actor: Actor) -> bool:
    """/announce (a methodist, a chair, deputy or secretary; the admin as such does not)."""
    return may_anywhere(actor, Action.ANNOUNCE)


def may_check(actor: Actor) -> bool:
    """/check, «✅ Проверка» (a methodist, a chair, deputy or secretary)."""
    return may_anywhere(actor, Action.CHECK_COMPLIANCE)


def may_overview(actor: Actor) -> bool:
    """/overview, «🗂 Обзор» (a methodist, the admin)."""
    return may_anywhere(actor, Action.VIEW_OVERVIEW)


def may_view_analysis(actor: Actor) -> bool:
    """/analysis, «📊 Анализ года» (a methodist, a chair, deputy or secretary; the admin as
    such does not)."""
    return may_anywhere(actor, Action.VIEW_ANALYSIS)


def may_back_up(actor: Actor) -> bool:
    """/backup: a copy of the database made now (the system administrator)."""
    return may_anywhere(actor, Action.BACK_UP)
