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
Arg = Annotated[int, Field(ge=0, le=100_000)]


class AnalysisAction(StrEnum):
    OPEN = "open"  # the card
    DOCX = "docx"
    XLSX = "xlsx"
    SECTION = "sec"  # write section `arg` (services.analysis.SECTIONS)
    SECTIONS = "secs"  # the list of sections to write
    MEASURES_YES = "my"
    MEASURES_NO = "mn"
    SUBMIT = "send"
    ACCEPT = "ok"  # a methodist: «принято» (of round `arg`)
    RETURN = "back"  # a methodist: «на доработку» (of round `arg`), then the comment


class AnalysisCb(CallbackData, prefix="ya"):
    action: AnalysisAction
    association_id: Id
    year: Year
    arg: Arg = 0  # SECTION: the section; ACCEPT, RETURN: the submission's round
