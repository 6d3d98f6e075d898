"""Field types of callback data.

A button's payload is `prefix:field:field…` in the order the class declares its fields, at
most 64 bytes. Rules for every class in this package:

- the action is an `Enum` (a `StrEnum` whose values are the codes buttons already carry);
  filters compare members (`F.action == MeetingAction.YES`), never strings;
- every id is an `Id` (a bounded non-negative integer), every other value an `Enum`, a
  `bool`, a bounded `int` or a `Token` with one meaning — never a bare `str` whose meaning
  changes with the action;
- a prefix, a field's position and the codes it carries never change: buttons sent days ago
  must keep parsing to the same action (the compatibility tests hold today's strings).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

ID_MAX = 2**63 - 1  # a BigInteger primary key or a Telegram id

Id = Annotated[int, Field(ge=0, le=ID_MAX)]
"""A database id (0 where the class documents "none")."""

Page = Annotated[int, Field(ge=0, le=10_000)]
"""A page of a paged list or picker."""


def _bounded_digits(value: str) -> str:
    """A code made of digits only is a row's id (`Pick` at a step that picks a row): it is
    bounded as an `Id` is, so no handler ever reads one beyond 64 bits."""
    if value.isdigit() and int(value) > ID_MAX:
        raise ValueError("an id beyond 64 bits")
    return value


Token = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_/+\-.]{1,40}$"),
    AfterValidator(_bounded_digits),
]
"""A short code of one meaning (a time zone name, a template's code): letters, digits and
`_ / + - .`; never the separator `:`. Digits only: an id, at most `ID_MAX`."""
