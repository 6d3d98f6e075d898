"""Polls and surveys in the chat: `/poll` (a question, its options, a few toggles, sent),
`/survey` (from a built-in template or from scratch, edited, sent), answering one question
at a time with progress, back and skip, and `/surveys`: what waits for my answer, what I
sent, with results, charts and the XLSX.

- `polls`, `creating`: new drafts; `card`: the draft's card; `editor`: its questions and
  toggles, discard, send; `audience`: to whom and when;
- `answering`: one question at a time; `results`: the author's results and `/surveys`;
- `states`: the chat states; `common`: what they share.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.surveys import answering, audience, creating, editor, polls, results
from handlers.surveys.states import Answering, PollWizard, SurveyWizard


def setup() -> Router:
    """The survey screens, on a fresh router (private chats only)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    for module in (polls, creating, editor, audience, results, answering):
        module.register(router)
    return router


async def text_hint(message: Message) -> None:
    await message.answer(_("Please send text, or /cancel."))


def setup_hints() -> Router:
    """Anything but text inside a survey wizard: a hint."""
    hints = Router(name=f"{__name__}.hints")
    hints.message.filter(F.chat.type == "private")
    hints.message.register(answering.scale_hint, Answering.scale)  # a scale: tap 1–5
    hints.message.register(text_hint, StateFilter(PollWizard, SurveyWizard, Answering))
    return hints
