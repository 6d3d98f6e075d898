"""Outer middlewares: a person's updates in order, one DB session per update, the actor
loaded once (one SELECT, no lock), the locale."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import people
from services.permissions import Actor

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class PerPersonOrder(BaseMiddleware):
    """One person's updates are handled one at a time, in order (aiogram handles updates
    concurrently): a quickly typed answer never overtakes the question it answers, and a
    double tap is seen as two taps, one after the other. Different people never wait on
    each other."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        lock, users = self._locks.get(user.id, (asyncio.Lock(), 0))
        self._locks[user.id] = (lock, users + 1)
        try:
            async with lock:
                return await handler(event, data)
        finally:
            lock, users = self._locks[user.id]
            if users <= 1:
                del self._locks[user.id]
            else:
                self._locks[user.id] = (lock, users - 1)


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            data["session"] = session
            return await handler(event, data)


class ActorMiddleware(BaseMiddleware):
    """Loads the person and their roles once per update, by one SELECT without a
    transaction (`people.load_me`): `actor` for every handler, and `me` (what greets them,
    their memberships) for the handlers that show it. Nothing is kept past the update."""

    def __init__(self, admin_ids: list[int]) -> None:
        self.admin_ids = admin_ids

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        if user is None or user.is_bot:
            me = people.Me(Actor(external_id=None))
        else:
            me = await people.load_me(session, user.id, self.admin_ids)
        data["actor"] = me.actor
        data["me"] = me
        return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    """The person's language, else Telegram's `language_code`, else the default (ru)."""

    def __init__(self, i18n: I18n) -> None:
        super().__init__(i18n)

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        actor: Actor | None = data.get("actor")
        if actor is not None and actor.locale in self.i18n.available_locales:
            return actor.locale
        user: User | None = data.get("event_from_user")
        if user is not None and user.language_code:
            code = user.language_code.split("-")[0].lower()
            if code in self.i18n.available_locales:
                return code
        return self.i18n.default_locale
