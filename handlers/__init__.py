"""One router per flow, included in an explicit order, catch-alls last.

Every feature module builds its routers in `setup()` (and `setup_hints()` where a wizard has
hints): a fresh Router on every call, so each Dispatcher (one per test, one per process)
gets routers of its own."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    analysis,
    announce,
    associations,
    attendance,
    centres,
    common,
    compliance,
    fallback,
    groups,
    invites,
    meetings,
    members,
    onboarding,
    overview,
    plan_approval,
    plans,
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
        common.setup(),
        # The taps of a meeting's first minutes (check-in, votes) come in hundreds at once:
        # their router is tried early, before the long tail of others' filters.
        attendance.setup(),
        attendance.setup_presence(),
        groups.setup(),
        onboarding.setup(),
        profile.setup(),
        admin.setup(),
        associations.setup(),
        invites.setup(),
        members.setup(),
        schools.setup(),
        announce.setup(),
        meetings.setup_wizard(),
        meetings.setup(),
        protocols.setup(),
        surveys.setup(),
        plan_approval.setup(),  # issue 15: the council chair approves the adopted plan
        plans.setup(),
        meetings.setup_calendar(),  # answers taps on the calendar's labels and greyed-out days
        compliance.setup(),  # /check
        analysis.setup(),  # /analysis, «📊 Анализ года» (issue 16)
        overview.setup(),  # /overview: the methodist's desk (issue 18)
        centres.setup(),  # /centre: a centre groups services (issue 18)
        # ↓ Place for feature routers still to come. Before the
        # wizard hints: a command of a router placed after them would get a wizard's hint.
        #
        # Wizard hints: anything else typed inside a wizard (an unknown command, a photo
        # where text is expected) gets that wizard's hint. After every feature router, so
        # a known command or menu button typed in a wizard reaches its own handler first.
        onboarding.setup_hints(),
        profile.setup_hints(),
        admin.setup_hints(),
        associations.setup_hints(),
        members.setup_hints(),
        schools.setup_hints(),
        announce.setup_hints(),
        meetings.setup_wizard_hints(),
        meetings.setup_hints(),
        attendance.setup_hints(),
        protocols.setup_hints(),
        surveys.setup_hints(),
        plans.setup_hints(),
        fallback.setup(),  # last: answers stale buttons and unexpected input
    ]


def build_root_router() -> Router:
    root = Router(name="root")
    root.include_routers(*feature_routers())
    return root
