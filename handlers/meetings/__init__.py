"""The meetings flows. `/newmeeting`: a chair, deputy, secretary or methodist drafts a
meeting on one panel message and publishes it (wizard_*: start, when, details, agenda,
publish; the panel; the calendar). `/meetings`: a member's Буду / Не смогу / a proposed
question (rsvp), the manager's card (card), proposals' review (proposals), and the changes a
chair or secretary makes (changes, agenda).

The draft lives in the database; every wizard button carries the draft's version, so a stale
button or a second editor never overwrites a newer draft (they are told and shown the current
one). Each `setup*()` builds a fresh router; handlers/__init__.py orders them."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter

from handlers.meetings import (
    agenda,
    calendar,
    card,
    changes,
    hints,
    proposals,
    rsvp,
    wizard_agenda,
    wizard_details,
    wizard_publish,
    wizard_start,
    wizard_venue,
    wizard_when,
)
from handlers.meetings.states import Answering as Answering
from handlers.meetings.states import Drafting as Drafting


def _private(name: str) -> Router:
    router = Router(name=name)
    router.message.filter(F.chat.type == "private")
    return router


def setup_wizard() -> Router:
    """/newmeeting and every step of the draft (its calendar taps included)."""
    router = _private("handlers.meetings.wizard")
    wizard_start.register(router)
    wizard_when.register(router)
    wizard_venue.register(router)
    wizard_details.register_fields(router)
    wizard_agenda.register(router)
    wizard_details.register_materials_and_roles(router)
    wizard_publish.register(router)
    return router


def setup() -> Router:
    """/meetings, a member's answers and proposals, the manager's card and changes."""
    router = _private("handlers.meetings")
    card.register(router)
    rsvp.register(router)
    proposals.register(router)
    changes.register_changes(router)
    agenda.register(router)
    changes.register_end(router)
    return router


def setup_calendar() -> Router:
    """Taps on the calendar's labels and greyed-out days (before the catch-all)."""
    return calendar.setup()


def setup_wizard_hints() -> Router:
    router = _private("handlers.meetings.wizard.hints")
    router.message.register(hints.material_hint, StateFilter(Drafting.material))
    router.message.register(hints.wizard_hint, StateFilter(Drafting))
    return router


def setup_hints() -> Router:
    router = _private("handlers.meetings.hints")
    router.message.register(hints.answering_hint, StateFilter(Answering))
    return router
