"""The secretary's roll: every member with their mark, a page at a time; an excused absence
asks for its reason."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.attendance.states import AtMeeting
from handlers.ui import WizardText, edit, quote
from models import Presence
from services import attendance
from services.clock import Clock
from services.permissions import Actor
from ui.callbacks.attendance import AttendAction, AttendCb, RollCb, RollMark

ROLL_PAGE = 8
SHOWN = {
    Presence.PRESENT: "✅",
    Presence.ONLINE: "💻",
    Presence.ABSENT: "❌",
    Presence.EXCUSED: "🟡",
    None: "❔",
}
BUTTONS = ((RollMark.PRESENT, "✅"), (RollMark.ABSENT, "❌"), (RollMark.EXCUSED, "🟡"))


def roll_page(
    meeting_id: int, rows: list[attendance.RegisterRow], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    pages = max(1, -(-len(rows) // ROLL_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = rows[page * ROLL_PAGE : (page + 1) * ROLL_PAGE]
    lines = [_("<b>Roll call</b>: ✅ present, ❌ absent, 🟡 excused (with a reason).")]
    kb = InlineKeyboardBuilder()
    for n, row in enumerate(shown, start=page * ROLL_PAGE + 1):
        reason = f" — {quote(row.reason)}" if row.reason else ""
        lines.append(f"{n}. {SHOWN[row.status]} {quote(row.name)}{reason}")
        for mark, label in BUTTONS:
            kb.button(
                text=f"{n} {label}",
                callback_data=RollCb(
                    meeting_id=meeting_id, person_id=row.person_id, mark=mark, page=page
                ),
            )
    nav = []
    if page > 0:
        nav.append(("◀️", page - 1))
    if page + 1 < pages:
        nav.append(("▶️", page + 1))
    for label, target in nav:
        kb.button(
            text=label,
            callback_data=RollCb(
                meeting_id=meeting_id, person_id=0, mark=RollMark.PAGE, page=target
            ),
        )
    sizes = [3] * len(shown) + ([len(nav)] if nav else [])
    kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


async def show_roll(
    query: CallbackQuery, callback_data: AttendCb, session: AsyncSession, actor: Actor
) -> None:
    rows = await attendance.register(session, actor, callback_data.meeting_id)
    text, kb = roll_page(callback_data.meeting_id, rows, 0)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(text, reply_markup=kb)


async def roll_mark(
    query: CallbackQuery,
    callback_data: RollCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    presence = callback_data.mark.presence
    if presence is None:  # a page
        rows = await attendance.register(session, actor, callback_data.meeting_id)
        await query.answer()
    else:
        await attendance.roll(
            session, actor, callback_data.meeting_id, callback_data.person_id, presence, clock.now()
        )
        rows = await attendance.register(session, actor, callback_data.meeting_id)
        if presence is Presence.EXCUSED:
            await state.set_state(AtMeeting.excuse)
            await state.update_data(
                meeting_id=callback_data.meeting_id, person_id=callback_data.person_id
            )
            await query.answer(_("Excused. Type the reason (or /cancel to leave it out)."))
        else:
            await query.answer()
    text, kb = roll_page(callback_data.meeting_id, rows, callback_data.page)
    await edit(query.message, text, kb)


async def excuse_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await state.get_data()
    await attendance.roll(
        session,
        actor,
        data["meeting_id"],
        data["person_id"],
        Presence.EXCUSED,
        clock.now(),
        reason=message.text,
    )
    await state.clear()
    await message.answer(_("The reason is saved."))


def register(router: Router) -> None:
    router.callback_query.register(show_roll, AttendCb.filter(F.action == AttendAction.ROLL))
    router.callback_query.register(roll_mark, RollCb.filter())
    router.message.register(excuse_typed, AtMeeting.excuse, WizardText())
