"""Both languages are complete: every message the code and the templates use has a Russian and
an English translation, with the same placeholders and HTML tags, and nothing fuzzy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.config import ROOT
from bot.i18n import DOMAIN, LOCALES, LOCALES_DIR, compile_catalogs

KEYWORDS = {"_": None, "__": (1, 2), "lazy_gettext": None, "N_": None, "gettext": None}
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TAG = re.compile(r"</?([a-z-]+)")


def catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        return read_po(po, locale=locale)


def used_msgids() -> set[str]:
    """What the code and templates ask to translate, extracted as `make locales` does."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def singular(msgid: str | Sequence[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def strings(msgstr: str | Sequence[str] | None) -> list[str]:
    if msgstr is None:
        return []
    return [msgstr] if isinstance(msgstr, str) else list(msgstr)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_used_message_is_in_the_catalog(locale: str) -> None:
    known = {singular(m.id) for m in catalog(locale) if m.id}
    missing = sorted(used_msgids() - known)
    assert not missing, f"not in locales/{locale} (run `make locales`, then translate): {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_not_fuzzy(locale: str) -> None:
    untranslated, fuzzy = [], []
    for message in catalog(locale):
        if not message.id:
            continue
        texts = strings(message.string)
        if not texts or not all(s.strip() for s in texts):
            untranslated.append(singular(message.id))
        if message.fuzzy:
            fuzzy.append(singular(message.id))
    assert not untranslated, f"locales/{locale}: no translation for {untranslated}"
    assert not fuzzy, f"locales/{locale}: fuzzy entries {fuzzy}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_placeholders_and_tags(locale: str) -> None:
    wrong = []
    for message in catalog(locale):
        if not message.id:
            continue
        source = singular(message.id)
        for text in strings(message.string):
            if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(source)):
                wrong.append((source, text, "placeholders"))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(source)):
                wrong.append((source, text, "tags"))
    assert not wrong, wrong


def test_english_is_the_msgid_and_russian_is_really_russian() -> None:
    english = catalog("en")
    for message in english:
        if message.id and isinstance(message.id, str):
            assert message.string == message.id, message.id
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    latin_only = [
        singular(m.id)
        for m in catalog("ru")
        if m.id and re.search("[a-z]{4,}", singular(m.id)) and not cyrillic.search(str(m.string))
    ]
    # A few are the same in both languages (a language's own name, an IANA zone example).
    assert len(latin_only) <= 3, latin_only


def test_catalogs_compile_and_translate(tmp_path: Path) -> None:
    for locale in LOCALES:
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        source = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        (target / f"{DOMAIN}.po").write_bytes(source.read_bytes())
    written = compile_catalogs(tmp_path)
    assert len(written) == len(LOCALES)
    assert compile_catalogs(tmp_path) == []  # fresh .mo files are not rewritten

    from aiogram.utils.i18n import I18n

    i18n = I18n(path=tmp_path, default_locale="ru", domain=DOMAIN)
    assert i18n.gettext("Cancelled. Nothing was changed.", locale="ru").startswith("Отменено")
    assert i18n.gettext("Cancelled. Nothing was changed.", locale="en").startswith("Cancelled")


def test_every_error_code_has_its_own_answer_in_both_languages() -> None:
    """A refusal says why: no domain error falls back to the generic «nothing was changed»,
    and each answer is translated (Russian differs from the English source)."""
    from aiogram.utils.i18n import I18n

    from handlers.errors import error_text
    from services.errors import DomainError, ErrorCode

    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    params = {"min": 2, "max": 9, "length": 12, "days": 5, "line": 3, "rows": 500}
    with i18n.context():
        for locale in LOCALES:
            with i18n.use_locale(locale):
                generic = i18n.gettext("This cannot be done. Nothing was changed.")
                for code in ErrorCode:
                    text = error_text(DomainError(code, **params))
                    assert text and text != generic, (locale, code)
                    if locale == "ru":
                        with i18n.use_locale("en"):
                            english = error_text(DomainError(code, **params))
                        assert text != english, f"{code} has no Russian text"
