"""/profile (view and edit every field: name, school, subject, the data bank of members),
/language, /mydata (a JSON file), /forget (after confirmation)."""

from __future__ import annotations

import json

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.commands import refresh_menu
from handlers.ui import (
    MENU_PROFILE,
    MenuButton,
    WizardText,
    close_button,
    inline,
    menu,
    picker,
    quote,
    role_label,
    show_card,
    show_page,
)
from models import Category
from services import people
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.people import Detail
from services.permissions import Actor
from ui.callbacks.common import Pick, PickPage
from ui.callbacks.people import ForgetCb, Lang, ProfileEdit, ProfileSchool, ProfileSet

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
hints = Router(name=f"{__name__}.hints")  # included after every feature router
hints.message.filter(F.chat.type == "private")

CLEAR = "-"  # ProfileSet value: clear the field


class EditProfile(StatesGroup):
    name = State()
    subject = State()
    school = State()  # data: municipality_id
    detail = State()  # data: field (a Detail)


def _registered(actor: Actor) -> None:
    if actor.person_id is None:
        raise DomainError(ErrorCode.NOT_REGISTERED)


def category_label(category: Category | None) -> str:
    if category is None:
        return "—"
    return {
        Category.NONE: _("no category"),
        Category.FIRST: _("first category"),
        Category.HIGHEST: _("highest category"),
    }[category]


def _buttons() -> list[tuple[str, str]]:
    """(label, field) of the profile's edit buttons, in the order shown."""
    return [
        (_("✏️ Name"), "name"),
        (_("✏️ Subject"), "subject"),
        (_("🏫 School"), "school"),
        (_("🎓 Education"), Detail.EDUCATION),
        (_("📜 Speciality"), Detail.SPECIALITY),
        (_("⏳ Total experience"), Detail.TOTAL_EXPERIENCE),
        (_("🧑‍🏫 Teaching experience"), Detail.TEACHING_EXPERIENCE),
        (_("🎂 Year of birth"), Detail.BIRTH_YEAR),
        (_("🏅 Category"), "category"),
        (_("🏆 Awards"), Detail.AWARDS),
        (_("🎖 Titles"), Detail.TITLES),
        (_("🌐 Language"), "language"),
    ]


@router.message(Command("profile"), StateFilter("*"))
@router.message(MenuButton(MENU_PROFILE), StateFilter("*"))
async def show(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    await _show(message, session, actor, clock)


async def _show(message: Message, session: AsyncSession, actor: Actor, clock: Clock) -> None:
    profile = await people.get_profile(session, actor, clock.now())
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


async def _saved(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    text: str | None = None,
) -> None:
    await state.clear()
    await message.answer(text or _("Saved."))
    await _show(message, session, actor, clock)


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
    await _saved(message, state, session, actor, clock)


@router.message(EditProfile.subject, WizardText())
async def subject_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await people.update_subject(session, actor, message.text or "", clock.now())
    await _saved(message, state, session, actor, clock)


# ------------------------------------------------------------------ the data bank


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
    if field is Detail.AWARDS:
        return _(
            "Your awards, one per line, e.g. «Почётная грамота Министерства просвещения, "
            "2019». Plain text, up to 1,000 characters."
        )
    return _(
        "Your honorary titles, one per line, e.g. «Почётный работник воспитания и "
        "просвещения». Plain text, up to 1,000 characters."
    )


def _clear_button(kb: InlineKeyboardBuilder, field: str) -> None:
    kb.button(text=_("🗑 Clear"), callback_data=ProfileSet(field=field, value=CLEAR))


@router.callback_query(ProfileEdit.filter(F.field.in_(set(Detail))))
async def ask_detail(
    query: CallbackQuery,
    callback_data: ProfileEdit,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    field = Detail(callback_data.field)
    profile = await people.get_profile(session, actor)
    await query.answer()
    await state.set_state(EditProfile.detail)
    await state.update_data(field=field.value)
    kb = None
    if getattr(profile, field.value) is not None:
        builder = InlineKeyboardBuilder()
        _clear_button(builder, field.value)
        kb = builder.as_markup()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _detail_question(field, clock) + "\n" + _("/cancel to leave it as it is."),
        reply_markup=kb,
    )


@router.message(EditProfile.detail, WizardText())
async def detail_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    try:
        field = Detail(str(data.get("field")))
    except ValueError as exc:
        raise DomainError(ErrorCode.STALE) from exc
    await people.set_detail(session, actor, field, message.text or "", clock.now())
    await _saved(message, state, session, actor, clock)


@router.callback_query(ProfileEdit.filter(F.field == "category"))
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
            callback_data=ProfileSet(field="category", value=category.value),
        )
    if profile.category is not None:
        _clear_button(kb, "category")
    assert isinstance(query.message, Message)
    await query.message.answer(_("Your qualification category:"), reply_markup=inline(kb, 1))


