"""gettext catalogs (ru default, en): compile stale .mo files and build aiogram's I18n.

`python -m bot.i18n compile` compiles every `locales/*/LC_MESSAGES/messages.po` whose `.mo`
is missing or older; `python -m bot` does the same at start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.config import ROOT
from documents.i18n import DOMAIN as DOMAIN
from documents.i18n import LOCALES as LOCALES
from documents.i18n import LOCALES_DIR as LOCALES_DIR


def compile_catalogs(locales_dir: Path = LOCALES_DIR, *, force: bool = False) -> list[Path]:
    """Compile `.po` → `.mo` where the `.mo` is missing or stale; return the files written."""
    written: list[Path] = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        tmp.replace(mo_path)
        written.append(mo_path)
    return written


def fill_source_catalog(locales_dir: Path = LOCALES_DIR, locale: str = "en") -> int:
    """msgids are English: the en catalog's msgstr is its msgid. Returns entries filled."""
    po_path = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            message.string = message.id  # a plural's (singular, plural) too: English's forms
            message.flags.discard("fuzzy")
            filled += 1
    if filled:
        with po_path.open("wb") as po_file:
            write_po(
                po_file, catalog, omit_header=False, sort_output=True, no_location=True, width=100
            )
    return filled


def main(argv: list[str]) -> int:
    if argv[:1] == ["fill-en"]:
        print(f"en: filled {fill_source_catalog()} entries")
        return 0
    if argv[:1] != ["compile"]:
        print("usage: python -m bot.i18n compile [--force] | fill-en", file=sys.stderr)
        return 2
    for path in compile_catalogs(force="--force" in argv):
        print(f"compiled {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
