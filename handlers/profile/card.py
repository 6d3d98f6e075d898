"""/profile: the card with every field and its edit buttons."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.ui import inline, role_label, show_card
from models import Category
from services import people
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.people import ProfileEdit, ProfileField


class EditProfile(StatesGroup):
    name = State()
    subject = State()
    school = State()  # data: municipality_id
    detail = State()  # data: field (a Detail)


def registered(actor: Actor) -> None:
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)


def category_label(category: Category | None) -> str:
    if category is None:
        return "—"
    return {
        Category.NONE: _("no category"),
        Category.FIRST: _("first category"),
        Category.HIGHEST: _("highest category"),
        Category.METHODIST: _("teacher-methodologist"),
        Category.MENTOR: _("teacher-mentor"),
    }[category]


def _buttons() -> list[tuple[str, ProfileField]]:
    """(label, field) of the profile's edit buttons, in the order shown."""
    return [
        (_("✏️ Name"), ProfileField.NAME),
        (_("✏️ Subject"), ProfileField.SUBJECT),
        (_("🏫 School"), ProfileField.SCHOOL),
        (_("🎓 Education"), ProfileField.EDUCATION),
        (_("📜 Speciality"), ProfileField.SPECIALITY),
        (_("⏳ Total experience"), ProfileField.TOTAL_EXPERIENCE),
        (_("🧑‍🏫 Teaching experience"), ProfileField.TEACHING_EXPERIENCE),
        (_("🎂 Year of birth"), ProfileField.BIRTH_YEAR),
        (_("🏅 Category"), ProfileField.CATEGORY),
        (_("📅 Category order date"), ProfileField.ORDER_DATE),
        (_("№ Category order number"), ProfileField.ORDER_NUMBER),
        (_("🏆 Awards"), ProfileField.AWARDS),
        (_("🎖 Titles"), ProfileField.TITLES),
        (_("🌐 Language"), ProfileField.LANGUAGE),
    ]


async def show(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    me: people.Me,
) -> None:
    await state.clear()
    await show_profile(message, session, actor, clock, me)


async def show_profile(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    me: people.Me | None = None,
) -> None:
    """The profile card; with `me` (this update's sender, loaded by the middleware) its
    memberships are not read again."""
    profile = await people.get_profile(session, actor, clock.now(), me)
    kb = InlineKeyboardBuilder()
    for label, field in _buttons():
        kb.button(text=label, callback_data=ProfileEdit(field=field))
    text = render(
        "profile.html",
        p=profile,
        memberships=[
            {"name": m.association_name, "role": role_label(m.role)} for m in profile.memberships
        ],
        language={"ru": "Русский", "en": "English"}.get(profile.locale or "", "—"),
        category=category_label(profile.category),
    )
    # Awards, titles and many associations may pass 4,096 characters: split on lines.
    await show_card(message, text, inline(kb, 2))


async def saved(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    text: str | None = None,
) -> None:
    await state.clear()
    await message.answer(text or _("Saved."))
    await show_profile(message, session, actor, clock)
