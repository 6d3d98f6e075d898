"""The methodist's desk (issue 18): the overview's pages, an association's card from a row,
and the overview as XLSX. `service_id` 0: every service the person oversees."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from ui.callbacks.base import Id, Page


class OverviewAction(enum.StrEnum):
    PAGE = "pg"  # the overview's page `page`
    OPEN = "op"  # the card of `association_id` (back to `page`)
    XLSX = "xl"  # the overview as XLSX
    BANK = "bk"  # the data bank of members of the service(s) as XLSX


class OverviewCb(CallbackData, prefix="ov"):
    action: OverviewAction
    service_id: Id = 0
    page: Page = 0
    association_id: Id = 0
