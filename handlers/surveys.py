"""Polls and surveys in the chat: `/poll` (a question, its options, a few toggles, sent),
`/survey` (from a built-in template or from scratch, edited, sent), answering one question
at a time with progress, back and skip, and `/surveys`: what waits for my answer, what I
sent, with results, charts and the XLSX."""

from __future__ import annotations

import asyncio
import re
from datetime import time, timedelta

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from bot.messages import survey_results_keyboard
from bot.render import render
from handlers.ui import WizardText, association_picker, edit, inline, quote, show_card
from models import QuestionKind, SurveyKind, SurveyStatus
from services import associations, deadlines, surveys
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from services.surveys import Answer, QuestionView, Step, SurveyView
from ui.callbacks.common import AssocPick
from ui.callbacks.surveys import SurveyCb, SurveyEdit

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
hints = Router(name=f"{__name__}.hints")
hints.message.filter(F.chat.type == "private")

CLOSE_IN_DAYS = (1, 3, 7, 14)
DEFAULT_POLL_DAYS = 3
DEFAULT_SURVEY_DAYS = 7
AUDIENCE_SHOWN = 40
DEFAULT_ZONE = "Europe/Moscow"  # a survey always has an audience; this is a fallback


class PollWizard(StatesGroup):
    question = State()
    options = State()


class SurveyWizard(StatesGroup):
    title = State()
    question = State()  # the text (and options) of a question being added
    dates = State()  # opening and closing dates, typed


class Answering(StatesGroup):
    text = State()  # a short or long answer, or «другое», typed


def _question_at(view: SurveyView, position: int) -> QuestionView:
    """A question of the draft by its number (a button from an older card: STALE)."""
    for q in view.questions:
        if q.position == position:
            return q
    raise DomainError(ErrorCode.STALE)


def kind_labels() -> dict[str, str]:
    return {
        QuestionKind.SINGLE.value: _("one option"),
        QuestionKind.MULTIPLE.value: _("several options"),
        QuestionKind.SCALE.value: _("scale 1–5"),
        QuestionKind.SHORT.value: _("short text"),
        QuestionKind.LONG.value: _("long text"),
    }


def _when(view: SurveyView | Step, timezone: str | None = None) -> str | None:
    closes = view.closes_at
    if closes is None:
        return None
    return formats.when(closes, timezone or DEFAULT_ZONE, get_i18n().current_locale)


async def _zone(session: AsyncSession, view: SurveyView) -> str:
    return (await surveys.zones(session, [view.id])).get(view.id, DEFAULT_ZONE)


async def _closing_in(
    session: AsyncSession, actor: Actor, view: SurveyView, days: int, clock: Clock
) -> SurveyView:
    """A new draft closes `days` from now unless its author changes that."""
    now = clock.now()
    return await surveys.set_schedule(
        session,
        actor,
        view.id,
        view.version,
        now,
        opens_at=None,
        closes_at=now + timedelta(days=days),
    )


# ---------------------------------------------------------------- /poll


@router.message(Command("poll"), StateFilter("*"))
async def poll_begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.SEND_SURVEYS)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    if len(found) > 1:
        await message.answer(_("To whom?"), reply_markup=association_picker(found, "poll"))
        return
    await state.set_state(PollWizard.question)
    await state.update_data(association_id=found[0].id)
    await message.answer(_("📊 Quick poll. Type the question:"))


@router.callback_query(AssocPick.filter(F.action == "poll"))
async def poll_association(
    query: CallbackQuery, callback_data: AssocPick, state: FSMContext
) -> None:
    assert isinstance(query.message, Message)
    await state.set_state(PollWizard.question)
    await state.update_data(association_id=callback_data.association_id)
    await query.answer()
    await query.message.answer(_("📊 Quick poll. Type the question:"))


@router.message(PollWizard.question, WizardText())
async def poll_question(message: Message, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if not text:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if len(text) > surveys.TEXT_MAX:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=surveys.TEXT_MAX, length=len(text))
    await state.update_data(question=text)
    await state.set_state(PollWizard.options)
    await message.answer(_("Now the options, one per line (2 to 10):"))


