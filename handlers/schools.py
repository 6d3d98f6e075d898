"""/schools: schools typed by teachers wait for a chair's or methodist's approval.

One message lists them with a pair of buttons each (a burst of one message per school would
run into Telegram's one-message-a-second limit per chat); each decision refreshes it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.callbacks import SchoolReview
from handlers.ui import edit, quote, short
from services import schools
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
PER_MESSAGE = 10


async def _listing(session: AsyncSession, actor: Actor) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await schools.pending_for(session, actor)
    if not found:
        return _("No schools wait for approval."), None
    lines = [_("<b>New schools typed by teachers</b>: approve the real ones.")]
    kb = InlineKeyboardBuilder()
    for n, school in enumerate(found[:PER_MESSAGE], start=1):
        lines.append(f"{n}. {quote(school.name)}")
        kb.button(text=f"✅ {n}", callback_data=SchoolReview(school_id=school.id, approve=True))
        kb.button(text=f"✖️ {n}", callback_data=SchoolReview(school_id=school.id, approve=False))
    if len(found) > PER_MESSAGE:
        lines.append(_("…and {count} more after these.").format(count=len(found) - PER_MESSAGE))
    kb.adjust(2)
    return "\n".join(lines), kb.as_markup()


@router.message(Command("schools"), StateFilter("*"))
async def pending(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN)
    text, kb = await _listing(session, actor)
    await message.answer(text, reply_markup=kb)


@router.callback_query(SchoolReview.filter())
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
