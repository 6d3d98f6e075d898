"""Typed callback data of the annual analysis (issue 16): the chair's card (documents,
sections, the measures' answer, submitting) and the methodist's decision. Ids only: the
association and the school year; every action is checked again in services.analysis."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from ui.callbacks.base import Id

Year = Annotated[int, Field(ge=2000, le=2200)]
Section = Annotated[int, Field(ge=0, le=50)]


class AnalysisAction(StrEnum):
    OPEN = "open"  # the card
    DOCX = "docx"
    XLSX = "xlsx"
    SECTION = "sec"  # write section `arg` (services.analysis.SECTIONS)
    SECTIONS = "secs"  # the list of sections to write
    MEASURES_YES = "my"
    MEASURES_NO = "mn"
    SUBMIT = "send"
    ACCEPT = "ok"  # a methodist: «принято»
    RETURN = "back"  # a methodist: «на доработку», then the comment


class AnalysisCb(CallbackData, prefix="ya"):
    action: AnalysisAction
    association_id: Id
    year: Year
    arg: Section = 0
