"""The account: /language, /mydata (a JSON file), /forget (after confirmation)."""

from __future__ import annotations

import json

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.commands import refresh_menu
from handlers.profile.card import registered
from handlers.ui import inline, menu
from services import people
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.people import ForgetCb, Lang, LangCode


def _language_keyboard() -> InlineKeyboardBuilder:
    kb = InlineKeyboardBuilder()
    kb.button(text="🇷🇺 Русский", callback_data=Lang(code=LangCode.RU))
    kb.button(text="🇬🇧 English", callback_data=Lang(code=LangCode.EN))
    return kb


async def language(message: Message, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    registered(actor)
    await message.answer(_("Choose the language:"), reply_markup=_language_keyboard().as_markup())


async def language_from_profile(query: CallbackQuery, actor: Actor) -> None:
    registered(actor)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Choose the language:"), reply_markup=_language_keyboard().as_markup()
    )


async def language_chosen(
    query: CallbackQuery,
    callback_data: Lang,
    session: AsyncSession,
    actor: Actor,
    admin_ids: list[int],
    bot: Bot,
) -> None:
    locale = callback_data.code.value
    await people.set_locale(session, actor, locale)
    fresh = await people.load_actor(session, query.from_user.id, admin_ids)
    with get_i18n().use_locale(locale):
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_("Done: I will speak English."), reply_markup=menu(fresh))
        await refresh_menu(bot, fresh, query.message.chat.id, locale)


async def my_data(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    data = await people.export_data(session, actor)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await message.answer_document(
        BufferedInputFile(payload, filename="my-data.json"),
        caption=_("Everything the bot stores about you. /forget deletes it."),
    )


async def forget(message: Message, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    registered(actor)
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, delete my data"), callback_data=ForgetCb(confirm=True))
    kb.button(text=_("No, keep it"), callback_data=ForgetCb(confirm=False))
    await message.answer(render("forget_confirm.html"), reply_markup=inline(kb, 1))


async def forget_confirmed(
    query: CallbackQuery,
    callback_data: ForgetCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    assert isinstance(query.message, Message)
    if not callback_data.confirm:
        await query.answer(_("Nothing was deleted."))
        await query.message.edit_reply_markup(reply_markup=None)
        return
    await people.forget(session, actor, clock.now())
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(
        _(
            "Your personal data has been deleted. Signed protocols stay as issued. "
            "To come back, open an invite link again."
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    # A stranger again: no staff menu of their own is left in the chat.
    await refresh_menu(bot, Actor(external_id=query.from_user.id), query.message.chat.id)
