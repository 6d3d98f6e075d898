"""One router per flow, included in an explicit order, catch-alls last."""

from __future__ import annotations

from aiogram import Router


def build_root_router() -> Router:
    from handlers import (
        admin,
        announce,
        associations,
        attendance,
        common,
        fallback,
        groups,
        invites,
        meetings,
        members,
        onboarding,
        profile,
        protocols,
        schools,
        surveys,
    )

    routers = [
        # First: /cancel, /start, /help. Every command and menu button works in any state
        # and leaves the wizard; wizard text handlers never take `/…` or a menu label
        # (handlers.ui.WizardText), so it reaches its own handler further down.
        common.setup(),
        # The taps of a meeting's first minutes (check-in, votes) come in hundreds at once:
        # their router is tried early, before the long tail of others' filters.
        attendance.setup(),
        attendance.setup_presence(),
        groups.router,
        onboarding.setup(),
        profile.setup(),
        admin.router,
        associations.router,
        invites.setup(),
        members.setup(),
        schools.router,
        announce.router,
        meetings.setup_wizard(),
        meetings.setup(),
        protocols.setup(),
        surveys.setup(),
        meetings.setup_calendar(),  # answers taps on the calendar's labels and greyed-out days
        # ↓ Place for feature routers still to come. Before the
        # wizard hints: a command of a router placed after them would get a wizard's hint.
        #
        # Wizard hints: anything else typed inside a wizard (an unknown command, a photo
        # where text is expected) gets that wizard's hint. After every feature router, so
        # a known command or menu button typed in a wizard reaches its own handler first.
        onboarding.setup_hints(),
        profile.setup_hints(),
        admin.hints,
        associations.hints,
        members.setup_hints(),
        schools.hints,
        announce.hints,
        meetings.setup_wizard_hints(),
        meetings.setup_hints(),
        attendance.setup_hints(),
        protocols.setup_hints(),
        surveys.setup_hints(),
        fallback.router,  # last: answers stale buttons and unexpected input
    ]
    root = Router(name="root")
    for router in routers:
        # The feature routers live at module level; a second Dispatcher in the same process
        # (the flow tests build one per test) takes them over from the previous root.
        router._parent_router = None
    root.include_routers(*routers)
    return root