@router.message(PollWizard.options, WizardText())
async def poll_options(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    options = [line.strip() for line in (message.text or "").splitlines() if line.strip()]
    view = await surveys.create_poll(
        session,
        actor,
        int(data["association_id"]),
        str(data["question"]),
        options,
        clock.now(),
        locale=get_i18n().current_locale,
    )
    view = await _closing_in(session, actor, view, DEFAULT_POLL_DAYS, clock)
    await state.clear()
    text, kb = await _editor(session, view)
    await message.answer(text, reply_markup=kb)


# ---------------------------------------------------------------- /survey


@router.message(Command("survey"), StateFilter("*"))
async def survey_begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.SEND_SURVEYS)
    if not found:
        raise DomainError(ErrorCode.FORBIDDEN)
    if len(found) > 1:
        await message.answer(_("To whom?"), reply_markup=association_picker(found, "survey"))
        return
    await message.answer(
        _("📋 New survey. Start from a template or from scratch:"),
        reply_markup=_templates(found[0].id),
    )


def _templates(association_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=_("🎯 Professional needs and deficits"),
        callback_data=SurveyEdit(action="tpl", survey_id=0, arg=association_id, value="needs"),
    )
    kb.button(
        text=_("⭐ Satisfaction with the association's work"),
        callback_data=SurveyEdit(
            action="tpl", survey_id=0, arg=association_id, value="satisfaction"
        ),
    )
    kb.button(
        text=_("✏️ From scratch"),
        callback_data=SurveyEdit(action="blank", survey_id=0, arg=association_id),
    )
    return inline(kb, 1)


@router.callback_query(AssocPick.filter(F.action == "survey"))
async def survey_association(query: CallbackQuery, callback_data: AssocPick) -> None:
    assert isinstance(query.message, Message)
    await query.answer()
    await query.message.answer(
        _("📋 New survey. Start from a template or from scratch:"),
        reply_markup=_templates(callback_data.association_id),
    )


