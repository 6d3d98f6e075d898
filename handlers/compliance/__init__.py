"""`/check`: the regulations' checks of the associations a person runs (chair, deputy,
secretary) or oversees (a methodist): today's findings and what is fine, one message per
association (services.compliance.check). A plain member is refused."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import MENU_CHECK, MenuButton
from services import compliance
from services.clock import Clock
from services.permissions import Actor
from ui.compliance import check_text


async def check(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    views = await compliance.check(session, actor, clock.now())
    await state.clear()
    for view in views:
        await message.answer(check_text(view))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(check, Command("check"), StateFilter("*"))
    router.message.register(check, MenuButton(MENU_CHECK), StateFilter("*"))
    return router
