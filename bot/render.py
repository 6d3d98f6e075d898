"""Jinja2 rendering of message templates with gettext in the current update's locale."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from aiogram.utils.i18n import gettext, ngettext
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.config import ROOT

TEMPLATES_DIR = ROOT / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def render(template: str, **context: Any) -> str:
    """Render `templates/<template>`; user strings are escaped, text is trimmed."""
    return environment().get_template(template).render(**context).strip()


_TAG = re.compile(r"<[^<>]*>")
_TOKEN = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|.", re.DOTALL)


def visible_length(html_text: str) -> int:
    """The length Telegram counts: after parsing the HTML, in UTF-16 code units."""
    plain = html.unescape(_TAG.sub("", html_text))
    return len(plain.encode("utf-16-le")) // 2


def _cut_line(line: str, limit: int) -> list[str]:
    """A single line too long for one message: its tags are dropped (our templates only put
    tags in short header lines; an overlong line is someone's paragraph) and it is cut
    between characters, never inside an entity such as `&amp;`."""
    tokens = _TOKEN.findall(_TAG.sub("", line))
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for token in tokens:
        width = visible_length(token)
        if size + width > limit and current:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(token)
        size += width
    if current:
        pieces.append("".join(current))
    return pieces


def split_message(lines: list[str], limit: int = 4000) -> list[str]:
    """Join rendered lines into messages that fit Telegram's 4,096 (counted as Telegram counts:
    after parsing, in UTF-16 units), never cutting a line, so no tag or entity is cut. A
    single line longer than a message is cut on its own (see `_cut_line`)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        width = visible_length(line)
        if width > limit:
            if current:
                chunks.append("\n".join(current))
                current, size = [], 0
            chunks.extend(_cut_line(line, limit))
            continue
        extra = width + (1 if current else 0)
        if current and size + extra > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
            extra = width
        current.append(line)
        size += extra
    if current:
        chunks.append("\n".join(current))
    return [chunk for chunk in chunks if chunk.strip()]
