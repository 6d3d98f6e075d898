"""Callback data of one of our prefixes that does not parse because of a number beyond its
field's bound: an id past 64 bits (`sv:xlsx:9999999999999999999999999:0:0`) names no row
there can be. The last router answers it as "not found" instead of a stale button, before
any query, whatever the feature (`handlers/fallback.py`)."""

from __future__ import annotations

import importlib
import inspect
import re
from functools import cache

from aiogram.filters.callback_data import CallbackData
from pydantic import ValidationError

from ui.callbacks.base import ID_MAX

FEATURES = (
    "attendance",
    "common",
    "meetings",
    "overview",
    "people",
    "plans",
    "protocols",
    "surveys",
)

_NUMBER = re.compile(r"[0-9]+")
_OUT_OF_RANGE = frozenset({"less_than_equal", "greater_than_equal", "less_than", "greater_than"})


@cache
def by_prefix() -> dict[str, type[CallbackData]]:
    """Every callback class of `ui.callbacks`, by its prefix."""
    found: dict[str, type[CallbackData]] = {}
    for feature in FEATURES:
        module = importlib.import_module(f"ui.callbacks.{feature}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, CallbackData) and cls is not CallbackData:
                found[cls.__prefix__] = cls
    return found


def names_no_row(data: str) -> bool:
    """True when `data` has one of our prefixes and fails to parse only because a number in
    it is out of its field's bounds (an `Id` past `ID_MAX`, a position past the last)."""
    prefix, separator, rest = data.partition(":")
    cls = by_prefix().get(prefix)
    if cls is None or not separator:
        return False
    try:
        cls.unpack(data)
    except ValidationError as exc:
        if all(error["type"] in _OUT_OF_RANGE for error in exc.errors()):
            return True
        return _beyond_ids(rest)
    except (ValueError, TypeError):
        return _beyond_ids(rest)
    return False


def _beyond_ids(fields: str) -> bool:
    return any(int(number) > ID_MAX for number in _NUMBER.findall(fields))
