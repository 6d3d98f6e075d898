"""Published meetings: /meetings, a member's Буду / Не смогу / Предложить вопрос, the chair's
card (who is coming, a reminder to those who have not answered), proposals' review, and the
changes a chair or secretary makes: move, place, cancel, end, confirm an extraordinary one."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from bot.messages import meeting_facts, notice_parts, rsvp_keyboard, split_parts
from bot.render import render
from handlers.ui import (
    MENU_MEETINGS,
    MenuButton,
    WizardText,
    days_phrase,
    edit,
    inline,
    quote,
    short,
    show_card,
)
from models import MeetingStatus, RsvpAnswer
from services import deadlines, meetings, participation
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor, Decision, Scope, decide
from ui.callbacks.attendance import AttendCb
from ui.callbacks.meetings import AgendaCb, MeetingCb, ProposalCb

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
hints = Router(name=f"{__name__}.hints")
hints.message.filter(F.chat.type == "private")


class Answering(StatesGroup):
    reason = State()  # why «Не смогу» (optional)
    proposal = State()  # a proposed question
    move = State()  # a new date for a published meeting
    move_reason = State()  # an extraordinary reason for a late move
    place = State()
    cancel = State()  # the reason of a cancellation
    question = State()  # a question added to a published agenda


def _status(view: meetings.MeetingView) -> str:
    return {
        MeetingStatus.PUBLISHED: "",
        MeetingStatus.ENDED: _("held"),
        MeetingStatus.CANCELLED: _("cancelled"),
    }.get(view.status, "")


def _when(view: meetings.MeetingView) -> str:
    moment = view.starts_at or view.ballot_deadline
    locale = get_i18n().current_locale
    return formats.when(moment, view.timezone, locale) if moment else "—"


@router.message(Command("meetings"), StateFilter("*"))
@router.message(MenuButton(MENU_MEETINGS), StateFilter("*"))
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
                    "when": _when(view),
                    "topic": view.topic,
                    "association": view.association_name,
                    "status": _status(view),
                }
            )
            kb.button(
                text=f"{n}. {view.topic}"[:60],
                callback_data=MeetingCb(action="open", meeting_id=view.id),
            )
        rows.append(part)
    text = render("meetings_list.html", upcoming=rows[0], past=rows[1])
    await message.answer(text, reply_markup=inline(kb, 1) if n else None)


def _manager(actor: Actor, view: meetings.MeetingView) -> bool:
    scope = Scope(view.service_id, view.association_id)
    return decide(actor, Action.MANAGE_MEETING, scope) is not Decision.DENY


def _chair(actor: Actor, view: meetings.MeetingView) -> bool:
    scope = Scope(view.service_id, view.association_id)
    return decide(actor, Action.CALL_EXTRAORDINARY, scope) is Decision.ALLOW


def _card_keyboard(actor: Actor, view: meetings.MeetingView) -> InlineKeyboardMarkup:
    scope = Scope(view.service_id, view.association_id)
    kb = InlineKeyboardBuilder()
    if view.status is MeetingStatus.PUBLISHED:
        kb.button(
            text=_("🧭 At the meeting: check-in, quorum, votes"),
            callback_data=AttendCb(action="quorum", meeting_id=view.id),
        )
        actions = []
        if view.has_gathering:
            actions.append(("remind", _("🔔 Remind those who have not answered")))
        actions += [
            ("move", _("📅 Move")),
            ("place", _("📍 Change the place")),
            ("agenda", _("📋 Change the agenda")),
        ]
        if view.has_gathering and decide(actor, Action.RUN_CHECKIN, scope) is not Decision.DENY:
            actions.append(("end", _("🏁 End the meeting")))
        actions.append(("cancel", _("❌ Cancel the meeting")))
        for action, label in actions:
            kb.button(text=label, callback_data=MeetingCb(action=action, meeting_id=view.id))
    if view.status is MeetingStatus.AWAITING_CHAIR and _chair(actor, view):
        kb.button(
            text=_("✅ Publish as extraordinary"),
            callback_data=MeetingCb(action="confirm", meeting_id=view.id),
        )
        kb.button(
            text=_("✖️ Do not call it"),
            callback_data=MeetingCb(action="decline", meeting_id=view.id),
        )
    if view.status is MeetingStatus.ENDED:
        kb.button(
            text=_("📝 Protocol"), callback_data=MeetingCb(action="protocol", meeting_id=view.id)
        )
    kb.button(text=_("🔄 Refresh"), callback_data=MeetingCb(action="card", meeting_id=view.id))
    return inline(kb, 1)


async def _show_card(
    message: Message, session: AsyncSession, actor: Actor, meeting_id: int, *, in_place: bool
) -> None:
    card = await participation.card(session, actor, meeting_id)
    status = {
        MeetingStatus.PUBLISHED: _("Published; revision {revision}.").format(
            revision=card.meeting.revision
        ),
        MeetingStatus.ENDED: _("The meeting has ended."),
        MeetingStatus.CANCELLED: _("The meeting is cancelled."),
        MeetingStatus.AWAITING_CHAIR: _("Waits for the chair to confirm it as extraordinary."),
    }.get(card.meeting.status, _("Draft."))
    text = render("meeting_card.html", c=card, t=meeting_facts(card.meeting), status=status)
    kb = _card_keyboard(actor, card.meeting)
    await show_card(message, text, kb, in_place=in_place)


@router.callback_query(MeetingCb.filter(F.action.in_({"open", "card"})))
async def open_meeting(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    assert isinstance(query.message, Message)
    if _manager(actor, view):
        await _show_card(
            query.message,
            session,
            actor,
            view.id,
            in_place=callback_data.action == "card",
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
            await query.message.answer_document(part.file_id)


# ---------------------------------------------------------------- members' answers


@router.callback_query(MeetingCb.filter(F.action == "yes"))
async def coming(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await participation.answer(
        session, actor, callback_data.meeting_id, RsvpAnswer.YES, clock.now()
    )
    await query.answer(_("Noted: you will come. Thank you!"))


@router.callback_query(MeetingCb.filter(F.action == "no"))
async def not_coming(
    query: CallbackQuery,
    callback_data: MeetingCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await participation.answer(session, actor, callback_data.meeting_id, RsvpAnswer.NO, clock.now())
    await query.answer(_("Noted: you can't come."))
    await state.set_state(Answering.reason)
    await state.update_data(meeting_id=callback_data.meeting_id)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("If you like, write the reason in one message (or /cancel): the chair will see it.")
    )


@router.message(Answering.reason, WizardText())
async def reason_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    await participation.answer(
        session, actor, data["meeting_id"], RsvpAnswer.NO, clock.now(), message.text
    )
    await state.clear()
    await message.answer(_("Thank you, the reason is saved."))


@router.callback_query(MeetingCb.filter(F.action == "propose"))
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


@router.message(Answering.proposal, WizardText())
@router.message(Answering.proposal, F.document)
async def proposal_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    document = message.document
    proposal = await participation.propose(
        session,
        actor,
        data["meeting_id"],
        (message.text or message.caption or ""),
        clock.now(),
        file_id=document.file_id if document else None,
        file_name=document.file_name if document else None,
        file_size=document.file_size if document else None,
    )
    await state.clear()
    await message.answer(
        _("Your proposal «{text}» is sent to the chair and the secretary.").format(
            text=quote(proposal.text)
        )
    )


# ---------------------------------------------------------------- proposals' review


@router.callback_query(ProposalCb.filter(F.action.in_({"accept", "reject"})))
async def review(
    query: CallbackQuery,
    callback_data: ProposalCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    decided = await participation.decide_proposal(
        session, actor, callback_data.proposal_id, callback_data.action == "accept", clock.now()
    )
    done = (
        _("Added to the agenda: «{text}».")
        if callback_data.action == "accept"
        else _("Rejected: «{text}».")
    )
    await query.answer(short(done.format(text=decided.proposal.text)))
    assert isinstance(query.message, Message)
    kb = None
    view = await meetings.get(session, actor, decided.proposal.meeting_id)
    if decided.needs_ballot_choice and _chair(actor, view):
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("🗳 Move the ballot deadline to keep its days"),
            callback_data=ProposalCb(action="keep", proposal_id=decided.proposal.id),
        )
        builder.button(
            text=_("📌 Take it to the next meeting"),
            callback_data=ProposalCb(action="defer", proposal_id=decided.proposal.id),
        )
        kb = inline(builder, 1)
    verdict = (
        _("✅ Accepted into the agenda.") if callback_data.action == "accept" else _("✖️ Rejected.")
    )
    text = (query.message.html_text or "") + "\n\n" + verdict
    if decided.needs_ballot_choice and kb is not None:
        text += "\n" + _(
            "The ballot has already gone out: keep the ballot's days by moving its deadline, "
            "or take the question to the next meeting?"
        )
    await edit(query.message, text, kb)


@router.callback_query(ProposalCb.filter(F.action.in_({"keep", "defer"})))
async def ballot_choice(
    query: CallbackQuery,
    callback_data: ProposalCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    proposal = await participation.get_proposal(session, callback_data.proposal_id)
    if callback_data.action == "keep":
        view = await participation.keep_ballot_days(
            session, actor, proposal.meeting_id, clock.now()
        )
        locale = get_i18n().current_locale
        deadline = view.ballot_deadline
        answer = _("The ballot deadline is now {when}; everyone gets the changed notice.").format(
            when=formats.when(deadline, view.timezone, locale) if deadline else "—"
        )
    else:
        await participation.defer_to_next(session, actor, proposal.id, clock.now())
        answer = _("The question will go to the next meeting's draft.")
    await query.answer(short(answer))
    assert isinstance(query.message, Message)
    await edit(query.message, (query.message.html_text or "") + "\n" + quote(answer), None)


# ---------------------------------------------------------------- changes by the managers


@router.callback_query(MeetingCb.filter(F.action == "remind"))
async def remind(
    query: CallbackQuery,
    callback_data: MeetingCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    count = await participation.nudge_unanswered(
        session, actor, callback_data.meeting_id, clock.now()
    )
    await query.answer(
        _("Reminded: {count}.").format(count=count)
        if count
        else _("Nobody to remind today: everyone has answered or was reminded already."),
        show_alert=count == 0,
    )


@router.callback_query(MeetingCb.filter(F.action.in_({"move", "place", "cancel"})))
async def ask_change(
    query: CallbackQuery,
    callback_data: MeetingCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if not _manager(actor, view):
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    assert isinstance(query.message, Message)
    target = {"move": Answering.move, "place": Answering.place, "cancel": Answering.cancel}
    await state.set_state(target[callback_data.action])
    await state.update_data(meeting_id=view.id)
    prompt = {
        "move": _("The new date and time, e.g. 25.12 15:00 (or /cancel):"),
        "place": _("The new place (or a link for a hybrid meeting, starting with https://):"),
        "cancel": _("Why is the meeting cancelled? Members will see the reason (or /cancel):"),
    }[callback_data.action]
    await query.message.answer(prompt)


@router.message(Answering.move, WizardText())
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
        if exc.code is not ErrorCode.NOTICE_LATE or not _chair(actor, view):
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
            when=_when(view)
        )
    )


@router.message(Answering.move_reason, WizardText())
async def moved_late(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    from datetime import date, time

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
        ).format(when=_when(view))
    )


@router.message(Answering.place, WizardText())
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


@router.message(Answering.cancel, WizardText())
async def cancel_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    await meetings.cancel(session, actor, data["meeting_id"], message.text or "", clock.now())
    await state.clear()
    await message.answer(
        _("The meeting is cancelled. Everyone is told, with a calendar file that removes it.")
    )


@router.callback_query(MeetingCb.filter(F.action == "agenda"))
async def agenda(
    query: CallbackQuery, callback_data: MeetingCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if not _manager(actor, view):
        raise DomainError(ErrorCode.FORBIDDEN)
    kb = InlineKeyboardBuilder()
    for item in view.agenda:
        kb.button(
            text=f"🗑 {item.position}",
            callback_data=AgendaCb(action="remove", meeting_id=view.id, item_id=item.id),
        )
    kb.button(text=_("➕ Add a question"), callback_data=AgendaCb(action="add", meeting_id=view.id))
    kb.adjust(5)
    await query.answer()
    assert isinstance(query.message, Message)
    lines = [f"{q.position}. {quote(q.title)}" for q in view.agenda]
    await query.message.answer(
        _("The agenda (members get the changed notice after each change):")
        + "\n"
        + "\n".join(lines),
        reply_markup=kb.as_markup(),
    )


@router.callback_query(AgendaCb.filter(F.action == "remove"))
async def agenda_removed(
    query: CallbackQuery, callback_data: AgendaCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    view = await meetings.change_agenda(
        session, actor, callback_data.meeting_id, clock.now(), remove_item_id=callback_data.item_id
    )
    await query.answer(_("Removed. Everyone gets the changed notice."))
    assert isinstance(query.message, Message)
    lines = [f"{q.position}. {quote(q.title)}" for q in view.agenda]
    await edit(query.message, "\n".join(lines), None)


@router.callback_query(AgendaCb.filter(F.action == "add"))
async def agenda_ask(
    query: CallbackQuery,
    callback_data: AgendaCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if not _manager(actor, view):
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    await state.set_state(Answering.question)
    await state.update_data(meeting_id=view.id)
    assert isinstance(query.message, Message)
    await query.message.answer(_("The new question (up to 300 characters), or /cancel:"))


@router.message(Answering.question, WizardText())
async def agenda_added(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    await meetings.change_agenda(session, actor, data["meeting_id"], clock.now(), add=message.text)
    await state.clear()
    await message.answer(_("Added. Everyone gets the changed notice."))


@router.callback_query(MeetingCb.filter(F.action == "end"))
async def ask_end(query: CallbackQuery, callback_data: MeetingCb) -> None:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("🏁 Yes, end it"),
        callback_data=MeetingCb(action="endok", meeting_id=callback_data.meeting_id),
    )
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("End the meeting now? Check-in and open votes close; the protocol can be drafted."),
        reply_markup=kb.as_markup(),
    )


@router.callback_query(MeetingCb.filter(F.action == "endok"))
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
    await _show_card(query.message, session, actor, callback_data.meeting_id, in_place=False)


@router.callback_query(MeetingCb.filter(F.action == "confirm"))
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
    await query.message.answer(
        _("The extraordinary meeting is published: {count} members get the notice.").format(
            count=done.recipients
        )
    )


@router.callback_query(MeetingCb.filter(F.action == "decline"))
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


@hints.message(StateFilter(Answering))
async def hint(message: Message) -> None:
    await message.answer(_("Please answer with text, or /cancel."))
