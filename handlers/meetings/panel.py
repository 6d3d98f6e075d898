"""The wizard's panel: the draft as members will see it, what is missing, its buttons; and how
a change is shown (or, when someone else saved first, the current draft instead)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from bot.messages import form_label, notice_parts
from bot.render import render, split_message
from handlers.errors import error_text
from handlers.meetings.calendar import calendar_keyboard
from handlers.ui import days_phrase, edit, short
from models import MeetingForm, MeetingStatus
from services import deadlines, meetings
from services.errors import DomainError, ErrorCode
from services.meetings import MeetingView
from services.permissions import Actor
from ui.callbacks.meetings import CalendarStep, DraftAction, DraftArg, DraftCb


def draft_cb(view: MeetingView, action: DraftAction, arg: DraftArg = None) -> DraftCb:
    return DraftCb(action=action, meeting_id=view.id, version=view.version, arg=arg)


def _panel_keyboard(actor: Actor, view: MeetingView) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    gathering = view.form is not MeetingForm.ABSENTEE
    kb.button(text=_("🗓 Date and time"), callback_data=draft_cb(view, DraftAction.DAY))
    kb.button(
        text=_("👥 Form: {form}").format(form=form_label(view.form)),
        callback_data=draft_cb(view, DraftAction.FORM),
    )
    if gathering:
        kb.button(text=_("⏱ Duration"), callback_data=draft_cb(view, DraftAction.DURATION))
        kb.button(text=_("📍 Place"), callback_data=draft_cb(view, DraftAction.PLACE))
    if view.form is MeetingForm.HYBRID:
        kb.button(text=_("🔗 Link"), callback_data=draft_cb(view, DraftAction.LINK))
    kb.button(text=_("➕ Question"), callback_data=draft_cb(view, DraftAction.QUESTION))
    if view.agenda:
        kb.button(text=_("✏️ Questions"), callback_data=draft_cb(view, DraftAction.QUESTIONS))
    kb.button(text=_("📎 Material"), callback_data=draft_cb(view, DraftAction.MATERIAL))
    kb.button(
        text=_("☑️ Practical seminar") if view.practical_seminar else _("⬜ Practical seminar"),
        callback_data=draft_cb(view, DraftAction.SEMINAR),
    )
    if view.practical_seminar and gathering:
        school = view.venue_school
        kb.button(
            text=_("🏫 School venue: {school}").format(school=short(school, 40))
            if school
            else _("🏫 School venue: not chosen"),
            callback_data=draft_cb(view, DraftAction.VENUE),
        )
    kb.button(
        text=_("☑️ Extraordinary") if view.extraordinary else _("⬜ Extraordinary"),
        callback_data=draft_cb(view, DraftAction.EXTRAORDINARY),
    )
    if view.can_name_presiding(actor):
        kb.button(
            text=_("👤 Presiding and minutes"), callback_data=draft_cb(view, DraftAction.ROLES)
        )
    kb.button(text=_("📤 Publish now"), callback_data=draft_cb(view, DraftAction.PUBLISH))
    kb.button(text=_("📆 Publish on a day"), callback_data=draft_cb(view, DraftAction.PLAN))
    kb.button(text=_("🗑 Discard the draft"), callback_data=draft_cb(view, DraftAction.DISCARD))
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
    published = view.status is MeetingStatus.PUBLISHED
    if published:
        problems, rule = [], None
    return render(
        "meeting_draft.html",
        preview=preview,
        problems=problems,
        rule=rule,
        status=status,
        published=published,
    )


async def close_panel(target: Message, view: MeetingView, now: datetime) -> None:
    """The panel once its draft has left the wizard (published, or waiting for the chair):
    its text says so and its buttons go (a long panel only loses its buttons)."""
    chunks = split_message(_panel_text(view, now).split("\n"))
    if len(chunks) == 1:
        await edit(target, chunks[0], None)
    else:
        await target.edit_reply_markup(reply_markup=None)


async def show_panel(
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


async def apply(
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
    question being answered is dropped: its version is stale). With `state`, the step is
    over once the change is saved: the wizard leaves it before the panel is sent, so a panel
    that cannot be delivered never leaves the question open (handlers.resume)."""
    try:
        view = await change
    except DomainError as exc:
        if exc.code is not ErrorCode.DRAFT_CHANGED:
            raise
        await someone_else(target, session, actor, meeting_id, now, state)
        return None
    if state is not None:
        await state.clear()
    await show_panel(target, actor, view, now, in_place=in_place)
    return view


async def someone_else(
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
    await show_panel(target, actor, current, now, in_place=False)


async def remember(state: FSMContext, target: State, view: MeetingView) -> None:
    await state.set_state(target)
    await state.update_data(meeting_id=view.id, version=view.version)


def calendar(
    view: MeetingView, now: datetime, step: CalendarStep, month: tuple[int, int] | None = None
) -> InlineKeyboardMarkup:
    """The wizard's calendar: its buttons carry the step, the draft and its version, so a tap
    works after a restart and never hits a newer draft."""
    today = deadlines.local_day(now, view.timezone)
    last = deadlines.latest_meeting_day(today)
    year, number = month or (
        (view.day.year, view.day.month) if view.day else (today.year, today.month)
    )
    return calendar_keyboard(
        year,
        number,
        today=today,
        first=today,
        last=last,
        scope=step,
        object_id=view.id,
        version=view.version,
    )
