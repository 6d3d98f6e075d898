"""Documents are written in their association's (or survey's) language, whatever the
language of the person who asks for them: gettext catalogs loaded per locale.

Where the catalogs live is said here, below the bot and the documents both: `bot.i18n`
(which compiles them and builds aiogram's I18n) takes these names from this module."""

from __future__ import annotations

from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
LOCALES = ("ru", "en")  # the first is the default


@lru_cache(maxsize=4)
def translations(locale: str) -> NullTranslations:
    """The catalog of `locale` (an unknown one: the default, Russian)."""
    return Translations.load(
        str(LOCALES_DIR), [locale if locale in LOCALES else LOCALES[0]], DOMAIN
    )
