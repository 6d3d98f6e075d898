"""The protocol's card: what is left to do, with the buttons this person's view allows,
opened from a notice, the archive or an ended meeting (drafted then if it had none)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from bot.messages import protocol_context, protocol_make_keyboard
from bot.render import render
from handlers.ui import show_card
from models import MeetingForm
from services import meetings, protocols
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.protocols import ProtocolView
from ui.callbacks.meetings import MeetingAction, MeetingCb
from ui.callbacks.protocols import ProtoAction, ProtoCb

QUESTION_BUTTONS = 4  # per row: «Слушали 1» … and «Решили 1» …


def keyboard(view: ProtocolView) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    if view.can_edit:
        questions = view.content.questions
        for q in questions:
            kb.button(
                text=_("Heard {n}").format(n=q.position) + (" ✅" if q.heard else " ✏️"),
                callback_data=ProtoCb.question(ProtoAction.HEARD, view.id, q.position),
            )
        sizes += rows(len(questions))
        for q in questions:
            kb.button(
                text=_("Resolved {n}").format(n=q.position),
                callback_data=ProtoCb.question(ProtoAction.DECISION, view.id, q.position),
            )
        sizes += rows(len(questions))
        kb.button(
            text=_("🎫 Guests"),
            callback_data=ProtoCb(action=ProtoAction.GUESTS, protocol_id=view.id),
        )
        kb.button(
            text=_("📎 Files"), callback_data=ProtoCb(action=ProtoAction.FILES, protocol_id=view.id)
        )
        sizes.append(2)
    if view.unsigned_by_me:
        kb.button(text=_("✍️ Sign"), callback_data=ProtoCb.signing(view.id, view.revision))
        sizes.append(1)
    kb.button(
        text=_("📄 DOCX and PDF") if view.signed else _("📄 Preview as DOCX and PDF"),
        callback_data=ProtoCb(action=ProtoAction.GET, protocol_id=view.id),
    )
    sizes.append(1)
    if view.can_correct:
        kb.button(
            text=_("✏️ Correct"),
            callback_data=ProtoCb(action=ProtoAction.CORRECT, protocol_id=view.id),
        )
        sizes.append(1)
    kb.button(
        text=_("🔄 Refresh"), callback_data=ProtoCb(action=ProtoAction.OPEN, protocol_id=view.id)
    )
    sizes.append(1)
    kb.adjust(*sizes)
    return kb.as_markup()


def rows(n: int) -> list[int]:
    full, rest = divmod(n, QUESTION_BUTTONS)
    return [QUESTION_BUTTONS] * full + ([rest] if rest else [])


async def show_protocol(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    protocol_id: int,
    *,
    in_place: bool,
) -> ProtocolView:
    """The card, edited in place of `message` or sent anew."""
    view = await protocols.get(session, actor, protocol_id)
    text = render("protocol_card.html", **protocol_context(view, clock.now()))
    await show_card(message, text, keyboard(view), in_place=in_place)
    return view


async def open_protocol(
    query: CallbackQuery,
    callback_data: ProtoCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    await state.clear()
    await show_protocol(
        query.message, session, actor, clock, callback_data.protocol_id, in_place=True
    )
    await query.answer()


async def meeting_protocol(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«📝 Protocol» of an ended meeting: its protocol, drafted now if it had none."""
    assert isinstance(query.message, Message)
    found = await protocols.of_meeting(session, actor, callback_data.meeting_id)
    if found is None:
        try:
            found = (await protocols.make(session, actor, callback_data.meeting_id, clock.now())).id
        except DomainError as error:
            if error.code not in (ErrorCode.NO_ATTENDANCE, ErrorCode.NO_BALLOTS):
                raise
            view = await meetings.get(session, actor, callback_data.meeting_id)
            await query.answer()
            kb = protocol_make_keyboard(view.id, roll=error.code is ErrorCode.NO_ATTENDANCE)
            text = render(
                "protocol_missing.html",
                m=view,
                day=formats.numeric(view.day) if view.day else "—",
                absentee=view.form is MeetingForm.ABSENTEE,
            )
            await query.message.answer(text, reply_markup=kb)
            return
    await show_protocol(query.message, session, actor, clock, found, in_place=False)
    await query.answer()


def register(router: Router) -> None:
    router.callback_query.register(open_protocol, ProtoCb.filter(F.action == ProtoAction.OPEN))
    router.callback_query.register(
        meeting_protocol, MeetingCb.filter(F.action == MeetingAction.PROTOCOL)
    )
