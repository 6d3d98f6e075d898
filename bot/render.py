"""Jinja2 rendering of message templates with gettext in the current update's locale."""

from __future__ import annotations

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


def split_message(lines: list[str], limit: int = 4000) -> list[str]:
    """Join rendered lines into messages under Telegram's 4096 limit, never cutting a line
    (so no HTML tag is cut). A single overlong line is cut on a character boundary."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks
