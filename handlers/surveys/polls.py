"""`/poll`: a question, its options, then the draft's card (a few toggles, sent)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.surveys.card import editor_card
from handlers.surveys.common import DEFAULT_POLL_DAYS, closing_in
from handlers.surveys.states import PollWizard
from handlers.ui import WizardText, association_picker
from services import associations, surveys
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from ui.callbacks.common import AssocAction, AssocPick


async def poll_begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.SEND_SURVEYS)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    if len(found) > 1:
        await message.answer(
            _("To whom?"), reply_markup=association_picker(found, AssocAction.POLL)
        )
        return
    await state.set_state(PollWizard.question)
    await state.update_data(association_id=found[0].id)
    await message.answer(_("📊 Quick poll. Type the question:"))


async def poll_association(
    query: CallbackQuery, callback_data: AssocPick, state: FSMContext
) -> None:
    assert isinstance(query.message, Message)
    await state.set_state(PollWizard.question)
    await state.update_data(association_id=callback_data.association_id)
    await query.answer()
    await query.message.answer(_("📊 Quick poll. Type the question:"))


async def poll_question(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if not text:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if len(text) > surveys.TEXT_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=surveys.TEXT_MAX, length=len(text))
    await state.update_data(question=text)
    await state.set_state(PollWizard.options)
    await message.answer(_("Now the options, one per line (2 to 10):"))


async def poll_options(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    options = [line.strip() for line in (message.text or "").splitlines() if line.strip()]
    view = await surveys.create_poll(
        session,
        actor,
        int(data["association_id"]),
        str(data["question"]),
        options,
        clock.now(),
        locale=get_i18n().current_locale,
    )
    view = await closing_in(session, actor, view, DEFAULT_POLL_DAYS, clock)
    await state.clear()
    text, kb = await editor_card(session, view)
    await message.answer(text, reply_markup=kb)


def register(router: Router) -> None:
    router.message.register(poll_begin, Command("poll"), StateFilter("*"))
    router.callback_query.register(poll_association, AssocPick.filter(F.action == AssocAction.POLL))
    router.message.register(poll_question, PollWizard.question, WizardText())
    router.message.register(poll_options, PollWizard.options, WizardText())
