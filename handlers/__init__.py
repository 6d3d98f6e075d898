"""One router per flow, included in an explicit order, catch-alls last."""

from __future__ import annotations

from aiogram import Router


def build_root_router() -> Router:
    from handlers import (
        admin,
        associations,
        common,
        fallback,
        groups,
        invites,
        members,
        onboarding,
        presence,
        profile,
        schools,
    )

    routers = [
        presence.router,
        groups.router,
        onboarding.router,
        common.router,
        profile.router,
        admin.router,
        associations.router,
        invites.router,
        members.router,
        schools.router,
        fallback.router,  # last: answers stale buttons and unexpected input
    ]
    root = Router(name="root")
    for router in routers:
        # The feature routers live at module level; a second Dispatcher in the same process
        # (the flow tests build one per test) takes them over from the previous root.
        router._parent_router = None
    root.include_routers(*routers)
    return root
