"""The signed protocol, to every member and to the interested chats (with a button to stop
getting them): the text, the DOCX and PDF, and the attachments."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import messages, protocol_files
from bot.messages import Part
from bot.render import render
from services import protocols
from services.clock import Clock
from services.outbox import Claimed

from .base import Cache
from .meeting import MeetingCache
from .protocol import ProtocolKind


class CopyKind(ProtocolKind):
    name = protocols.COPY

    def __init__(self, clock: Clock, shared: MeetingCache) -> None:
        super().__init__(clock, shared)
        # A signed version never changes: its copies to every member render from one load.
        self._signed: Cache[tuple[int, int], protocols.ProtocolView] = Cache()
        self._files: Cache[tuple[int, int], tuple[int, int]] = Cache()

    async def load(
        self, sessionmaker: async_sessionmaker[AsyncSession], params: dict[str, Any]
    ) -> protocols.ProtocolView | None:
        if "protocol_id" not in params:
            return await super().load(sessionmaker, params)
        key = (int(params["protocol_id"]), int(params["version"]))
        view = self._signed.get(key)
        if view is None:
            async with sessionmaker() as session:
                view = await protocols.load(session, *key)
            self._signed.put(key, view)
        return view

    async def parts(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        row: Claimed,
        view: protocols.ProtocolView | None,
    ) -> list[Part]:
        assert view is not None
        context = messages.protocol_context(view, self.clock.now())
        text = render("protocol_copy.html", **context)
        files_key = (view.id, view.version)
        stored = self._files.get(files_key)
        if stored is None:
            stored = await protocol_files.signed_files(sessionmaker, view)
            self._files.put(files_key, stored)
        docx, pdf = stored
        params = row.params
        stop = (
            messages.protocol_stop_keyboard(int(params["association_id"]))
            if row.chat_id is not None and "association_id" in params
            else None
        )
        parts = [
            Part(text=text, reply_markup=stop),
            Part(stored_file_id=docx),
            Part(stored_file_id=pdf),
        ]
        parts += [Part(file_id=a.file_id) for a in view.content.attachments]
        return parts
