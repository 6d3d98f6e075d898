"""An inline calendar for picking a date, in the reader's language.

A wizard shows `calendar_keyboard(...)` and handles its own taps, told apart by `scope` (and
`object_id` / `version`, the object it edits and the version the buttons were made for):

    router.callback_query.register(picked, CalendarCb.filter(F.scope == "meeting"))
    async def picked(query: CallbackQuery, callback_data: CalendarCb, ...) -> None:
        if (shown := parse_month(callback_data, first=first, last=last)) is not None:
            ...edit the markup to calendar_keyboard(*shown, ...)
        elif (day := parse_pick(callback_data, first=first, last=last)) is not None:
            ...the date is chosen

The range [first, last] is the wizard's (for a meeting: today to the end of next school year);
a tap is re-validated against it, since callback data can be forged. Taps on labels and
unavailable days ("ignore") are answered silently by the router of `setup()`, placed before
the catch-all. The callback data (`CalendarCb`) is in ui/callbacks/meetings.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from ui.callbacks.meetings import MAX_SCOPE as MAX_SCOPE
from ui.callbacks.meetings import CalendarAction, CalendarCb

DAY = CalendarAction.DAY
MONTH = CalendarAction.MONTH
IGNORE = CalendarAction.IGNORE

UNAVAILABLE = "·"
EMPTY = " "
TODAY_MARK = "•"
PREVIOUS = "◀️"
NEXT = "▶️"


def N_(msgid: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return msgid


MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
WEEKDAYS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _from_index(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def month_title(year: int, month: int) -> str:
    """«Февраль 2028» / "February 2028" in the current locale."""
    return f"{_(MONTHS[month - 1])} {year}"


def calendar_keyboard(
    year: int,
    month: int,
    *,
    today: date,
    first: date,
    last: date,
    scope: str,
    object_id: int = 0,
    version: int = 0,
) -> InlineKeyboardMarkup:
    """The month's grid, Monday first: a title row, weekday names, the weeks, then ◀️ / ▶️.

    Days outside [first, last] show "·" and do nothing; today is "•25". A month outside the
    range shows the range's nearest month. ◀️ / ▶️ appear only towards months with a day in
    the range. Raises ValueError for a month not in 1-12, first > last, or a bad scope.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    if first > last:
        raise ValueError(f"empty range: {first} > {last}")
    shown = min(
        max(_month_index(year, month), _month_index(first.year, first.month)),
        _month_index(last.year, last.month),
    )
    year, month = _from_index(shown)

    def button(
        text: str, action: CalendarAction = IGNORE, day: int = 0, at: int = shown
    ) -> InlineKeyboardButton:
        y, m = _from_index(at)
        data = CalendarCb(
            action=action,
            year=y,
            month=m,
            day=day,
            scope=scope,
            object_id=object_id,
            version=version,
        )
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    rows: list[list[InlineKeyboardButton]] = [
        [button(month_title(year, month))],
        [button(_(name)) for name in WEEKDAYS],
    ]
    week: list[InlineKeyboardButton] = [button(EMPTY)] * date(year, month, 1).weekday()
    for number in range(1, _month_end(year, month).day + 1):
        day = date(year, month, number)
        if not first <= day <= last:
            week.append(button(UNAVAILABLE))
        else:
            text = f"{TODAY_MARK}{number}" if day == today else str(number)
            week.append(button(text, DAY, number))
        if len(week) == 7:
            rows.append(week)
            week = []
    if week:
        rows.append(week + [button(EMPTY)] * (7 - len(week)))

    navigation: list[InlineKeyboardButton] = []
    if _month_index(first.year, first.month) < shown:
        navigation.append(button(PREVIOUS, MONTH, at=shown - 1))
    if shown < _month_index(last.year, last.month):
        navigation.append(button(NEXT, MONTH, at=shown + 1))
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def parse_pick(data: CalendarCb, *, first: date, last: date) -> date | None:
    """The date of a "day" tap if it is a real date within [first, last]; otherwise None."""
    if data.action is not DAY:
        return None
    try:
        picked = date(data.year, data.month, data.day)
    except ValueError:
        return None
    return picked if first <= picked <= last else None


def parse_month(data: CalendarCb, *, first: date, last: date) -> tuple[int, int] | None:
    """(year, month) of a "month" tap towards a month with a day in [first, last]; else None."""
    if data.action is not MONTH:
        return None
    index = _month_index(data.year, data.month)
    if not _month_index(first.year, first.month) <= index <= _month_index(last.year, last.month):
        return None
    return data.year, data.month


async def ignore_tap(query: CallbackQuery) -> None:
    """A tap on a label, an empty cell or an unavailable day: stop the spinner, nothing else."""
    await query.answer()


def setup() -> Router:
    """Answers taps on the calendar's labels and greyed-out days (before the catch-all)."""
    router = Router(name=__name__)
    router.callback_query.register(ignore_tap, CalendarCb.filter(F.action == IGNORE))
    return router
