"""Registration through an invite link: consent, then only what the bot does not know yet."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.commands import refresh_menu
from handlers.schools import typed_school_note
from handlers.ui import WizardText, close_button, inline, invite_label, menu, role_label
from models import InviteKind, Role
from services import invites, schools
from services.clock import Clock
from services.errors import DomainError
from services.people import load_actor
from services.validation import check_name, check_title
from ui.callbacks.people import Consent, SchoolChoice

_ROLE = {
    InviteKind.CHAIR: Role.CHAIR,
    InviteKind.DEPUTY: Role.DEPUTY,
    InviteKind.SECRETARY: Role.SECRETARY,
    InviteKind.MEMBER: Role.MEMBER,
}


class Join(StatesGroup):
    consent = State()
    name = State()
    school = State()
    subject = State()


async def open_link(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
) -> None:
    await state.clear()
    assert message.from_user is not None
    token = (command.args or "").strip()
    preview = await invites.preview(session, token, message.from_user.id, clock.now())
    role = _ROLE.get(preview.kind)
    await message.answer(
        render(
            "invited.html",
            methodist=preview.kind is InviteKind.METHODIST,
            personal=preview.personal,
            roster_name=preview.roster_name,
            target=preview.target_name,
            role=role_label(role) if role else invite_label(preview.kind),
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    await state.update_data(
        token=token,
        needs_consent=preview.needs_consent,
        needs_name=preview.needs_name,
        needs_school=preview.needs_school,
        needs_subject=preview.needs_subject,
        municipality_id=preview.municipality_id,
        operator=preview.operator_name,
    )
    await _next_step(message, state, session, clock, admin_ids)


async def _next_step(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
    query: CallbackQuery | None = None,
) -> None:
    data = await state.get_data()
    if data["needs_consent"] and not data.get("consent"):
        await close_button(query)
        await state.set_state(Join.consent)
        kb = InlineKeyboardBuilder()
        kb.button(text=_("✅ I agree"), callback_data=Consent(agree=True))
        kb.button(text=_("✖️ I do not agree"), callback_data=Consent(agree=False))
        await message.answer(
            render("consent.html", operator=data.get("operator") or ""), reply_markup=inline(kb, 1)
        )
    elif data["needs_name"] and not data.get("full_name"):
        await close_button(query)
        await state.set_state(Join.name)
        await message.answer(_("Please type your full name: surname, first name, patronymic."))
    elif data["needs_school"] and not data.get("school_id") and not data.get("school_typed"):
        found = await schools.search(session, data["municipality_id"])
        await close_button(query)
        await state.set_state(Join.school)
        await message.answer(
            _("Where do you work? Choose your school or type its name.")
            if found
            else _("Where do you work? Type the name of your school."),
            reply_markup=_school_keyboard(found),
        )
    elif data["needs_subject"] and not data.get("subject"):
        await close_button(query)
        await state.set_state(Join.subject)
        await message.answer(_("What subject do you teach (or what is your direction of work)?"))
    else:
        await _finish(message, state, session, clock, admin_ids, query)


def _school_keyboard(found: list[schools.SchoolView]) -> Any:
    if not found:
        return None
    kb = InlineKeyboardBuilder()
    for school in found:
        kb.button(text=school.name[:60], callback_data=SchoolChoice(school_id=school.id))
    return inline(kb, 1)


async def _finish(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
    query: CallbackQuery | None = None,
) -> None:
    data = await state.get_data()
    assert message.chat is not None
    joined = await invites.redeem(
        session,
        data["token"],
        message.chat.id,
        invites.Registration(
            consent=bool(data.get("consent")),
            full_name=data.get("full_name"),
            school_id=data.get("school_id"),
            school_typed=data.get("school_typed"),
            subject=data.get("subject"),
            locale=get_i18n().current_locale,
        ),
        clock.now(),
    )
    await state.clear()
    actor = await load_actor(session, message.chat.id, admin_ids)
    await close_button(query)
    role = _ROLE.get(joined.kind)
    await message.answer(
        render(
            "welcome.html",
            methodist=joined.kind is InviteKind.METHODIST,
            target=joined.target_name,
            role=role_label(role) if role else "",
            staff=role in (Role.CHAIR, Role.DEPUTY, Role.SECRETARY),
        ),
        reply_markup=menu(actor),
    )
    assert message.bot is not None
    await refresh_menu(message.bot, actor, message.chat.id)


async def consent(
    query: CallbackQuery,
    callback_data: Consent,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
) -> None:
    assert isinstance(query.message, Message)
    if not callback_data.agree:
        await close_button(query)
        await state.clear()
        await query.message.answer(
            _(
                "Understood: without consent I cannot register you, and nothing was stored. "
                "If you change your mind, open the invite link again."
            )
        )
        return
    await state.update_data(consent=True)
    await _next_step(query.message, state, session, clock, admin_ids, query)


async def name_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
) -> None:
    await state.update_data(full_name=check_name(message.text))
    await _next_step(message, state, session, clock, admin_ids)


async def school_chosen(
    query: CallbackQuery,
    callback_data: SchoolChoice,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
) -> None:
    assert isinstance(query.message, Message)
    await state.update_data(school_id=callback_data.school_id)
    try:
        await _next_step(query.message, state, session, clock, admin_ids, query)
    except DomainError:
        await state.update_data(school_id=None)  # the choice failed: the buttons stay
        raise


async def school_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
) -> None:
    typed = check_name(message.text)
    data = await state.get_data()
    found = await schools.matching(session, data["municipality_id"], typed)
    if found is not None and not found.pending:
        await state.update_data(school_id=found.id)
    else:
        await state.update_data(school_typed=typed)
        await message.answer(typed_school_note(typed, found))
    await _next_step(message, state, session, clock, admin_ids)


async def subject_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    admin_ids: list[int],
) -> None:
    await state.update_data(subject=check_title(message.text))
    await _next_step(message, state, session, clock, admin_ids)


async def consent_hint(message: Message) -> None:
    await message.answer(_("Please answer with one of the buttons above, or /cancel."))


async def text_hint(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(open_link, CommandStart(deep_link=True), StateFilter("*"))
    router.callback_query.register(consent, Join.consent, Consent.filter())
    router.message.register(name_typed, Join.name, WizardText())
    router.callback_query.register(school_chosen, Join.school, SchoolChoice.filter())
    router.message.register(school_typed, Join.school, WizardText())
    router.message.register(subject_typed, Join.subject, WizardText())
    return router


def setup_hints() -> Router:
    """Included after every feature router."""
    hints = Router(name=f"{__name__}.hints")
    hints.message.filter(F.chat.type == "private")
    hints.message.register(consent_hint, Join.consent)
    hints.message.register(text_hint, StateFilter(Join.name, Join.school, Join.subject))
    return hints
