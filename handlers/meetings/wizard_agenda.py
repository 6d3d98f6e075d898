"""The wizard's agenda: a question, its speaker (a member or a typed guest), its draft
decision; the list of questions to rewrite a decision or remove one."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.meetings.panel import apply, draft_cb, remember, show_panel, someone_else
from handlers.meetings.states import Drafting
from handlers.ui import WizardText, drop_buttons, inline, quote
from models import MeetingForm
from services import meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.meetings import MeetingView
from services.permissions import Actor
from ui.callbacks.meetings import DraftAction, DraftCb, SpeakerPick


async def ask_question(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if len(view.agenda) >= meetings.MAX_AGENDA:
        raise DomainError(ErrorCode.AGENDA_FULL, max=meetings.MAX_AGENDA)
    await query.answer()
    await remember(state, Drafting.question, view)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Question {n} of the agenda (up to 300 characters):").format(n=len(view.agenda) + 1)
    )


async def question_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await meetings.add_question(
        session, actor, data["meeting_id"], data["version"], message.text or "", clock.now()
    )
    item = view.agenda[-1]
    await remember(state, Drafting.speaker, view)
    await state.update_data(item_id=item.id)
    people = await meetings.people(session, actor, view.id)
    kb = InlineKeyboardBuilder()
    for person_id, name, _role in people[:24]:
        pick = SpeakerPick(item.id, person_id)
        kb.button(text=name[:40], callback_data=draft_cb(view, DraftAction.SPEAKER, pick))
    kb.button(
        text=_("— no speaker"),
        callback_data=draft_cb(view, DraftAction.SPEAKER, SpeakerPick(item.id, 0)),
    )
    await message.answer(
        _("Who speaks on it? Pick a member, or type a name (a guest speaker)."),
        reply_markup=inline(kb, 2),
    )


async def _ask_decision(
    message: Message, state: FSMContext, view: MeetingView, item_id: int
) -> None:
    await remember(state, Drafting.decision, view)
    await state.update_data(item_id=item_id)
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Skip"), callback_data=draft_cb(view, DraftAction.NO_DECISION))
    need = view.form is not MeetingForm.IN_PERSON
    await message.answer(
        _("The draft decision (up to 4,000 characters){required}:").format(
            required=_(" — needed for the ballot") if need else ""
        ),
        reply_markup=None if need else kb.as_markup(),
    )


async def speaker_picked(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    pick = callback_data.speaker
    assert isinstance(query.message, Message)
    try:
        view = await meetings.edit_question(
            session,
            actor,
            callback_data.meeting_id,
            callback_data.version,
            pick.item_id,
            clock.now(),
            speaker_id=pick.person_id or None,
        )
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await query.answer()
        await someone_else(
            query.message, session, actor, callback_data.meeting_id, clock.now(), state
        )
        return
    await query.answer()
    await drop_buttons(query.message)
    await _ask_decision(query.message, state, view, pick.item_id)


async def speaker_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await meetings.edit_question(
        session,
        actor,
        data["meeting_id"],
        data["version"],
        data["item_id"],
        clock.now(),
        speaker_name=message.text,
    )
    await _ask_decision(message, state, view, data["item_id"])


async def decision_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    change = meetings.edit_question(
        session,
        actor,
        data["meeting_id"],
        data["version"],
        data["item_id"],
        clock.now(),
        draft_decision=message.text,
    )
    await apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state)


async def no_decision(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await state.clear()
    view = await meetings.get(session, actor, callback_data.meeting_id)
    await query.answer()
    assert isinstance(query.message, Message)
    await drop_buttons(query.message)
    await show_panel(query.message, actor, view, clock.now(), in_place=False)


async def questions(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    kb = InlineKeyboardBuilder()
    for item in view.agenda:
        kb.button(
            text=f"📝 {item.position}",
            callback_data=draft_cb(view, DraftAction.QUESTION_DECISION, item.id),
        )
        kb.button(
            text=f"🗑 {item.position}",
            callback_data=draft_cb(view, DraftAction.QUESTION_REMOVE, item.id),
        )
    await query.answer()
    assert isinstance(query.message, Message)
    lines = [f"{q.position}. {quote(q.title)}" for q in view.agenda]
    await query.message.answer(
        _("📝 — write the draft decision again, 🗑 — remove the question:")
        + "\n"
        + "\n".join(lines),
        reply_markup=inline(kb, 4),
    )


async def question_removed(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    change = meetings.remove_question(
        session,
        actor,
        callback_data.meeting_id,
        callback_data.version,
        callback_data.item_id,
        clock.now(),
    )
    await apply(query.message, session, actor, callback_data.meeting_id, change, clock.now())
    await query.answer()


async def question_decision(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if view.version != callback_data.version:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    await query.answer()
    assert isinstance(query.message, Message)
    await _ask_decision(query.message, state, view, callback_data.item_id)


def register(router: Router) -> None:
    callbacks = router.callback_query
    callbacks.register(ask_question, DraftCb.filter(F.action == DraftAction.QUESTION))
    router.message.register(question_typed, Drafting.question, WizardText())
    callbacks.register(speaker_picked, DraftCb.filter(F.action == DraftAction.SPEAKER))
    router.message.register(speaker_typed, Drafting.speaker, WizardText())
    router.message.register(decision_typed, Drafting.decision, WizardText())
    callbacks.register(no_decision, DraftCb.filter(F.action == DraftAction.NO_DECISION))
    callbacks.register(questions, DraftCb.filter(F.action == DraftAction.QUESTIONS))
    callbacks.register(question_removed, DraftCb.filter(F.action == DraftAction.QUESTION_REMOVE))
    callbacks.register(question_decision, DraftCb.filter(F.action == DraftAction.QUESTION_DECISION))
