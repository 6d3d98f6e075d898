"""Typed callback data of the annual plan (`/plan`, «📅 План на год»).

Ids only, well under Telegram's 64 bytes. A button that changes a draft carries the version
the card showed (`version`): a tap on an older card is refused by the services' version
check (DRAFT_CHANGED), never applied to a draft someone else changed meanwhile.
tests/test_callbacks_plans.py holds the strings."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from services.plans import PlanField
from ui.callbacks.base import Id

Version = Annotated[int, Field(ge=0, le=2**31 - 1)]
"""A draft's version (0: none)."""

SchoolYear = Annotated[int, Field(ge=0, le=9999)]
"""A school year by the calendar year it begins in."""


class PlanAction(StrEnum):
    OPEN = "open"  # the card (also «Refresh»)
    EDITION = "edition"  # a new edition of an approved plan
    ADD = "add"  # add a row
    ROWS = "rows"  # the rows with their buttons
    ROW = "row"  # one row's buttons: `row_id`
    UP = "up"  # move the row one place up: `row_id`
    DOWN = "down"  # one place down: `row_id`
    DELETE = "del"  # delete the row: `row_id`
    EDIT_ROW = "edrow"  # type the row again (the add-row steps, replacing it): `row_id`
    DOCX = "docx"
    XLSX = "xlsx"
    TEMPLATE = "tpl"  # the empty XLSX template
    IMPORT = "imp"  # send a filled template
    APPLY = "apply"  # apply the import's preview
    CANCEL = "cancel"  # drop the import's preview
    MEET = "meet"  # the row becomes a meeting draft (services.plans.meeting_from_row): `row_id`
    MEETING = "mtg"  # open the meeting made of the row: `row_id`


class PlanCb(CallbackData, prefix="yp"):
    """An action on a plan's edition; `version` the draft's version the card showed,
    `row_id` the row (row actions, else 0)."""

    action: PlanAction
    plan_id: Id
    version: Version = 0
    row_id: Id = 0


class PlanFieldCb(CallbackData, prefix="yf"):
    """Edit a field of Приложение 1 of the draft at `version`."""

    plan_id: Id
    version: Version
    field: PlanField


class YearAction(StrEnum):
    SHOW = "show"  # the plan of the year (or the offer to make one)
    CREATE = "new"  # an empty draft
    COPY = "copy"  # a copy of last year's plan
    POINTS = "points"  # last year's analysis: its conclusions, to draft the plan from


class PlanYearCb(CallbackData, prefix="yy"):
    """An association's plan of a school year."""

    action: YearAction
    association_id: Id
    year: SchoolYear


class RowStep(StrEnum):
    """The add-row step a `RowPick` answers."""

    DIRECTION = "dir"  # `value`: the index in DIRECTIONS; OWN: type one's own
    DATE = "date"  # SKIP: no date
    KIND = "kind"  # `value`: the index in PlanRowKind
    VENUE = "venue"  # `value`: a school's id; SKIP: none
    RESPONSIBLE = "resp"  # `value`: a member's person id; SKIP: none, DONE: enough


class Special(StrEnum):
    NONE = "-"
    OWN = "own"
    SKIP = "skip"
    DONE = "done"


class RowPick(CallbackData, prefix="yr"):
    """A choice at a step of the add-row wizard."""

    step: RowStep
    value: Id = 0
    special: Special = Special.NONE
