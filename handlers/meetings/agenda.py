"""A manager changes a published meeting's agenda: every change sends the changed notice."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.meetings.states import Answering
from handlers.ui import WizardText, edit, quote
from services import meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.meetings import AgendaAction, AgendaCb, MeetingAction, MeetingCb


async def agenda(
    query: CallbackQuery, callback_data: MeetingCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if not view.can_manage(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    kb = InlineKeyboardBuilder()
    for item in view.agenda:
        kb.button(
            text=f"🗑 {item.position}",
            callback_data=AgendaCb(action=AgendaAction.REMOVE, meeting_id=view.id, item_id=item.id),
        )
    kb.button(
        text=_("➕ Add a question"),
        callback_data=AgendaCb(action=AgendaAction.ADD, meeting_id=view.id),
    )
    kb.adjust(5)
    await query.answer()
    assert isinstance(query.message, Message)
    lines = [f"{q.position}. {quote(q.title)}" for q in view.agenda]
    await query.message.answer(
        _("The agenda (members get the changed notice after each change):")
        + "\n"
        + "\n".join(lines),
        reply_markup=kb.as_markup(),
    )


async def agenda_removed(
    query: CallbackQuery, callback_data: AgendaCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    view = await meetings.change_agenda(
        session, actor, callback_data.meeting_id, clock.now(), remove_item_id=callback_data.item_id
    )
    await query.answer(_("Removed. Everyone gets the changed notice."))
    assert isinstance(query.message, Message)
    lines = [f"{q.position}. {quote(q.title)}" for q in view.agenda]
    await edit(query.message, "\n".join(lines), None)


async def agenda_ask(
    query: CallbackQuery,
    callback_data: AgendaCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if not view.can_manage(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    await state.set_state(Answering.question)
    await state.update_data(meeting_id=view.id)
    assert isinstance(query.message, Message)
    await query.message.answer(_("The new question (up to 300 characters), or /cancel:"))


async def agenda_added(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    await meetings.change_agenda(session, actor, data["meeting_id"], clock.now(), add=message.text)
    await state.clear()
    await message.answer(_("Added. Everyone gets the changed notice."))


def register(router: Router) -> None:
    router.callback_query.register(agenda, MeetingCb.filter(F.action == MeetingAction.AGENDA))
    router.callback_query.register(agenda_removed, AgendaCb.filter(F.action == AgendaAction.REMOVE))
    router.callback_query.register(agenda_ask, AgendaCb.filter(F.action == AgendaAction.ADD))
    router.message.register(agenda_added, Answering.question, WizardText())
