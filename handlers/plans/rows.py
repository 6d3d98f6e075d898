"""A row of «Календарно-тематическое планирование» added (or typed again) step by step:
the direction (the form's nine or one's own), «Форма работы, тема», «Дата», the kind, the
venue (a school of the directory found by name, or free text) and the people responsible
(members found by name, or typed names). The row is saved at the last step, at the version
the card showed; each step checks its own answer first."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.meetings.calendar import calendar_keyboard, parse_month, parse_pick
from handlers.plans.card import kind_label
from handlers.plans.common import editable, saved
from handlers.plans.states import PlanEdit
from handlers.ui import WizardText, close_button, quote, show_page
from models import PlanRowKind
from services import plans
from services.clock import Clock
from services.errors import DomainError, ErrorCode
from services.permissions import Actor
from ui.callbacks.meetings import CalendarAction, CalendarCb
from ui.callbacks.plans import PlanAction, PlanCb, RowPick, RowStep, Special

KINDS = list(PlanRowKind)
CALENDAR_SCOPE = "plan"  # the calendar of a row's date (`CalendarCb.scope`)
STEPS = 6


def _kb(buttons: list[tuple[str, RowPick]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for text, data in buttons:
        kb.button(text=text[:60], callback_data=data)
    kb.adjust(1)
    return kb.as_markup()


def _step(n: int, text: str) -> str:
    return _("Step {n} of {total}.").format(n=n, total=STEPS) + " " + text


async def begin_row(
    query: CallbackQuery,
    callback_data: PlanCb,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    """«➕ Add a row» on the card, or «✏️ Type again» of a row."""
    assert isinstance(query.message, Message)
    view = await plans.get_plan(session, actor, callback_data.plan_id)
    editable(view)
    row_id = callback_data.row_id if callback_data.action is PlanAction.EDIT_ROW else 0
    if row_id and row_id not in view.row_ids:
        raise DomainError(ErrorCode.NOT_FOUND)
    await state.set_state(PlanEdit.direction)
    await state.set_data(
        {
            "plan_id": view.id,
            "version": callback_data.version,
            "year": view.content.school_year,
            "row_id": row_id,
            "row": {"responsible_ids": [], "responsible_names": []},
        }
    )
    await query.answer()
    buttons = [
        (direction, RowPick(step=RowStep.DIRECTION, value=n))
        for n, direction in enumerate(plans.DIRECTIONS)
    ]
    buttons.append((_("✍️ My own direction"), RowPick(step=RowStep.DIRECTION, special=Special.OWN)))
    await query.message.answer(
        _step(1, _("«Area of activity»: choose one of the form's, or type your own.")),
        reply_markup=_kb(buttons),
    )


async def _row(state: FSMContext) -> tuple[dict[str, Any], dict[str, Any]]:
    data = await state.get_data()
    if "plan_id" not in data:
        raise DomainError(ErrorCode.STALE)
    return data, data["row"]


async def _put(state: FSMContext, **values: Any) -> None:
    _data, row = await _row(state)
    await state.update_data(row={**row, **values})


async def _ask_topic(message: Message, state: FSMContext) -> None:
    await state.set_state(PlanEdit.topic)
    await message.answer(
        _step(2, _("«Form of work, topic»: type it (a seminar, a master class…)."))
    )


async def direction_picked(query: CallbackQuery, callback_data: RowPick, state: FSMContext) -> None:
    assert isinstance(query.message, Message)
    if await state.get_state() != PlanEdit.direction.state:
        raise DomainError(ErrorCode.STALE)
    if callback_data.special is Special.OWN:
        await close_button(query)
        await query.message.answer(_("Type the area of activity."))
        return
    if callback_data.value >= len(plans.DIRECTIONS):
        raise DomainError(ErrorCode.STALE)
    await _put(state, direction=plans.DIRECTIONS[callback_data.value])
    await close_button(query)
    await _ask_topic(query.message, state)


async def direction_typed(message: Message, state: FSMContext) -> None:
    await _put(state, direction=plans.check_direction(message.text))
    await _ask_topic(message, state)


def _calendar(data: dict[str, Any], today: date, year: int, month: int) -> InlineKeyboardMarkup:
    """The school year's days in the meetings' calendar, then «No date»."""
    school_year = plans.SchoolYear(data["year"])
    grid = calendar_keyboard(
        year,
        month,
        today=today,
        first=school_year.first_day,
        last=school_year.last_day,
        scope=CALENDAR_SCOPE,
        object_id=data["plan_id"],
        version=data["version"],
    )
    skip = RowPick(step=RowStep.DATE, special=Special.SKIP)
    no_date = InlineKeyboardButton(text=_("No date"), callback_data=skip.pack())
    return InlineKeyboardMarkup(inline_keyboard=[*grid.inline_keyboard, [no_date]])


async def topic_typed(message: Message, state: FSMContext, clock: Clock) -> None:
    await _put(state, topic=plans.check_topic(message.text))
    await state.set_state(PlanEdit.day)
    data, _row_data = await _row(state)
    today = clock.now().date()
    await message.answer(
        _step(3, _("«Date»: pick it in the calendar or type it as 15.10.2026, or tap «No date».")),
        reply_markup=_calendar(data, today, today.year, today.month),
    )


async def day_tapped(
    query: CallbackQuery, callback_data: CalendarCb, state: FSMContext, clock: Clock
) -> None:
    """A day of the calendar, or ◀️ ▶️ to another month of the school year."""
    assert isinstance(query.message, Message)
    data = await state.get_data()
    if (
        await state.get_state() != PlanEdit.day.state
        or data.get("plan_id") != callback_data.object_id
        or data.get("version") != callback_data.version
    ):
        raise DomainError(ErrorCode.STALE)
    school_year = plans.SchoolYear(data["year"])
    first, last = school_year.first_day, school_year.last_day
    if (shown := parse_month(callback_data, first=first, last=last)) is not None:
        await show_page(query, _calendar(data, clock.now().date(), *shown))
        return
    day = parse_pick(callback_data, first=first, last=last)
    if day is None:
        raise DomainError(ErrorCode.STALE)
    await _put(state, day=day.isoformat())
    await close_button(query)
    await _ask_kind(query.message, state)


async def _ask_kind(message: Message, state: FSMContext) -> None:
    await state.set_state(PlanEdit.kind)
    await message.answer(
        _step(4, _("What is it?")),
        reply_markup=_kb(
            [
                (kind_label(kind), RowPick(step=RowStep.KIND, value=n))
                for n, kind in enumerate(KINDS)
            ]
        ),
    )


async def day_typed(message: Message, state: FSMContext) -> None:
    data, _row_data = await _row(state)
    day = plans.parse_day(message.text or "", plans.SchoolYear(data["year"]))
    await _put(state, day=day.isoformat())
    await _ask_kind(message, state)


async def no_day(query: CallbackQuery, state: FSMContext) -> None:
    assert isinstance(query.message, Message)
    if await state.get_state() != PlanEdit.day.state:
        raise DomainError(ErrorCode.STALE)
    await _put(state, day=None)
    await close_button(query)
    await _ask_kind(query.message, state)


async def _ask_venue(message: Message, state: FSMContext) -> None:
    await state.set_state(PlanEdit.venue)
    await message.answer(
        _step(
            5,
            _(
                "«Venue»: type the school's name (I will find it in the directory) or the "
                "place (the methodological centre, online…), or tap «No venue»."
            ),
        ),
        reply_markup=_kb([(_("No venue"), RowPick(step=RowStep.VENUE, special=Special.SKIP))]),
    )


async def kind_picked(query: CallbackQuery, callback_data: RowPick, state: FSMContext) -> None:
    assert isinstance(query.message, Message)
    if await state.get_state() != PlanEdit.kind.state or callback_data.value >= len(KINDS):
        raise DomainError(ErrorCode.STALE)
    await _put(state, kind=str(KINDS[callback_data.value]))
    await close_button(query)
    await _ask_venue(query.message, state)


async def venue_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    data, _row_data = await _row(state)
    typed = plans.check_venue_text(message.text)
    if typed is None:
        await message.answer(_("Please type the venue, or tap «No venue»."))
        return
    found = await plans.schools_matching(session, actor, data["plan_id"], typed)
    await _put(state, venue_text=typed, venue_school_id=None)
    if not found:
        await _ask_responsible(message, state)
        return
    buttons = [(s.name, RowPick(step=RowStep.VENUE, value=s.id)) for s in found]
    buttons.append((_("Keep as typed"), RowPick(step=RowStep.VENUE, special=Special.DONE)))
    await message.answer(_("Is it one of these schools?"), reply_markup=_kb(buttons))


async def venue_picked(
    query: CallbackQuery,
    callback_data: RowPick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    """«No venue», «Keep as typed», or one of the schools found for the typed name (a
    school's id that was not offered is stale)."""
    assert isinstance(query.message, Message)
    if await state.get_state() != PlanEdit.venue.state:
        raise DomainError(ErrorCode.STALE)
    data, row = await _row(state)
    if callback_data.special is Special.SKIP:
        await _put(state, venue_text=None, venue_school_id=None)
    elif callback_data.special is not Special.DONE:
        typed = row.get("venue_text") or ""
        found = await plans.schools_matching(session, actor, data["plan_id"], typed)
        if callback_data.value not in {school.id for school in found}:
            raise DomainError(ErrorCode.STALE)
        await _put(state, venue_text=None, venue_school_id=callback_data.value)
    await close_button(query)
    await _ask_responsible(query.message, state)


def _done_kb(row: dict[str, Any]) -> InlineKeyboardMarkup:
    anyone = row["responsible_ids"] or row["responsible_names"]
    label = _("✅ Done") if anyone else _("Nobody")
    return _kb([(label, RowPick(step=RowStep.RESPONSIBLE, special=Special.DONE))])


async def _ask_responsible(message: Message, state: FSMContext) -> None:
    await state.set_state(PlanEdit.responsible)
    _data, row = await _row(state)
    await message.answer(
        _step(
            6,
            _(
                "«Person responsible»: type a name. A member is found on the roster; anyone "
                "else is kept as typed, marked «not on the roster». Several: one at a time."
            ),
        ),
        reply_markup=_done_kb(row),
    )


async def _added(message: Message, state: FSMContext, name: str) -> None:
    _data, row = await _row(state)
    await message.answer(
        _("Added «{name}». Type another name, or tap «Done».").format(name=quote(name)),
        reply_markup=_done_kb(row),
    )


async def responsible_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    data, row = await _row(state)
    [name] = plans.check_names(((message.text or "").strip(),))
    await state.update_data(typed_name=name)
    found = await plans.members_matching(session, actor, data["plan_id"], name)
    if not found:
        await _put(state, responsible_names=[*row["responsible_names"], name])
        await _added(message, state, name)
        return
    buttons = [(m.name, RowPick(step=RowStep.RESPONSIBLE, value=m.id)) for m in found]
    buttons.append((_("Keep as typed"), RowPick(step=RowStep.RESPONSIBLE, special=Special.OWN)))
    await message.answer(_("Is it one of the members?"), reply_markup=_kb(buttons))


async def responsible_picked(
    query: CallbackQuery,
    callback_data: RowPick,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    assert isinstance(query.message, Message)
    if await state.get_state() != PlanEdit.responsible.state:
        raise DomainError(ErrorCode.STALE)
    data, row = await _row(state)
    if callback_data.special is Special.DONE:
        await _save(query.message, state, session, actor, clock)
        await close_button(query)  # after the save: a refusal comes as an alert on the button
        return
    if callback_data.special is Special.OWN:
        name = data.get("typed_name") or ""
        if not name:
            raise DomainError(ErrorCode.STALE)
        await _put(state, responsible_names=[*row["responsible_names"], name])
    else:
        found = await plans.members_matching(
            session, actor, data["plan_id"], data.get("typed_name") or ""
        )
        chosen = [m for m in found if m.id == callback_data.value]
        if not chosen:
            raise DomainError(ErrorCode.STALE)
        name = chosen[0].name
        ids = list(dict.fromkeys([*row["responsible_ids"], chosen[0].id]))
        await _put(state, responsible_ids=ids)
    await state.update_data(typed_name="")
    await close_button(query)
    await _added(query.message, state, name)


async def _save(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data, row = await _row(state)
    typed = plans.RowInput.from_json({"direction": "", "topic": "", **row})
    pid, version, now = data["plan_id"], data["version"], clock.now()
    change = (
        plans.edit_row(session, actor, pid, version, data["row_id"], typed, now)
        if data["row_id"]
        else plans.add_row(session, actor, pid, version, typed, now)
    )
    await saved(message, state, session, actor, clock, pid, change)


def register(router: Router) -> None:
    cb = router.callback_query.register
    cb(begin_row, PlanCb.filter(F.action.in_({PlanAction.ADD, PlanAction.EDIT_ROW})))
    cb(direction_picked, RowPick.filter(F.step == RowStep.DIRECTION))
    cb(no_day, RowPick.filter(F.step == RowStep.DATE))
    # Taps on the calendar's labels go on to the meetings' calendar router, which stops
    # their spinner.
    cb(
        day_tapped,
        CalendarCb.filter((F.scope == CALENDAR_SCOPE) & (F.action != CalendarAction.IGNORE)),
    )
    cb(kind_picked, RowPick.filter(F.step == RowStep.KIND))
    cb(venue_picked, RowPick.filter(F.step == RowStep.VENUE))
    cb(responsible_picked, RowPick.filter(F.step == RowStep.RESPONSIBLE))
    text = router.message.register
    text(direction_typed, PlanEdit.direction, WizardText())
    text(topic_typed, PlanEdit.topic, WizardText())
    text(day_typed, PlanEdit.day, WizardText())
    text(venue_typed, PlanEdit.venue, WizardText())
    text(responsible_typed, PlanEdit.responsible, WizardText())
