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
        profile,
        schools,
    )

    root = Router(name="root")
    root.include_routers(
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
    )
    return root
