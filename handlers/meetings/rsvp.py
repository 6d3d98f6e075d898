"""A member and a published meeting: Буду / Не смогу (with a reason), a proposed question."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot import files
from handlers.meetings.states import Answering
from handlers.ui import WizardText, quote
from models import RsvpAnswer
from services import meetings
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.meetings import MeetingAction, MeetingCb


async def coming(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await meetings.answer(session, actor, callback_data.meeting_id, RsvpAnswer.YES, clock.now())
    await query.answer(_("Noted: you will come. Thank you!"))


async def not_coming(
    query: CallbackQuery,
    callback_data: MeetingCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await meetings.answer(session, actor, callback_data.meeting_id, RsvpAnswer.NO, clock.now())
    await query.answer(_("Noted: you can't come."))
    await state.set_state(Answering.reason)
    await state.update_data(meeting_id=callback_data.meeting_id)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("If you like, write the reason in one message (or /cancel): the chair will see it.")
    )


async def reason_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    await meetings.answer(
        session, actor, data["meeting_id"], RsvpAnswer.NO, clock.now(), message.text
    )
    await state.clear()
    await message.answer(_("Thank you, the reason is saved."))


async def ask_proposal(
    query: CallbackQuery,
    callback_data: MeetingCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    await query.answer()
    await state.set_state(Answering.proposal)
    await state.update_data(meeting_id=view.id)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _(
            "Write the question you propose for «{topic}» (up to 300 characters). You may "
            "attach a file with the question as its caption. /cancel to stop."
        ).format(topic=quote(view.topic))
    )


async def proposal_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
) -> None:
    data = await state.get_data()
    document = message.document
    content = await files.download(bot, document.file_id, document.file_size) if document else None
    proposal = await meetings.propose(
        session,
        actor,
        data["meeting_id"],
        (message.text or message.caption or ""),
        clock.now(),
        file_id=document.file_id if document else None,
        file_name=document.file_name if document else None,
        file_size=document.file_size if document else None,
        content=content,
    )
    await state.clear()
    await message.answer(
        _("Your proposal «{text}» is sent to the chair and the secretary.").format(
            text=quote(proposal.text)
        )
    )


def register(router: Router) -> None:
    router.callback_query.register(coming, MeetingCb.filter(F.action == MeetingAction.YES))
    router.callback_query.register(not_coming, MeetingCb.filter(F.action == MeetingAction.NO))
    router.message.register(reason_typed, Answering.reason, WizardText())
    router.callback_query.register(
        ask_proposal, MeetingCb.filter(F.action == MeetingAction.PROPOSE)
    )
    router.message.register(proposal_typed, Answering.proposal, F.document)
    router.message.register(proposal_typed, Answering.proposal, WizardText())
