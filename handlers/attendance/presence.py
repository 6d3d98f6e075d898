"""Whether the bot can reach a chat: a person blocking or unblocking the bot in the private
chat (shown in /members), and the bot leaving or being removed from a linked group."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from services import invites, people
from services.clock import Clock


async def blocked(event: ChatMemberUpdated, session: AsyncSession) -> None:
    await people.mark_reachable(session, [event.chat.id], False)


async def unblocked(event: ChatMemberUpdated, session: AsyncSession) -> None:
    await people.mark_reachable(session, [event.chat.id], True)


async def left_group(event: ChatMemberUpdated, session: AsyncSession, clock: Clock) -> None:
    await invites.unlink_group(session, event.chat.id, clock.now())


def setup() -> Router:
    router = Router(name="handlers.presence")
    private = F.chat.type == "private"
    router.my_chat_member.register(blocked, private, ChatMemberUpdatedFilter(LEAVE_TRANSITION))
    router.my_chat_member.register(unblocked, private, ChatMemberUpdatedFilter(JOIN_TRANSITION))
    router.my_chat_member.register(
        left_group,
        F.chat.type.in_({"group", "supergroup"}),
        ChatMemberUpdatedFilter(LEAVE_TRANSITION),
    )
    return router
