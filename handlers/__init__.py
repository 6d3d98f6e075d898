"""One router per flow, included in an explicit order, catch-alls last.

Every feature module builds its routers in `setup()` (and `setup_hints()` where a wizard has
hints): a fresh Router on every call, so each Dispatcher (one per test, one per process)
gets routers of its own."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    announce,
    associations,
    attendance,
    calendar,
    common,
    fallback,
    groups,
    invites,
    meeting_wizard,
    meetings,
    members,
    onboarding,
    presence,
    profile,
    protocols,
    schools,
    surveys,
)


def feature_routers() -> list[Router]:
    """The routers in the order an update tries them."""
    return [
        # First: /cancel, /start, /help. Every command and menu button works in any state
        # and leaves the wizard; wizard text handlers never take `/…` or a menu label
        # (handlers.ui.WizardText), so it reaches its own handler further down.
        common.router,
        # The taps of a meeting's first minutes (check-in, votes) come in hundreds at once:
        # their router is tried early, before the long tail of others' filters.
        attendance.router,
        presence.router,
        groups.setup(),
        onboarding.router,
        profile.router,
        admin.setup(),
        associations.setup(),
        invites.router,
        members.router,
        schools.setup(),
        announce.setup(),
        meeting_wizard.router,
        meetings.router,
        protocols.router,
        surveys.router,
        calendar.router,  # answers taps on the calendar's labels and greyed-out days
        # ↓ Place for feature routers still to come. Before the
        # wizard hints: a command of a router placed after them would get a wizard's hint.
        #
        # Wizard hints: anything else typed inside a wizard (an unknown command, a photo
        # where text is expected) gets that wizard's hint. After every feature router, so
        # a known command or menu button typed in a wizard reaches its own handler first.
        onboarding.hints,
        profile.hints,
        admin.setup_hints(),
        associations.setup_hints(),
        members.hints,
        schools.setup_hints(),
        announce.setup_hints(),
        meeting_wizard.hints,
        meetings.hints,
        attendance.hints,
        protocols.hints,
        surveys.hints,
        fallback.setup(),  # last: answers stale buttons and unexpected input
    ]


def build_root_router() -> Router:
    root = Router(name="root")
    routers = feature_routers()
    _release_module_level_routers(routers)
    root.include_routers(*routers)
    return root


def _release_module_level_routers(routers: list[Router]) -> None:
    """TRANSITIONAL, while some feature modules still keep a module-level `router`: a
    second Dispatcher in the same process (the flow tests build one per test) takes them
    over from the previous root. Delete this function with the last module-level router
    (every line above a `setup()` call): then nothing here touches a private attribute."""
    for router in routers:
        if router.parent_router is not None:
            router._parent_router = None
