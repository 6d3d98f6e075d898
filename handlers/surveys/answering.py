"""Answering one question at a time: progress, back, skip, «other», finish."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import render
from handlers.surveys.states import Answering
from handlers.surveys.yearend import RETYPE, report_text
from handlers.ui import WizardText, edit, inline, quote, show_card
from models import QuestionKind, SurveyKind
from services import surveys
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from services.surveys import Answer, Step
from ui.callbacks.surveys import SurveyAction, SurveyCb


def answer_label(step: Step) -> str | None:
    current = step.current
    if current is None:
        return _("skipped") if step.skipped else None
    q = step.question
    if current.scale is not None:
        return str(current.scale)
    if current.text is not None:
        return current.text if len(current.text) <= 200 else current.text[:199] + "…"
    labels = [q.options[i] for i in current.options if 0 <= i < len(q.options)]
    if current.other:
        labels.append(_("other: {text}").format(text=current.other))
    return ", ".join(labels)


def step_view(
    step: Step, picked: tuple[int, ...] | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """One question: its text, «3 из 8», the buttons of its kind, back and skip."""
    q = step.question
    sid, pos = step.survey_id, step.position
    directions = (
        [_(label) for _code, label in surveys.DIRECTIONS]
        if step.template == surveys.TemplateKey.YEAREND and step.position == surveys.COURSES
        else []
    )
    text = render("survey_step.html", step=step, current=answer_label(step), directions=directions)
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    current = step.current.options if step.current else ()
    if q.kind is QuestionKind.SINGLE:
        for i, option in enumerate(q.options):
            mark = "✅ " if i in current else ""
            kb.button(
                text=mark + option,
                callback_data=SurveyCb(action=SurveyAction.ONE, survey_id=sid, pos=pos, arg=i),
            )
        sizes += [1] * len(q.options)
    elif q.kind is QuestionKind.MULTIPLE:
        chosen = set(picked if picked is not None else current)
        for i, option in enumerate(q.options):
            mark = "☑️ " if i in chosen else "⬜ "
            kb.button(
                text=mark + option,
                callback_data=SurveyCb(action=SurveyAction.TOGGLE, survey_id=sid, pos=pos, arg=i),
            )
        kb.button(
            text=_("Next ▶️"),
            callback_data=SurveyCb(action=SurveyAction.MANY, survey_id=sid, pos=pos),
        )
        sizes += [1] * len(q.options) + [1]
    elif q.kind is QuestionKind.SCALE:
        for value in range(surveys.SCALE_MIN, surveys.SCALE_MAX + 1):
            mark = "✅" if step.current and step.current.scale == value else ""
            kb.button(
                text=f"{mark}{value}",
                callback_data=SurveyCb(
                    action=SurveyAction.SCALE, survey_id=sid, pos=pos, arg=value
                ),
            )
        sizes.append(5)
    if step.allow_other and q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        kb.button(
            text=_("✏️ Other…"),
            callback_data=SurveyCb(action=SurveyAction.OTHER, survey_id=sid, pos=pos),
        )
        sizes.append(1)
    nav = 0
    if pos > 1:
        kb.button(
            text=_("◀️ Back"),
            callback_data=SurveyCb(action=SurveyAction.GO, survey_id=sid, pos=pos - 1),
        )
        nav += 1
    if not q.required:
        kb.button(
            text=_("⏭ Skip"),
            callback_data=SurveyCb(action=SurveyAction.SKIP, survey_id=sid, pos=pos),
        )
        nav += 1
    if nav:
        sizes.append(nav)
    kb.adjust(*sizes)
    return text, kb.as_markup()


def finish_view(
    survey_id: int, total: int, answered: int, report: surveys.Report | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("✅ Confirm and send") if report else _("✅ Finish"),
        callback_data=SurveyCb(action=SurveyAction.FINISH, survey_id=survey_id),
    )
    kb.button(
        text=_("◀️ Back"),
        callback_data=SurveyCb(action=SurveyAction.GO, survey_id=survey_id, pos=total),
    )
    if report is not None:
        return report_text(report), inline(kb, 1)
    text = _(
        "All questions are done ({answered} of {total} answered). "
        "Tap «Finish» to send your answers."
    ).format(answered=answered, total=total)
    return text, inline(kb, 1)


async def expect(state: FSMContext, step: Step) -> None:
    """What a message typed at this question is: the answer to a text question, a hint at
    a scale (its buttons answer it)."""
    if step.question.kind in (QuestionKind.SHORT, QuestionKind.LONG):
        await state.set_state(Answering.text)
        await state.update_data(survey_id=step.survey_id, pos=step.position, other=False)
    elif step.question.kind is QuestionKind.SCALE:
        await state.set_state(Answering.scale)
        await state.update_data(survey_id=step.survey_id, pos=step.position)


async def scale_hint(message: Message) -> None:
    """Text typed at a scale question: its buttons answer it."""
    await message.answer(
        _("Tap {low}–{high} on the buttons under the question.").format(
            low=surveys.SCALE_MIN, high=surveys.SCALE_MAX
        )
    )


async def show_next(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    survey_id: int,
    *,
    in_place: bool,
) -> None:
    """The question where this person stopped (or the finish screen)."""
    progress = await surveys.progress(session, actor, survey_id, clock.now())
    if progress.finished:
        raise DomainError(ErrorCode.ALREADY_FINISHED)
    if progress.next_position is None:
        report = await surveys.report_preview(session, actor, survey_id, clock.now())
        text, kb = finish_view(survey_id, progress.total, progress.answered, report)
    else:
        step = await surveys.step(session, actor, survey_id, progress.next_position, clock.now())
        text, kb = step_view(step)
        await expect(state, step)
    # A long year-end report passes 4,096 characters: sent in parts, the buttons («Подтвердить
    # и отправить») under the last one.
    await show_card(message, text, kb, in_place=in_place)


async def give(
    session: AsyncSession,
    actor: Actor,
    survey_id: int,
    position: int,
    answer: Answer,
    clock: Clock,
) -> str | None:
    """Record an answer. A poll's one answer also finishes it, in the same transaction
    (surveys.vote): the thanks to show is returned; None for a questionnaire, which goes
    on to its next question."""
    brief = await surveys.brief(session, actor, survey_id)
    if brief.kind is SurveyKind.POLL:
        await surveys.vote(session, actor, survey_id, answer, clock.now())
        return _("📊 «{title}»: your answer is counted. Thank you!").format(
            title=quote(brief.title)
        )
    await surveys.answer(session, actor, survey_id, position, answer, clock.now())
    return None


async def after_answer(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    survey_id: int,
    position: int,
    answer: Answer,
) -> None:
    """A tapped answer: the poll's thanks in place of the question, or the next question."""
    assert isinstance(query.message, Message)
    thanks = await give(session, actor, survey_id, position, answer, clock)
    if thanks is not None:
        await query.answer(_("Thank you! Your answer is counted."))
        await edit(query.message, thanks, None)
        return
    await query.answer()
    await show_next(query.message, state, session, actor, clock, survey_id, in_place=True)


