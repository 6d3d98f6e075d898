"""/newmeeting: a chair, deputy, secretary or methodist drafts a meeting on one panel message
(topic, form, date from a calendar or typed, time, duration, place, link, agenda with
speakers and draft decisions, materials, seminar mark, who presides and keeps the minutes),
sees it as members will, and publishes it now or on a chosen day.

The draft lives in the database; every button carries the draft's version, so a stale button
or a second editor never overwrites a newer draft (they are told and shown the current one).
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta

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
from bot.messages import form_label, notice_parts
from bot.render import render, split_message
from handlers.calendar import CalendarCb, calendar_keyboard, parse_month, parse_pick
from handlers.errors import error_text
from handlers.ui import (
    MENU_NEW_MEETING,
    MenuButton,
    WizardText,
    days_phrase,
    edit,
    inline,
    later,
    quote,
)
from models import MeetingForm, MeetingStatus, Role
from services import broadcasts, deadlines, meetings
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.meetings import Field, MeetingView
from services.permissions import Action, Actor, Decision, Scope, decide
from ui.callbacks.common import AssocPick
from ui.callbacks.meetings import DraftCb

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")
hints = Router(name=f"{__name__}.hints")
hints.message.filter(F.chat.type == "private")

TIMES = ("09:00", "10:00", "13:00", "14:00", "15:00", "15:30", "16:00", "17:00")
DAY_SCOPE, PLAN_SCOPE = "d", "p"  # calendar scopes: the meeting's day, the publication day


class Drafting(StatesGroup):
    topic = State()
    date = State()
    time = State()
    place = State()
    link = State()
    question = State()
    speaker = State()
    decision = State()
    material = State()
    reason = State()  # the extraordinary reason, at publication
    why = State()  # the extraordinary reason, set on the panel


# ---------------------------------------------------------------- the panel


def _cb(view: MeetingView, action: str, arg: str = "") -> DraftCb:
    return DraftCb(action=action, meeting_id=view.id, version=view.version, arg=arg)


def _may(actor: Actor, view: MeetingView, action: Action) -> bool:
    scope = Scope(view.service_id, view.association_id)
    return decide(actor, action, scope) is not Decision.DENY


def _panel_keyboard(actor: Actor, view: MeetingView) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    gathering = view.form is not MeetingForm.ABSENTEE
    kb.button(text=_("🗓 Date and time"), callback_data=_cb(view, "day"))
    kb.button(
        text=_("👥 Form: {form}").format(form=form_label(view.form)),
        callback_data=_cb(view, "form"),
    )
    if gathering:
        kb.button(text=_("⏱ Duration"), callback_data=_cb(view, "dur"))
        kb.button(text=_("📍 Place"), callback_data=_cb(view, "place"))
    if view.form is MeetingForm.HYBRID:
        kb.button(text=_("🔗 Link"), callback_data=_cb(view, "link"))
    kb.button(text=_("➕ Question"), callback_data=_cb(view, "q"))
    if view.agenda:
        kb.button(text=_("✏️ Questions"), callback_data=_cb(view, "qs"))
    kb.button(text=_("📎 Material"), callback_data=_cb(view, "mat"))
    kb.button(
        text=_("☑️ Practical seminar") if view.practical_seminar else _("⬜ Practical seminar"),
        callback_data=_cb(view, "sem"),
    )
    kb.button(
        text=_("☑️ Extraordinary") if view.extraordinary else _("⬜ Extraordinary"),
        callback_data=_cb(view, "xo"),
    )
    if _may(actor, view, Action.NAME_PRESIDING):
        kb.button(text=_("👤 Presiding and minutes"), callback_data=_cb(view, "roles"))
    kb.button(text=_("📤 Publish now"), callback_data=_cb(view, "pub"))
    kb.button(text=_("📆 Publish on a day"), callback_data=_cb(view, "plan"))
    kb.button(text=_("🗑 Discard the draft"), callback_data=_cb(view, "del"))
    kb.adjust(2)
    return kb.as_markup()


def _panel_text(view: MeetingView, now: datetime) -> str:
    preview = notice_parts(view, changes=[], personal=False, now=now, short=True)[0].text or ""
    problems = [error_text(DomainError(p.code, **p.params)) for p in meetings.problems(view, now)]
    rule = None
    deadline = view.notice_deadline
    if deadline is not None:
        last_day = formats.numeric(deadline - timedelta(seconds=1), view.timezone)
        rule = (
            _("The notice must go out no later than {day} ({days} before the meeting).")
            if now < deadline
            else _(
                "The notice deadline ({day}) has passed: only an extraordinary meeting can be "
                "published now."
            )
        ).format(day=last_day, days=days_phrase(view.notice_days))
    status = None
    if view.status is MeetingStatus.SCHEDULED and view.publish_at is not None:
        locale = get_i18n().current_locale
        status = _("Planned for publication on {when}.").format(
            when=formats.when(view.publish_at, view.timezone, locale)
        )
    elif view.status is MeetingStatus.AWAITING_CHAIR:
        status = _("Waits for the chair to confirm it as extraordinary.")
    return render(
        "meeting_draft.html", preview=preview, problems=problems, rule=rule, status=status
    )


async def _show(
    target: Message, actor: Actor, view: MeetingView, now: datetime, *, in_place: bool
) -> None:
    """The panel: the notice as members will see it (long draft decisions shortened), what
    is missing, and the buttons; a long agenda goes over several messages."""
    chunks = split_message(_panel_text(view, now).split("\n"))
    kb = _panel_keyboard(actor, view)
    if in_place and len(chunks) == 1:
        await edit(target, chunks[0], kb)
        return
    for chunk in chunks[:-1]:
        await target.answer(chunk, disable_web_page_preview=True)
    await target.answer(chunks[-1], reply_markup=kb, disable_web_page_preview=True)


async def _apply(
    target: Message,
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    change: Awaitable[MeetingView],
    now: datetime,
    *,
    in_place: bool = False,
    state: FSMContext | None = None,
) -> MeetingView | None:
    """Run a change of the draft; if someone else saved first, say so and show theirs (the
    question being answered is dropped: its version is stale)."""
    try:
        view = await change
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await _someone_else(target, session, actor, meeting_id, now, state)
        return None
    await _show(target, actor, view, now, in_place=in_place)
    return view


async def _someone_else(
    target: Message,
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    now: datetime,
    state: FSMContext | None,
) -> None:
    if state is not None:
        await state.clear()
    current = await meetings.get(session, actor, meeting_id)
    await target.answer(error_text(DomainError(ErrorCode.DRAFT_CHANGED)))
    await _show(target, actor, current, now, in_place=False)


# ---------------------------------------------------------------- start


@router.message(Command("newmeeting"), StateFilter("*"))
@router.message(MenuButton(MENU_NEW_MEETING), StateFilter("*"))
async def begin(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await state.clear()
    places = await meetings.associations_to_manage(session, actor)
    if not places:
        raise DomainError(ErrorCode.FORBIDDEN)
    kb = InlineKeyboardBuilder()
    for view in (await meetings.drafts(session, actor))[:10]:
        day = formats.numeric(view.day) if view.day else _("no date")
        kb.button(
            text=_("📝 Continue: {topic} ({day})").format(topic=view.topic, day=day)[:60],
            callback_data=_cb(view, "open"),
        )
    for association_id, name in places[:20]:
        kb.button(
            text=_("➕ New meeting: {name}").format(name=name)[:60],
            callback_data=AssocPick(action="meeting", association_id=association_id),
        )
    await message.answer(
        _("Meetings: continue a draft or start a new one."), reply_markup=inline(kb, 1)
    )


@router.callback_query(AssocPick.filter(F.action == "meeting"))
async def new_for(
    query: CallbackQuery,
    callback_data: AssocPick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    found = dict(await meetings.associations_to_manage(session, actor))
    if callback_data.association_id not in found:
        raise DomainError(ErrorCode.FORBIDDEN)
    await query.answer()
    await state.set_state(Drafting.topic)
    await state.update_data(association_id=callback_data.association_id)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("«{name}»: the topic of the meeting (up to 300 characters)?").format(
            name=quote(found[callback_data.association_id])
        )
    )


@router.message(Drafting.topic, WizardText())
async def topic_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await meetings.create_draft(
        session, actor, data["association_id"], message.text or "", clock.now()
    )
    await state.clear()
    await _show(message, actor, view, clock.now(), in_place=False)
    await message.answer(
        _("The draft is saved: it waits here (and in /newmeeting) until you publish it.")
    )


@router.callback_query(DraftCb.filter(F.action == "open"))
async def open_draft(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if view.status not in (
        MeetingStatus.DRAFT,
        MeetingStatus.SCHEDULED,
        MeetingStatus.AWAITING_CHAIR,
    ):
        raise DomainError(ErrorCode.ALREADY_PUBLISHED)
    await query.answer()
    assert isinstance(query.message, Message)
    await _show(query.message, actor, view, clock.now(), in_place=False)


# ---------------------------------------------------------------- date, time, form, duration


async def _remember(state: FSMContext, target: State, view: MeetingView) -> None:
    await state.set_state(target)
    await state.update_data(meeting_id=view.id, version=view.version)


def _calendar(
    view: MeetingView, now: datetime, scope: str, month: tuple[int, int] | None = None
) -> InlineKeyboardMarkup:
    today = deadlines.local_day(now, view.timezone)
    last = deadlines.latest_meeting_day(today)
    year, number = month or (
        (view.day.year, view.day.month) if view.day else (today.year, today.month)
    )
    return calendar_keyboard(
        year, number, today=today, first=today, last=last, scope=_scope(scope, view)
    )


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _scope(kind: str, view: MeetingView) -> str:
    """The calendar's scope carries the draft and its version (base 36 keeps it within the
    calendar's 12 characters), so a tap works after a restart and never hits a newer draft."""
    return f"{kind}{_b36(view.id)}.{_b36(view.version)}"


