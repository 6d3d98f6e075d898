"""How an outbox key format is written once and used both ways: a `str.format` pattern with
named fields builds a key and, turned into a regex, parses one back. The formats themselves
are in `services.outbox.keys` (and only there)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import date

Value = int | date

# What a field may look like in a key: ids may be negative (group chats), dates are ISO.
_INT = r"-?\d+"
_DATE = r"\d{4}-\d{2}-\d{2}"
_DATES = frozenset({"day", "order_date"})


@dataclass(frozen=True)
class Format:
    """One key format: `pattern` with named fields, e.g. ``meeting:{meeting_id}:checkin``."""

    name: str
    pattern: str
    fields: tuple[str, ...] = field(init=False)
    regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names: list[str] = []
        regex = ""
        for literal, name, _spec, _conv in string.Formatter().parse(self.pattern):
            regex += re.escape(literal)
            if name is not None:
                names.append(name)
                regex += f"(?P<{name}>{_DATE if name in _DATES else _INT})"
        object.__setattr__(self, "fields", tuple(names))
        object.__setattr__(self, "regex", re.compile(regex))

    def build(self, **values: Value) -> str:
        if set(values) != set(self.fields):
            raise TypeError(f"key {self.name}: fields {self.fields}, got {sorted(values)}")
        return self.pattern.format(
            **{k: v.isoformat() if isinstance(v, date) else str(int(v)) for k, v in values.items()}
        )

    def parse(self, key: str) -> dict[str, Value] | None:
        match = self.regex.fullmatch(key)
        if match is None:
            return None
        return {
            k: date.fromisoformat(v) if k in _DATES else int(v)
            for k, v in match.groupdict().items()
        }


@dataclass(frozen=True)
class Parsed:
    """A key read back: which format, and its fields (ids as ints, days as dates)."""

    name: str
    fields: dict[str, Value]


FORMATS: dict[str, Format] = {}


def register(name: str, pattern: str) -> Format:
    found = Format(name, pattern)
    FORMATS[name] = found
    return found


# ---------------------------------------------------------------- reading keys back


def subject_of(key: str) -> str:
    """What a group or dedupe key is about: its first segment (``meeting`` for
    ``meeting:12:notice:3``); a key of another shape gives its own first segment too."""
    return key.split(":", 1)[0]


def parse(key: str) -> Parsed | None:
    """The one format `key` was built with, and its fields; None for a key of no format."""
    found = [
        Parsed(f.name, values) for f in FORMATS.values() if (values := f.parse(key)) is not None
    ]
    if len(found) > 1:  # the formats are unambiguous (tested); never guess
        raise ValueError(f"outbox key {key!r} matches {[p.name for p in found]}")
    return found[0] if found else None