@router.callback_query(SurveyEdit.filter(F.action == "tpl"))
async def from_template(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.create_from_template(
        session,
        actor,
        callback_data.arg,
        callback_data.value,
        _,
        clock.now(),
        locale=get_i18n().current_locale,
    )
    view = await _closing_in(session, actor, view, DEFAULT_SURVEY_DAYS, clock)
    await query.answer()
    text, kb = await _editor(session, view)
    await show_card(query.message, text, kb)


@router.callback_query(SurveyEdit.filter(F.action == "blank"))
async def blank(query: CallbackQuery, callback_data: SurveyEdit, state: FSMContext) -> None:
    assert isinstance(query.message, Message)
    await state.set_state(SurveyWizard.title)
    await state.update_data(association_id=callback_data.arg)
    await query.answer()
    await query.message.answer(_("The survey's title:"))


@router.message(SurveyWizard.title, WizardText())
async def survey_title(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await surveys.create_survey(
        session,
        actor,
        int(data["association_id"]),
        message.text or "",
        clock.now(),
        locale=get_i18n().current_locale,
    )
    view = await _closing_in(session, actor, view, DEFAULT_SURVEY_DAYS, clock)
    await state.clear()
    text, kb = await _editor(session, view)
    await message.answer(text, reply_markup=kb)


# ---------------------------------------------------------------- the editor


async def _editor(session: AsyncSession, view: SurveyView) -> tuple[str, InlineKeyboardMarkup]:
    zone = await _zone(session, view)
    text = render(
        "survey_editor.html",
        v=view,
        closes=_when(view, zone),
        opens=formats.when(view.opens_at, zone, get_i18n().current_locale)
        if view.opens_at
        else None,
        audience=len(view.association_ids),
        kinds=kind_labels(),
    )
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    sid, version = view.id, view.version

    def button(label: str, action: str, arg: int = 0, value: str = "") -> None:
        kb.button(
            text=label,
            callback_data=SurveyEdit(
                action=action, survey_id=sid, arg=arg, value=value, version=version
            ),
        )

    if view.kind is SurveyKind.SURVEY:
        for kind in QuestionKind:
            button("➕ " + kind_labels()[kind.value], "add", value=kind.value)
        sizes += [2, 2, 1]
        for q in view.questions:  # a question's own actions are one tap further
            button(f"🔧 {q.position}", "q", arg=q.position)
        sizes += [6] * (-(-len(view.questions) // 6))
    else:
        [q] = view.questions
        button(
            _("Several answers: yes")
            if q.kind is QuestionKind.MULTIPLE
            else _("Several answers: no"),
            "multi",
        )
        button(_("«Other»: yes") if view.allow_other else _("«Other»: no"), "other")
        sizes.append(2)
    button(_("🕶 Anonymous") if view.anonymous else _("👤 Named"), "anon")
    button(_("👥 To: {n}").format(n=len(view.association_ids)), "aud")
    sizes.append(2)
    for days in CLOSE_IN_DAYS:
        button(_("⏳ {n} d.").format(n=days), "days", arg=days)
    sizes.append(len(CLOSE_IN_DAYS))
    button(_("📅 Opening and closing dates"), "dates")
    sizes.append(1)
    button(_("📤 Send"), "send")
    button(_("🗑 Discard"), "drop")
    sizes.append(2)
    kb.adjust(*sizes)
    return text, kb.as_markup()


async def _show_editor(
    message: Message, session: AsyncSession, view: SurveyView, *, in_place: bool = True
) -> None:
    text, kb = await _editor(session, view)
    await show_card(message, text, kb, in_place=in_place)


@router.callback_query(
    SurveyEdit.filter(F.action.in_({"multi", "other", "anon", "days", "req", "del", "up"}))
)
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
    if action == "multi":
        [q] = view.questions
        kind = QuestionKind.SINGLE if q.kind is QuestionKind.MULTIPLE else QuestionKind.MULTIPLE
        view = await surveys.update_question(session, actor, sid, version, 1, now, kind=kind)
    elif action == "other":
        view = await surveys.set_settings(
            session, actor, sid, version, now, allow_other=not view.allow_other
        )
    elif action == "anon":
        view = await surveys.set_settings(
            session, actor, sid, version, now, anonymous=not view.anonymous
        )
    elif action == "days":
        view = await surveys.set_schedule(
            session,
            actor,
            sid,
            version,
            now,
            opens_at=None,
            closes_at=now + timedelta(days=callback_data.arg),
        )
    elif action == "up":
        q = _question_at(view, callback_data.arg)
        view = await surveys.move_question(
            session, actor, sid, version, q.position, q.position - 1, now
        )
    elif action == "req":
        q = _question_at(view, callback_data.arg)
        view = await surveys.update_question(
            session, actor, sid, version, q.position, now, required=not q.required
        )
    else:
        view = await surveys.remove_question(session, actor, sid, version, callback_data.arg, now)
    await query.answer()
    await _show_editor(query.message, session, view)


@router.callback_query(SurveyEdit.filter(F.action == "add"))
async def ask_question(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    if view.status is not SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.SURVEY_SENT)
    await state.set_state(SurveyWizard.question)
    await state.update_data(survey_id=view.id, kind=callback_data.value)
    await query.answer()
    if callback_data.value in (QuestionKind.SINGLE.value, QuestionKind.MULTIPLE.value):
        prompt = _(
            "Send the question on the first line and its options below, one per line (2 to 10)."
        )
    else:
        prompt = _("Send the question.")
    await query.message.answer(prompt)


@router.message(SurveyWizard.question, WizardText())
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
    await _show_editor(message, session, view, in_place=False)


@router.callback_query(SurveyEdit.filter(F.action == "q"))
async def question_menu(
    query: CallbackQuery, callback_data: SurveyEdit, session: AsyncSession, actor: Actor
) -> None:
    """One question's actions: reword, required or optional, delete."""
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    q = _question_at(view, callback_data.arg)
    kb = InlineKeyboardBuilder()
    for label, action in (
        (_("✏️ Reword"), "text"),
        *([(_("⬆️ Move up"), "up")] if q.position > 1 else []),
        (_("☑️ Make it optional") if q.required else _("⬜ Make it required"), "req"),
        (_("🗑 Delete"), "del"),
        (_("◀️ Back"), "back"),
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


@router.callback_query(SurveyEdit.filter(F.action == "text"))
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
    if view.status is not SurveyStatus.DRAFT:
        raise DomainError(ErrorCode.SURVEY_SENT)
    q = _question_at(view, callback_data.arg)
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


def _audience_view(
    view: SurveyView, found: list[associations.AssociationView], actor: Actor
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    chosen = set(view.association_ids)
    shown = found[:AUDIENCE_SHOWN]
    for a in shown:
        mark = "✅ " if a.id in chosen else "⬜ "
        kb.button(
            text=mark + a.name[:50],
            callback_data=SurveyEdit(
                action="audt", survey_id=view.id, arg=a.id, version=view.version
            ),
        )
    services_ = sorted({a.service_id for a in found if a.service_id in actor.methodist_services})
    for service_id in services_:
        kb.button(
            text=_("🏛 Every association of the service"),
            callback_data=SurveyEdit(
                action="audall", survey_id=view.id, arg=service_id, version=view.version
            ),
        )
    kb.button(
        text=_("✅ Done"),
        callback_data=SurveyEdit(action="back", survey_id=view.id, version=view.version),
    )
    kb.adjust(1)
    text = _("Who receives «{title}»? Tap associations to add or remove them.").format(
        title=quote(view.title)
    )
    if len(found) > len(shown):
        text += "\n" + _("Only the first {n} are listed.").format(n=len(shown))
    return text, kb.as_markup()


@router.callback_query(SurveyEdit.filter(F.action.in_({"aud", "audt", "audall", "back"})))
async def audience(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    if callback_data.action == "back":
        await query.answer()
        await _show_editor(query.message, session, view)
        return
    if callback_data.action == "audt":
        chosen = list(view.association_ids)
        if callback_data.arg in chosen:
            chosen.remove(callback_data.arg)
        else:
            chosen.append(callback_data.arg)
        view = await surveys.set_audience(
            session, actor, view.id, callback_data.version, clock.now(), association_ids=chosen
        )
    elif callback_data.action == "audall":
        view = await surveys.set_audience(
            session,
            actor,
            view.id,
            callback_data.version,
            clock.now(),
            service_id=callback_data.arg,
        )
    found = await associations.associations_for(session, actor, Action.SEND_SURVEYS)
    text, kb = _audience_view(view, found, actor)
    await query.answer()
    await edit(query.message, text, kb)


@router.callback_query(SurveyEdit.filter(F.action == "dates"))
async def ask_dates(
    query: CallbackQuery,
    callback_data: SurveyEdit,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    await state.set_state(SurveyWizard.dates)
    await state.update_data(survey_id=view.id)
    await query.answer()
    await query.message.answer(
        _(
            "Type when answers are accepted: «01.12 — 10.12» (from the morning of the first "
            "day to the end of the second), or only the last day «10.12», or with times "
            "«01.12 09:00 — 10.12 18:00»."
        )
    )


@router.message(SurveyWizard.dates, WizardText())
async def dates_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await surveys.get(session, actor, int(data["survey_id"]))
    zone = await _zone(session, view)
    now = clock.now()
    today = deadlines.local_day(now, zone)
    parts = [p.strip() for p in re.split(r"\s+(?:—|–|-|до|to)\s+", message.text or "") if p.strip()]
    if not 1 <= len(parts) <= 2:
        raise DomainError(ErrorCode.BAD_DATE)
    typed = [deadlines.parse_date(p, today) for p in parts]
    opens = None
    if len(typed) == 2:
        first = typed[0]
        opens = deadlines.at_local(first.day, first.at or time(8, 0), zone)
    last = typed[-1]
    closes = (
        deadlines.at_local(last.day, last.at, zone)
        if last.at
        else deadlines.end_of_day(last.day, zone) - timedelta(seconds=1)  # shown as 23:59
    )
    view = await surveys.set_schedule(
        session, actor, view.id, view.version, now, opens_at=opens, closes_at=closes
    )
    await state.clear()
    await _show_editor(message, session, view, in_place=False)


@router.callback_query(SurveyEdit.filter(F.action == "drop"))
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


@router.callback_query(SurveyEdit.filter(F.action == "send"))
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
    text, kb = await _results(session, actor, view.id)
    card = await query.message.answer(text, reply_markup=kb)
    if view.kind is SurveyKind.POLL and not view.anonymous:
        await surveys.set_card(
            session, actor, view.id, card.chat.id, card.message_id, text, clock.now()
        )


# ---------------------------------------------------------------- results


async def _results(
    session: AsyncSession, actor: Actor, survey_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    found = await surveys.results(session, actor, survey_id)
    return results_text(found), survey_results_keyboard(found)


def results_text(found: surveys.Results) -> str:
    return render("survey_results.html", r=found)


@router.callback_query(SurveyCb.filter(F.action == "res"))
async def show_results(
    query: CallbackQuery, callback_data: SurveyCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    text, kb = await _results(session, actor, callback_data.survey_id)
    await query.answer()
    await show_card(query.message, text, kb, in_place=True)


@router.callback_query(SurveyCb.filter(F.action == "close"))
async def close(
    query: CallbackQuery, callback_data: SurveyCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    await surveys.close(session, actor, callback_data.survey_id, clock.now())
    text, kb = await _results(session, actor, callback_data.survey_id)
    await query.answer(_("Closed."))
    await show_card(query.message, text, kb)


@router.callback_query(SurveyCb.filter(F.action == "xlsx"))
async def export(
    query: CallbackQuery, callback_data: SurveyCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    from documents.survey_xlsx import xlsx_bytes  # lazy: openpyxl only when asked for

    found = await surveys.results(session, actor, callback_data.survey_id)
    if found.hidden:
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    await query.message.answer_document(
        BufferedInputFile(xlsx_bytes(found), f"survey_{found.survey_id}.xlsx")
    )


@router.callback_query(SurveyCb.filter(F.action == "chart"))
async def charts(
    query: CallbackQuery, callback_data: SurveyCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    from documents.chart import bar_chart_png  # lazy: matplotlib only when asked for

    found = await surveys.results(session, actor, callback_data.survey_id)
    if found.hidden:
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    for q in found.questions:
        if not q.options:
            continue
        png = await asyncio.to_thread(
            bar_chart_png,
            f"{q.position}. {q.text}",
            [o.label for o in q.options],
            [o.count for o in q.options],
        )
        await query.message.answer_photo(
            BufferedInputFile(png, f"survey_{found.survey_id}_{q.position}.png")
        )


# ---------------------------------------------------------------- answering


def _answer_label(step: Step) -> str | None:
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
    text = render("survey_step.html", s=step, current=_answer_label(step))
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    current = step.current.options if step.current else ()
    if q.kind is QuestionKind.SINGLE:
        for i, option in enumerate(q.options):
            mark = "✅ " if i in current else ""
            kb.button(
                text=mark + option,
                callback_data=SurveyCb(action="one", survey_id=sid, pos=pos, arg=i),
            )
        sizes += [1] * len(q.options)
    elif q.kind is QuestionKind.MULTIPLE:
        chosen = set(picked if picked is not None else current)
        for i, option in enumerate(q.options):
            mark = "☑️ " if i in chosen else "⬜ "
            kb.button(
                text=mark + option,
                callback_data=SurveyCb(action="tog", survey_id=sid, pos=pos, arg=i),
            )
        kb.button(text=_("Next ▶️"), callback_data=SurveyCb(action="many", survey_id=sid, pos=pos))
        sizes += [1] * len(q.options) + [1]
    elif q.kind is QuestionKind.SCALE:
        for value in range(1, 6):
            mark = "✅" if step.current and step.current.scale == value else ""
            kb.button(
                text=f"{mark}{value}",
                callback_data=SurveyCb(action="scale", survey_id=sid, pos=pos, arg=value),
            )
        sizes.append(5)
    if step.allow_other and q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        kb.button(
            text=_("✏️ Other…"), callback_data=SurveyCb(action="other", survey_id=sid, pos=pos)
        )
        sizes.append(1)
    nav = 0
    if pos > 1:
        kb.button(text=_("◀️ Back"), callback_data=SurveyCb(action="go", survey_id=sid, pos=pos - 1))
        nav += 1
    if not q.required:
        kb.button(text=_("⏭ Skip"), callback_data=SurveyCb(action="skip", survey_id=sid, pos=pos))
        nav += 1
    if nav:
        sizes.append(nav)
    kb.adjust(*sizes)
    return text, kb.as_markup()


def finish_view(survey_id: int, total: int, answered: int) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Finish"), callback_data=SurveyCb(action="finish", survey_id=survey_id))
    kb.button(text=_("◀️ Back"), callback_data=SurveyCb(action="go", survey_id=survey_id, pos=total))
    text = _(
        "All questions are done ({answered} of {total} answered). "
        "Tap «Finish» to send your answers."
    ).format(answered=answered, total=total)
    return text, inline(kb, 1)


async def _next(
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
        text, kb = finish_view(survey_id, progress.total, progress.answered)
    else:
        step = await surveys.step(session, actor, survey_id, progress.next_position, clock.now())
        text, kb = step_view(step)
        if step.question.kind in (QuestionKind.SHORT, QuestionKind.LONG):
            await state.set_state(Answering.text)
            await state.update_data(survey_id=survey_id, pos=step.position, other=False)
    if in_place:
        await edit(message, text, kb)
    else:
        await message.answer(text, reply_markup=kb)


async def _give(
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


async def _after_answer(
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
    thanks = await _give(session, actor, survey_id, position, answer, clock)
    if thanks is not None:
        await query.answer(_("Thank you! Your answer is counted."))
        await edit(query.message, thanks, None)
        return
    await query.answer()
    await _next(query.message, state, session, actor, clock, survey_id, in_place=True)


@router.callback_query(SurveyCb.filter(F.action == "start"))
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
    await _next(
        query.message, state, session, actor, clock, callback_data.survey_id, in_place=False
    )
    await query.answer()


@router.callback_query(SurveyCb.filter(F.action == "go"))
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
    if step.question.kind in (QuestionKind.SHORT, QuestionKind.LONG):
        await state.set_state(Answering.text)
        await state.update_data(survey_id=step.survey_id, pos=step.position, other=False)
    await query.answer()
    await edit(query.message, text, kb)


@router.callback_query(SurveyCb.filter(F.action.in_({"one", "scale"})))
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
        if callback_data.action == "one"
        else Answer(scale=callback_data.arg)
    )
    await _after_answer(
        query, state, session, actor, clock, callback_data.survey_id, callback_data.pos, answer
    )


@router.callback_query(SurveyCb.filter(F.action == "tog"))
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


@router.callback_query(SurveyCb.filter(F.action == "many"))
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
    await _after_answer(
        query,
        state,
        session,
        actor,
        clock,
        callback_data.survey_id,
        callback_data.pos,
        Answer(options=tuple(ticks)),
    )


@router.callback_query(SurveyCb.filter(F.action == "skip"))
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
    await _next(query.message, state, session, actor, clock, callback_data.survey_id, in_place=True)


@router.callback_query(SurveyCb.filter(F.action == "other"))
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


@router.message(Answering.text, WizardText())
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
    await state.clear()  # a refusal below ends the typing too: the survey may have closed
    thanks = await _give(session, actor, survey_id, pos, answer, clock)
    if thanks is not None:
        await message.answer(thanks)
        return
    await _next(message, state, session, actor, clock, survey_id, in_place=False)


@router.callback_query(SurveyCb.filter(F.action == "finish"))
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


# ---------------------------------------------------------------- /surveys


@router.message(Command("surveys"), StateFilter("*"))
async def listing(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    waiting = await surveys.open_for(session, actor, clock.now())
    mine = await surveys.mine(session, actor)
    status = {
        SurveyStatus.DRAFT: _("draft"),
        SurveyStatus.OPEN: _("open"),
        SurveyStatus.CLOSED: _("closed"),
    }
    locale = get_i18n().current_locale
    zone = await surveys.zones(session, [s.id for s in waiting])
    text = render(
        "surveys_list.html",
        waiting=[
            {
                "title": s.title,
                "closes": formats.when(s.closes_at, zone.get(s.id, DEFAULT_ZONE), locale)
                if s.closes_at
                else None,
            }
            for s in waiting
        ],
        mine=[{"title": s.title, "status": status[s.status]} for s in mine],
    )
    kb = InlineKeyboardBuilder()
    for s in waiting:
        kb.button(text="▶️ " + s.title[:40], callback_data=SurveyCb(action="start", survey_id=s.id))
    for n, s in enumerate(mine, start=1):
        action = "res" if s.status is not SurveyStatus.DRAFT else "edit"
        kb.button(text=f"📊 {n}", callback_data=SurveyCb(action=action, survey_id=s.id))
    kb.adjust(*([1] * len(waiting)), *([5] * (-(-len(mine) // 5))))
    await message.answer(text, reply_markup=kb.as_markup())


@router.callback_query(SurveyCb.filter(F.action == "edit"))
async def reopen_editor(
    query: CallbackQuery, callback_data: SurveyCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    view = await surveys.get(session, actor, callback_data.survey_id)
    await query.answer()
    await _show_editor(query.message, session, view, in_place=False)


@hints.message(StateFilter(PollWizard, SurveyWizard, Answering))
async def text_hint(message: Message) -> None:
    await message.answer(_("Please send text, or /cancel."))
