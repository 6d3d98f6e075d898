"""Documents are written in their association's (or survey's) language, whatever the
language of the person who asks for them: gettext catalogs loaded per locale."""

from __future__ import annotations

from functools import lru_cache
from gettext import NullTranslations

from babel.support import Translations

from bot.i18n import DOMAIN, LOCALES, LOCALES_DIR


@lru_cache(maxsize=4)
def translations(locale: str) -> NullTranslations:
    """The catalog of `locale` (an unknown one: the default, Russian)."""
    return Translations.load(
        str(LOCALES_DIR), [locale if locale in LOCALES else LOCALES[0]], DOMAIN
    )
