"""/profile (view and edit), /language, /mydata (a JSON file), /forget (after confirmation)."""

from __future__ import annotations

import json

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.callbacks import ForgetCb, Lang, ProfileEdit
from handlers.ui import MENU_PROFILE, MenuButton, WizardText, inline, menu, role_label
from services import people
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
hints = Router(name=f"{__name__}.hints")  # included after every feature router
hints.message.filter(F.chat.type == "private")


class EditProfile(StatesGroup):
    name = State()
    subject = State()


def _registered(actor: Actor) -> None:
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)


@router.message(Command("profile"), StateFilter("*"))
@router.message(MenuButton(MENU_PROFILE), StateFilter("*"))
async def show(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    await _show(message, session, actor)


async def _show(message: Message, session: AsyncSession, actor: Actor) -> None:
    profile = await people.get_profile(session, actor)
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✏️ Name"), callback_data=ProfileEdit(field="name"))
    kb.button(text=_("✏️ Subject"), callback_data=ProfileEdit(field="subject"))
    kb.button(text=_("🌐 Language"), callback_data=ProfileEdit(field="language"))
    await message.answer(
        render(
            "profile.html",
            p=profile,
            memberships=[
                {"name": m.association_name, "role": role_label(m.role)}
                for m in profile.memberships
            ],
            language={"ru": "Русский", "en": "English"}.get(profile.locale or "", "—"),
        ),
        reply_markup=inline(kb, 2),
    )


@router.callback_query(ProfileEdit.filter(F.field.in_({"name", "subject"})))
async def ask_field(
    query: CallbackQuery, callback_data: ProfileEdit, state: FSMContext, actor: Actor
) -> None:
    _registered(actor)
    await query.answer()
    assert isinstance(query.message, Message)
    if callback_data.field == "name":
        await state.set_state(EditProfile.name)
        await query.message.answer(_("Type your full name: surname, first name, patronymic."))
    else:
        await state.set_state(EditProfile.subject)
        await query.message.answer(_("Type your subject or direction of work."))


@router.message(EditProfile.name, WizardText())
async def name_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await people.update_name(session, actor, message.text or "", clock.now())
    await state.clear()
    await message.answer(_("Saved."))
    await _show(message, session, actor)


@router.message(EditProfile.subject, WizardText())
async def subject_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await people.update_subject(session, actor, message.text or "", clock.now())
    await state.clear()
    await message.answer(_("Saved."))
    await _show(message, session, actor)


@hints.message(StateFilter(EditProfile))
async def edit_hint(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))


def _language_keyboard() -> InlineKeyboardBuilder:
    kb = InlineKeyboardBuilder()
    kb.button(text="🇷🇺 Русский", callback_data=Lang(code="ru"))
    kb.button(text="🇬🇧 English", callback_data=Lang(code="en"))
    return kb


@router.message(Command("language"), StateFilter("*"))
async def language(message: Message, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    _registered(actor)
    await message.answer(_("Choose the language:"), reply_markup=_language_keyboard().as_markup())


@router.callback_query(ProfileEdit.filter(F.field == "language"))
async def language_from_profile(query: CallbackQuery, actor: Actor) -> None:
    _registered(actor)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Choose the language:"), reply_markup=_language_keyboard().as_markup()
    )


@router.callback_query(Lang.filter())
async def language_chosen(
    query: CallbackQuery,
    callback_data: Lang,
    session: AsyncSession,
    actor: Actor,
    admin_ids: list[int],
) -> None:
    await people.set_locale(session, actor, callback_data.code)
    fresh = await people.load_actor(session, query.from_user.id, admin_ids)
    with get_i18n().use_locale(callback_data.code):
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_("Done: I will speak English."), reply_markup=menu(fresh))


@router.message(Command("mydata"), StateFilter("*"))
async def my_data(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    data = await people.export_data(session, actor)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await message.answer_document(
        BufferedInputFile(payload, filename="my-data.json"),
        caption=_("Everything the bot stores about you. /forget deletes it."),
    )


@router.message(Command("forget"), StateFilter("*"))
async def forget(message: Message, state: FSMContext, actor: Actor) -> None:
    await state.clear()
    _registered(actor)
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, delete my data"), callback_data=ForgetCb(confirm=True))
    kb.button(text=_("No, keep it"), callback_data=ForgetCb(confirm=False))
    await message.answer(render("forget_confirm.html"), reply_markup=inline(kb, 1))


@router.callback_query(ForgetCb.filter())
async def forget_confirmed(
    query: CallbackQuery,
    callback_data: ForgetCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
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
