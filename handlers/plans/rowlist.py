"""The rows of the plan with their buttons: a row's number opens it, ⬆️ ⬇️ move it, 🗑
deletes it, ✏️ types it again (the add-row steps) while the edition is a draft. Every button
carries the version the card showed: a tap on an older list changes nothing. A row with a
date and the kind «заседание» or «практический семинар» of the current edition (a draft or
an approved one) becomes a meeting draft in one tap («📅 Make it a meeting»,
services.plans.meeting_from_row: a forged, stale or second tap is refused there); a linked
row opens its meeting."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import formats
from handlers.meetings.card import show_meeting_card
from handlers.meetings.panel import show_panel
from handlers.plans.card import makes_meeting
from handlers.plans.common import editable, tapped
from handlers.ui import edit, quote
from models import MeetingStatus
from services import meetings, plans
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.plans import PlanAction, PlanCb

PER_LINE = 6


def _row_line(row: plans.PlanRowContent) -> str:
    day = formats.numeric(row.day) if row.day else "—"
    mark = " 📅" if row.meeting_id else ""
    return f"{row.position}. {day} — {quote(row.topic[:80])}{mark}"


def rows_screen(view: plans.PlanView) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for row_id, row in zip(view.row_ids, view.content.rows, strict=True):
        kb.button(
            text=str(row.position),
            callback_data=PlanCb(
                action=PlanAction.ROW, plan_id=view.id, version=view.version, row_id=row_id
            ),
        )
    sizes = [PER_LINE] * (-(-len(view.row_ids) // PER_LINE))
    kb.button(
        text=_("◀️ Back to the plan"),
        callback_data=PlanCb(action=PlanAction.OPEN, plan_id=view.id, version=view.version),
    )
    kb.adjust(*sizes, 1)
    if view.can_edit:
        hint = _("<b>Rows of the plan</b>: tap a row's number to move, change or delete it.")
    else:
        hint = _("<b>Rows of the plan</b>: tap a row's number to make it a meeting.")
    lines = [hint, ""]
    lines += [_row_line(row) for row in view.content.rows]
    return "\n".join(lines), kb.as_markup()


def row_screen(
    view: plans.PlanView, row_id: int, *, cancelled: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """One row's buttons; `cancelled`: the meeting made of it was cancelled (the row may
    become a meeting again)."""
    n = view.row_ids.index(row_id)
    row = view.content.rows[n]

    def cb(action: PlanAction) -> PlanCb:
        return PlanCb(action=action, plan_id=view.id, version=view.version, row_id=row_id)

    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    if view.can_edit:
        moves = 0
        if n > 0:
            kb.button(text="⬆️", callback_data=cb(PlanAction.UP))
            moves += 1
        if n + 1 < len(view.row_ids):
            kb.button(text="⬇️", callback_data=cb(PlanAction.DOWN))
            moves += 1
        if moves:
            sizes.append(moves)
        kb.button(text=_("✏️ Type again"), callback_data=cb(PlanAction.EDIT_ROW))
        kb.button(text=_("🗑 Delete"), callback_data=cb(PlanAction.DELETE))
        sizes.append(2)
    lines = [f"<i>{quote(row.direction)}</i>", _row_line(row)]
    if cancelled:
        lines.append(_("The meeting made of this row is cancelled: it may become a meeting again."))
    if row.meeting_id and not cancelled:
        lines.append(_("📅 A meeting is made of this row."))
        if view.can_meet:
            kb.button(text=_("📅 Open the meeting"), callback_data=cb(PlanAction.MEETING))
            sizes.append(1)
    elif view.can_meet and makes_meeting(row):
        kb.button(text=_("📅 Make it a meeting"), callback_data=cb(PlanAction.MEET))
        sizes.append(1)
    kb.button(text=_("◀️ Rows"), callback_data=cb(PlanAction.ROWS))
    sizes.append(1)
    kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


async def open_rows(
    query: CallbackQuery, callback_data: PlanCb, session: AsyncSession, actor: Actor
) -> None:
    assert isinstance(query.message, Message)
    view = await plans.get_plan(session, actor, callback_data.plan_id)
    if not view.can_meet:
        editable(view)  # a member's (or a forged) button: refused
    if callback_data.action is PlanAction.ROW:
        if callback_data.row_id not in view.row_ids:
            raise DomainError(ErrorCode.NOT_FOUND)
        linked = view.content.rows[view.row_ids.index(callback_data.row_id)].meeting_id
        cancelled = False
        if linked is not None and view.can_meet:
            meeting = await meetings.get(session, actor, linked)
            cancelled = meeting.status is MeetingStatus.CANCELLED
        text, kb = row_screen(view, callback_data.row_id, cancelled=cancelled)
    else:
        text, kb = rows_screen(view)
    await query.answer()
    await edit(query.message, text, kb)


async def row_action(
    query: CallbackQuery,
    callback_data: PlanCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """⬆️ ⬇️ 🗑: saved at the version the list showed; the card shown after."""
    pid, version, row_id, now = (
        callback_data.plan_id,
        callback_data.version,
        callback_data.row_id,
        clock.now(),
    )
    if callback_data.action is PlanAction.DELETE:
        change = plans.delete_row(session, actor, pid, version, row_id, now)
    else:
        view = await plans.get_plan(session, actor, pid)
        if row_id not in view.row_ids:
            raise DomainError(ErrorCode.NOT_FOUND)
        position = view.row_ids.index(row_id) + 1
        position += -1 if callback_data.action is PlanAction.UP else 1
        change = plans.move_row(session, actor, pid, version, row_id, position, now)
    await tapped(query, session, actor, clock, pid, change)


async def meeting_action(
    query: CallbackQuery,
    callback_data: PlanCb,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    """«📅 Make it a meeting»: the row's meeting draft made and its panel sent (the service
    refuses a forged, stale or second tap, nothing written); «📅 Open the meeting»: the
    draft's panel, or the card of a published or held one."""
    assert isinstance(query.message, Message)
    now = clock.now()
    if callback_data.action is PlanAction.MEET:
        made = await plans.meeting_from_row(
            session, actor, callback_data.plan_id, callback_data.row_id, now
        )
        await query.answer(_("The meeting's draft is made of the row: check it and publish it."))
        await show_panel(query.message, actor, made, now, in_place=False)
        return
    view = await plans.get_plan(session, actor, callback_data.plan_id)
    if callback_data.row_id not in view.row_ids:
        raise DomainError(ErrorCode.NOT_FOUND)
    meeting_id = view.content.rows[view.row_ids.index(callback_data.row_id)].meeting_id
    if meeting_id is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    meeting = await meetings.get(session, actor, meeting_id)
    await query.answer()
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.SCHEDULED):
        await show_panel(query.message, actor, meeting, now, in_place=False)
    else:
        await show_meeting_card(query.message, session, actor, meeting_id, now, in_place=False)


def register(router: Router) -> None:
    router.callback_query.register(
        open_rows, PlanCb.filter(F.action.in_({PlanAction.ROWS, PlanAction.ROW}))
    )
    router.callback_query.register(
        row_action,
        PlanCb.filter(F.action.in_({PlanAction.UP, PlanAction.DOWN, PlanAction.DELETE})),
    )
    router.callback_query.register(
        meeting_action, PlanCb.filter(F.action.in_({PlanAction.MEET, PlanAction.MEETING}))
    )
