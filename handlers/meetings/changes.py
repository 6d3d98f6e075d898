"""What managers do with a published meeting: remind those who have not answered, move it,
change its place, cancel it, end it, and the chair's answer to an extraordinary request."""

from __future__ import annotations

from datetime import date, time

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.meetings.card import show_meeting_card, when
from handlers.meetings.states import Answering
from handlers.meetings.wizard_publish import record_progress
from handlers.ui import WizardText, days_phrase
from services import deadlines, meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.meetings import MeetingAction, MeetingCb


async def remind(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    count = await meetings.nudge_unanswered(session, actor, callback_data.meeting_id, clock.now())
    await query.answer(
        _("Reminded: {count}.").format(count=count)
        if count
        else _("Nobody to remind today: everyone has answered or was reminded already."),
        show_alert=count == 0,
    )


async def ask_change(
    query: CallbackQuery,
    callback_data: MeetingCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    view.require_change(actor, cancel=callback_data.action is MeetingAction.CANCEL)
    await query.answer()
    assert isinstance(query.message, Message)
    target = {
        MeetingAction.MOVE: Answering.move,
        MeetingAction.PLACE: Answering.place,
        MeetingAction.CANCEL: Answering.cancel,
    }
    await state.set_state(target[callback_data.action])
    await state.update_data(meeting_id=view.id)
    prompt = {
        MeetingAction.MOVE: _("The new date and time, e.g. 25.12 15:00 (or /cancel):"),
        MeetingAction.PLACE: _(
            "The new place (or a link for a hybrid meeting, starting with https://):"
        ),
        MeetingAction.CANCEL: _(
            "Why is the meeting cancelled? Members will see the reason (or /cancel):"
        ),
    }[callback_data.action]
    await query.message.answer(prompt)


async def moved(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await meetings.get(session, actor, data["meeting_id"])
    typed = deadlines.parse_date(
        message.text or "", deadlines.local_day(clock.now(), view.timezone)
    )
    try:
        view = await meetings.reschedule(session, actor, view.id, typed, clock.now())
    except DomainError as exc:
        if exc.code is not ErrorCode.NOTICE_LATE or not view.can_decide(actor):
            raise
        await state.set_state(Answering.move_reason)
        await state.update_data(
            day=typed.day.isoformat(), at=typed.at.isoformat() if typed.at else None
        )
        await message.answer(
            _(
                "The notice must reach members {days} before the day of the meeting "
                "(by the end of {day}), so this date is possible only for an extraordinary "
                "meeting. Write its reason to move it anyway, or /cancel."
            ).format(day=exc.params["day"], days=days_phrase(exc.params["days"]))
        )
        return
    await state.clear()
    await message.answer(
        _("The meeting is moved to {when}. Everyone gets the changed notice.").format(
            when=when(view)
        )
    )


async def moved_late(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    typed = deadlines.Typed(
        date.fromisoformat(data["day"]), time.fromisoformat(data["at"]) if data["at"] else None
    )
    view = await meetings.reschedule(
        session, actor, data["meeting_id"], typed, clock.now(), extraordinary_reason=message.text
    )
    await state.clear()
    await message.answer(
        _(
            "The meeting is moved to {when} as extraordinary. Everyone gets the changed notice."
        ).format(when=when(view))
    )


async def place_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    text = (message.text or "").strip()
    if text.startswith(("http://", "https://")):
        await meetings.change_place(
            session, actor, data["meeting_id"], clock.now(), online_link=text
        )
    else:
        await meetings.change_place(session, actor, data["meeting_id"], clock.now(), place=text)
    await state.clear()
    await message.answer(_("Saved. Members get the changed notice."))


async def cancel_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    await meetings.cancel(session, actor, data["meeting_id"], message.text or "", clock.now())
    await state.clear()
    await message.answer(
        _("The meeting is cancelled. Everyone is told, with a calendar file that removes it.")
    )


async def ask_end(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    view.require_end(actor, clock.now())
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("🏁 Yes, end it"),
        callback_data=MeetingCb(action=MeetingAction.END_OK, meeting_id=callback_data.meeting_id),
    )
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("End the meeting now? Check-in and open votes close; the protocol can be drafted."),
        reply_markup=kb.as_markup(),
    )


async def end(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await meetings.end(session, actor, callback_data.meeting_id, clock.now())
    await query.answer(_("The meeting has ended."))
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await show_meeting_card(
        query.message, session, actor, callback_data.meeting_id, clock.now(), in_place=False
    )


async def confirm(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    done = await meetings.confirm_extraordinary(
        session,
        actor,
        callback_data.meeting_id,
        clock.now(),
        progress_chat_id=query.message.chat.id,
        locale=get_i18n().current_locale,
    )
    await query.answer(_("Published."))
    await query.message.edit_reply_markup(reply_markup=None)
    progress = await query.message.answer(
        _("The extraordinary meeting is published: {count} members get the notice.").format(
            count=done.recipients
        )
    )
    await record_progress(session, done, progress)  # edited as the notices go out


async def decline(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await meetings.decline_extraordinary(session, actor, callback_data.meeting_id, clock.now())
    await query.answer(_("Not called: it is a draft again, and the one who asked is told."))
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)


def register_changes(router: Router) -> None:
    """Remind, move, place, cancel (in the order the flow had them)."""
    callbacks = router.callback_query
    callbacks.register(remind, MeetingCb.filter(F.action == MeetingAction.REMIND))
    asks = {MeetingAction.MOVE, MeetingAction.PLACE, MeetingAction.CANCEL}
    callbacks.register(ask_change, MeetingCb.filter(F.action.in_(asks)))
    router.message.register(moved, Answering.move, WizardText())
    router.message.register(moved_late, Answering.move_reason, WizardText())
    router.message.register(place_typed, Answering.place, WizardText())
    router.message.register(cancel_typed, Answering.cancel, WizardText())


def register_end(router: Router) -> None:
    """End, and the chair's answer to an extraordinary request."""
    callbacks = router.callback_query
    callbacks.register(ask_end, MeetingCb.filter(F.action == MeetingAction.END))
    callbacks.register(end, MeetingCb.filter(F.action == MeetingAction.END_OK))
    callbacks.register(confirm, MeetingCb.filter(F.action == MeetingAction.CONFIRM))
    callbacks.register(decline, MeetingCb.filter(F.action == MeetingAction.DECLINE))
