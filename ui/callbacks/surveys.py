"""Typed callback data of surveys and polls: answering, results and the editor.

Ids only, well under Telegram's 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class SurveyCb(CallbackData, prefix="sv"):
    """Answering and results: start, go (to `pos`), one/scale (`arg` the option or value),
    tog/many (multiple choice), other, skip, finish; res, chart, xlsx, close, edit."""

    action: str
    survey_id: int
    pos: int = 0
    arg: int = 0


class SurveyEdit(CallbackData, prefix="se"):
    """The author's draft: tpl/blank (`arg` the association), add (`value` the kind), del,
    req, up, q, text (`arg` a question), multi, other, anon, days (`arg`), aud, audt,
    audall, dates, back, send, drop."""

    action: str
    survey_id: int
    arg: int = 0
    value: str = ""
    version: int = 0
