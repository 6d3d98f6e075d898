"""Interested persons of an association (copies of each signed protocol outside it): the
list, removing one, adding from one's contacts (Telegram's «choose users» keyboard), and the
recipient's own «stop sending me protocols»."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    KeyboardButtonRequestUsers,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.protocols.states import ProtocolEdit
from handlers.ui import edit, menu, quote
from services import protocols
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.protocols import RecipAction, RecipCb

PICK_REQUEST = 1  # request_id of the «choose from contacts» button
PICK_MAX = 10  # Telegram lets a person pick up to 10 users at once


def recipients_view(
    association_id: int, found: list[protocols.Recipient]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _(
            "<b>Recipients of copies</b>: interested persons outside the association (a school "
            "director, the methodological centre). Each signed protocol goes to them too."
        )
    ]
    kb = InlineKeyboardBuilder()
    for n, recipient in enumerate(found, start=1):
        lines.append(f"{n}. {quote(recipient.name)}")
        kb.button(
            text=_("✖️ {n}").format(n=n),
            callback_data=RecipCb(
                action=RecipAction.RM, association_id=association_id, chat_id=recipient.chat_id
            ),
        )
    if not found:
        lines.append(_("Nobody yet."))
    kb.button(
        text=_("➕ Add from my contacts"),
        callback_data=RecipCb(action=RecipAction.ADD, association_id=association_id),
    )
    kb.adjust(*([5] * (-(-len(found) // 5))), 1)
    return "\n".join(lines), kb.as_markup()


async def show_recipients(
    query: CallbackQuery, callback_data: RecipCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    found = await protocols.recipient_list(session, actor, callback_data.association_id)
    await query.answer()
    text, kb = recipients_view(callback_data.association_id, found)
    await query.message.answer(text, reply_markup=kb)


async def remove_recipient(
    query: CallbackQuery, callback_data: RecipCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    found = await protocols.remove_recipient(
        session, actor, callback_data.association_id, callback_data.chat_id, clock.now()
    )
    await query.answer(_("Removed."))
    text, kb = recipients_view(callback_data.association_id, found)
    await edit(query.message, text, kb)


async def ask_recipients(
    query: CallbackQuery,
    callback_data: RecipCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    await protocols.recipient_list(session, actor, callback_data.association_id)  # the right
    await state.set_state(ProtocolEdit.recipients)
    await state.update_data(association_id=callback_data.association_id)
    await query.answer()
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [
                KeyboardButton(
                    text=_("👤 Choose from contacts"),
                    request_users=KeyboardButtonRequestUsers(
                        request_id=PICK_REQUEST,
                        user_is_bot=False,
                        max_quantity=PICK_MAX,
                        request_name=True,
                    ),
                )
            ]
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await query.message.answer(
        _(
            "Tap «Choose from contacts» below and pick up to 10 people. They get each signed "
            "protocol in this chat once they have opened the bot. /cancel to stop."
        ),
        reply_markup=keyboard,
    )


async def recipients_shared(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert message.users_shared is not None
    data = await state.get_data()
    association_id = int(data["association_id"])
    shared = [
        (u.user_id, " ".join(p for p in (u.first_name, u.last_name) if p) or None)
        for u in message.users_shared.users
    ]
    found = await protocols.add_recipients(session, actor, association_id, shared, clock.now())
    await state.clear()
    await message.answer(_("Added."), reply_markup=menu(actor))
    text, kb = recipients_view(association_id, found)
    await message.answer(text, reply_markup=kb)


async def stop_copies(query: CallbackQuery, callback_data: RecipCb, session: AsyncSession) -> None:
    """An interested person asks for no more copies of this association's protocols."""
    await protocols.unsubscribe(session, query.from_user.id, callback_data.association_id)
    await query.answer(_("You will get no more protocols of this association."), show_alert=True)
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)


def register(router: Router) -> None:
    on = router.callback_query.register
    on(show_recipients, RecipCb.filter(F.action == RecipAction.LIST))
    on(remove_recipient, RecipCb.filter(F.action == RecipAction.RM))
    on(ask_recipients, RecipCb.filter(F.action == RecipAction.ADD))
    router.message.register(recipients_shared, ProtocolEdit.recipients, F.users_shared)
    on(stop_copies, RecipCb.filter(F.action == RecipAction.STOP))
