"""/start without a token, /help, /cancel and the persistent menu's help button."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from bot.render import render
from handlers.commands import refresh_menu
from handlers.ui import MENU_HELP, MenuButton, menu, role_label
from services import people
from services.permissions import Actor


async def cancel(message: Message, state: FSMContext, actor: Actor) -> None:
    had_state = await state.get_state() is not None
    await state.clear()
    text = _("Cancelled. Nothing was changed.") if had_state else _("There is nothing to cancel.")
    await message.answer(
        text,
        reply_markup=menu(actor) if actor.person_id or actor.is_admin else ReplyKeyboardRemove(),
    )


async def start(message: Message, state: FSMContext, me: people.Me, bot: Bot) -> None:
    """The greeting of a registered person comes from what the update loaded of its sender
    (one SELECT in all, no lock): /start is the command people send most."""
    actor = me.actor
    await state.clear()
    if actor.person_id is None:
        await message.answer(
            # The id, so the operator can make the first administrator (ADMIN_IDS).
            render("start_intro.html", is_admin=actor.is_admin, user_id=message.chat.id),
            reply_markup=menu(actor) if actor.is_admin else ReplyKeyboardRemove(),
        )
        await refresh_menu(bot, actor, message.chat.id)
        return
    await message.answer(
        render(
            "start_known.html",
            name=me.full_name,
            memberships=[
                {"name": m.association_name, "role": role_label(m.role)} for m in me.memberships
            ],
            methodist_of=list(me.methodist_of),
        ),
        reply_markup=menu(actor),
    )
    await refresh_menu(bot, actor, message.chat.id)


async def help_(message: Message, state: FSMContext, actor: Actor) -> None:
    await state.clear()  # like every command: leaves a wizard (its text is never an answer)
    can = people.abilities(actor)
    await message.answer(
        render(
            "help.html",
            registered=can.registered,
            staff=can.staff,
            reviewer=can.reviewer,
            creator=can.creator,
            admin=can.admin,
        ),
        reply_markup=menu(actor) if actor.person_id or actor.is_admin else None,
    )


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(cancel, Command("cancel"), StateFilter("*"))
    router.message.register(start, CommandStart(deep_link=False), StateFilter("*"))
    router.message.register(help_, Command("help"), StateFilter("*"))
    router.message.register(help_, MenuButton(MENU_HELP), StateFilter("*"))
    return router
