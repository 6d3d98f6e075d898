"""People's text in a spreadsheet cell: a leading `=`, `+`, `-` or `@` would be read as a
formula by spreadsheet programs (a school named «=HYPERLINK(…)» would run), so such a text
is stored with a leading apostrophe; and no cell holds more than Excel's 32,767 characters."""

from __future__ import annotations

CELL_MAX = 32_767  # Excel's limit for one cell's text


def text(value: str) -> str:
    value = value[:CELL_MAX]
    return "'" + value if value.startswith(("=", "+", "-", "@")) else value
