"""FSM state in Redis (REDIS_URL set): what one process writes, the next one reads back.

`TEST_REDIS_URL` (default: the local server, database 0) names the server. The Redis database may
be shared, so nothing is flushed: every key written here carries a per-run prefix and only those
keys are deleted at the end. When Redis is unreachable these tests are skipped with a message,
except in CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.app import FSM_TTL_SECONDS, build_storage
from bot.config import Settings
from tests.conftest import IN_CI

REDIS_DEFAULT = "redis://127.0.0.1:6379/0"
RUN_PREFIX = f"metod-test-{uuid.uuid4().hex}"
KEY = StorageKey(bot_id=123456, chat_id=-1001234567890, user_id=1001)


class Onboarding(StatesGroup):
    name = State()
    school = State()


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", REDIS_DEFAULT)


def redis_unavailable(exc: BaseException) -> None:
    message = f"Redis at {redis_url()} is unreachable ({type(exc).__name__}: {exc})"
    if IN_CI:
        pytest.fail(message + " — required in CI")
    pytest.skip(message + "; set TEST_REDIS_URL or start it to run these tests")


def settings(redis: str | None) -> Settings:
    return Settings(bot_token="123456:ABC-test-token", redis_url=redis, _env_file=None)


def storage(prefix: str = RUN_PREFIX) -> RedisStorage:
    """The application's storage with its own connection pool, as a fresh process has it."""
    store = build_storage(settings(redis_url()), prefix=prefix)
    assert isinstance(store, RedisStorage)
    return store


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A client to look at the keys; deletes this run's keys afterwards, never anything else."""
    client = Redis.from_url(redis_url(), socket_connect_timeout=3, socket_timeout=3)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        redis_unavailable(exc)
    try:
        yield client
    finally:
        keys = [key async for key in client.scan_iter(match=f"{RUN_PREFIX}*", count=500)]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def own_keys(client: Redis) -> set[str]:
    return {key.decode() async for key in client.scan_iter(match=f"{RUN_PREFIX}:*", count=500)}


async def test_without_redis_url_the_state_is_in_memory() -> None:
    store = build_storage(settings(None))
    try:
        assert isinstance(store, MemoryStorage)
    finally:
        await store.close()


async def test_with_redis_url_the_state_is_in_redis(redis: Redis) -> None:
    store = build_storage(settings(redis_url()))
    try:
        assert isinstance(store, RedisStorage)
        url = urlsplit(redis_url())
        kwargs: dict[str, Any] = store.redis.connection_pool.connection_kwargs
        assert kwargs["host"] == url.hostname
        assert kwargs["port"] == (url.port or 6379)
        assert int(kwargs.get("db", 0)) == int(url.path.strip("/") or 0)
        assert await store.redis.ping()
        # Read only: this storage writes under aiogram's shared default prefix.
        stranger = StorageKey(bot_id=1, chat_id=uuid.uuid4().int >> 80, user_id=1)
        assert await store.get_state(stranger) is None
    finally:
        await store.close()


async def test_state_and_data_survive_a_restart(redis: Redis) -> None:
    data: dict[str, Any] = {
        "token": "AbC123_-xyz",
        "needs_consent": True,
        "needs_school": False,
        "municipality_id": 7,
        "full_name": "Иванова Мария Петровна",
        "subject": None,
        "school_ids": [1, 2, 3],
    }
    first = storage()
    await first.set_state(KEY, Onboarding.school)
    await first.set_data(KEY, data)
    await first.close()

    assert await own_keys(redis) == {
        f"{RUN_PREFIX}:{KEY.bot_id}:{KEY.chat_id}:{KEY.user_id}:state",
        f"{RUN_PREFIX}:{KEY.bot_id}:{KEY.chat_id}:{KEY.user_id}:data",
    }

    second = storage()
    try:
        assert await second.get_state(KEY) == Onboarding.school.state
        assert await second.get_data(KEY) == data
    finally:
        await second.close()


async def test_fsm_context_continues_after_a_restart(redis: Redis) -> None:
    first = storage()
    context = FSMContext(storage=first, key=KEY)
    await context.set_state(Onboarding.name)
    await context.update_data(token="tok", municipality_id=3)
    await first.close()

    second = storage()
    try:
        context = FSMContext(storage=second, key=KEY)
        assert await context.get_state() == Onboarding.name.state
        assert await context.update_data(full_name="Петров Пётр") == {
            "token": "tok",
            "municipality_id": 3,
            "full_name": "Петров Пётр",
        }
        await context.clear()
        assert await own_keys(redis) == set()
    finally:
        await second.close()


async def test_other_users_and_other_prefixes_see_nothing(redis: Redis) -> None:
    writer = storage()
    other_user = StorageKey(bot_id=KEY.bot_id, chat_id=KEY.chat_id, user_id=KEY.user_id + 1)
    other_prefix = storage(f"{RUN_PREFIX}-other")
    try:
        await writer.set_state(KEY, Onboarding.name)
        await writer.set_data(KEY, {"token": "tok"})
        assert await writer.get_state(other_user) is None
        assert await writer.get_data(other_user) == {}
        assert await other_prefix.get_state(KEY) is None
        assert await other_prefix.get_data(KEY) == {}
    finally:
        await writer.close()
        await other_prefix.close()


async def test_keys_carry_the_bot_id_and_expire(redis: Redis) -> None:
    """Two bots (staging and production) on one Redis never share a wizard; an abandoned
    wizard's state expires instead of staying forever."""
    store = storage()
    other_bot = StorageKey(bot_id=KEY.bot_id + 1, chat_id=KEY.chat_id, user_id=KEY.user_id)
    try:
        await store.set_state(KEY, Onboarding.name)
        assert await store.get_state(other_bot) is None
        ttl = await redis.ttl(f"{RUN_PREFIX}:{KEY.bot_id}:{KEY.chat_id}:{KEY.user_id}:state")
        assert 0 < ttl <= FSM_TTL_SECONDS
    finally:
        await store.close()
