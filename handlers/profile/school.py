"""The person's school from /profile: the municipality, then a school of its directory or
a typed name."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.profile.card import EditProfile, saved
from handlers.schools import typed_school_note
from handlers.ui import close_button, inline, picker, show_page
from services import people, schools
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.common import Pick, Picker, PickPage, PickStep
from ui.callbacks.people import ProfileSchool


def _municipality_picker(found: list[people.Place], page: int) -> InlineKeyboardMarkup:
    return picker(
        found,
        lambda m: (m.name, Pick.of_id(PickStep.SCHOOL_MUNICIPALITY, m.id)),
        Picker.SCHOOL_MUNICIPALITY,
        page,
    )


async def ask_school(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    found = await people.school_municipalities(session, actor)
    assert isinstance(query.message, Message)
    if not found:
        await query.answer(
            _(
                "The school is chosen from the directory of your association's municipality; "
                "you are not a member of any association now."
            ),
            show_alert=True,
        )
        return
    if len(found) == 1:
        await _ask_school(query.message, state, session, actor, found[0].id, query)
        return
    await query.answer()
    await state.clear()
    await query.message.answer(
        _("In which municipality is your school?"),
        reply_markup=_municipality_picker(found, 0),
    )


async def municipality_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await people.school_municipalities(session, actor)
    if not found:
        raise DomainError(ErrorCode.STALE)
    await show_page(query, _municipality_picker(found, callback_data.page))


async def municipality_chosen(
    query: CallbackQuery,
    callback_data: Pick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    municipality_id = callback_data.chosen_id
    if municipality_id is None:
        raise DomainError(ErrorCode.STALE)
    assert isinstance(query.message, Message)
    await _ask_school(query.message, state, session, actor, municipality_id, query)


async def _ask_school(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    municipality_id: int,
    query: CallbackQuery,
) -> None:
    found = await people.school_options(session, actor, municipality_id)
    await query.answer()
    await state.set_state(EditProfile.school)
    await state.update_data(municipality_id=municipality_id)
    kb = InlineKeyboardBuilder()
    for school in found:
        kb.button(text=school.name[:60], callback_data=ProfileSchool(school_id=school.id))
    await message.answer(
        _("Where do you work? Choose your school or type its name.")
        if found
        else _("Where do you work? Type the name of your school."),
        reply_markup=inline(kb, 1) if found else None,
    )


async def school_chosen(
    query: CallbackQuery,
    callback_data: ProfileSchool,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await people.choose_school(session, actor, callback_data.school_id, clock.now())
    await close_button(query)
    assert isinstance(query.message, Message)
    await saved(query.message, state, session, actor, clock)


async def school_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    if not isinstance(data.get("municipality_id"), int):
        raise DomainError(ErrorCode.STALE)
    found = await schools.matching(session, data["municipality_id"], message.text or "")
    school = await people.type_school(
        session, actor, data["municipality_id"], message.text or "", clock.now()
    )
    text = typed_school_note(school.name, found) if school.pending else None
    await saved(message, state, session, actor, clock, text)


async def edit_hint(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))
