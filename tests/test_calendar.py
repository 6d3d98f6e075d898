"""The inline date picker: grid layout, range limits, navigation, the today mark, callback
sizes, validation of (possibly forged) taps, and month names in Russian and English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from pydantic import ValidationError

from bot.i18n import DOMAIN, LOCALES_DIR, compile_catalogs
from handlers.meetings.calendar import (
    DAY,
    IGNORE,
    MONTH,
    calendar_keyboard,
    month_title,
    parse_month,
    parse_pick,
)
from ui.callbacks.meetings import CalendarCb

WIDE_FIRST = date(2020, 1, 1)
WIDE_LAST = date(2030, 12, 31)


@pytest.fixture(scope="module")
def i18n() -> I18n:
    compile_catalogs(LOCALES_DIR)  # only the stale ones
    return I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)


@pytest.fixture
def ru(i18n: I18n) -> Iterator[None]:
    with i18n.context(), i18n.use_locale("ru"):
        yield


@pytest.fixture
def en(i18n: I18n) -> Iterator[None]:
    with i18n.context(), i18n.use_locale("en"):
        yield


def data(button: InlineKeyboardButton) -> CalendarCb:
    assert button.callback_data is not None
    return CalendarCb.unpack(button.callback_data)


def texts(row: list[InlineKeyboardButton]) -> list[str]:
    return [b.text for b in row]


def weeks(markup: InlineKeyboardMarkup) -> list[list[InlineKeyboardButton]]:
    """The day rows: after the title and weekday rows, without a navigation row."""
    rows = markup.inline_keyboard[2:]
    if rows and len(rows[-1]) < 7:
        rows = rows[:-1]
    return rows


def navigation(markup: InlineKeyboardMarkup) -> list[str]:
    last = markup.inline_keyboard[-1]
    return texts(last) if len(last) < 7 and len(markup.inline_keyboard) > 2 else []


def keyboard(
    year: int,
    month: int,
    *,
    today: date = date(2019, 1, 1),
    first: date = WIDE_FIRST,
    last: date = WIDE_LAST,
    scope: str = "meeting",
) -> InlineKeyboardMarkup:
    return calendar_keyboard(year, month, today=today, first=first, last=last, scope=scope)


# --- layout ---


@pytest.mark.usefixtures("en")
def test_february_2028_leap_year() -> None:
    markup = keyboard(2028, 2)
    assert texts(markup.inline_keyboard[0]) == ["February 2028"]
    assert texts(markup.inline_keyboard[1]) == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    grid = weeks(markup)
    assert all(len(row) == 7 for row in grid)
    # 1 February 2028 is a Tuesday; 29 February exists (leap year) and is a Tuesday too.
    assert texts(grid[0]) == [" ", "1", "2", "3", "4", "5", "6"]
    assert texts(grid[-1]) == ["28", "29", " ", " ", " ", " ", " "]
    assert len(grid) == 5
    days = [data(b) for row in grid for b in row if b.text.strip()]
    assert [d.day for d in days] == list(range(1, 30))
    assert all(d.action == DAY and (d.year, d.month) == (2028, 2) for d in days)
    assert navigation(markup) == ["◀️", "▶️"]


@pytest.mark.usefixtures("en")
def test_month_starting_on_sunday_takes_six_rows() -> None:
    markup = keyboard(2027, 8)  # 1 August 2027 is a Sunday
    grid = weeks(markup)
    assert texts(grid[0]) == [" "] * 6 + ["1"]
    assert len(grid) == 6
    assert texts(grid[-1]) == ["30", "31", " ", " ", " ", " ", " "]
    assert texts(markup.inline_keyboard[0]) == ["August 2027"]


@pytest.mark.usefixtures("en")
def test_every_row_has_at_most_seven_buttons_and_grid_rows_exactly_seven() -> None:
    for month in range(1, 13):
        markup = keyboard(2027, month)
        assert all(1 <= len(row) <= 7 for row in markup.inline_keyboard)
        assert all(len(row) == 7 for row in weeks(markup))


# --- range, navigation, today ---


@pytest.mark.usefixtures("en")
def test_days_outside_the_range_are_unavailable() -> None:
    first, last = date(2027, 3, 10), date(2027, 5, 20)
    march = weeks(keyboard(2027, 3, today=first, first=first, last=last))
    cells = {b.text: data(b) for row in march for b in row}
    flat = [b for row in march for b in row if b.text != " "]
    assert [b.text for b in flat[:9]] == ["·"] * 9
    assert flat[9].text == "•10"
    assert all(data(b).action == IGNORE for b in flat[:9])
    assert cells["•10"] == CalendarCb(action=DAY, year=2027, month=3, day=10, scope="meeting")
    may = [b for row in weeks(keyboard(2027, 5, first=first, last=last)) for b in row]
    shown = [b.text for b in may if b.text != " "]
    assert shown[:20] == [str(n) for n in range(1, 21)]
    assert shown[20:] == ["·"] * 11


@pytest.mark.usefixtures("en")
def test_navigation_rows_at_the_range_ends() -> None:
    first, last = date(2027, 3, 10), date(2027, 5, 20)
    start = keyboard(2027, 3, today=first, first=first, last=last)
    middle = keyboard(2027, 4, today=first, first=first, last=last)
    end = keyboard(2027, 5, today=first, first=first, last=last)
    assert navigation(start) == ["▶️"]
    assert navigation(middle) == ["◀️", "▶️"]
    assert navigation(end) == ["◀️"]
    assert data(start.inline_keyboard[-1][0]) == CalendarCb(
        action=MONTH, year=2027, month=4, day=0, scope="meeting"
    )
    back, forward = (data(b) for b in middle.inline_keyboard[-1])
    assert (back.action, back.year, back.month, back.day) == (MONTH, 2027, 3, 0)
    assert (forward.action, forward.year, forward.month, forward.day) == (MONTH, 2027, 5, 0)


@pytest.mark.usefixtures("en")
def test_navigation_crosses_the_year_and_is_omitted_for_a_single_month() -> None:
    markup = keyboard(2027, 12, first=date(2027, 12, 1), last=date(2028, 1, 31))
    (forward,) = markup.inline_keyboard[-1]
    assert (data(forward).year, data(forward).month) == (2028, 1)
    back = keyboard(2028, 1, first=date(2027, 12, 31), last=date(2028, 1, 31)).inline_keyboard[-1]
    assert (data(back[0]).year, data(back[0]).month) == (2027, 12)
    single = keyboard(2027, 6, first=date(2027, 6, 5), last=date(2027, 6, 25))
    assert navigation(single) == []
    assert len(single.inline_keyboard[-1]) == 7  # the last row is a week


@pytest.mark.usefixtures("en")
def test_a_month_outside_the_range_shows_the_nearest_one() -> None:
    first, last = date(2027, 3, 10), date(2027, 5, 20)
    assert texts(keyboard(2026, 1, first=first, last=last).inline_keyboard[0]) == ["March 2027"]
    assert texts(keyboard(2031, 7, first=first, last=last).inline_keyboard[0]) == ["May 2027"]


@pytest.mark.usefixtures("en")
def test_today_is_marked() -> None:
    grid = weeks(keyboard(2027, 8, today=date(2027, 8, 25)))
    labels = [b.text for row in grid for b in row]
    assert "•25" in labels and "25" not in labels
    assert sum(label.startswith("•") for label in labels) == 1
    today = next(b for row in grid for b in row if b.text == "•25")
    assert data(today) == CalendarCb(action=DAY, year=2027, month=8, day=25, scope="meeting")
    other_month = [b.text for row in weeks(keyboard(2027, 9, today=date(2027, 8, 25))) for b in row]
    assert not any(label.startswith("•") for label in other_month)


@pytest.mark.usefixtures("en")
def test_ignore_buttons() -> None:
    markup = keyboard(2027, 8, first=date(2027, 8, 3), last=WIDE_LAST, scope="survey")
    title, weekdays = markup.inline_keyboard[0], markup.inline_keyboard[1]
    padding = [b for row in weeks(markup) for b in row if b.text in (" ", "·")]
    assert len(padding) == 6 + 2 + 5  # before the 1st, the two days before `first`, after 31st
    for button in [*title, *weekdays, *padding]:
        cb = data(button)
        assert cb.action == IGNORE
        assert cb.day == 0
        assert cb.scope == "survey"
    day_actions = {data(b).action for row in weeks(markup) for b in row if b.text[-1].isdigit()}
    assert day_actions == {DAY}


@pytest.mark.usefixtures("en")
def test_every_callback_fits_64_bytes() -> None:
    for scope in ("m", "x" * 12):
        for month in range(1, 13):
            markup = keyboard(2028, month, today=date(2028, month, 28), scope=scope)
            for row in markup.inline_keyboard:
                for button in row:
                    assert button.callback_data is not None
                    assert len(button.callback_data.encode("utf-8")) <= 64
                    assert data(button).scope == scope


def test_scope_is_checked() -> None:
    with pytest.raises(ValidationError):
        CalendarCb(action=DAY, year=2027, month=1, day=1, scope="x" * 13)
    with pytest.raises(ValueError):
        CalendarCb(action=DAY, year=2027, month=1, day=1, scope="a:b").pack()


@pytest.mark.usefixtures("en")
def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="1-12"):
        keyboard(2027, 13)
    with pytest.raises(ValueError, match="empty range"):
        keyboard(2027, 3, first=date(2027, 3, 2), last=date(2027, 3, 1))
    with pytest.raises(ValueError):
        keyboard(2027, 3, scope="way-too-long-scope")


@pytest.mark.usefixtures("en")
def test_range_reaching_december_9999_does_not_overflow() -> None:
    markup = keyboard(9999, 12, first=date(9999, 12, 1), last=date(9999, 12, 31))
    assert texts(markup.inline_keyboard[0]) == ["December 9999"]


# --- parse_pick / parse_month ---

FIRST, LAST = date(2027, 11, 15), date(2028, 8, 31)


def tap(action: str, year: int, month: int, day: int = 0) -> CalendarCb:
    return CalendarCb(action=action, year=year, month=month, day=day, scope="meeting")


def test_parse_pick_valid() -> None:
    assert parse_pick(tap(DAY, 2028, 2, 29), first=FIRST, last=LAST) == date(2028, 2, 29)
    assert parse_pick(tap(DAY, 2027, 11, 15), first=FIRST, last=LAST) == FIRST
    assert parse_pick(tap(DAY, 2028, 8, 31), first=FIRST, last=LAST) == LAST


@pytest.mark.parametrize(
    "cb",
    [
        tap(DAY, 2028, 2, 31),  # forged: no 31 February
        tap(DAY, 2027, 2, 29),  # 2027 is not a leap year (and out of range)
        tap(DAY, 2028, 4, 31),
        tap(DAY, 2028, 3, 0),
        tap(DAY, 2027, 11, 14),  # the day before `first`
        tap(DAY, 2028, 9, 1),  # the day after `last`
        tap(DAY, 2030, 1, 1),
        tap(IGNORE, 2028, 3, 0),
        tap(IGNORE, 2028, 3, 5),
        tap(MONTH, 2028, 3, 0),
    ],
)
def test_parse_pick_refuses(cb: CalendarCb) -> None:
    assert parse_pick(cb, first=FIRST, last=LAST) is None


def test_forged_callback_string_round_trip() -> None:
    forged = CalendarCb.unpack("cal:day:2028:2:31:meeting")
    assert parse_pick(forged, first=FIRST, last=LAST) is None
    # An unknown action cannot even be built since actions are an enum (issue 12).
    for bad in (
        "cal:day:2028:13:1:meeting",
        "cal:day:2028:2:32:meeting",
        "cal:day:2028:2:1:",
        "cal:dya:2028:3:5:meeting",
    ):
        with pytest.raises(ValueError):
            CalendarCb.unpack(bad)


def test_parse_month() -> None:
    assert parse_month(tap(MONTH, 2027, 11), first=FIRST, last=LAST) == (2027, 11)
    assert parse_month(tap(MONTH, 2028, 8), first=FIRST, last=LAST) == (2028, 8)
    assert parse_month(tap(MONTH, 2027, 10), first=FIRST, last=LAST) is None
    assert parse_month(tap(MONTH, 2028, 9), first=FIRST, last=LAST) is None
    assert parse_month(tap(DAY, 2028, 1, 5), first=FIRST, last=LAST) is None


# --- languages ---

RU_MONTHS = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def test_month_names_in_english(en: None) -> None:
    assert [month_title(2027, m) for m in range(1, 13)] == [f"{n} 2027" for n in EN_MONTHS]
    markup = keyboard(2027, 8)
    assert texts(markup.inline_keyboard[1]) == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


def test_month_names_in_russian(ru: None) -> None:
    assert [month_title(2027, m) for m in range(1, 13)] == [f"{n} 2027" for n in RU_MONTHS]
    markup = keyboard(2028, 2)
    assert texts(markup.inline_keyboard[0]) == ["Февраль 2028"]
    assert texts(markup.inline_keyboard[1]) == ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]


def test_default_locale_is_russian(i18n: I18n) -> None:
    with i18n.context():
        assert month_title(2028, 5) == "Май 2028"
