"""The wizard's when and how: the date (calendar or typed), the time, the form, the duration,
the seminar mark, an extraordinary meeting's reason."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import form_label
from handlers.meetings.calendar import parse_month, parse_pick
from handlers.meetings.panel import apply, calendar, draft_cb, remember, show_panel, someone_else
from handlers.meetings.states import Drafting
from handlers.ui import WizardText, drop_buttons, inline
from models import MeetingForm
from services import deadlines, meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.meetings import MeetingView
from services.permissions import Actor
from ui.callbacks.meetings import CalendarAction, CalendarCb, CalendarStep, DraftAction, DraftCb

TIMES = ("09:00", "10:00", "13:00", "14:00", "15:00", "15:30", "16:00", "17:00")


async def ask_day(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    await query.answer()
    await remember(state, Drafting.date, view)
    assert isinstance(query.message, Message)
    what = (
        _("The ballot deadline: pick the day, or type it with the time: 18.12 18:00")
        if view.form is MeetingForm.ABSENTEE
        else _("The day of the meeting: pick it, or type it with the time: 25.12 15:00")
    )
    await query.message.answer(
        what, reply_markup=calendar(view, clock.now(), CalendarStep.MEETING_DAY)
    )


async def turn_month(
    query: CallbackQuery,
    callback_data: CalendarCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    view = await meetings.get(session, actor, callback_data.object_id)
    today = deadlines.local_day(clock.now(), view.timezone)
    month = parse_month(callback_data, first=today, last=deadlines.latest_meeting_day(today))
    if month is None:
        raise DomainError(ErrorCode.STALE)
    await query.answer()
    assert isinstance(query.message, Message)
    step = CalendarStep(callback_data.scope)
    await query.message.edit_reply_markup(reply_markup=calendar(view, clock.now(), step, month))


async def day_picked(
    query: CallbackQuery,
    callback_data: CalendarCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    version = callback_data.version
    view = await meetings.get(session, actor, callback_data.object_id)
    today = deadlines.local_day(clock.now(), view.timezone)
    day = parse_pick(callback_data, first=today, last=deadlines.latest_meeting_day(today))
    if day is None:
        raise DomainError(ErrorCode.STALE)
    assert isinstance(query.message, Message)
    now = clock.now()
    plan = callback_data.scope == CalendarStep.PUBLICATION_DAY
    try:
        if plan:
            planned = await meetings.schedule(session, actor, view.id, version, day, now)
        else:
            changed = await meetings.set_day(
                session, actor, view.id, version, deadlines.Typed(day, None), now
            )
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await query.answer()
        await someone_else(query.message, session, actor, view.id, now, state)
        return
    if plan:
        await query.answer()
        await state.clear()
        await drop_buttons(query.message)
        await show_panel(query.message, actor, planned, now, in_place=False)
        return
    await query.answer()
    await drop_buttons(query.message)
    await _ask_time(query.message, state, changed)


async def _ask_time(message: Message, state: FSMContext, view: MeetingView) -> None:
    await remember(state, Drafting.time, view)
    kb = InlineKeyboardBuilder()
    for label in TIMES:
        at = deadlines.parse_time(label)
        kb.button(text=label, callback_data=draft_cb(view, DraftAction.SET_TIME, at))
    await message.answer(_("The time? Pick it or type it, e.g. 15:30."), reply_markup=inline(kb, 4))


async def date_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await meetings.get(session, actor, data["meeting_id"])
    now = clock.now()
    typed = deadlines.parse_date(message.text or "", deadlines.local_day(now, view.timezone))
    try:
        changed = await meetings.set_day(session, actor, view.id, data["version"], typed, now)
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await someone_else(message, session, actor, view.id, now, state)
        return
    if typed.at is None:
        await _ask_time(message, state, changed)
        return
    await state.clear()
    await show_panel(message, actor, changed, now, in_place=False)


async def time_picked(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    meeting_id = callback_data.meeting_id
    change = meetings.set_time(
        session, actor, meeting_id, callback_data.version, callback_data.at, clock.now()
    )
    await apply(query.message, session, actor, meeting_id, change, clock.now(), state=state)
    await query.answer()


async def time_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    value = deadlines.parse_time(message.text or "")
    change = meetings.set_time(
        session, actor, data["meeting_id"], data["version"], value, clock.now()
    )
    await apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state)


async def ask_form(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    kb = InlineKeyboardBuilder()
    for form in MeetingForm:
        kb.button(text=form_label(form), callback_data=draft_cb(view, DraftAction.SET_FORM, form))
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _(
            "The form of the meeting? An absentee one is held by ballots; its day is the "
            "ballot deadline."
        ),
        reply_markup=inline(kb, 1),
    )


async def form_picked(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    meeting_id = callback_data.meeting_id
    change = meetings.set_form(
        session, actor, meeting_id, callback_data.version, callback_data.form, clock.now()
    )
    await apply(query.message, session, actor, meeting_id, change, clock.now())
    await query.answer()


async def ask_duration(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    kb = InlineKeyboardBuilder()
    for minutes in meetings.DURATIONS:
        kb.button(
            text=_("{minutes} min").format(minutes=minutes),
            callback_data=draft_cb(view, DraftAction.SET_DURATION, minutes),
        )
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(_("How long will it last?"), reply_markup=inline(kb, 5))


async def duration_picked(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    assert isinstance(query.message, Message)
    meeting_id = callback_data.meeting_id
    change = meetings.set_duration(
        session, actor, meeting_id, callback_data.version, callback_data.minutes, clock.now()
    )
    await apply(query.message, session, actor, meeting_id, change, clock.now())
    await query.answer()


async def seminar_toggled(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    assert isinstance(query.message, Message)
    change = meetings.set_seminar(
        session, actor, view.id, callback_data.version, not view.practical_seminar, clock.now()
    )
    await apply(query.message, session, actor, view.id, change, clock.now(), in_place=True)
    await query.answer()


async def extraordinary_toggled(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    assert isinstance(query.message, Message)
    if view.extraordinary:
        change = meetings.set_extraordinary(
            session, actor, view.id, callback_data.version, None, clock.now()
        )
        await apply(query.message, session, actor, view.id, change, clock.now(), in_place=True)
        await query.answer()
        return
    await query.answer()
    await remember(state, Drafting.why, view)
    await query.message.answer(
        _(
            "An extraordinary meeting is called by the chair's decision (a secretary's or a "
            "methodist's request goes to the chair at publication). Its reason, for the "
            "notice and the protocol:"
        )
    )


async def why_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    change = meetings.set_extraordinary(
        session, actor, data["meeting_id"], data["version"], message.text, clock.now()
    )
    await apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state)


def register(router: Router) -> None:
    steps = {CalendarStep.MEETING_DAY, CalendarStep.PUBLICATION_DAY}
    callbacks = router.callback_query
    callbacks.register(ask_day, DraftCb.filter(F.action == DraftAction.DAY))
    callbacks.register(
        turn_month, CalendarCb.filter((F.action == CalendarAction.MONTH) & F.scope.in_(steps))
    )
    callbacks.register(
        day_picked, CalendarCb.filter((F.action == CalendarAction.DAY) & F.scope.in_(steps))
    )
    router.message.register(date_typed, Drafting.date, WizardText())
    callbacks.register(time_picked, DraftCb.filter(F.action == DraftAction.SET_TIME))
    router.message.register(time_typed, Drafting.time, WizardText())
    callbacks.register(ask_form, DraftCb.filter(F.action == DraftAction.FORM))
    callbacks.register(form_picked, DraftCb.filter(F.action == DraftAction.SET_FORM))
    callbacks.register(ask_duration, DraftCb.filter(F.action == DraftAction.DURATION))
    callbacks.register(duration_picked, DraftCb.filter(F.action == DraftAction.SET_DURATION))
    callbacks.register(seminar_toggled, DraftCb.filter(F.action == DraftAction.SEMINAR))
    callbacks.register(extraordinary_toggled, DraftCb.filter(F.action == DraftAction.EXTRAORDINARY))
    router.message.register(why_typed, Drafting.why, WizardText())
