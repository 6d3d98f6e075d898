"""The author's draft: toggles, questions (add, reword, move, required, delete), discard, send."""

from __future__ import annotations

from datetime import timedelta

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.surveys.card import show_editor
from handlers.surveys.common import kind_labels
from handlers.surveys.results import results_card
from handlers.surveys.states import SurveyWizard
from handlers.ui import WizardText, edit, inline, quote
from models import QuestionKind, SurveyKind
from services import surveys
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.surveys import EditAction, SurveyAction, SurveyCb, SurveyEdit


async def toggle(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    now = clock.now()
    view = await surveys.get(session, actor, callback_data.survey_id)
    sid, version, action = view.id, callback_data.version, callback_data.action
    if action is EditAction.MULTIPLE:
        [q] = view.questions
        kind = QuestionKind.SINGLE if q.kind is QuestionKind.MULTIPLE else QuestionKind.MULTIPLE
        view = await surveys.update_question(session, actor, sid, version, 1, now, kind=kind)
    elif action is EditAction.OTHER:
        view = await surveys.set_settings(
            session, actor, sid, version, now, allow_other=not view.allow_other
        )
    elif action is EditAction.ANONYMOUS:
        view = await surveys.set_settings(
            session, actor, sid, version, now, anonymous=not view.anonymous
        )
    elif action is EditAction.DAYS:
        view = await surveys.set_schedule(
            session,
            actor,
            sid,
            version,
            now,
            opens_at=None,
            closes_at=now + timedelta(days=callback_data.days),
        )
    elif action is EditAction.UP:
        q = view.question_at(callback_data.position)
        view = await surveys.move_question(
            session, actor, sid, version, q.position, q.position - 1, now
        )
    elif action is EditAction.REQUIRED:
        q = view.question_at(callback_data.position)
        view = await surveys.update_question(
            session, actor, sid, version, q.position, now, required=not q.required
        )
    else:
        view = await surveys.remove_question(
            session, actor, sid, version, callback_data.position, now
        )
    await query.answer()
    await show_editor(query.message, session, view)


async def ask_question(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    if not view.can_edit:
        raise DomainError(ErrorCode.SURVEY_SENT)
    kind = callback_data.kind
    if kind is None:
        raise DomainError(ErrorCode.STALE)
    await state.set_state(SurveyWizard.question)
    await state.update_data(survey_id=view.id, kind=kind.value)
    await query.answer()
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        prompt = _(
            "Send the question on the first line and its options below, one per line (2 to 10)."
        )
    else:
        prompt = _("Send the question.")
    await query.message.answer(prompt)


async def question_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    lines = [line.strip() for line in (message.text or "").splitlines() if line.strip()]
    if not lines:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    kind = QuestionKind(str(data["kind"]))
    choice = kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    view = await surveys.get(session, actor, int(data["survey_id"]))
    text = lines[0] if choice else "\n".join(lines)
    if data.get("position"):
        view = await surveys.update_question(
            session,
            actor,
            view.id,
            view.version,
            int(data["position"]),
            clock.now(),
            text=text,
            options=lines[1:] if choice else None,
        )
    else:
        view = await surveys.add_question(
            session,
            actor,
            view.id,
            view.version,
            kind,
            text,
            clock.now(),
            options=lines[1:] if choice else (),
        )
    await state.clear()
    await show_editor(message, session, view, in_place=False)


async def question_menu(
    query: CallbackQuery, callback_data: SurveyEdit, session: AsyncSession, actor: Actor
) -> None:
    """One question's actions: reword, required or optional, delete."""
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    q = view.question_at(callback_data.position)
    kb = InlineKeyboardBuilder()
    for label, action in (
        (_("✏️ Reword"), EditAction.REWORD),
        *([(_("⬆️ Move up"), EditAction.UP)] if q.position > 1 else []),
        (
            _("☑️ Make it optional") if q.required else _("⬜ Make it required"),
            EditAction.REQUIRED,
        ),
        (_("🗑 Delete"), EditAction.DELETE),
        (_("◀️ Back"), EditAction.BACK),
    ):
        kb.button(
            text=label,
            callback_data=SurveyEdit(
                action=action, survey_id=view.id, arg=q.position, version=view.version
            ),
        )
    text = "\n".join(
        [
            f"<b>{q.position}. {quote(q.text)}</b> <i>({kind_labels()[q.kind.value]})</i>",
            *(f"   ◦ {quote(o)}" for o in q.options),
        ]
    )
    await query.answer()
    await edit(query.message, text, inline(kb, 1))


async def ask_rewording(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    """«✏️ n»: new wording of a question (and of its options)."""
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    if not view.can_edit:
        raise DomainError(ErrorCode.SURVEY_SENT)
    q = view.question_at(callback_data.position)
    await state.set_state(SurveyWizard.question)
    await state.update_data(survey_id=view.id, kind=q.kind.value, position=q.position)
    await query.answer()
    now = "\n".join([q.text, *q.options])
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        prompt = _(
            "Send the new wording: the question on the first line, its options below, one "
            "per line. Now:"
        )
    else:
        prompt = _("Send the new wording of the question. Now:")
    await query.message.answer(f"{prompt}\n\n{quote(now)}")


async def discard(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    await surveys.discard(session, actor, callback_data.survey_id, clock.now())
    await query.answer(_("Discarded."))
    await edit(query.message, _("The draft is discarded."), None)


async def send(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    opened = await surveys.open_survey(
        session, actor, callback_data.survey_id, callback_data.version, clock.now()
    )
    await query.answer(_("Sent to {n} people.").format(n=opened.recipients), show_alert=True)
    view = opened.view
    await edit(
        query.message,
        _("📤 «{title}» is sent to {n} people.").format(
            title=quote(view.title), n=opened.recipients
        ),
        None,
    )
    text, kb = await results_card(session, actor, view.id)
    card = await query.message.answer(text, reply_markup=kb)
    if view.kind is SurveyKind.POLL and not view.anonymous:
        await surveys.set_card(
            session, actor, view.id, card.chat.id, card.message_id, text, clock.now()
        )


async def reopen_editor(
    query: CallbackQuery, callback_data: SurveyCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    await query.answer()
    await show_editor(query.message, session, view, in_place=False)


def register(router: Router) -> None:
    router.callback_query.register(
        toggle,
        SurveyEdit.filter(
            F.action.in_(
                {
                    EditAction.MULTIPLE,
                    EditAction.OTHER,
                    EditAction.ANONYMOUS,
                    EditAction.DAYS,
                    EditAction.REQUIRED,
                    EditAction.DELETE,
                    EditAction.UP,
                }
            )
        ),
    )
    router.callback_query.register(ask_question, SurveyEdit.filter(F.action == EditAction.ADD))
    router.message.register(question_typed, SurveyWizard.question, WizardText())
    router.callback_query.register(
        question_menu, SurveyEdit.filter(F.action == EditAction.QUESTION)
    )
    router.callback_query.register(ask_rewording, SurveyEdit.filter(F.action == EditAction.REWORD))
    router.callback_query.register(discard, SurveyEdit.filter(F.action == EditAction.DROP))
    router.callback_query.register(send, SurveyEdit.filter(F.action == EditAction.SEND))
    router.callback_query.register(reopen_editor, SurveyCb.filter(F.action == SurveyAction.EDIT))
