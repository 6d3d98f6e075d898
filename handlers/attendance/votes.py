"""Votes at the meeting: the chair's panel (open and close each question's vote), the
secretary's votes given by hand, and a member's vote in the room or on the ballot."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import CHOICES, choice_label
from handlers.attendance.ballot import ballot_step
from handlers.ui import edit, inline, quote, short
from models import MeetingForm
from services import attendance, meetings
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.attendance import (
    AttendAction,
    AttendCb,
    HandCb,
    VoteAdmin,
    VoteAdminAction,
    VoteCb,
    VoteChoice,
)

HAND_ROWS = 30  # Telegram: at most 100 buttons


async def _votes_panel(
    message: Message, session: AsyncSession, actor: Actor, meeting_id: int, *, in_place: bool
) -> None:
    view = await meetings.get(session, actor, meeting_id)
    results = {r.item_id: r for r in await attendance.results(session, meeting_id)}
    lines = [_("<b>Votes</b> — {topic}").format(topic=quote(view.topic))]
    kb = InlineKeyboardBuilder()
    for item in view.agenda:
        if not item.draft_decision:
            continue
        result = results.get(item.id)
        if result is not None:
            state = _("adopted") if result.adopted else _("not adopted")
            lines.append(
                _("{n}. {title} — closed: for {f}, against {a}, abstained {s} — {state}").format(
                    n=item.position,
                    title=quote(item.title),
                    f=result.tally.for_,
                    a=result.tally.against,
                    s=result.tally.abstain,
                    state=state,
                )
            )
        elif view.form is not MeetingForm.IN_PERSON:
            lines.append(
                _("{n}. {title} — by ballot").format(n=item.position, title=quote(item.title))
            )
        elif item.vote_open:
            voting = _("{n}. {title} — voting")
            lines.append(voting.format(n=item.position, title=quote(item.title)))
            kb.button(
                text=_("⏹ Close {n}").format(n=item.position),
                callback_data=VoteAdmin(action=VoteAdminAction.CLOSE, item_id=item.id),
            )
            kb.button(
                text=_("✍️ By hand {n}").format(n=item.position),
                callback_data=VoteAdmin(action=VoteAdminAction.HAND, item_id=item.id),
            )
        else:
            lines.append(f"{item.position}. {quote(item.title)}")
            kb.button(
                text=_("🗳 Open {n}").format(n=item.position),
                callback_data=VoteAdmin(action=VoteAdminAction.OPEN, item_id=item.id),
            )
    kb.adjust(2)
    text = "\n".join(lines)
    if in_place:
        await edit(message, text, kb.as_markup())
    else:
        await message.answer(text, reply_markup=kb.as_markup())


async def show_votes(
    query: CallbackQuery, callback_data: AttendCb, session: AsyncSession, actor: Actor
) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await _votes_panel(query.message, session, actor, callback_data.meeting_id, in_place=False)


async def vote_admin(
    query: CallbackQuery,
    callback_data: VoteAdmin,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    if callback_data.action is VoteAdminAction.OPEN:
        asked = await attendance.open_vote(session, actor, callback_data.item_id, clock.now())
        await query.answer(
            _("The vote is open: {count} present voting members get it.").format(count=asked)
        )
    else:
        result = await attendance.close_vote(session, actor, callback_data.item_id, clock.now())
        q = result.quorum
        await query.answer(
            short(
                _(
                    "Closed: for {f}, against {a}, abstained {s}; present {p} of {m} — {state}."
                ).format(
                    f=result.tally.for_,
                    a=result.tally.against,
                    s=result.tally.abstain,
                    p=q.present,
                    m=q.members,
                    state=_("adopted") if result.adopted else _("not adopted"),
                )
            ),
            show_alert=True,
        )
    meeting_id = await attendance.item_meeting(session, callback_data.item_id)
    await _votes_panel(query.message, session, actor, meeting_id, in_place=True)


def _by_hand(item_id: int, rows: list[attendance.HandRow]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _(
            "✍️ <b>Votes given by hand</b> by members marked present on the roll (in the room "
            "without the bot). Tap what each of them voted; it is logged as recorded by you."
        )
    ]
    kb = InlineKeyboardBuilder()
    for n, row in enumerate(rows[:HAND_ROWS], start=1):
        voted = choice_label(VoteChoice.of(row.choice)) if row.choice is not None else "—"
        lines.append(f"{n}. {quote(row.name)}: {voted}")
        for code, mark in CHOICES:
            kb.button(
                text=f"{n} {mark}",
                callback_data=HandCb(
                    item_id=item_id, person_id=row.person_id, choice=VoteChoice(code)
                ),
            )
    if len(rows) > HAND_ROWS:
        lines.append(
            _("Shown: the first {shown} of {count}.").format(shown=HAND_ROWS, count=len(rows))
        )
    return "\n".join(lines), inline(kb, 3)


async def by_hand(
    query: CallbackQuery, callback_data: VoteAdmin, session: AsyncSession, actor: Actor
) -> None:
    rows = await attendance.by_hand_rows(session, actor, callback_data.item_id)
    if not rows:
        await query.answer(
            _("Nobody is marked present on the roll: mark them in «📋 Roll call» first."),
            show_alert=True,
        )
        return
    await query.answer()
    assert isinstance(query.message, Message)
    text, kb = _by_hand(callback_data.item_id, rows)
    await query.message.answer(text, reply_markup=kb)


async def hand_vote(
    query: CallbackQuery, callback_data: HandCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await attendance.record_by_hand(
        session,
        actor,
        callback_data.item_id,
        callback_data.person_id,
        callback_data.choice.choice,
        clock.now(),
    )
    rows = await attendance.by_hand_rows(session, actor, callback_data.item_id)
    await query.answer(_("Recorded."))
    assert isinstance(query.message, Message)
    text, kb = _by_hand(callback_data.item_id, rows)
    await edit(query.message, text, kb)


async def vote(
    query: CallbackQuery, callback_data: VoteCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await attendance.cast(
        session, actor, callback_data.item_id, callback_data.choice.choice, clock.now()
    )
    meeting_id = await attendance.item_meeting(session, callback_data.item_id)
    view = await meetings.get(session, actor, meeting_id)
    assert isinstance(query.message, Message)
    label = choice_label(callback_data.choice)
    if view.form is MeetingForm.IN_PERSON:
        await query.answer(
            _("Your vote: {choice}. You can change it until the vote closes.").format(choice=label)
        )
        return
    await query.answer(_("Saved: {choice}.").format(choice=label))
    await ballot_step(query.message, session, actor, clock, meeting_id, in_place=True)


def register(router: Router) -> None:
    router.callback_query.register(show_votes, AttendCb.filter(F.action == AttendAction.VOTES))
    router.callback_query.register(
        vote_admin,
        VoteAdmin.filter(F.action.in_({VoteAdminAction.OPEN, VoteAdminAction.CLOSE})),
    )
    router.callback_query.register(by_hand, VoteAdmin.filter(F.action == VoteAdminAction.HAND))
    router.callback_query.register(hand_vote, HandCb.filter())
    router.callback_query.register(vote, VoteCb.filter())