async def start(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    await state.clear()
    await show_next(
        query.message, state, session, actor, clock, callback_data.survey_id, in_place=False
    )
    await query.answer()


async def go(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«Back»: an earlier question again, with the answer given."""
    assert isinstance(query.message, Message)
    await state.clear()
    step = await surveys.step(
        session, actor, callback_data.survey_id, callback_data.pos, clock.now()
    )
    text, kb = step_view(step)
    await expect(state, step)
    await query.answer()
    await edit(query.message, text, kb)


async def choose(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    await state.clear()
    answer = (
        Answer(options=(callback_data.arg,))
        if callback_data.action is SurveyAction.ONE
        else Answer(scale=callback_data.arg)
    )
    await after_answer(
        query, state, session, actor, clock, callback_data.survey_id, callback_data.pos, answer
    )


async def toggle_option(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """A multiple choice: the ticks live in the chat state until «Next»."""
    assert isinstance(query.message, Message)
    step = await surveys.step(
        session, actor, callback_data.survey_id, callback_data.pos, clock.now()
    )
    if not 0 <= callback_data.arg < len(step.question.options):
        raise DomainError(ErrorCode.BAD_OPTION)
    data = await state.get_data()
    key = f"{callback_data.survey_id}:{callback_data.pos}"
    picked = set(data.get("ticks", {}).get(key, list(step.current.options if step.current else ())))
    picked ^= {callback_data.arg}
    await state.update_data(ticks={key: sorted(picked)})
    text, kb = step_view(step, tuple(sorted(picked)))
    await query.answer()
    await edit(query.message, text, kb)


async def many(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    data = await state.get_data()
    key = f"{callback_data.survey_id}:{callback_data.pos}"
    ticks = data.get("ticks", {}).get(key)
    if ticks is None:
        step = await surveys.step(
            session, actor, callback_data.survey_id, callback_data.pos, clock.now()
        )
        ticks = list(step.current.options if step.current else ())
    if not ticks:
        await query.answer(_("Tick at least one option (or skip the question)."), show_alert=True)
        return
    await state.clear()
    await after_answer(
        query,
        state,
        session,
        actor,
        clock,
        callback_data.survey_id,
        callback_data.pos,
        Answer(options=tuple(ticks)),
    )


async def skip(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    await state.clear()
    await surveys.skip(session, actor, callback_data.survey_id, callback_data.pos, clock.now())
    await query.answer()
    await show_next(
        query.message, state, session, actor, clock, callback_data.survey_id, in_place=True
    )


async def other(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    await surveys.step(session, actor, callback_data.survey_id, callback_data.pos, clock.now())
    await state.set_state(Answering.text)
    await state.update_data(survey_id=callback_data.survey_id, pos=callback_data.pos, other=True)
    await query.answer()
    await query.message.answer(_("Type your answer («other»):"))


async def typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    survey_id, pos = int(data["survey_id"]), int(data["pos"])
    text = message.text or ""
    answer = Answer(text=text)
    if data.get("other"):  # «другое», with the options ticked so far (several options)
        ticks = data.get("ticks", {}).get(f"{survey_id}:{pos}")
        if ticks is None:
            step = await surveys.step(session, actor, survey_id, pos, clock.now())
            multiple = step.question.kind is QuestionKind.MULTIPLE
            ticks = list(step.current.options) if multiple and step.current else []
        answer = Answer(options=tuple(ticks), other=text)
    try:
        thanks = await give(session, actor, survey_id, pos, answer, clock)
    except DomainError as error:
        # A refusal ends the typing too (the survey may have closed), but a wrong line of the
        # year-end report is typed again.
        if error.code not in RETYPE:
            await state.clear()
        raise
    await state.clear()
    if thanks is not None:
        await message.answer(thanks)
        return
    await show_next(message, state, session, actor, clock, survey_id, in_place=False)


async def finish(
    query: CallbackQuery,
    callback_data: SurveyCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    await state.clear()
    done = await surveys.finish(session, actor, callback_data.survey_id, clock.now())
    await query.answer(_("Thank you!"))
    text = (
        _("✅ Your answers are sent anonymously: nobody can see who answered what. Thank you!")
        if done.anonymous
        else _("✅ Your answers are sent. Thank you!")
    )
    await edit(query.message, text, None)


def register(router: Router) -> None:
    router.callback_query.register(start, SurveyCb.filter(F.action == SurveyAction.START))
    router.callback_query.register(go, SurveyCb.filter(F.action == SurveyAction.GO))
    router.callback_query.register(
        choose, SurveyCb.filter(F.action.in_({SurveyAction.ONE, SurveyAction.SCALE}))
    )
    router.callback_query.register(toggle_option, SurveyCb.filter(F.action == SurveyAction.TOGGLE))
    router.callback_query.register(many, SurveyCb.filter(F.action == SurveyAction.MANY))
    router.callback_query.register(skip, SurveyCb.filter(F.action == SurveyAction.SKIP))
    router.callback_query.register(other, SurveyCb.filter(F.action == SurveyAction.OTHER))
    router.message.register(typed, Answering.text, WizardText())
    router.message.register(scale_hint, Answering.scale, WizardText())
    router.callback_query.register(finish, SurveyCb.filter(F.action == SurveyAction.FINISH))
