"""Keyboard and wording helpers shared by handlers and the scheduler."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder


def inline(builder: InlineKeyboardBuilder, *sizes: int) -> InlineKeyboardMarkup:
    """Arrange the buttons in rows of `sizes` and build the markup."""
    builder.adjust(*sizes)
    return builder.as_markup()


def days_phrase(n: int) -> str:
    """«5 дней», «2 дня», «1 день» — the number with its noun in the reader's language."""
    return ngettext("{n} day", "{n} days", n).format(n=n)
