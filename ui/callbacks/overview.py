"""The methodist's desk (issue 18): the overview's pages, an association's card from a row,
and the overview as XLSX and PNG; needs monitoring (`NeedsCb`). `service_id` 0: every
service the person oversees."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from ui.callbacks.base import Id, Page


class OverviewAction(enum.StrEnum):
    PAGE = "pg"  # the overview's page `page`
    OPEN = "op"  # the card of `association_id` (back to `page`)
    XLSX = "xl"  # the overview as XLSX
    CHART = "ch"  # the overview's chart (PNG): meetings held and average attendance
    BANK = "bk"  # the data bank of members of the service(s) as XLSX


class OverviewCb(CallbackData, prefix="ov"):
    action: OverviewAction
    service_id: Id = 0
    page: Page = 0
    association_id: Id = 0


class NeedsAction(enum.StrEnum):
    SHOW = "sh"  # the needs breakdown of the overview's services (back to its `page`)
    CHART = "ch"  # its directions and formats as PNG
    XLSX = "xl"  # it as XLSX
    SCHOOLS = "ss"  # the schools to pick from, page `page`
    SCHOOL = "sd"  # `school_id`'s one-page summary as DOCX


class NeedsCb(CallbackData, prefix="nd"):
    action: NeedsAction
    service_id: Id = 0
    page: Page = 0
    school_id: Id = 0