def _unscope(scope: str) -> tuple[str, int, int]:
    kind, _sep, rest = scope[:1], None, scope[1:]
    meeting, dot, version = rest.partition(".")
    try:
        if kind not in (DAY_SCOPE, PLAN_SCOPE) or not dot:
            raise ValueError
        return kind, int(meeting, 36), int(version, 36)
    except ValueError:
        raise DomainError(ErrorCode.STALE) from None


@router.callback_query(DraftCb.filter(F.action == "day"))
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
    await _remember(state, Drafting.date, view)
    assert isinstance(query.message, Message)
    what = (
        _("The ballot deadline: pick the day, or type it with the time: 18.12 18:00")
        if view.form is MeetingForm.ABSENTEE
        else _("The day of the meeting: pick it, or type it with the time: 25.12 15:00")
    )
    await query.message.answer(what, reply_markup=_calendar(view, clock.now(), DAY_SCOPE))


@router.callback_query(CalendarCb.filter(F.action == "month"))
async def turn_month(
    query: CallbackQuery,
    callback_data: CalendarCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    scope, meeting_id, _version = _unscope(callback_data.scope)
    view = await meetings.get(session, actor, meeting_id)
    today = deadlines.local_day(clock.now(), view.timezone)
    month = parse_month(callback_data, first=today, last=deadlines.latest_meeting_day(today))
    if month is None:
        raise DomainError(ErrorCode.STALE)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=_calendar(view, clock.now(), scope, month))


