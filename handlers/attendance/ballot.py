"""The absentee ballot, question by question, and «Change n» after it is complete."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import choice_label, vote_keyboard
from bot.render import render
from handlers.ui import edit, inline, quote
from services import attendance, meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.attendance import BallotCb, VoteChoice


async def ballot_step(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    meeting_id: int,
    *,
    in_place: bool,
) -> None:
    """The next unanswered question, or the complete ballot with its answers."""
    questions = await attendance.ballot(session, actor, meeting_id, clock.now())
    view = await meetings.get(session, actor, meeting_id)
    left = [q for q in questions if q.answer is None]
    done = len(questions) - len(left)
    if not left:
        lines = [_("🗳 <b>Your ballot is complete.</b> Thank you! Your answers:")]
        for q in questions:
            assert q.answer is not None
            label = choice_label(VoteChoice.of(q.answer))
            lines.append(f"{q.position}. {quote(q.title)} — {label}")
        lines.append(
            _("You can change an answer until the ballot closes: tap «Fill in the ballot» again.")
        )
        kb = InlineKeyboardBuilder()
        for q in questions:
            kb.button(
                text=_("Change {n}").format(n=q.position),
                callback_data=BallotCb(meeting_id=meeting_id, item_id=q.item_id),
            )
        text, markup = "\n".join(lines), inline(kb, 4)
    else:
        current = left[0]
        text = render(
            "meeting_ballot.html",
            meeting=view,
            question=current,
            step=done + 1,
            total=len(questions),
        )
        markup = vote_keyboard(current.item_id)
    if in_place:
        await edit(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def ballot(
    query: CallbackQuery, callback_data: BallotCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    if callback_data.item_id:  # «Change n»: that question again
        item_id, meeting_id = callback_data.item_id, callback_data.meeting_id
        questions = await attendance.ballot(session, actor, meeting_id, clock.now())
        view = await meetings.get(session, actor, meeting_id)
        found = [q for q in questions if q.item_id == item_id]
        if not found:
            raise DomainError(ErrorCode.STALE)
        await query.answer()
        text = render(
            "meeting_ballot.html",
            meeting=view,
            question=found[0],
            step=found[0].position,
            total=len(questions),
        )
        await query.message.answer(text, reply_markup=vote_keyboard(item_id))
        return
    # The answer after the step: a ballot that has closed is refused in the answer itself.
    await ballot_step(
        query.message, session, actor, clock, callback_data.meeting_id, in_place=False
    )
    await query.answer()


def register(router: Router) -> None:
    router.callback_query.register(ballot, BallotCb.filter())
