"""Messages a protocol causes before it is signed (services.protocols): the draft to the
keeper, and the request to sign to the other signer once one has signed. Also what the
protocol's kinds share: what is still wanted, and loading the protocol a row is about."""

from __future__ import annotations

from typing import Any

from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import messages
from bot.messages import Part
from bot.render import render
from services import protocols
from services.clock import Clock
from services.outbox import Claimed

from .meeting import MeetingCache


class ProtocolKind:
    """A protocol's message; a subclass names its kind and renders it."""

    name: str

    def __init__(self, clock: Clock, shared: MeetingCache) -> None:
        self.clock = clock
        self.shared = shared

    async def unwanted(
        self, sessionmaker: async_sessionmaker[AsyncSession], rows: list[Claimed]
    ) -> set[int]:
        async with sessionmaker() as session:
            return await protocols.unwanted(session, rows)

    async def load(
        self, sessionmaker: async_sessionmaker[AsyncSession], params: dict[str, Any]
    ) -> protocols.ProtocolView | None:
        """The protocol of the row: by its id, else the meeting's (None before a draft)."""
        if "protocol_id" in params:
            async with sessionmaker() as session:
                return await protocols.load(session, int(params["protocol_id"]))
        if "meeting_id" in params:
            async with sessionmaker() as session:
                return await protocols.load_of_meeting(session, int(params["meeting_id"]))
        return None

    async def render(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        i18n: I18n,
        row: Claimed,
        locale: str,
    ) -> list[Part]:
        view = await self.load(sessionmaker, row.params)
        with i18n.context(), i18n.use_locale(locale):
            return await self.parts(sessionmaker, row, view)

    async def parts(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        row: Claimed,
        view: protocols.ProtocolView | None,
    ) -> list[Part]:
        raise NotImplementedError


class DraftKind(ProtocolKind):
    name = protocols.DRAFT

    async def parts(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        row: Claimed,
        view: protocols.ProtocolView | None,
    ) -> list[Part]:
        assert view is not None
        context = messages.protocol_context(view, self.clock.now())
        text = render("protocol_draft.html", **context)
        return [Part(text=text, reply_markup=messages.protocol_open_keyboard(view.id))]


class SignKind(ProtocolKind):
    name = protocols.SIGN

    async def parts(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        row: Claimed,
        view: protocols.ProtocolView | None,
    ) -> list[Part]:
        assert view is not None
        context = messages.protocol_context(view, self.clock.now())
        content = view.content
        signer = content.presiding if content.presiding.signed_at else content.keeper
        text = render("protocol_sign.html", signer=signer.name, **context)
        return [Part(text=text, reply_markup=messages.protocol_open_keyboard(view.id))]