@router.callback_query(ProfileSet.filter(F.value == CLEAR))
async def clear_field(
    query: CallbackQuery,
    callback_data: ProfileSet,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    if callback_data.field == "category":
        await people.set_category(session, actor, None, clock.now())
    else:
        try:
            field = Detail(callback_data.field)
        except ValueError as exc:
            raise DomainError(ErrorCode.STALE) from exc
        await people.set_detail(session, actor, field, None, clock.now())
    await close_button(query)
    assert isinstance(query.message, Message)
    await _saved(query.message, state, session, actor, clock, _("Cleared."))


@router.callback_query(ProfileSet.filter(F.field == "category"))
async def category_chosen(
    query: CallbackQuery,
    callback_data: ProfileSet,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    try:
        category = Category(callback_data.value)
    except ValueError as exc:
        raise DomainError(ErrorCode.STALE) from exc
    await people.set_category(session, actor, category, clock.now())
    await close_button(query)
    assert isinstance(query.message, Message)
    await _saved(query.message, state, session, actor, clock)


# ------------------------------------------------------------------ the school


def _municipality_picker(found: list[people.Place], page: int) -> InlineKeyboardMarkup:
    return picker(found, lambda m: (m.name, Pick(what="psm", value=str(m.id))), "psm", page)


@router.callback_query(ProfileEdit.filter(F.field == "school"))
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


@router.callback_query(PickPage.filter(F.what == "psm"))
async def municipality_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await people.school_municipalities(session, actor)
    if not found:
        raise DomainError(ErrorCode.STALE)
    await show_page(query, _municipality_picker(found, callback_data.page))


@router.callback_query(Pick.filter(F.what == "psm"))
async def municipality_chosen(
    query: CallbackQuery,
    callback_data: Pick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    if not callback_data.value.isdigit():
        raise DomainError(ErrorCode.STALE)
    assert isinstance(query.message, Message)
    await _ask_school(query.message, state, session, actor, int(callback_data.value), query)


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


@router.callback_query(ProfileSchool.filter())
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
    await _saved(query.message, state, session, actor, clock)


@router.message(EditProfile.school, WizardText())
async def school_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    if not isinstance(data.get("municipality_id"), int):
        raise DomainError(ErrorCode.STALE)
    school = await people.type_school(
        session, actor, data["municipality_id"], message.text or "", clock.now()
    )
    text = (
        _(
            "I will add «{school}» as a new school; the chair or a methodist will confirm it."
        ).format(school=quote(school.name))
        if school.pending
        else None
    )
    await _saved(message, state, session, actor, clock, text)


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
    bot: Bot,
) -> None:
    await people.set_locale(session, actor, callback_data.code)
    fresh = await people.load_actor(session, query.from_user.id, admin_ids)
    with get_i18n().use_locale(callback_data.code):
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_("Done: I will speak English."), reply_markup=menu(fresh))
        await refresh_menu(bot, fresh, query.message.chat.id, callback_data.code)


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
