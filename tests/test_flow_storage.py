"""The flow tests' FSM storage keeps state data as Redis does (as JSON), so a handler that
puts what JSON cannot hold into a wizard's state fails in the tests, not in production."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from tests.flow import JsonMemoryStorage

KEY = StorageKey(bot_id=1, chat_id=2, user_id=2)


class Wizard(StatesGroup):
    step = State()


async def test_json_data_and_state_round_trip() -> None:
    storage = JsonMemoryStorage()
    assert await storage.get_data(KEY) == {} and await storage.get_state(KEY) is None
    await storage.set_state(KEY, Wizard.step)
    await storage.update_data(KEY, {"meeting_id": 5, "day": "2026-12-20", "parts": ["a"]})
    await storage.update_data(KEY, {"at": None, "other": True})
    assert await storage.get_state(KEY) == "Wizard:step"
    data = await storage.get_data(KEY)
    assert data == {"meeting_id": 5, "day": "2026-12-20", "parts": ["a"], "at": None, "other": True}
    data["parts"].append("b")  # a copy: the stored data does not change
    assert (await storage.get_data(KEY))["parts"] == ["a"]


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 12, 20, tzinfo=UTC),  # json.dumps cannot write it
        {1, 2},
        object(),
        (1, 2),  # would come back as a list
        {7: "x"},  # would come back with the key "7"
    ],
    ids=["datetime", "set", "object", "tuple", "int key"],
)
async def test_what_redis_would_not_give_back_is_refused(value: Any) -> None:
    storage = JsonMemoryStorage()
    with pytest.raises(TypeError):
        await storage.update_data(KEY, {"value": value})
    assert await storage.get_data(KEY) == {}
