"""/start without a token, /help, /cancel and the persistent menu's help button."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.commands import refresh_menu
from handlers.ui import MENU_HELP, MenuButton, menu, role_label
from models import Role
from services.people import get_profile
from services.permissions import Actor

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")


@router.message(Command("cancel"), StateFilter("*"))
async def cancel(message: Message, state: FSMContext, actor: Actor) -> None:
    had_state = await state.get_state() is not None
    await state.clear()
    text = _("Cancelled. Nothing was changed.") if had_state else _("There is nothing to cancel.")
    await message.answer(
        text,
        reply_markup=menu(actor) if actor.person_id or actor.is_admin else ReplyKeyboardRemove(),
    )


@router.message(CommandStart(deep_link=False), StateFilter("*"))
async def start(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    await state.clear()
    if actor.person_id is None:
        await message.answer(
            render("start_intro.html", is_admin=actor.is_admin),
            reply_markup=menu(actor) if actor.is_admin else ReplyKeyboardRemove(),
        )
        await refresh_menu(bot, actor, message.chat.id)
        return
    profile = await get_profile(session, actor)
    await message.answer(
        render(
            "start_known.html",
            name=profile.full_name,
            memberships=[
                {"name": m.association_name, "role": role_label(m.role)}
                for m in profile.memberships
            ],
            methodist_of=profile.methodist_of,
        ),
        reply_markup=menu(actor),
    )
    await refresh_menu(bot, actor, message.chat.id)


@router.message(Command("help"), StateFilter("*"))
@router.message(MenuButton(MENU_HELP), StateFilter("*"))
async def help_(message: Message, state: FSMContext, actor: Actor) -> None:
    await state.clear()  # like every command: leaves a wizard (its text is never an answer)
    managing = {Role.CHAIR, Role.DEPUTY}
    await message.answer(
        render(
            "help.html",
            registered=actor.person_id is not None,
            staff=actor.is_staff,
            reviewer=actor.is_admin
            or actor.is_methodist
            or any(role in managing for role in actor.roles.values()),
            creator=actor.is_admin or actor.is_methodist,
            admin=actor.is_admin,
        ),
        reply_markup=menu(actor) if actor.person_id or actor.is_admin else None,
    )
