"""`/analysis` and «📊 Анализ года» (issue 16): the year's analysis of an association — its
figures at a glance, the DOCX and XLSX, the chair's sections typed as drafts, «меры»,
submitting; and the methodist's «принято» / «на доработку» with a comment. Every button is
checked again in services.analysis (a forged association or another service's methodist is
refused there)."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from documents import analysis_words as W
from documents.analysis import docx_bytes, file_stem
from documents.analysis_xlsx import xlsx_bytes
from handlers.ui import MENU_ANALYSIS, MenuButton, WizardText, association_picker, quote, show_page
from models import AnalysisStatus
from services import analysis, associations
from services.clock import Clock
from services.deadlines import school_year_label
from services.errors import DomainError, ErrorCode
from services.permissions import Action, Actor
from ui.callbacks.analysis import AnalysisAction, AnalysisCb
from ui.callbacks.common import AssocAction, AssocPick, Picker, PickPage

STATUS = {
    AnalysisStatus.DRAFT: W.N_("draft"),
    AnalysisStatus.SUBMITTED: W.N_("submitted, waits for the methodological service"),
    AnalysisStatus.ACCEPTED: W.N_("accepted"),
    AnalysisStatus.RETURNED: W.N_("returned for revision"),
}
SECTION_TITLES = {
    "attendance": W.ATTENDANCE_CONCLUSIONS,
    "unrealised": W.UNREALISED,
    "mastery": W.MASTERY,
    "gifted": W.GIFTED,
    "content": W.CONTENT,
    "documents": W.DEFICIT_COLUMNS[1],
    "partnership": W.PARTNERSHIP,
    "openness": W.OPENNESS,
    "tasks": W.TASKS_COLUMNS[2],
    "tasks_conclusions": W.TASKS_CONCLUSIONS,
    "conclusion": W.CONCLUSION,
    "recommendations": W.RECOMMENDATIONS,
    "proposals": W.PROPOSALS,
}


# A refusal of the typed text itself: typed again (the state stays); any other refusal (another
# methodist decided first, submitted or accepted meanwhile) ends the typing.
RETYPE = frozenset(
    {
        ErrorCode.TEXT_TOO_LONG,
        ErrorCode.HTML_NOT_ALLOWED,
        ErrorCode.TEXT_EMPTY,
        ErrorCode.ANALYSIS_COMMENT_REQUIRED,
    }
)


async def refused(state: FSMContext, error: DomainError) -> None:
    if error.code not in RETYPE:
        await state.clear()


class Writing(StatesGroup):
    section = State()
    comment = State()


def section_title(msgid: str, year: int) -> str:
    """A section's heading for the analysis of `year` (some name the year or the next)."""
    return _(msgid) % {"year": school_year_label(year), "next": school_year_label(year + 1)}


async def card(
    session: AsyncSession, actor: Actor, association_id: int, year: int | None, clock: Clock
) -> tuple[str, InlineKeyboardMarkup]:
    now = clock.now()
    found = await analysis.analysis(session, actor, association_id, now, year)
    year = found.school_year
    state = await analysis.state(session, actor, association_id, year)
    status = state.status if state else AnalysisStatus.DRAFT
    written = len(state.sections) if state else 0
    reported = found.courses.reported
    lines = [
        f"📊 <b>{quote(found.association)}</b>: "
        + _("analysis of the school year {label}").format(label=found.year_label),
        _("Status: {status}").format(status=_(STATUS[status])),
        _("Meetings held: {held}; roster: {roster}; year-end reports: {reported}.").format(
            held=found.formats.held, roster=found.roster, reported=reported
        ),
        _("Sections written by the chair: {written} of {total}.").format(
            written=written, total=len(analysis.SECTIONS)
        ),
    ]
    if state and state.comment:
        lines.append(_("Comment: {comment}").format(comment=quote(state.comment)))
    kb = InlineKeyboardBuilder()

    def button(label: str, action: AnalysisAction, arg: int = 0) -> None:
        kb.button(
            text=label,
            callback_data=AnalysisCb(
                action=action, association_id=association_id, year=year, arg=arg
            ),
        )

    button(_("📄 DOCX"), AnalysisAction.DOCX)
    button(_("📊 XLSX"), AnalysisAction.XLSX)
    may = await analysis.rights(session, actor, association_id)
    sizes = [2]
    if may.write and (state is None or state.editable):
        button(_("✍️ Sections"), AnalysisAction.SECTIONS)
        button(_("Measures taken: yes"), AnalysisAction.MEASURES_YES)
        button(_("Measures taken: no"), AnalysisAction.MEASURES_NO)
        button(_("📨 Submit to the methodological service"), AnalysisAction.SUBMIT)
        sizes += [1, 2, 1]
    if state and status is AnalysisStatus.SUBMITTED and may.review:
        button(_("✅ Accept"), AnalysisAction.ACCEPT, state.round)
        button(_("↩️ Return for revision"), AnalysisAction.RETURN, state.round)
        sizes += [2]
    kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


