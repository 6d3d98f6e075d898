"""Documents built at scale, away from the event loop.

openpyxl's `Worksheet.max_row` scans every cell: read once per row, a builder is quadratic
(the data bank of 30,000 people took over 5 minutes). `max_row_forbidden` makes reading it
fail, so a test shows a builder counts its rows itself.

`built_off_the_loop` wraps a document maker (or a workbook reader) so that a call on the
event loop's thread fails: the handlers run them with `asyncio.to_thread`."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import Callable, Iterator
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


def built_off_the_loop(monkeypatch: pytest.MonkeyPatch, *targets: str) -> list[str]:
    """Patch each "module:function" to fail on the event loop's thread; the list returned
    names each call made (off the loop), so a test sees the makers did run."""
    calls: list[str] = []
    for target in targets:
        module_name, name = target.split(":")
        module = importlib.import_module(module_name)
        original: Callable[..., Any] = getattr(module, name)

        def checked(*args: Any, _original: Any = original, _target: str = target) -> Any:
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # no loop in this thread: a worker thread
                calls.append(_target)
                return _original(*args)
            raise AssertionError(f"{_target} runs on the event loop: use asyncio.to_thread")

        monkeypatch.setattr(module, name, checked)
    return calls
