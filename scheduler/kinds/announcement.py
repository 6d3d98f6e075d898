"""`/announce`: still wanted while the person belongs to the association (or service)."""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part, announcement_parts
from services import announcements
from services.outbox import Claimed

from .base import Cache


class AnnouncementKind:
    name = announcements.KIND

    def __init__(self) -> None:
        self._content: Cache[int, announcements.Content] = Cache()

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        pairs = {
            row.id: (int(row.params["announcement_id"]), row.person_id)
            for row in rows
            if row.person_id is not None
        }
        async with sessionmaker() as session:
            wanted = await announcements.still_members(
                session, [(a, p) for a, p in pairs.values() if p is not None]
            )
        return {row_id for row_id, pair in pairs.items() if pair not in wanted}

    async def _get(
        self, sessionmaker: async_sessionmaker[AsyncSession], announcement_id: int
    ) -> announcements.Content:
        found = self._content.get(announcement_id)
        if found is None:
            async with sessionmaker() as session:
                found = await announcements.content(session, announcement_id)
            self._content.put(announcement_id, found)
        return found

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        content = await self._get(sessionmaker, int(row.params["announcement_id"]))
        with i18n.context(), i18n.use_locale(locale):
            return announcement_parts(content)
