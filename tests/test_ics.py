"""ICS invitations: escaping, folding at 75 octets, UTC times, PUBLISH / CANCEL, a round trip
through a small unfold-and-parse reader written here (RFC 5545 §3.1), and the icalendar
library reading what we write (a development dependency)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from documents.ics import MAX_LINE_OCTETS, IcsEvent, build_ics, escape_text, fold

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")  # UTC+10, no DST


def event(**changes: object) -> IcsEvent:
    base = IcsEvent(
        uid="meeting-12@metod-bot",
        sequence=3,
        start=datetime(2027, 3, 15, 15, 0, tzinfo=VLADIVOSTOK),
        end=datetime(2027, 3, 15, 16, 30, tzinfo=VLADIVOSTOK),
        summary="Заседание РМО учителей математики",
        location="МОУ СОШ № 5, каб. 12",
        url="https://example.org/meet?id=12&x=1",
        description="Повестка:\n1. Итоги олимпиады\n2. Разное",
        organizer_name="Иванова Мария Петровна",
        cancelled=False,
        stamp=datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --- a tiny reader: unfold, split into (name, params, value), unescape TEXT ---

Prop = tuple[str, dict[str, str], str]


def unfold(data: bytes) -> list[str]:
    text = data.decode("utf-8")  # strict: a split character would raise here
    assert text.endswith("\r\n")
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]


def split_line(line: str) -> Prop:
    """NAME *(;PARAM=VALUE) : VALUE, with quoted parameter values that may hold `:` and `;`."""
    head, params, i, quoted = "", {}, 0, False
    while i < len(line):
        ch = line[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == ":":
            break
        i += 1
    head, value = line[:i], line[i + 1 :]
    name, *raw_params = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', head)
    for raw in raw_params:
        key, _, val = raw.partition("=")
        params[key] = val[1:-1] if val.startswith('"') else val
    return name, params, value


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(data: bytes) -> list[Prop]:
    return [split_line(line) for line in unfold(data)]


def vevent(data: bytes) -> dict[str, str]:
    """The VEVENT's own properties (not the VALARM's), values as written."""
    props: dict[str, str] = {}
    depth: list[str] = []
    for name, _params, value in parse(data):
        if name == "BEGIN":
            depth.append(value)
        elif name == "END":
            assert depth.pop() == value
        elif depth == ["VCALENDAR", "VEVENT"]:
            assert name not in props, f"{name} twice"
            props[name] = value
    assert not depth
    return props


def calendar_props(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    depth = 0
    for name, _params, value in parse(data):
        if name == "BEGIN":
            depth += 1
        elif name == "END":
            depth -= 1
        elif depth == 1:
            out[name] = value
    return out


# --- structure ---


def test_request_structure_and_values_round_trip() -> None:
    e = event()
    data = build_ics(e)
    lines = unfold(data)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//metod-bot//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",  # a REQUEST without ATTENDEE is invalid (RFC 5546)
    ]
    assert lines[-2:] == ["END:VEVENT", "END:VCALENDAR"]
    props = vevent(data)
    assert unescape(props["UID"]) == e.uid
    assert props["SEQUENCE"] == "3"
    assert props["DTSTAMP"] == "20270301T090000Z"
    assert unescape(props["SUMMARY"]) == e.summary
    assert unescape(props["LOCATION"]) == e.location
    assert props["URL"] == e.url
    assert unescape(props["DESCRIPTION"]) == e.description
    assert props["STATUS"] == "CONFIRMED"
    organizer = next(p for p in parse(data) if p[0] == "ORGANIZER")
    assert organizer[1] == {"CN": "Иванова Мария Петровна"}
    assert organizer[2].startswith("mailto:")


def test_crlf_only_and_utf8() -> None:
    data = build_ics(event())
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    data.decode("utf-8")


def test_utc_times_from_vladivostok() -> None:
    props = vevent(build_ics(event()))
    # 15:00 in Vladivostok (UTC+10) is 05:00 UTC; 16:30 is 06:30 UTC.
    assert props["DTSTART"] == "20270315T050000Z"
    assert props["DTEND"] == "20270315T063000Z"


def test_utc_time_crossing_midnight_drops_microseconds() -> None:
    start = datetime(2027, 1, 1, 8, 15, 30, 999_999, tzinfo=VLADIVOSTOK)
    props = vevent(build_ics(event(start=start, end=start + timedelta(hours=1))))
    assert props["DTSTART"] == "20261231T221530Z"
    assert props["DTEND"] == "20261231T231530Z"


def test_sequence_is_written() -> None:
    assert vevent(build_ics(event(sequence=0)))["SEQUENCE"] == "0"
    assert vevent(build_ics(event(sequence=17)))["SEQUENCE"] == "17"


def test_reminder_alarm_when_not_cancelled() -> None:
    lines = unfold(build_ics(event()))
    start = lines.index("BEGIN:VALARM")
    alarm = lines[start : lines.index("END:VALARM") + 1]
    assert "ACTION:DISPLAY" in alarm
    assert "TRIGGER:-PT2H" in alarm
    assert any(line.startswith("DESCRIPTION:") for line in alarm)
    assert lines.index("END:VEVENT") > lines.index("END:VALARM")


def test_cancel_method_status_and_no_alarm() -> None:
    data = build_ics(event(cancelled=True, sequence=4))
    assert calendar_props(data)["METHOD"] == "CANCEL"
    props = vevent(data)
    assert props["STATUS"] == "CANCELLED"
    assert props["SEQUENCE"] == "4"
    assert props["UID"] == "meeting-12@metod-bot"
    assert b"VALARM" not in data
    assert b"METHOD:REQUEST" not in data and b"METHOD:PUBLISH" not in data


def test_optional_properties_left_out() -> None:
    data = build_ics(event(location=None, url=None, organizer_name=None))
    props = vevent(data)
    assert "LOCATION" not in props and "URL" not in props and "ORGANIZER" not in props
    assert "SUMMARY" in props and "DESCRIPTION" in props


# --- escaping ---


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("a\\b", "a\\\\b"),
        ("line1\nline2", "line1\\nline2"),
        ("line1\r\nline2\rline3", "line1\\nline2\\nline3"),
        ("Привет, мир; ёж\\", "Привет\\, мир\\; ёж\\\\"),
        ("tab\tkept, bell\x07 dropped", "tab\tkept\\, bell dropped"),
        ("a:b", "a:b"),
    ],
)
def test_escape_text(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped


def test_escaped_values_round_trip_through_the_reader() -> None:
    tricky = 'Кабинет 12, этаж 3; вход со двора\\левый\nвторая строка "кавычки"'
    data = build_ics(event(summary=tricky, location=tricky, description=tricky))
    props = vevent(data)
    for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
        assert unescape(props[name]) == tricky
    # no unescaped separator is left in a TEXT value
    assert not re.search(r"[,;\n]", re.sub(r"\\.", "", props["SUMMARY"]))


def test_organizer_name_with_quotes_and_colon_is_a_safe_parameter() -> None:
    data = build_ics(event(organizer_name='Петров "Пётр": зам; председатель'))
    _name, params, value = next(p for p in parse(data) if p[0] == "ORGANIZER")
    assert params["CN"] == "Петров ^'Пётр^': зам; председатель"  # RFC 6868 caret encoding
    assert value.startswith("mailto:")


def test_url_is_not_text_escaped_but_has_no_spaces() -> None:
    props = vevent(build_ics(event(url="https://example.org/a,b;c?q=1 2\n")))
    assert props["URL"] == "https://example.org/a,b;c?q=1%202%0A"


# --- folding ---


def physical_lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")[:-1]


@pytest.mark.parametrize(
    "text",
    [
        "x" * 300,
        "Ж" * 200,  # two octets each
        "€" * 150,  # three octets each
        "😀" * 100,  # four octets each
        "a" + "Ж" * 120 + "b😀" * 30,  # odd offsets
        "\\,;" * 100 + "\n" * 50,  # every character escaped
        ("Повестка, пункт; " * 40).strip(),
    ],
)
def test_folding_keeps_lines_short_and_characters_whole(text: str) -> None:
    data = build_ics(event(description=text, summary=text, location=text))
    for line in physical_lines(data):
        assert len(line) <= MAX_LINE_OCTETS, line
        line.decode("utf-8")  # no character split across a fold
    props = vevent(data)
    for name in ("DESCRIPTION", "SUMMARY", "LOCATION"):
        assert unescape(props[name]) == text


def test_folding_uses_the_full_75_octets_and_continuations_start_with_space() -> None:
    data = build_ics(event(description="y" * 500))
    lines = [line for line in physical_lines(data) if b"yyy" in line]
    assert lines[0] == b"DESCRIPTION:" + b"y" * (75 - len("DESCRIPTION:"))
    assert all(line.startswith(b" ") for line in lines[1:])
    assert all(len(line) == 75 for line in lines[:-1])


def test_fold_does_not_split_an_escape_pair() -> None:
    # 74 plain octets, then `\,`: the pair moves to the next line whole.
    folded = fold("X" * 74 + "\\,tail")
    first, second = folded.split("\r\n")
    assert first == "X" * 74
    assert second == " \\,tail"


def test_short_line_is_not_folded() -> None:
    assert fold("SUMMARY:" + "z" * 67) == "SUMMARY:" + "z" * 67
    assert "\r\n" in fold("SUMMARY:" + "z" * 68)


# --- errors ---


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_ics(event(start=datetime(2027, 3, 15, 15, 0)))
    with pytest.raises(ValueError, match="timezone-aware"):
        build_ics(event(stamp=datetime(2027, 3, 1, 9, 0)))


def test_end_must_follow_start() -> None:
    e = event()
    with pytest.raises(ValueError, match="later"):
        build_ics(replace(e, end=e.start))


def test_negative_sequence_is_rejected() -> None:
    with pytest.raises(ValueError, match="SEQUENCE"):
        build_ics(event(sequence=-1))


def test_icalendar_library_reads_it() -> None:
    e = event(description="a, b; c\\d\n" + "Ж" * 100, organizer_name='Петров "Пётр"')
    cal = icalendar.Calendar.from_ical(build_ics(e))
    assert str(cal["METHOD"]) == "PUBLISH"
    (ev,) = [c for c in cal.walk() if c.name == "VEVENT"]
    assert str(ev["UID"]) == e.uid
    assert int(str(ev["SEQUENCE"])) == 3
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert str(ev["SUMMARY"]) == e.summary
    assert str(ev["DESCRIPTION"]) == e.description
    assert ev.decoded("DTSTART") == e.start
    assert ev.decoded("DTEND") == e.end
    assert ev["ORGANIZER"].params["CN"] == 'Петров "Пётр"'
    assert not [c for c in cal.walk() if c.name == "VEVENT" and "ATTENDEE" in c]


def test_icalendar_library_reads_the_cancellation() -> None:
    invitation = icalendar.Calendar.from_ical(build_ics(event(sequence=3)))
    cancel = icalendar.Calendar.from_ical(build_ics(event(sequence=4, cancelled=True)))
    assert str(cancel["METHOD"]) == "CANCEL"
    (first,) = [c for c in invitation.walk() if c.name == "VEVENT"]
    (ev,) = [c for c in cancel.walk() if c.name == "VEVENT"]
    assert str(ev["UID"]) == str(first["UID"])  # the same event
    assert int(str(ev["SEQUENCE"])) == int(str(first["SEQUENCE"])) + 1  # newer than the invitation
    assert str(ev["STATUS"]) == "CANCELLED"
    assert not [c for c in cancel.walk() if c.name == "VALARM"]
