"""/meetings and a meeting's card: a manager's card (who is coming, the changes they may
make), a member's notice with Буду / Не смогу."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import files, formats
from bot.messages import meeting_facts, notice_parts, rsvp_keyboard, split_parts
from bot.render import render
from handlers.ui import MENU_MEETINGS, MenuButton, inline, show_card
from models import MeetingStatus
from services import meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.attendance import AttendAction, AttendCb
from ui.callbacks.meetings import MeetingAction, MeetingCb


def _status(view: meetings.MeetingView) -> str:
    return {
        MeetingStatus.PUBLISHED: "",
        MeetingStatus.ENDED: _("held"),
        MeetingStatus.CANCELLED: _("cancelled"),
    }.get(view.status, "")


def when(view: meetings.MeetingView) -> str:
    moment = view.starts_at or view.ballot_deadline
    locale = get_i18n().current_locale
    return formats.when(moment, view.timezone, locale) if moment else "—"


async def listing(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    if actor.person_id is None and not actor.methodist_services:
        raise DomainError(ErrorCode.NOT_REGISTERED)
    found = await meetings.listing(session, actor, clock.now())
    rows, kb, n = [], InlineKeyboardBuilder(), 0
    for group in (found.upcoming, found.past):
        part = []
        for view in group:
            n += 1
            part.append(
                {
                    "n": n,
                    "when": when(view),
                    "topic": view.topic,
                    "association": view.association_name,
                    "status": _status(view),
                }
            )
            kb.button(
                text=f"{n}. {view.topic}"[:60],
                callback_data=MeetingCb(action=MeetingAction.OPEN, meeting_id=view.id),
            )
        rows.append(part)
    text = render("meetings_list.html", upcoming=rows[0], past=rows[1])
    await message.answer(text, reply_markup=inline(kb, 1) if n else None)


def _card_keyboard(actor: Actor, view: meetings.MeetingView, now: datetime) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if view.status is MeetingStatus.PUBLISHED:
        kb.button(
            text=_("🧭 At the meeting: check-in, quorum, votes"),
            callback_data=AttendCb(action=AttendAction.QUORUM, meeting_id=view.id),
        )
        actions: list[tuple[MeetingAction, str]] = []
        if view.has_gathering:
            actions.append((MeetingAction.REMIND, _("🔔 Remind those who have not answered")))
        actions += [
            (MeetingAction.MOVE, _("📅 Move")),
            (MeetingAction.PLACE, _("📍 Change the place")),
            (MeetingAction.AGENDA, _("📋 Change the agenda")),
        ]
        if view.can_end(actor, now):
            actions.append((MeetingAction.END, _("🏁 End the meeting")))
        actions.append((MeetingAction.CANCEL, _("❌ Cancel the meeting")))
        for action, label in actions:
            kb.button(text=label, callback_data=MeetingCb(action=action, meeting_id=view.id))
    if view.status is MeetingStatus.AWAITING_CHAIR and view.can_decide(actor):
        kb.button(
            text=_("✅ Publish as extraordinary"),
            callback_data=MeetingCb(action=MeetingAction.CONFIRM, meeting_id=view.id),
        )
        kb.button(
            text=_("✖️ Do not call it"),
            callback_data=MeetingCb(action=MeetingAction.DECLINE, meeting_id=view.id),
        )
    if view.status is MeetingStatus.ENDED:
        kb.button(
            text=_("📝 Protocol"),
            callback_data=MeetingCb(action=MeetingAction.PROTOCOL, meeting_id=view.id),
        )
    kb.button(
        text=_("🔄 Refresh"),
        callback_data=MeetingCb(action=MeetingAction.CARD, meeting_id=view.id),
    )
    return inline(kb, 1)


async def show_meeting_card(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    *,
    in_place: bool,
) -> None:
    card = await meetings.card(session, actor, meeting_id)
    status = {
        MeetingStatus.PUBLISHED: _("Published; revision {revision}.").format(
            revision=card.meeting.revision
        ),
        MeetingStatus.ENDED: _("The meeting has ended."),
        MeetingStatus.CANCELLED: _("The meeting is cancelled."),
        MeetingStatus.AWAITING_CHAIR: _("Waits for the chair to confirm it as extraordinary."),
    }.get(card.meeting.status, _("Draft."))
    text = render("meeting_card.html", card=card, facts=meeting_facts(card.meeting), status=status)
    kb = _card_keyboard(actor, card.meeting, now)
    await show_card(message, text, kb, in_place=in_place)


async def open_meeting(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    assert isinstance(query.message, Message)
    if view.can_manage(actor):
        await show_meeting_card(
            query.message,
            session,
            actor,
            view.id,
            clock.now(),
            in_place=callback_data.action is MeetingAction.CARD,
        )
        await query.answer()
        return
    await query.answer()
    for part in split_parts(notice_parts(view, changes=[], personal=True, now=clock.now())):
        if part.text is not None:
            published = view.status is MeetingStatus.PUBLISHED
            await query.message.answer(
                part.text, reply_markup=rsvp_keyboard(view, clock.now()) if published else None
            )
        elif part.file_id is not None:
            await files.send_file(bot, sessionmaker, query.message.chat.id, part)


def register(router: Router) -> None:
    router.message.register(listing, Command("meetings"), StateFilter("*"))
    router.message.register(listing, MenuButton(MENU_MEETINGS), StateFilter("*"))
    router.callback_query.register(
        open_meeting, MeetingCb.filter(F.action.in_({MeetingAction.OPEN, MeetingAction.CARD}))
    )
