"""A member's one-tap check-in (with the venue's code if the chair switched it on), and the
chair's or secretary's switch and live quorum card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import controls, quorum_text
from handlers.attendance.states import AtMeeting
from handlers.ui import WizardText, edit
from models import MeetingStatus, Presence
from services import attendance, meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.attendance import AttendAction, AttendCb


async def _checked_in(query: CallbackQuery, result: attendance.CheckedIn) -> None:
    if result.already:
        await query.answer(_("You are already checked in."))
        return
    await query.answer(
        _("✅ Checked in online.") if result.status is Presence.ONLINE else _("✅ Checked in.")
    )


async def check_in(
    query: CallbackQuery,
    callback_data: AttendCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    online = callback_data.action is AttendAction.ONLINE
    try:
        result = await attendance.check_in(
            session, actor, callback_data.meeting_id, clock.now(), online=online
        )
    except DomainError as exc:
        if exc.code is not ErrorCode.NEED_CODE:
            raise
        await state.set_state(AtMeeting.code)
        await state.update_data(meeting_id=callback_data.meeting_id)
        await query.answer()
        assert isinstance(query.message, Message)
        await query.message.answer(_("Type the code shown in the room:"))
        return
    await _checked_in(query, result)


async def code_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    result = await attendance.check_in(
        session, actor, data["meeting_id"], clock.now(), code=message.text
    )
    await state.clear()
    await message.answer(
        _("You are already checked in.") if result.already else _("✅ Checked in. Welcome!")
    )


async def switch_checkin(
    query: CallbackQuery, callback_data: AttendCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    now = clock.now()
    if callback_data.action is AttendAction.CLOSE:
        await attendance.close_checkin(session, actor, callback_data.meeting_id, now)
        await query.answer(_("Check-in is closed."))
    else:
        code = callback_data.action is AttendAction.OPEN_WITH_CODE
        meeting = await attendance.open_checkin(
            session, actor, callback_data.meeting_id, now, code=code
        )
        await query.answer(
            _("Check-in is open: members get «Check in». The code for the room: {code}").format(
                code=meeting.checkin_code
            )
            if code
            else _("Check-in is open: members get «Check in»."),
            show_alert=code,
        )
    # The switch is on the quorum card: that card shows the change (one card, edited).
    await _quorum_card(query, session, actor, clock, callback_data.meeting_id, in_place=True)


async def _quorum_card(
    query: CallbackQuery,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    meeting_id: int,
    *,
    in_place: bool = False,
) -> None:
    """The live quorum card: sent once (or the card tapped, edited); the scheduler edits it
    as people check in."""
    now = clock.now()
    view = await meetings.get(session, actor, meeting_id)
    q = await attendance.quorum(session, actor, meeting_id, now)
    text = quorum_text(view, q)
    assert isinstance(query.message, Message)
    if in_place:
        card = query.message
        await edit(card, text, controls(view, q))
    else:
        card = await query.message.answer(text, reply_markup=controls(view, q))
    if q.checkin_open or view.status is MeetingStatus.PUBLISHED:
        await attendance.set_card(
            session, actor, meeting_id, card.chat.id, card.message_id, text, now
        )


_SWITCHES = frozenset({AttendAction.OPEN, AttendAction.OPEN_WITH_CODE, AttendAction.CLOSE})


def _is_quorum_card(message: object, meeting_id: int) -> bool:
    """The message carries this meeting's check-in switch: it is its quorum card."""
    markup = message.reply_markup if isinstance(message, Message) else None
    for row in markup.inline_keyboard if markup is not None else []:
        for button in row:
            data = button.callback_data or ""
            if not data.startswith(f"{AttendCb.__prefix__}:"):
                continue
            try:
                cb = AttendCb.unpack(data)
            except (TypeError, ValueError):
                continue
            if cb.action in _SWITCHES and cb.meeting_id == meeting_id:
                return True
    return False


async def show_quorum(
    query: CallbackQuery, callback_data: AttendCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    """«👥 Кворум» on the quorum card refreshes that card; from the meeting card it posts
    the card (which becomes the live one)."""
    in_place = _is_quorum_card(query.message, callback_data.meeting_id)
    await _quorum_card(query, session, actor, clock, callback_data.meeting_id, in_place=in_place)
    await query.answer()


def register(router: Router) -> None:
    router.callback_query.register(
        check_in, AttendCb.filter(F.action.in_({AttendAction.IN, AttendAction.ONLINE}))
    )
    router.message.register(code_typed, AtMeeting.code, WizardText())
    router.callback_query.register(
        switch_checkin,
        AttendCb.filter(
            F.action.in_({AttendAction.OPEN, AttendAction.OPEN_WITH_CODE, AttendAction.CLOSE})
        ),
    )
    router.callback_query.register(show_quorum, AttendCb.filter(F.action == AttendAction.QUORUM))
