"""Proposals' review: accept or reject; for a ballot already sent, the chair keeps its days or
takes the question to the next meeting."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from handlers.ui import edit, inline, quote, short
from services import meetings
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.meetings import ProposalAction, ProposalCb


async def review(
    query: CallbackQuery,
    callback_data: ProposalCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    accept = callback_data.action is ProposalAction.ACCEPT
    decided = await meetings.decide_proposal(
        session, actor, callback_data.proposal_id, accept, clock.now()
    )
    done = _("Added to the agenda: «{text}».") if accept else _("Rejected: «{text}».")
    await query.answer(short(done.format(text=decided.proposal.text)))
    assert isinstance(query.message, Message)
    kb = None
    view = await meetings.get(session, actor, decided.proposal.meeting_id)
    if decided.needs_ballot_choice and view.can_decide(actor):
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("🗳 Move the ballot deadline to keep its days"),
            callback_data=ProposalCb(action=ProposalAction.KEEP, proposal_id=decided.proposal.id),
        )
        builder.button(
            text=_("📌 Take it to the next meeting"),
            callback_data=ProposalCb(action=ProposalAction.DEFER, proposal_id=decided.proposal.id),
        )
        kb = inline(builder, 1)
    verdict = _("✅ Accepted into the agenda.") if accept else _("✖️ Rejected.")
    text = (query.message.html_text or "") + "\n\n" + verdict
    if decided.needs_ballot_choice and kb is not None:
        text += "\n" + _(
            "The ballot has already gone out: keep the ballot's days by moving its deadline, "
            "or take the question to the next meeting?"
        )
    await edit(query.message, text, kb)


async def ballot_choice(
    query: CallbackQuery,
    callback_data: ProposalCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    proposal = await meetings.get_proposal(session, callback_data.proposal_id)
    if callback_data.action is ProposalAction.KEEP:
        view = await meetings.keep_ballot_days(session, actor, proposal.meeting_id, clock.now())
        locale = get_i18n().current_locale
        deadline = view.ballot_deadline
        answer = _("The ballot deadline is now {when}; everyone gets the changed notice.").format(
            when=formats.when(deadline, view.timezone, locale) if deadline else "—"
        )
    else:
        await meetings.defer_to_next(session, actor, proposal.id, clock.now())
        answer = _("The question will go to the next meeting's draft.")
    await query.answer(short(answer))
    assert isinstance(query.message, Message)
    await edit(query.message, (query.message.html_text or "") + "\n" + quote(answer), None)


def register(router: Router) -> None:
    router.callback_query.register(
        review, ProposalCb.filter(F.action.in_({ProposalAction.ACCEPT, ProposalAction.REJECT}))
    )
    router.callback_query.register(
        ballot_choice,
        ProposalCb.filter(F.action.in_({ProposalAction.KEEP, ProposalAction.DEFER})),
    )
