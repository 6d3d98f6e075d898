"""Messages as the bot sends them, shared by handlers (previews) and the outbox sender:
a message is one or more parts, each one Telegram call."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup

from bot.render import render
from services.announcements import Content

CAPTION_MAX = 1024


@dataclass(frozen=True)
class Part:
    """A text message, or a file (by Telegram's file_id, or one of our stored files,
    uploaded once and then re-sent by file_id) with an optional caption."""

    text: str | None = None
    file_id: str | None = None
    file_kind: str = "document"  # document | photo
    stored_file_id: int | None = None
    caption: str | None = None
    reply_markup: InlineKeyboardMarkup | None = None


def announcement_parts(content: Content) -> list[Part]:
    """An announcement as members get it (and as its author previews it): the header and
    the text, and the file; one message with a caption when the text fits in one."""
    text = render("announcement.html", a=content)
    if content.file_id is None:
        return [Part(text=text)]
    kind = content.file_kind or "document"
    if len(text) <= CAPTION_MAX:
        return [Part(file_id=content.file_id, file_kind=kind, caption=text)]
    return [Part(text=text), Part(file_id=content.file_id, file_kind=kind)]