async def opening(
    message: Message, session: AsyncSession, actor: Actor, association_id: int, clock: Clock
) -> None:
    """The card of the one open school year, or the choice of the two (last year's while it
    is not accepted, and the current one)."""
    open_years = await analysis.years(session, actor, association_id, clock.now())
    if len(open_years) == 1:
        text, markup = await card(session, actor, association_id, open_years[0], clock)
        await message.answer(text, reply_markup=markup)
        return
    kb = InlineKeyboardBuilder()
    for year in open_years:
        kb.button(
            text=school_year_label(year),
            callback_data=AnalysisCb(
                action=AnalysisAction.OPEN, association_id=association_id, year=year
            ),
        )
    kb.adjust(2)
    await message.answer(_("The analysis of which school year?"), reply_markup=kb.as_markup())


async def begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    found = await associations.associations_for(session, actor, Action.VIEW_ANALYSIS)
    if not found:
        raise DomainError(
            ErrorCode.NOT_REGISTERED if actor.person_id is None else ErrorCode.FORBIDDEN
        )
    if len(found) == 1:
        await opening(message, session, actor, found[0].id, clock)
        return
    await message.answer(
        _("Whose analysis?"), reply_markup=association_picker(found, AssocAction.ANALYSIS)
    )


async def picker_page(
    query: CallbackQuery, callback_data: PickPage, session: AsyncSession, actor: Actor
) -> None:
    found = await associations.associations_for(session, actor, Action.VIEW_ANALYSIS)
    await show_page(query, association_picker(found, AssocAction.ANALYSIS, callback_data.page))


async def picked(
    query: CallbackQuery,
    callback_data: AssocPick,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    await query.answer()
    await opening(query.message, session, actor, callback_data.association_id, clock)


async def act(
    query: CallbackQuery,
    callback_data: AnalysisCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    aid, year, now = callback_data.association_id, callback_data.year, clock.now()
    action = callback_data.action
    await analysis.require_open(session, actor, aid, year, now)  # a forged year is refused
    if action in (AnalysisAction.DOCX, AnalysisAction.XLSX):
        found = await analysis.analysis(session, actor, aid, now, year)
        kept = await analysis.state(session, actor, aid, year)
        sections = kept.sections if kept else {}
        if action is AnalysisAction.DOCX:
            data = await asyncio.to_thread(docx_bytes, found, sections)
            name = file_stem(found) + ".docx"
        else:
            data = await asyncio.to_thread(xlsx_bytes, found)
            name = file_stem(found) + ".xlsx"
        await query.answer()
        await query.message.answer_document(BufferedInputFile(data, filename=name))
        return
    if action is AnalysisAction.SECTIONS:
        kb = InlineKeyboardBuilder()
        for n, key in enumerate(analysis.SECTIONS):
            kb.button(
                text=section_title(SECTION_TITLES[key], year)[:60],
                callback_data=AnalysisCb(
                    action=AnalysisAction.SECTION, association_id=aid, year=year, arg=n
                ),
            )
        kb.adjust(1)
        await analysis.analysis(session, actor, aid, now, year)  # the right to read it
        await query.answer()
        await query.message.answer(_("Which section?"), reply_markup=kb.as_markup())
        return
    if action is AnalysisAction.SECTION:
        if callback_data.arg >= len(analysis.SECTIONS):
            raise DomainError(ErrorCode.ANALYSIS_SECTION)
        key = analysis.SECTIONS[callback_data.arg]
        kept = await analysis.state(session, actor, aid, year)
        if kept is not None and not kept.editable:
            code = (
                ErrorCode.ANALYSIS_ACCEPTED
                if kept.status is AnalysisStatus.ACCEPTED
                else ErrorCode.ANALYSIS_SUBMITTED
            )
            raise DomainError(code)
        await state.set_state(Writing.section)
        await state.update_data(association_id=aid, year=year, key=key)
        await query.answer()
        current = kept.sections.get(key) if kept else None
        text = (
            "<b>"
            + quote(section_title(SECTION_TITLES[key], year))
            + "</b>\n"
            + _("Type the text of this section in one message (up to {max} characters).").format(
                max=analysis.SECTION_MAX
            )
        )
        if current:
            text += "\n\n" + _("Now: {text}").format(text=quote(current[:1000]))
        await query.message.answer(text)
        return
    if action in (AnalysisAction.MEASURES_YES, AnalysisAction.MEASURES_NO):
        await analysis.set_measures(
            session, actor, aid, year, action is AnalysisAction.MEASURES_YES, now
        )
        await query.answer(_("Saved."))
    elif action is AnalysisAction.SUBMIT:
        await analysis.submit(session, actor, aid, year, now)
        await query.answer(_("Submitted to the methodological service."))
    elif action is AnalysisAction.ACCEPT:
        round_ = callback_data.arg
        await analysis.review(session, actor, aid, year, True, None, now, round=round_)
        await query.answer(_("Accepted: the chair is told."))
    elif action is AnalysisAction.RETURN:
        kept = await analysis.state(session, actor, aid, year)
        if kept is None or kept.status is not AnalysisStatus.SUBMITTED:
            raise DomainError(ErrorCode.ANALYSIS_NOT_SUBMITTED)
        if not (await analysis.rights(session, actor, aid)).review:
            raise DomainError(ErrorCode.FORBIDDEN)
        if kept.round != callback_data.arg:
            raise DomainError(ErrorCode.ANALYSIS_ROUND)
        await state.set_state(Writing.comment)
        await state.update_data(association_id=aid, year=year, round=kept.round)
        await query.answer()
        await query.message.answer(_("What should the chair correct? Type the comment."))
        return
    text, markup = await card(session, actor, aid, year, clock)
    await query.message.answer(text, reply_markup=markup)


async def typed_section(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    aid, year, key = int(data["association_id"]), int(data["year"]), str(data["key"])
    try:
        await analysis.write_section(
            session, actor, aid, year, key, message.text or "", clock.now()
        )
    except DomainError as error:
        await refused(state, error)
        raise
    await state.clear()
    await message.answer(_("The section is saved as a draft."))
    text, kb = await card(session, actor, aid, year, clock)
    await message.answer(text, reply_markup=kb)


async def typed_comment(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    aid, year, round_ = int(data["association_id"]), int(data["year"]), int(data["round"])
    text = message.text or ""
    try:
        await analysis.review(session, actor, aid, year, False, text, clock.now(), round=round_)
    except DomainError as error:
        await refused(state, error)
        raise
    await state.clear()
    await message.answer(_("Returned for revision: the chair is told."))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(begin, Command("analysis"), StateFilter("*"))
    router.message.register(begin, MenuButton(MENU_ANALYSIS), StateFilter("*"))
    router.callback_query.register(picker_page, PickPage.filter(F.what == Picker.ANALYSIS))
    router.callback_query.register(picked, AssocPick.filter(F.action == AssocAction.ANALYSIS))
    router.callback_query.register(act, AnalysisCb.filter())
    router.message.register(typed_section, Writing.section, WizardText())
    router.message.register(typed_comment, Writing.comment, WizardText())
    return router
