"""openpyxl's `Worksheet.max_row` scans every cell: read once per row, a builder is quadratic
(the data bank of 30,000 people took over 5 minutes). `max_row_forbidden` makes reading it
fail, so a test shows a builder counts its rows itself."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]


def _forbidden(_sheet: Any) -> int:
    raise AssertionError("Worksheet.max_row scans every cell: count the rows instead")


@contextlib.contextmanager
def max_row_forbidden() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Worksheet, "max_row", property(_forbidden))
        yield
