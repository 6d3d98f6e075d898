"""A wizard never moves on without its question.

A step writes first, then moves the wizard on and asks the next question. When that question
cannot be delivered (a 5xx or no answer after `bot.retry`'s retries, or a 429 after the
limiter's), the write stays and the wizard has moved on, but the person never saw what it now
asks. So the undelivered message is kept in the wizard's data (JSON, as Redis keeps it), and
the person's next message in that private chat gets it again instead of being taken as the
answer:

* the wizard moved on (its state changed: to the next question, or out of the wizard with
  the reply that ends it; or a button led to it): whatever they type next cannot answer a
  question they never saw — the question (or that reply) is sent again, the message is not
  taken;
* the wizard stayed where it was (a receipt such as «Received: … characters» was lost): the
  same text sent again is a retype, not a second part — the receipt is sent again and the text
  is not stored twice; anything else is handled as usual.

A command, a menu button or a tap on a button is always handled as usual (the kept message is
dropped). The kept message is exactly the one that failed (its text and buttons, in the
person's language), so nothing is recomputed and a stale button is refused as any stale
button is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, methods
from aiogram.client.default import Default
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.fsm.context import FSMContext
from aiogram.methods import TelegramMethod
from aiogram.types import Message, TelegramObject, Update
from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from handlers.ui import WizardText

KEY = "unsent_reply"  # in the wizard's data
_TRANSIENT = (TelegramServerError, TelegramNetworkError, TelegramRetryAfter)


def _private_chat(update: Update) -> int | None:
    """The private chat the update came from (wizards live there), else None."""
    chat = None
    if update.message is not None:
        chat = update.message.chat
    elif update.callback_query is not None and update.callback_query.message is not None:
        chat = update.callback_query.message.chat
    return chat.id if chat is not None and chat.type == "private" else None


def _content(message: Message) -> str | None:
    """What the person sent, to recognise it typed again."""
    if message.text is not None:
        return message.text.strip()
    if message.document is not None:
        return f"document:{message.document.file_unique_id}"
    return None


def _dump(method: TelegramMethod[Any]) -> dict[str, Any] | None:
    """The call as JSON (None when it cannot be: an uploaded file)."""
    fields = {
        name for name in method.model_fields_set if not isinstance(getattr(method, name), Default)
    }
    try:
        return method.model_dump(mode="json", include=fields)
    except (PydanticSerializationError, TypeError, ValueError):
        return None


def _load(kept: dict[str, Any]) -> TelegramMethod[Any] | None:
    cls = getattr(methods, str(kept.get("method")), None)
    if not (isinstance(cls, type) and issubclass(cls, TelegramMethod)):
        return None
    try:
        call: TelegramMethod[Any] = cls.model_validate(kept.get("params") or {})
    except ValidationError:
        return None
    return call


async def _is_answer(message: Message) -> bool:
    """A message a wizard would take as its answer: not a command, not a menu button."""
    if message.text is None:
        return True
    return await WizardText()(message)


class ResumeMiddleware(BaseMiddleware):
    """Outer middleware on updates, inside the error handler (registered after it)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        if state is None or not isinstance(event, Update) or _private_chat(event) is None:
            return await handler(event, data)
        before: str | None = data.get("raw_state")  # read by aiogram's FSM middleware
        stored = await state.get_data()
        kept = stored.pop(KEY, None)
        if kept is not None:
            await state.set_data(stored)
            if isinstance(kept, dict) and await self._instead(event, kept, before):
                call = _load(kept)
                if call is not None:
                    bot: Bot = data["bot"]
                    try:
                        await bot(call)
                    except _TRANSIENT:
                        await state.update_data({KEY: kept})  # still not delivered: again
                        raise
                    return None
        try:
            return await handler(event, data)
        except _TRANSIENT as exc:
            await self._keep(state, event, exc, before)
            raise

    @staticmethod
    async def _instead(event: Update, kept: dict[str, Any], current: str | None) -> bool:
        """Whether the kept message is sent again instead of handling `event`."""
        message = event.message
        if message is None or kept.get("state") != current or not await _is_answer(message):
            return False
        if kept.get("moved"):
            return True
        answer = kept.get("answer")
        return answer is not None and answer == _content(message)

    @staticmethod
    async def _keep(
        state: FSMContext, event: Update, exc: TelegramAPIError, before: str | None
    ) -> None:
        """Keep a message to the person's chat the handler could not deliver."""
        method = exc.method
        if (
            not isinstance(method, TelegramMethod)
            or not method.__api_method__.startswith("send")
            or getattr(method, "chat_id", None) != _private_chat(event)
        ):
            return
        params = _dump(method)
        if params is None:
            return
        after = await state.get_state()
        answer = _content(event.message) if event.message is not None else None
        await state.update_data(
            {
                KEY: {
                    "state": after,
                    "moved": after != before or event.message is None,
                    "answer": answer,
                    "method": type(method).__name__,
                    "params": params,
                }
            }
        )
