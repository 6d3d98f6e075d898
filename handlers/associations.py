"""/newassociation: an admin or methodist creates an association and gets its chair's link."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.ui import (
    WizardText,
    city_label,
    close_button,
    inline,
    kind_label,
    picker,
    show_page,
    start_link,
)
from models import AssociationKind
from services import associations
from services.associations import TIMEZONES, check_timezone
from services.capabilities import may_create_associations
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.validation import check_title
from ui.callbacks.common import SKIP, Pick, Picker, PickPage, PickStep


class NewAssociation(StatesGroup):
    municipality = State()
    kind = State()
    name = State()
    subject = State()
    timezone = State()


async def begin(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    if not may_create_associations(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    await state.clear()
    found = await associations.list_municipalities(session, actor)
    if not found:
        await message.answer(
            _("There are no municipalities yet. The administrator adds them with /newmunicipality.")
        )
        return
    await state.set_state(NewAssociation.municipality)
    await message.answer(
        _("New association. Which municipality is it in?"),
        reply_markup=_municipality_picker(found, 0),
    )


def _municipality_picker(found: list[associations.Named], page: int) -> InlineKeyboardMarkup:
    return picker(
        found,
        lambda m: (m.name, Pick.of_id(PickStep.MUNICIPALITY, m.id)),
        Picker.MUNICIPALITY,
        page,
    )


async def municipality_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.list_municipalities(session, actor)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    await show_page(query, _municipality_picker(found, callback_data.page))


async def municipality_chosen(
    query: CallbackQuery,
    callback_data: Pick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    allowed = {m.id for m in await associations.list_municipalities(session, actor)}
    municipality_id = callback_data.chosen_id
    if municipality_id is None or municipality_id not in allowed:
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    await state.update_data(municipality_id=municipality_id)
    await state.set_state(NewAssociation.kind)
    kb = InlineKeyboardBuilder()
    for kind in AssociationKind:
        kb.button(text=kind_label(kind), callback_data=Pick(what=PickStep.KIND, value=kind.value))
    assert isinstance(query.message, Message)
    await query.message.edit_text(_("What kind of association?"), reply_markup=inline(kb, 1))


async def kind_chosen(query: CallbackQuery, callback_data: Pick, state: FSMContext) -> None:
    try:
        kind = AssociationKind(callback_data.value)
    except ValueError as exc:
        raise DomainError(ErrorCode.STALE) from exc
    await query.answer()
    await state.update_data(kind=kind.value)
    await state.set_state(NewAssociation.name)
    assert isinstance(query.message, Message)
    await query.message.edit_text(
        _("Kind: {kind}. Now type the association's name, e.g. «РМО учителей математики».").format(
            kind=kind_label(kind)
        )
    )


async def name_typed(message: Message, state: FSMContext) -> None:
    await state.update_data(name=check_title(message.text))
    await state.set_state(NewAssociation.subject)
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Skip"), callback_data=Pick(what=PickStep.SUBJECT, value=SKIP))
    await message.answer(
        _("Its subject or direction (e.g. «математика»)? Type it or skip."),
        reply_markup=kb.as_markup(),
    )


async def _ask_timezone(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    query: CallbackQuery | None = None,
) -> None:
    data = await state.get_data()
    own = await associations.municipality_timezone(session, data["municipality_id"])
    await close_button(query)
    await state.set_state(NewAssociation.timezone)
    kb = InlineKeyboardBuilder()
    if own:
        kb.button(
            text=_("As the municipality: {tz}").format(tz=own),
            callback_data=Pick(what=PickStep.TIMEZONE, value=own),
        )
    for city, tz in TIMEZONES:
        kb.button(text=city_label(tz, city), callback_data=Pick(what=PickStep.TIMEZONE, value=tz))
    kb.adjust(1, 3)
    await message.answer(
        _("Its time zone? Pick a city or type an IANA name such as Asia/Omsk."),
        reply_markup=kb.as_markup(),
    )


async def subject_typed(message: Message, state: FSMContext, session: AsyncSession) -> None:
    await state.update_data(subject=check_title(message.text))
    await _ask_timezone(message, state, session)


async def subject_skipped(query: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    await state.update_data(subject=None)
    assert isinstance(query.message, Message)
    await _ask_timezone(query.message, state, session, query)


async def timezone_chosen(
    query: CallbackQuery,
    callback_data: Pick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    assert isinstance(query.message, Message)
    await _create(
        query.message, check_timezone(callback_data.value), state, session, actor, clock, bot, query
    )


async def timezone_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    await _create(message, check_timezone(message.text or ""), state, session, actor, clock, bot)


async def _create(
    message: Message,
    timezone: str,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    query: CallbackQuery | None = None,
) -> None:
    data = await state.get_data()
    created = await associations.create_association(
        session,
        actor,
        kind=AssociationKind(data["kind"]),
        name=data["name"],
        subject=data.get("subject"),
        municipality_id=data["municipality_id"],
        timezone=timezone,
        now=clock.now(),
    )
    await state.clear()
    await close_button(query)
    await message.answer(
        render(
            "association_created.html",
            a=created.association,
            kind=kind_label(created.association.kind),
            link=await start_link(bot, created.chair_token),
        )
    )


async def hint(message: Message) -> None:
    await message.answer(_("Please answer the question above (text or a button), or /cancel."))


def setup() -> Router:
    """/newassociation: municipality, kind, name, subject, time zone; the chair's link."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(begin, Command("newassociation"), StateFilter("*"))
    router.callback_query.register(
        municipality_page, PickPage.filter(F.what == Picker.MUNICIPALITY)
    )
    router.callback_query.register(
        municipality_chosen,
        NewAssociation.municipality,
        Pick.filter(F.what == PickStep.MUNICIPALITY),
    )
    router.callback_query.register(
        kind_chosen, NewAssociation.kind, Pick.filter(F.what == PickStep.KIND)
    )
    router.message.register(name_typed, NewAssociation.name, WizardText())
    router.message.register(subject_typed, NewAssociation.subject, WizardText())
    router.callback_query.register(
        subject_skipped, NewAssociation.subject, Pick.filter(F.what == PickStep.SUBJECT)
    )
    router.callback_query.register(
        timezone_chosen, NewAssociation.timezone, Pick.filter(F.what == PickStep.TIMEZONE)
    )
    router.message.register(timezone_typed, NewAssociation.timezone, WizardText())
    return router


def setup_hints() -> Router:
    """Included after every feature router: anything else typed inside the wizard."""
    hints = Router(name=f"{__name__}.hints")
    hints.message.filter(F.chat.type == "private")
    hints.message.register(hint, StateFilter(NewAssociation))
    return hints
