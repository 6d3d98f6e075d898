"""The association's group chat: linked through ?startgroup=<token>, followed on migration."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import quote
from services import invites
from services.clock import Clock


async def link(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
) -> None:
    assert message.from_user is not None
    name = await invites.link_group(
        session,
        (command.args or "").strip(),
        message.from_user.id,
        message.chat.id,
        clock.now(),
        admin_ids,
    )
    await message.answer(
        _(
            "✅ This chat is now the group of «{name}». Meeting announcements will come here."
        ).format(name=quote(name))
    )


async def migrated(message: Message, session: AsyncSession, clock: Clock) -> None:
    assert message.migrate_to_chat_id is not None
    await invites.migrate_group(session, message.chat.id, message.migrate_to_chat_id, clock.now())


async def migrated_here(message: Message) -> None:
    """The service message in the new supergroup: the old chat's message already moved us."""


def setup() -> Router:
    """Group and supergroup chats: the link, and a group's move to a supergroup."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type.in_({"group", "supergroup"}))
    router.message.register(link, CommandStart(deep_link=True))
    router.message.register(migrated, F.migrate_to_chat_id)
    router.message.register(migrated_here, F.migrate_from_chat_id)
    return router
