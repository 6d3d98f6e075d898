"""What every outbox kind is: it says whether a claimed row is still wanted and renders it, in
the recipient's language at send time, as one or more parts (text, a file)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, Protocol, TypeVar

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.messages import Part
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


class Cache(Generic[K, V]):
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
