"""/schools: schools typed by teachers wait for a chair's or methodist's approval."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.callbacks import SchoolReview
from handlers.ui import quote
from services import schools
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")


@router.message(Command("schools"), StateFilter("*"))
async def pending(message: Message, state: FSMContext, session: AsyncSession, actor: Actor) -> None:
    await state.clear()
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN)
    found = await schools.pending_for(session, actor)
    if not found:
        await message.answer(_("No schools wait for approval."))
        return
    for school in found[:20]:
        kb = InlineKeyboardBuilder()
        kb.button(
            text=_("✅ Approve"), callback_data=SchoolReview(school_id=school.id, approve=True)
        )
        kb.button(
            text=_("✖️ Reject"), callback_data=SchoolReview(school_id=school.id, approve=False)
        )
        await message.answer(
            _("New school: «{name}»").format(name=quote(school.name)), reply_markup=kb.as_markup()
        )


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
    await query.answer()
    assert isinstance(query.message, Message)
    text = (
        _("✅ «{name}» approved.") if callback_data.approve else _("✖️ «{name}» rejected.")
    ).format(name=quote(name))
    await query.message.edit_text(text, reply_markup=None)
