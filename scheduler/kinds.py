"""Kinds of outbox rows: each says whether a claimed row is still wanted and renders it, in
the recipient's language at send time, as one or more parts (text, a file)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, Protocol, TypeVar

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part, announcement_parts
from services import announcements
from services.outbox import Claimed


class Kind(Protocol):
    name: str

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        """Ids of claimed rows no longer wanted (cancelled, not sent)."""
        ...

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]: ...


K = TypeVar("K")
V = TypeVar("V")


class _Cache(Generic[K, V]):
    """A small LRU: a broadcast renders the same object thousands of times."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.data.get(key)
        if value is not None:
            self.data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.size:
            self.data.popitem(last=False)


class AnnouncementKind:
    """`/announce`: still wanted while the person belongs to the association (or service)."""

    name = announcements.KIND

    def __init__(self) -> None:
        self._content: _Cache[int, announcements.Content] = _Cache()

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


def registry() -> dict[str, Kind]:
    kinds: list[Kind] = [AnnouncementKind()]
    return {kind.name: kind for kind in kinds}
