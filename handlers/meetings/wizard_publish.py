"""The wizard's end: publish now (a late one only as extraordinary, with its reason), publish
on a chosen day, or discard the draft."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.meetings.panel import calendar, close_panel, draft_cb, remember
from handlers.meetings.states import Drafting
from handlers.ui import WizardText, days_phrase, edit, later, quote
from services import broadcasts, meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.meetings import CalendarStep, DraftAction, DraftCb


async def _published(message: Message, session: AsyncSession, done: meetings.Published) -> None:
    if done.outcome is meetings.Outcome.AWAITING_CHAIR:
        await message.answer(
            _(
                "An extraordinary meeting is the chair's decision: the chair and the deputy are "
                "asked to confirm it. Members get the notice once it is confirmed."
            )
        )
        return
    progress = await message.answer(
        _("📤 The notice is going out to {count} members; the progress is shown here.").format(
            count=done.recipients
        )
    )
    await record_progress(session, done, progress)


async def record_progress(
    session: AsyncSession, done: meetings.Published, progress: Message
) -> None:
    """The notices' progress is shown by editing `progress` (one message: when the engine
    sent one meanwhile, this one goes)."""
    if done.group_key and not await broadcasts.set_message_for(
        session, done.group_key, progress.message_id
    ):
        later(progress.delete())


async def publish(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    try:
        done = await meetings.publish(
            session,
            actor,
            callback_data.meeting_id,
            callback_data.version,
            clock.now(),
            progress_chat_id=query.message.chat.id,
            locale=get_i18n().current_locale,
        )
    except DomainError as exc:
        if exc.code is not ErrorCode.NOTICE_LATE:
            raise
        view = await meetings.get(session, actor, callback_data.meeting_id)
        await query.answer()
        await remember(state, Drafting.reason, view)
        await query.message.answer(
            _(
                "It is too late for a regular meeting: members must get the notice {days} "
                "before the day of the meeting (by the end of {day}; the regulations, 002 Annex 2 "
                "§4.8). It can be held only as an extraordinary meeting, by the chair's decision. "
                "To call it so, write its reason; or /cancel and choose another date."
            ).format(day=exc.params["day"], days=days_phrase(exc.params["days"]))
        )
        return
    await query.answer(_("Published."))
    later(close_panel(query.message, done.view, clock.now()))
    await _published(query.message, session, done)


async def reason_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    done = await meetings.publish(
        session,
        actor,
        data["meeting_id"],
        data["version"],
        clock.now(),
        extraordinary_reason=message.text or "",
        progress_chat_id=message.chat.id,
        locale=get_i18n().current_locale,
    )
    await state.clear()
    await _published(message, session, done)


async def ask_plan(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    problems = meetings.problems(view, clock.now())
    if problems:
        raise DomainError(problems[0].code, **problems[0].params)
    await query.answer()
    await state.set_state(None)  # a day is picked on the calendar, not typed
    await state.update_data(meeting_id=view.id, version=view.version)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("On which day should the notice go out (at 09:00)?"),
        reply_markup=calendar(view, clock.now(), CalendarStep.PUBLICATION_DAY, None),
    )


async def ask_discard(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    view.require_discard(actor)
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, discard it"), callback_data=draft_cb(view, DraftAction.DISCARD_OK))
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Discard the draft «{topic}»?").format(topic=quote(view.topic)),
        reply_markup=kb.as_markup(),
    )


async def discarded(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await meetings.discard_draft(
        session, actor, callback_data.meeting_id, callback_data.version, clock.now()
    )
    await query.answer()
    assert isinstance(query.message, Message)
    await edit(query.message, _("The draft is discarded."), None)


def register(router: Router) -> None:
    callbacks = router.callback_query
    callbacks.register(publish, DraftCb.filter(F.action == DraftAction.PUBLISH))
    router.message.register(reason_typed, Drafting.reason, WizardText())
    callbacks.register(ask_plan, DraftCb.filter(F.action == DraftAction.PLAN))
    callbacks.register(ask_discard, DraftCb.filter(F.action == DraftAction.DISCARD))
    callbacks.register(discarded, DraftCb.filter(F.action == DraftAction.DISCARD_OK))
