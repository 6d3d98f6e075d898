"""Routers are built by functions: every call gives fresh routers, so each Dispatcher (one
per flow test, one per process) owns its own; the catch-all router comes last."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram import Dispatcher, Router

from handlers import admin, announce, associations, build_root_router, fallback, groups, schools

SETUPS: list[Callable[[], Router]] = [
    admin.setup,
    admin.setup_hints,
    announce.setup,
    announce.setup_hints,
    associations.setup,
    associations.setup_hints,
    fallback.setup,
    groups.setup,
    schools.setup,
    schools.setup_hints,
]


@pytest.mark.parametrize("setup", SETUPS, ids=lambda s: f"{s.__module__}.{s.__name__}")
def test_every_call_builds_a_fresh_router_with_handlers(setup: Callable[[], Router]) -> None:
    first, second = setup(), setup()
    assert first is not second and first.parent_router is None
    assert any(observer.handlers for observer in first.observers.values())


def test_two_dispatchers_each_get_the_whole_tree() -> None:
    roots = [build_root_router(), build_root_router()]
    for root in roots:
        Dispatcher().include_router(root)
        assert root.sub_routers[-1].name == "handlers.fallback"
    assert roots[0].sub_routers[-1] is not roots[1].sub_routers[-1]
