"""Results for the author (text, charts, XLSX), closing, and `/surveys`."""

from __future__ import annotations

import asyncio
from functools import partial

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from bot.messages import survey_results_keyboard
from bot.render import render, split_message
from handlers.surveys.common import DEFAULT_ZONE
from handlers.ui import edit, show_card
from models import SurveyKind, SurveyStatus
from services import surveys
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.surveys import SurveyAction, SurveyCb


async def results_card(
    session: AsyncSession, actor: Actor, survey_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    found = await surveys.results(session, actor, survey_id)
    return results_text(found), survey_results_keyboard(found)


def results_text(found: surveys.Results) -> str:
    return render("survey_results.html", r=found)


def _same(shown: InlineKeyboardMarkup | None, kb: InlineKeyboardMarkup) -> bool:
    """The keyboard a message has is `kb` (compared by content: one parsed from an update
    carries more than the fields it was built with)."""
    return shown is not None and shown.model_dump(exclude_none=True) == kb.model_dump(
        exclude_none=True
    )


async def show_results(
    query: CallbackQuery,
    callback_data: SurveyCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """The results in place of the message tapped («🔄 Refresh», or 📊 in `/surveys`). A
    named poll's card shown this way is its live card from now on (the scheduler keeps it up
    to date); an edit that would change nothing is not made, whether the person refreshed or
    the scheduler had just put the same figures there."""
    message = query.message
    assert isinstance(message, Message)
    found = await surveys.results(session, actor, callback_data.survey_id)
    text, kb = results_text(found), survey_results_keyboard(found)
    live = found.kind == SurveyKind.POLL and not found.anonymous
    if live and len(split_message(text.split("\n"))) == 1:
        shown = await surveys.card_text(
            session, found.survey_id, message.chat.id, message.message_id
        )
        if shown != text or not _same(message.reply_markup, kb):
            await edit(message, text, kb)
        # Recorded before the tap is answered: the scheduler's next look finds these figures.
        await surveys.set_card(
            session, actor, found.survey_id, message.chat.id, message.message_id, text, clock.now()
        )
        await query.answer()
        return
    await query.answer()
    await show_card(message, text, kb, in_place=True)


async def close(
    query: CallbackQuery, callback_data: SurveyCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    await surveys.close(session, actor, callback_data.survey_id, clock.now())
    text, kb = await results_card(session, actor, callback_data.survey_id)
    await query.answer(_("Closed."))
    await show_card(query.message, text, kb)


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
            partial(
                bar_chart_png,
                percents=[o.percent for o in q.options],
                answered=q.answered,
            ),
            f"{q.position}. {q.text}",
            [o.label for o in q.options],
            [o.count for o in q.options],
        )
        await query.message.answer_photo(
            BufferedInputFile(png, f"survey_{found.survey_id}_{q.position}.png")
        )


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
        kb.button(
            text="▶️ " + s.title[:40],
            callback_data=SurveyCb(action=SurveyAction.START, survey_id=s.id),
        )
    for n, s in enumerate(mine, start=1):
        action = SurveyAction.RESULTS if s.status is not SurveyStatus.DRAFT else SurveyAction.EDIT
        kb.button(text=f"📊 {n}", callback_data=SurveyCb(action=action, survey_id=s.id))
    kb.adjust(*([1] * len(waiting)), *([5] * (-(-len(mine) // 5))))
    await message.answer(text, reply_markup=kb.as_markup())


def register(router: Router) -> None:
    router.callback_query.register(show_results, SurveyCb.filter(F.action == SurveyAction.RESULTS))
    router.callback_query.register(close, SurveyCb.filter(F.action == SurveyAction.CLOSE))
    router.callback_query.register(export, SurveyCb.filter(F.action == SurveyAction.XLSX))
    router.callback_query.register(charts, SurveyCb.filter(F.action == SurveyAction.CHART))
    router.message.register(listing, Command("surveys"), StateFilter("*"))
