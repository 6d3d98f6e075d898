"""Checks of user-supplied text (DESIGN.md "Limits users meet")."""

from __future__ import annotations

import re

from services.errors import DomainError, ErrorCode

NAME_MIN, NAME_MAX = 2, 150  # full name, school name
TOPIC_MAX = 300  # topic, agenda question, option, subject, association name
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|[<>]")
_REAL_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_SPACES = re.compile(r"\s+")


def clean_line(text: str | None) -> str:
    """Collapse whitespace (including newlines) to single spaces and trim."""
    return _SPACES.sub(" ", text or "").strip()


def _no_html(value: str) -> None:
    if _TAG.search(value):
        raise DomainError(ErrorCode.HTML_NOT_ALLOWED)


def check_name(text: str | None, *, min_len: int = NAME_MIN, max_len: int = NAME_MAX) -> str:
    """A person's full name or a school name: 2-150 characters, letters required, no HTML."""
    value = clean_line(text)
    if not value:
        raise DomainError(ErrorCode.NAME_EMPTY)
    _no_html(value)
    if len(value) > max_len:
        raise DomainError(ErrorCode.NAME_TOO_LONG, max=max_len, length=len(value))
    if len(value) < min_len or not any(ch.isalpha() for ch in value):
        raise DomainError(ErrorCode.NAME_TOO_SHORT, min=min_len)
    return value


def check_title(text: str | None, *, max_len: int = TOPIC_MAX, angles: bool = False) -> str:
    """A subject, association name or topic: 1-300 characters, no HTML. With `angles`, the
    characters < and > are allowed (a maths topic «x < 5»): such text is only ever shown
    escaped."""
    value = clean_line(text)
    if not value:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if not angles:
        _no_html(value)
    if len(value) > max_len:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=max_len, length=len(value))
    return value


def check_text(text: str | None, *, max_len: int, angles: bool = False) -> str:
    """Plain text of several lines (awards, titles): spaces collapsed inside each line, blank
    lines dropped, no HTML, at most `max_len` characters. With `angles`, a lone < or > is
    allowed («средний балл > 4»: shown escaped); a tag is still refused."""
    lines = [clean_line(line) for line in (text or "").splitlines()]
    value = "\n".join(line for line in lines if line)
    if not value:
        raise DomainError(ErrorCode.TEXT_EMPTY)
    if angles:
        if _REAL_TAG.search(value):
            raise DomainError(ErrorCode.HTML_NOT_ALLOWED)
    else:
        _no_html(value)
    if len(value) > max_len:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, max=max_len, length=len(value))
    return value


# A number typed with an optional unit after it: «25», «25 лет», «1984 г.», «12 years».
_NUMBER = re.compile(r"(\d{1,4})(?:\s*[^\W\d_][^\W\d_.]*\.?){0,2}")


def check_number(text: str | None, *, low: int, high: int) -> int:
    """A whole number from `low` to `high`, possibly followed by a word («лет», «г.»)."""
    match = _NUMBER.fullmatch(clean_line(text))
    if match is None or not low <= int(match.group(1)) <= high:
        raise DomainError(ErrorCode.BAD_NUMBER, min=low, max=high)
    return int(match.group(1))
