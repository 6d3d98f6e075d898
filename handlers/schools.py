"""/schools: schools typed by teachers wait for a chair's or methodist's approval; a
methodist (or the admin) adds approved schools to a municipality's directory, one per line.

One message lists them with a pair of buttons each (a burst of one message per school would
run into Telegram's one-message-a-second limit per chat); each decision refreshes it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.ui import WizardText, close_button, edit, picker, quote, short, show_page
from services import associations, schools
from services.capabilities import may_create_associations
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.common import DirectoryAdd, DirectoryDone, Picker, PickPage, SchoolReview

PER_MESSAGE = 10


def typed_school_note(typed: str, found: schools.SchoolView | None) -> str:
    """What a teacher is told of a school typed that is not (yet) in the directory: a new
    one, or one already typed by another teacher and waiting (`schools.matching`)."""
    if found is not None:
        return _(
            "«{school}» is already on the list and waits for the chair or a methodist to "
            "confirm it."
        ).format(school=quote(found.name))
    return _(
        "I will add «{school}» as a new school; the chair or a methodist will confirm it."
    ).format(school=quote(typed))


class AddSchools(StatesGroup):
    lines = State()  # data: municipality_id, name


async def _listing(session: AsyncSession, actor: Actor) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await schools.pending_for(session, actor)
    may_add = may_create_associations(actor)  # the service checks the municipality itself
    kb = InlineKeyboardBuilder()
    if not found:
        lines = [_("No schools wait for approval.")]
    else:
        lines = [_("<b>New schools typed by teachers</b>: approve the real ones.")]
        for n, school in enumerate(found[:PER_MESSAGE], start=1):
            lines.append(f"{n}. {quote(school.name)}")
            kb.button(text=f"✅ {n}", callback_data=SchoolReview(school_id=school.id, approve=True))
            kb.button(text=f"✖️ {n}", callback_data=SchoolReview(school_id=school.id, approve=False))
        if len(found) > PER_MESSAGE:
            lines.append(_("…and {count} more after these.").format(count=len(found) - PER_MESSAGE))
        kb.adjust(2)
    if may_add:
        add = InlineKeyboardBuilder()
        add.button(
            text=_("➕ Add schools to the directory"),
            callback_data=DirectoryAdd(municipality_id=0),
        )
        kb.attach(add)
    return "\n".join(lines), kb.as_markup() if found or may_add else None


async def pending(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN)
    text, kb = await _listing(session, actor)
    await message.answer(text, reply_markup=kb)


async def reviewed(
    query: CallbackQuery,
    callback_data: SchoolReview,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    name = await schools.review(
        session, actor, callback_data.school_id, callback_data.approve, clock.now()
    )
    done = (
        _("School «{name}» approved.") if callback_data.approve else _("School «{name}» rejected.")
    )
    await query.answer(short(done.format(name=name)))
    assert isinstance(query.message, Message)
    text, kb = await _listing(session, actor)
    await edit(query.message, text, kb)


# ------------------------------------------------------------------ the school directory


def _municipality_picker(found: list[associations.Named], page: int) -> InlineKeyboardMarkup:
    return picker(
        found,
        lambda m: (m.name, DirectoryAdd(municipality_id=m.id)),
        Picker.DIRECTORY_MUNICIPALITY,
        page,
    )


async def add_where(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.list_municipalities(session, actor)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    assert isinstance(query.message, Message)
    if len(found) == 1:
        await _ask_lines(query, state, found[0])
        return
    await query.answer()
    await state.clear()
    await query.message.answer(
        _("To the directory of which municipality?"), reply_markup=_municipality_picker(found, 0)
    )


async def municipality_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.list_municipalities(session, actor)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    await show_page(query, _municipality_picker(found, callback_data.page))


async def add_here(
    query: CallbackQuery,
    callback_data: DirectoryAdd,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    found = await associations.list_municipalities(session, actor)
    chosen = [m for m in found if m.id == callback_data.municipality_id]
    if not chosen:
        raise DomainError(ErrorCode.FORBIDDEN)
    await _ask_lines(query, state, chosen[0])


async def _ask_lines(
    query: CallbackQuery, state: FSMContext, municipality: associations.Named
) -> None:
    await query.answer()
    await state.set_state(AddSchools.lines)
    await state.update_data(municipality_id=municipality.id, name=municipality.name)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _(
            "Send the schools of «{name}», one per line, as they should appear, e.g.\n"
            "<code>МБОУ «СОШ № 5»\nМАОУ «Гимназия № 2»</code>\n"
            "Up to {max} lines; a school already in the directory is not added twice, and one "
            "typed by a teacher is approved. /cancel to stop."
        ).format(name=quote(municipality.name), max=schools.MAX_DIRECTORY_LINES)
    )


async def lines_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    municipality_id = data.get("municipality_id")
    if not isinstance(municipality_id, int):
        raise DomainError(ErrorCode.STALE)
    result = await schools.add_approved_bulk(
        session, actor, municipality_id, message.text or "", clock.now()
    )
    # The wizard stays open: Telegram splits a long paste into several messages.
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Done"), callback_data=DirectoryDone(municipality_id=municipality_id))
    await message.answer(
        _(
            "Directory of «{name}»: added {added}, approved from the waiting list {confirmed}, "
            "already there {already}. Send more lines, or tap «Done»."
        ).format(
            name=quote(result.municipality),
            added=result.added,
            confirmed=result.confirmed,
            already=result.already,
        ),
        reply_markup=kb.as_markup(),
    )


async def lines_done(query: CallbackQuery, state: FSMContext) -> None:
    if await state.get_state() == AddSchools.lines.state:
        await state.clear()
    await close_button(query)
    assert isinstance(query.message, Message)
    await query.message.answer(_("Done. /schools shows the schools waiting for approval."))


async def lines_hint(message: Message) -> None:
    await message.answer(_("Please send the schools as text, one per line, or /cancel."))


def setup() -> Router:
    """/schools: the schools waiting for approval, and the school directory."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(pending, Command("schools"), StateFilter("*"))
    router.callback_query.register(reviewed, SchoolReview.filter())
    router.callback_query.register(add_where, DirectoryAdd.filter(F.municipality_id == 0))
    router.callback_query.register(
        municipality_page, PickPage.filter(F.what == Picker.DIRECTORY_MUNICIPALITY)
    )
    router.callback_query.register(add_here, DirectoryAdd.filter())
    router.message.register(lines_typed, AddSchools.lines, WizardText())
    router.callback_query.register(lines_done, DirectoryDone.filter())
    return router


def setup_hints() -> Router:
    """Included after every feature router: anything else typed while adding schools."""
    hints = Router(name=f"{__name__}.hints")
    hints.message.filter(F.chat.type == "private")
    hints.message.register(lines_hint, AddSchools.lines)
    return hints