@router.callback_query(CalendarCb.filter(F.action == "day"))
async def day_picked(
    query: CallbackQuery,
    callback_data: CalendarCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    scope, meeting_id, version = _unscope(callback_data.scope)
    view = await meetings.get(session, actor, meeting_id)
    today = deadlines.local_day(clock.now(), view.timezone)
    day = parse_pick(callback_data, first=today, last=deadlines.latest_meeting_day(today))
    if day is None:
        raise DomainError(ErrorCode.STALE)
    assert isinstance(query.message, Message)
    now = clock.now()
    try:
        if scope == PLAN_SCOPE:
            planned = await meetings.schedule(session, actor, view.id, version, day, now)
        else:
            changed = await meetings.set_field(
                session, actor, view.id, version, Field.DAY, deadlines.Typed(day, None), now
            )
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await query.answer()
        await _someone_else(query.message, session, actor, view.id, now, state)
        return
    if scope == PLAN_SCOPE:
        await query.answer()
        await state.clear()
        await query.message.edit_reply_markup(reply_markup=None)
        await _show(query.message, actor, planned, now, in_place=False)
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await _ask_time(query.message, state, changed)


async def _ask_time(message: Message, state: FSMContext, view: MeetingView) -> None:
    await _remember(state, Drafting.time, view)
    kb = InlineKeyboardBuilder()
    for label in TIMES:
        kb.button(text=label, callback_data=_cb(view, "settime", label.replace(":", "")))
    await message.answer(_("The time? Pick it or type it, e.g. 15:30."), reply_markup=inline(kb, 4))


@router.message(Drafting.date, WizardText())
async def date_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await meetings.get(session, actor, data["meeting_id"])
    now = clock.now()
    typed = deadlines.parse_date(message.text or "", deadlines.local_day(now, view.timezone))
    try:
        changed = await meetings.set_field(
            session, actor, view.id, data["version"], Field.DAY, typed, now
        )
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await _someone_else(message, session, actor, view.id, now, state)
        return
    if typed.at is None:
        await _ask_time(message, state, changed)
        return
    await state.clear()
    await _show(message, actor, changed, now, in_place=False)


@router.callback_query(DraftCb.filter(F.action == "settime"))
async def time_picked(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    value = deadlines.parse_time(f"{callback_data.arg[:2]}:{callback_data.arg[2:]}")
    assert isinstance(query.message, Message)
    change = meetings.set_field(
        session,
        actor,
        callback_data.meeting_id,
        callback_data.version,
        Field.TIME,
        value,
        clock.now(),
    )
    view = await _apply(
        query.message, session, actor, callback_data.meeting_id, change, clock.now()
    )
    await query.answer()
    if view is not None:
        await state.clear()


@router.message(Drafting.time, WizardText())
async def time_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    value = deadlines.parse_time(message.text or "")
    change = meetings.set_field(
        session, actor, data["meeting_id"], data["version"], Field.TIME, value, clock.now()
    )
    if await _apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state):
        await state.clear()


@router.callback_query(DraftCb.filter(F.action == "form"))
async def ask_form(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    kb = InlineKeyboardBuilder()
    for form in MeetingForm:
        kb.button(text=form_label(form), callback_data=_cb(view, "setform", form.value))
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _(
            "The form of the meeting? An absentee one is held by ballots; its day is the "
            "ballot deadline."
        ),
        reply_markup=inline(kb, 1),
    )


@router.callback_query(DraftCb.filter(F.action == "setform"))
async def form_picked(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    try:
        form = MeetingForm(callback_data.arg)
    except ValueError as exc:
        raise DomainError(ErrorCode.STALE) from exc
    assert isinstance(query.message, Message)
    change = meetings.set_field(
        session,
        actor,
        callback_data.meeting_id,
        callback_data.version,
        Field.FORM,
        form,
        clock.now(),
    )
    await _apply(query.message, session, actor, callback_data.meeting_id, change, clock.now())
    await query.answer()


@router.callback_query(DraftCb.filter(F.action == "dur"))
async def ask_duration(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    kb = InlineKeyboardBuilder()
    for minutes in meetings.DURATIONS:
        kb.button(
            text=_("{minutes} min").format(minutes=minutes),
            callback_data=_cb(view, "setdur", str(minutes)),
        )
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(_("How long will it last?"), reply_markup=inline(kb, 5))


@router.callback_query(DraftCb.filter(F.action == "setdur"))
async def duration_picked(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    if not callback_data.arg.isdigit():
        raise DomainError(ErrorCode.STALE)
    assert isinstance(query.message, Message)
    change = meetings.set_field(
        session,
        actor,
        callback_data.meeting_id,
        callback_data.version,
        Field.DURATION,
        int(callback_data.arg),
        clock.now(),
    )
    await _apply(query.message, session, actor, callback_data.meeting_id, change, clock.now())
    await query.answer()


@router.callback_query(DraftCb.filter(F.action == "sem"))
async def seminar_toggled(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    assert isinstance(query.message, Message)
    change = meetings.set_field(
        session,
        actor,
        view.id,
        callback_data.version,
        Field.SEMINAR,
        not view.practical_seminar,
        clock.now(),
    )
    await _apply(query.message, session, actor, view.id, change, clock.now(), in_place=True)
    await query.answer()


@router.callback_query(DraftCb.filter(F.action == "xo"))
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
        change = meetings.set_field(
            session, actor, view.id, callback_data.version, Field.EXTRAORDINARY, None, clock.now()
        )
        await _apply(query.message, session, actor, view.id, change, clock.now(), in_place=True)
        await query.answer()
        return
    await query.answer()
    await _remember(state, Drafting.why, view)
    await query.message.answer(
        _(
            "An extraordinary meeting is called by the chair's decision (a secretary's or a "
            "methodist's request goes to the chair at publication). Its reason, for the "
            "notice and the protocol:"
        )
    )


@router.message(Drafting.why, WizardText())
async def why_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    change = meetings.set_field(
        session,
        actor,
        data["meeting_id"],
        data["version"],
        Field.EXTRAORDINARY,
        message.text,
        clock.now(),
    )
    if await _apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state):
        await state.clear()


# ---------------------------------------------------------------- place, link


@router.callback_query(DraftCb.filter(F.action.in_({"place", "link"})))
async def ask_text_field(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    await query.answer()
    assert isinstance(query.message, Message)
    if callback_data.action == "place":
        await _remember(state, Drafting.place, view)
        await query.message.answer(
            _("Where? E.g. «МОУ СОШ № 5, кабинет 12» (up to 300 characters).")
        )
    else:
        await _remember(state, Drafting.link, view)
        await query.message.answer(_("The link for online participants (starting with https://):"))


@router.message(Drafting.place, WizardText())
@router.message(Drafting.link, WizardText())
async def text_field_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    name = Field.PLACE if await state.get_state() == Drafting.place.state else Field.LINK
    change = meetings.set_field(
        session, actor, data["meeting_id"], data["version"], name, message.text, clock.now()
    )
    if await _apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state):
        await state.clear()


# ---------------------------------------------------------------- agenda


@router.callback_query(DraftCb.filter(F.action == "q"))
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
    await _remember(state, Drafting.question, view)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Question {n} of the agenda (up to 300 characters):").format(n=len(view.agenda) + 1)
    )


@router.message(Drafting.question, WizardText())
async def question_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    view = await meetings.add_question(
        session, actor, data["meeting_id"], data["version"], message.text or "", clock.now()
    )
    item = view.agenda[-1]
    await _remember(state, Drafting.speaker, view)
    await state.update_data(item_id=item.id)
    people = await meetings.people(session, actor, view.id)
    kb = InlineKeyboardBuilder()
    for person_id, name, _role in people[:24]:
        kb.button(text=name[:40], callback_data=_cb(view, "spk", f"{item.id}-{person_id}"))
    kb.button(text=_("— no speaker"), callback_data=_cb(view, "spk", f"{item.id}-0"))
    await message.answer(
        _("Who speaks on it? Pick a member, or type a name (a guest speaker)."),
        reply_markup=inline(kb, 2),
    )


async def _ask_decision(
    message: Message, state: FSMContext, view: MeetingView, item_id: int
) -> None:
    await _remember(state, Drafting.decision, view)
    await state.update_data(item_id=item_id)
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Skip"), callback_data=_cb(view, "nodec"))
    need = view.form is not MeetingForm.IN_PERSON
    await message.answer(
        _("The draft decision (up to 4,000 characters){required}:").format(
            required=_(" — needed for the ballot") if need else ""
        ),
        reply_markup=None if need else kb.as_markup(),
    )


@router.callback_query(DraftCb.filter(F.action == "spk"))
async def speaker_picked(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    item, _sep, person = callback_data.arg.partition("-")
    if not item.isdigit() or not person.isdigit():
        raise DomainError(ErrorCode.STALE)
    assert isinstance(query.message, Message)
    try:
        view = await meetings.edit_question(
            session,
            actor,
            callback_data.meeting_id,
            callback_data.version,
            int(item),
            clock.now(),
            speaker_id=int(person) or None,
        )
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await query.answer()
        await _someone_else(
            query.message, session, actor, callback_data.meeting_id, clock.now(), state
        )
        return
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    await _ask_decision(query.message, state, view, int(item))


@router.message(Drafting.speaker, WizardText())
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


@router.message(Drafting.decision, WizardText())
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
    if await _apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state):
        await state.clear()


@router.callback_query(DraftCb.filter(F.action == "nodec"))
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
    await query.message.edit_reply_markup(reply_markup=None)
    await _show(query.message, actor, view, clock.now(), in_place=False)


@router.callback_query(DraftCb.filter(F.action == "qs"))
async def questions(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    kb = InlineKeyboardBuilder()
    for item in view.agenda:
        kb.button(text=f"📝 {item.position}", callback_data=_cb(view, "qdec", str(item.id)))
        kb.button(text=f"🗑 {item.position}", callback_data=_cb(view, "qdel", str(item.id)))
    await query.answer()
    assert isinstance(query.message, Message)
    lines = [f"{q.position}. {quote(q.title)}" for q in view.agenda]
    await query.message.answer(
        _("📝 — write the draft decision again, 🗑 — remove the question:")
        + "\n"
        + "\n".join(lines),
        reply_markup=inline(kb, 4),
    )


@router.callback_query(DraftCb.filter(F.action == "qdel"))
async def question_removed(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    if not callback_data.arg.isdigit():
        raise DomainError(ErrorCode.STALE)
    assert isinstance(query.message, Message)
    change = meetings.remove_question(
        session,
        actor,
        callback_data.meeting_id,
        callback_data.version,
        int(callback_data.arg),
        clock.now(),
    )
    await _apply(query.message, session, actor, callback_data.meeting_id, change, clock.now())
    await query.answer()


@router.callback_query(DraftCb.filter(F.action == "qdec"))
async def question_decision(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    if not callback_data.arg.isdigit():
        raise DomainError(ErrorCode.STALE)
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if view.version != callback_data.version:
        raise DomainError(ErrorCode.DRAFT_CHANGED)
    await query.answer()
    assert isinstance(query.message, Message)
    await _ask_decision(query.message, state, view, int(callback_data.arg))


# ---------------------------------------------------------------- materials


@router.callback_query(DraftCb.filter(F.action == "mat"))
async def ask_material(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    await query.answer()
    await _remember(state, Drafting.material, view)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Send the file (as a document, up to 20 MB): members get it with the notice.")
    )


@router.message(Drafting.material, F.document)
async def material_sent(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    document = message.document
    assert document is not None
    change = meetings.add_material(
        session,
        actor,
        data["meeting_id"],
        data["version"],
        clock.now(),
        file_id=document.file_id,
        file_name=document.file_name,
        file_size=document.file_size,
    )
    if await _apply(message, session, actor, data["meeting_id"], change, clock.now(), state=state):
        await state.clear()


# ---------------------------------------------------------------- who presides


@router.callback_query(DraftCb.filter(F.action == "roles"))
async def ask_roles(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    if not _may(actor, view, Action.NAME_PRESIDING):
        raise DomainError(ErrorCode.FORBIDDEN)
    people = await meetings.people(session, actor, view.id)
    kb = InlineKeyboardBuilder()
    for person_id, name, role in people[:30]:
        if role in (Role.CHAIR, Role.DEPUTY):
            kb.button(
                text=_("Presides: {name}").format(name=name)[:60],
                callback_data=_cb(view, "pres", str(person_id)),
            )
    for person_id, name, _role in people[:30]:
        kb.button(
            text=_("Minutes: {name}").format(name=name)[:60],
            callback_data=_cb(view, "mins", str(person_id)),
        )
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _(
            "Who presides (the chair or the deputy) and who keeps the minutes (the secretary "
            "by default, or any member)?"
        ),
        reply_markup=inline(kb, 1),
    )


@router.callback_query(DraftCb.filter(F.action.in_({"pres", "mins"})))
async def role_picked(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    if not callback_data.arg.isdigit():
        raise DomainError(ErrorCode.STALE)
    name = Field.PRESIDING if callback_data.action == "pres" else Field.MINUTES
    assert isinstance(query.message, Message)
    change = meetings.set_field(
        session,
        actor,
        callback_data.meeting_id,
        callback_data.version,
        name,
        int(callback_data.arg),
        clock.now(),
    )
    await _apply(query.message, session, actor, callback_data.meeting_id, change, clock.now())
    await query.answer()


# ---------------------------------------------------------------- publication


async def _published(message: Message, session: AsyncSession, done: meetings.Published) -> None:
    if done.outcome is meetings.Outcome.AWAITING_CHAIR:
        await message.answer(
            _(
                "An extraordinary meeting is the chair's decision: the chair and the deputy are "
                "asked to confirm it. Members get the notice once it is confirmed."
            )
        )
        return
    progress = await message.answer(
        _("📤 The notice is going out to {count} members; the progress is shown here.").format(
            count=done.recipients
        )
    )
    if done.group_key:
        await broadcasts.set_message_for(session, done.group_key, progress.message_id)


@router.callback_query(DraftCb.filter(F.action == "pub"))
async def publish(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    try:
        done = await meetings.publish(
            session,
            actor,
            callback_data.meeting_id,
            callback_data.version,
            clock.now(),
            progress_chat_id=query.message.chat.id,
            locale=get_i18n().current_locale,
        )
    except DomainError as exc:
        if exc.code is not ErrorCode.NOTICE_LATE:
            raise
        view = await meetings.get(session, actor, callback_data.meeting_id)
        await query.answer()
        await _remember(state, Drafting.reason, view)
        await query.message.answer(
            _(
                "It is too late for a regular meeting: members must get the notice {days} "
                "before the day of the meeting (by the end of {day}; the regulations, 002 Annex 2 "
                "§4.8). It can be held only as an extraordinary meeting, by the chair's decision. "
                "To call it so, write its reason; or /cancel and choose another date."
            ).format(day=exc.params["day"], days=days_phrase(exc.params["days"]))
        )
        return
    await query.answer(_("Published."))
    later(query.message.edit_reply_markup(reply_markup=None))
    await _published(query.message, session, done)


@router.message(Drafting.reason, WizardText())
async def reason_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    done = await meetings.publish(
        session,
        actor,
        data["meeting_id"],
        data["version"],
        clock.now(),
        extraordinary_reason=message.text or "",
        progress_chat_id=message.chat.id,
        locale=get_i18n().current_locale,
    )
    await state.clear()
    await _published(message, session, done)


@router.callback_query(DraftCb.filter(F.action == "plan"))
async def ask_plan(
    query: CallbackQuery,
    callback_data: DraftCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    problems = meetings.problems(view, clock.now())
    if problems:
        raise DomainError(problems[0].code, **problems[0].params)
    await query.answer()
    await state.set_state(None)  # a day is picked on the calendar, not typed
    await state.update_data(meeting_id=view.id, version=view.version)
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("On which day should the notice go out (at 09:00)?"),
        reply_markup=_calendar(view, clock.now(), PLAN_SCOPE, None),
    )


@router.callback_query(DraftCb.filter(F.action == "del"))
async def ask_discard(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor
) -> None:
    view = await meetings.get(session, actor, callback_data.meeting_id)
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Yes, discard it"), callback_data=_cb(view, "delok"))
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Discard the draft «{topic}»?").format(topic=quote(view.topic)),
        reply_markup=kb.as_markup(),
    )


@router.callback_query(DraftCb.filter(F.action == "delok"))
async def discarded(
    query: CallbackQuery, callback_data: DraftCb, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    await meetings.discard_draft(
        session, actor, callback_data.meeting_id, callback_data.version, clock.now()
    )
    await query.answer()
    assert isinstance(query.message, Message)
    await edit(query.message, _("The draft is discarded."), None)


@hints.message(StateFilter(Drafting.material))
async def material_hint(message: Message) -> None:
    await message.answer(_("Please send the file as a document, or /cancel."))


@hints.message(StateFilter(Drafting))
async def hint(message: Message) -> None:
    await message.answer(_("Please answer the question above (text or a button), or /cancel."))
