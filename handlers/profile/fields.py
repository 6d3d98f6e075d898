"""Editing the profile's fields: name, subject, the data bank of members, the category."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.profile.card import EditProfile, category_label, registered, saved
from handlers.ui import close_button, inline
from models import Category
from services import people
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.people import Detail
from services.permissions import Actor
from ui.callbacks.people import ProfileEdit, ProfileField, ProfileSet, ProfileValue


async def ask_field(
    query: CallbackQuery, callback_data: ProfileEdit, state: FSMContext, actor: Actor
) -> None:
    registered(actor)
    await query.answer()
    assert isinstance(query.message, Message)
    if callback_data.field is ProfileField.NAME:
        await state.set_state(EditProfile.name)
        await query.message.answer(_("Type your full name: surname, first name, patronymic."))
    else:
        await state.set_state(EditProfile.subject)
        await query.message.answer(_("Type your subject or direction of work."))


async def name_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await people.update_name(session, actor, message.text or "", clock.now())
    await saved(message, state, session, actor, clock)


async def subject_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await people.update_subject(session, actor, message.text or "", clock.now())
    await saved(message, state, session, actor, clock)


def _detail_question(field: Detail, clock: Clock) -> str:
    if field is Detail.EDUCATION:
        return _(
            "Your education: level, institution and year, e.g. «высшее, НГПУ, 2005». "
            "Up to 300 characters."
        )
    if field is Detail.SPECIALITY:
        return _("Your speciality as in the diploma, e.g. «учитель математики».")
    if field is Detail.TOTAL_EXPERIENCE:
        return _("Your total work experience in full years, from 0 to {max}:").format(
            max=people.YEARS_MAX
        )
    if field is Detail.TEACHING_EXPERIENCE:
        return _("Your teaching experience in full years, from 0 to {max}:").format(
            max=people.YEARS_MAX
        )
    if field is Detail.BIRTH_YEAR:
        return _("Your year of birth, from {min} to {max}. The profile shows your age.").format(
            min=people.BIRTH_YEAR_MIN, max=clock.now().year - people.MIN_AGE
        )
    if field is Detail.ORDER_DATE:
        return _(
            "The date of the order that set your qualification category, as DD.MM.YYYY "
            "(not in the future). The bot reminds you before the category's term ends."
        )
    if field is Detail.ORDER_NUMBER:
        return _("The number of that order, e.g. «123-к» (up to {max} characters).").format(
            max=people.ORDER_NUMBER_MAX
        )
    if field is Detail.AWARDS:
        return _(
            "Your awards, one per line, e.g. «Почётная грамота Министерства просвещения, "
            "2019». Plain text, up to 1,000 characters."
        )
    return _(
        "Your honorary titles, one per line, e.g. «Почётный работник воспитания и "
        "просвещения». Plain text, up to 1,000 characters."
    )


def _clear_button(kb: InlineKeyboardBuilder, field: ProfileField) -> None:
    kb.button(text=_("🗑 Clear"), callback_data=ProfileSet(field=field, value=ProfileValue.CLEAR))


async def ask_detail(
    query: CallbackQuery,
    callback_data: ProfileEdit,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await _ask(query.message, Detail(callback_data.field.value), state, session, actor, clock)


async def _ask(
    message: Message,
    field: Detail,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """Ask for one typed field: «🗑 Clear» when it is set, «Нет» for awards and titles."""
    profile = await people.get_profile(session, actor)
    await state.set_state(EditProfile.detail)
    await state.update_data(field=field.value)
    builder = InlineKeyboardBuilder()
    button = ProfileField(field.value)
    if field in (Detail.AWARDS, Detail.TITLES):
        builder.button(
            text=_("🚫 None"), callback_data=ProfileSet(field=button, value=ProfileValue.NOTHING)
        )
    if getattr(profile, field.value) is not None:
        _clear_button(builder, button)
    kb = builder.as_markup() if builder.buttons else None
    await message.answer(
        _detail_question(field, clock) + "\n" + _("/cancel to leave it as it is."),
        reply_markup=kb,
    )


async def detail_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    try:
        field = Detail(str(data.get("field")))
    except ValueError as exc:
        raise DomainError(ErrorCode.STALE) from exc
    await people.set_detail(session, actor, field, message.text or "", clock.now())
    if field is Detail.ORDER_DATE:  # the date, then the number of the same order
        await message.answer(_("Saved."))
        await _ask(message, Detail.ORDER_NUMBER, state, session, actor, clock)
        return
    await saved(message, state, session, actor, clock)


async def nothing_chosen(
    query: CallbackQuery,
    callback_data: ProfileSet,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«Нет» for awards or titles: an answer the data bank counts, not a gap."""
    if callback_data.field not in (ProfileField.AWARDS, ProfileField.TITLES):
        raise DomainError(ErrorCode.STALE)
    field = Detail(callback_data.field.value)
    await people.set_detail(session, actor, field, _("none"), clock.now())
    await close_button(query)
    assert isinstance(query.message, Message)
    await saved(query.message, state, session, actor, clock)


async def ask_category(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    profile = await people.get_profile(session, actor)
    await query.answer()
    await state.clear()
    kb = InlineKeyboardBuilder()
    for category in Category:
        kb.button(
            text=category_label(category),
            callback_data=ProfileSet(
                field=ProfileField.CATEGORY, value=ProfileValue(category.value)
            ),
        )
    if profile.category is not None:
        _clear_button(kb, ProfileField.CATEGORY)
    assert isinstance(query.message, Message)
    await query.message.answer(_("Your qualification category:"), reply_markup=inline(kb, 1))


async def clear_field(
    query: CallbackQuery,
    callback_data: ProfileSet,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    if callback_data.field is ProfileField.CATEGORY:
        await people.set_category(session, actor, None, clock.now())
    else:
        try:
            field = Detail(callback_data.field.value)
        except ValueError as exc:
            raise DomainError(ErrorCode.STALE) from exc
        await people.set_detail(session, actor, field, None, clock.now())
    await close_button(query)
    assert isinstance(query.message, Message)
    await saved(query.message, state, session, actor, clock, _("Cleared."))


async def category_chosen(
    query: CallbackQuery,
    callback_data: ProfileSet,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    try:
        category = Category(callback_data.value.value)
    except ValueError as exc:
        raise DomainError(ErrorCode.STALE) from exc
    await people.set_category(session, actor, category, clock.now())
    await close_button(query)
    assert isinstance(query.message, Message)
    if category is not Category.NONE:  # the order that set it: its date, then its number
        await query.message.answer(_("Saved."))
        await _ask(query.message, Detail.ORDER_DATE, state, session, actor, clock)
        return
    await saved(query.message, state, session, actor, clock)
