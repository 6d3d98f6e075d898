"""iCalendar (RFC 5545) invitations for meetings, written by hand: no third-party library.

One VEVENT per file. The meeting's stable UID and its revision as SEQUENCE let a calendar
replace an earlier invitation. An invitation is `METHOD:PUBLISH` (RFC 5546 §3.2.1: a
REQUEST must name its ATTENDEEs, and the bot sends one file to every member, naming none);
a cancellation is `METHOD:CANCEL` with `STATUS:CANCELLED` and a SEQUENCE above the last
invitation's (the meeting's revision goes up when it is cancelled). Times are written in
UTC, so no VTIMEZONE is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//metod-bot//RU"
# ORGANIZER's value must be a calendar address (a URI). The bot has no mailbox, so the name
# goes in CN and the address is one that can never be delivered to (RFC 2606 `.invalid`).
ORGANIZER_ADDRESS = "mailto:noreply@metod-bot.invalid"
REMINDER_BEFORE = "-PT2H"
MAX_LINE_OCTETS = 75  # RFC 5545 §3.1, excluding the CRLF
CRLF = "\r\n"

# Control characters are not allowed in TEXT values (HTAB is; newlines are escaped as \n).
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
# Folding never splits a character, nor a backslash escape (some readers choke on `\` + fold).
_FOLD_UNIT = re.compile(r"\\.|.", re.DOTALL)


@dataclass(frozen=True, slots=True)
class IcsEvent:
    """What an invitation says. Every datetime must be timezone-aware."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    location: str | None
    url: str | None
    description: str
    organizer_name: str | None
    cancelled: bool
    stamp: datetime  # DTSTAMP: when this version of the invitation was made


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma escaped; newline → `\\n`."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _TEXT_CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def quote_param(value: str) -> str:
    """A parameter value, always quoted; `^`, newline and `"` encoded per RFC 6868."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    return '"' + _TEXT_CONTROL.sub("", value) + '"'


def _uri(value: str) -> str:
    """A URI value is not TEXT-escaped; spaces and control characters are percent-encoded."""
    return _URI_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", value)


def _utc(moment: datetime, what: str) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold one content line into physical lines of at most 75 octets of UTF-8, joined by
    CRLF + space (the space counts toward the next line's 75); never inside a character."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for unit in _FOLD_UNIT.findall(line):
        octets = len(unit.encode("utf-8"))
        if current and size + octets > MAX_LINE_OCTETS:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(unit)
        size += octets
    parts.append("".join(current))
    return CRLF.join(parts)


def _lines(event: IcsEvent) -> Iterator[str]:
    if event.sequence < 0:
        raise ValueError(f"SEQUENCE must not be negative, got {event.sequence}")
    start = _utc(event.start, "start")
    end = _utc(event.end, "end")
    if event.end <= event.start:
        raise ValueError("end must be later than start")
    yield "BEGIN:VCALENDAR"
    yield "VERSION:2.0"
    yield f"PRODID:{PRODID}"
    yield "CALSCALE:GREGORIAN"
    yield "METHOD:CANCEL" if event.cancelled else "METHOD:PUBLISH"
    yield "BEGIN:VEVENT"
    yield f"UID:{escape_text(event.uid)}"
    yield f"SEQUENCE:{event.sequence}"
    yield f"DTSTAMP:{_utc(event.stamp, 'stamp')}"
    yield f"DTSTART:{start}"
    yield f"DTEND:{end}"
    yield f"SUMMARY:{escape_text(event.summary)}"
    if event.location:
        yield f"LOCATION:{escape_text(event.location)}"
    if event.url:
        yield f"URL:{_uri(event.url)}"
    yield f"DESCRIPTION:{escape_text(event.description)}"
    if event.organizer_name:
        yield f"ORGANIZER;CN={quote_param(event.organizer_name)}:{ORGANIZER_ADDRESS}"
    yield "STATUS:CANCELLED" if event.cancelled else "STATUS:CONFIRMED"
    if not event.cancelled:
        yield "BEGIN:VALARM"
        yield "ACTION:DISPLAY"
        yield f"TRIGGER:{REMINDER_BEFORE}"
        yield f"DESCRIPTION:{escape_text(event.summary)}"
        yield "END:VALARM"
    yield "END:VEVENT"
    yield "END:VCALENDAR"


def build_ics(event: IcsEvent) -> bytes:
    """The invitation as UTF-8 bytes with CRLF line endings, lines folded at 75 octets.

    Raises ValueError for a naive datetime, an end not after the start, a negative SEQUENCE.
    """
    return "".join(fold(line) + CRLF for line in _lines(event)).encode("utf-8")
