"""What a person may be offered, as plain data for the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from services import schools
from services.permissions import Actor


@dataclass(frozen=True)
class Abilities:
    """The groups of commands the help page shows a person."""

    registered: bool
    staff: bool
    reviewer: bool  # reviews the schools teachers typed
    creator: bool  # creates associations
    admin: bool


def abilities(actor: Actor) -> Abilities:
    return Abilities(
        registered=actor.person_id is not None,
        staff=actor.is_staff,
        reviewer=schools.reviews_schools(actor),
        creator=actor.is_admin or actor.is_methodist,
        admin=actor.is_admin,
    )
