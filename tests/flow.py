"""Flow tests: built updates fed to the real Dispatcher, answered by a recording fake session.

`RecordingSession` stands where aiohttp would: it records every Bot API call and answers it
the way Telegram would for a well-formed call, and rejects what Telegram rejects (HTML it
cannot parse, text over 4096 characters, callback data over 64 bytes, a callback answer over
200 characters, answering one callback twice). `Flow` builds updates for simulated people and
returns the calls each update caused, so a test reads like a conversation.

The Dispatcher keeps wizard state in `JsonMemoryStorage`, which holds it as Redis does (as
JSON): a handler that puts a datetime, a set or a model into the state data fails here, not
in production with REDIS_URL set. `open_flow` builds the whole thing.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from aiogram import Bot, Dispatcher
from aiogram.client.default import Default, DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.exceptions import DataNotDictLikeError, TelegramBadRequest, TelegramServerError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Document,
    File,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.retry import ReplyRetry
from services.clock import Clock
from tests.factories import ADMIN_ID
from tests.fakeapi import TelegramError, parse_html, utf16_len

BOT_ID = 7000
BOT_USERNAME = "metod_test_bot"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class JsonMemoryStorage(BaseStorage):
    """FSM storage in memory that keeps the state data as JSON text, as RedisStorage does:
    `set_data` refuses data `json.dumps` cannot write (a datetime, a set, a model: TypeError)
    and data that would come back changed (a tuple as a list, an int key as a string), and
    `get_data` returns a fresh `json.loads` of what was stored."""

    def __init__(self) -> None:
        self.states: dict[StorageKey, str | None] = {}
        self.data: dict[StorageKey, str] = {}

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        self.states[key] = state.state if isinstance(state, State) else state

    async def get_state(self, key: StorageKey) -> str | None:
        return self.states.get(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        text = json.dumps(data)  # TypeError: not JSON, Redis could not store it either
        if json.loads(text) != data:
            msg = f"FSM data would come back from Redis changed: {data!r} → {text}"
            raise TypeError(msg)
        self.data[key] = text

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.data.get(key, "{}"))
        return found

    async def close(self) -> None:
        return None


def _resolve(bot: Bot, value: Any) -> Any:
    return bot.default[value.name] if isinstance(value, Default) else value


def _check_text(bot: Bot, text: str, parse_mode: Any, limit: int, what: str) -> None:
    mode = _resolve(bot, parse_mode)
    plain = text
    if mode == ParseMode.HTML:
        try:
            plain, _ = parse_html(text)
        except TelegramError as exc:
            raise TelegramBadRequest(method=cast(Any, None), message=exc.description) from None
    if not plain.strip():
        raise TelegramBadRequest(method=cast(Any, None), message=f"{what} is empty")
    if utf16_len(plain) > limit:
        raise TelegramBadRequest(method=cast(Any, None), message=f"{what} is too long")


def _check_markup(markup: Any) -> None:
    if isinstance(markup, InlineKeyboardMarkup):
        for row in markup.inline_keyboard:
            for button in row:
                data = button.callback_data
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise TelegramBadRequest(
                        method=cast(Any, None), message="Bad Request: BUTTON_DATA_INVALID"
                    )


@dataclass
class RecordingSession(BaseSession):
    """Records calls; answers like Telegram; rejects what Telegram rejects."""

    calls: list[TelegramMethod[Any]] = field(default_factory=list)
    sent: dict[int, dict[int, Message]] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id → what a person sent
    # Fault injection: a call for which `fail` says True gets a 500 (not recorded in `calls`,
    # delivering nothing) and goes to `failed`; bot.retry tries it again as it would.
    fail: Callable[[TelegramMethod[Any]], bool] | None = None
    failed: list[TelegramMethod[Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        super().__init__()

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - the BaseSession signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        content = self.files[url.rsplit("/", 1)[-1]]
        for start in range(0, len(content), chunk_size):
            yield content[start : start + chunk_size]

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - the BaseSession signature
    ) -> TelegramType:
        if self.fail is not None and self.fail(method):
            self.failed.append(method)
            raise TelegramServerError(method=method, message="Internal Server Error")
        self.calls.append(method)
        return cast(TelegramType, self._answer(bot, method))

    def _store(self, chat_id: int, message: Message) -> Message:
        self.sent.setdefault(chat_id, {})[message.message_id] = message
        return message

    def _answer(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetFile):
            if method.file_id not in self.files:
                raise TelegramBadRequest(method=cast(Any, None), message="file not found")
            return File(
                file_id=method.file_id,
                file_unique_id=method.file_id,
                file_size=len(self.files[method.file_id]),
                file_path=method.file_id,
            )
        if isinstance(method, GetMe):
            return User(id=BOT_ID, is_bot=True, first_name="Metod", username=BOT_USERNAME)
        if isinstance(method, SendMessage):
            _check_text(bot, method.text, method.parse_mode, 4096, "message text")
            _check_markup(method.reply_markup)
            chat_id = int(method.chat_id)
            markup = method.reply_markup
            return self._store(
                chat_id,
                Message(
                    message_id=next(self._ids),
                    date=NOW,
                    chat=_chat(chat_id),
                    text=method.text,
                    reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
                ),
            )
        if isinstance(method, SendDocument):
            if method.caption:
                _check_text(bot, method.caption, method.parse_mode, 1024, "caption")
            chat_id = int(method.chat_id)
            return self._store(
                chat_id,
                Message(
                    message_id=next(self._ids),
                    date=NOW,
                    chat=_chat(chat_id),
                    caption=method.caption,
                    document=Document(file_id=f"doc{chat_id}", file_unique_id="u"),
                ),
            )
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            return self._edit(bot, method)
        if isinstance(method, AnswerCallbackQuery):
            if method.callback_query_id in self.answered:
                raise TelegramBadRequest(
                    method=cast(Any, None), message="query is too old or already answered"
                )
            if method.text is not None and len(method.text) > 200:
                raise TelegramBadRequest(method=cast(Any, None), message="MESSAGE_TOO_LONG")
            self.answered.add(method.callback_query_id)
            return True
        return True  # setMyCommands, deleteWebhook and the like

    def _edit(self, bot: Bot, method: EditMessageText | EditMessageReplyMarkup) -> Message:
        assert method.chat_id is not None and method.message_id is not None
        chat_id = int(method.chat_id)
        old = self.sent.get(chat_id, {}).get(method.message_id)
        if old is None:
            raise TelegramBadRequest(method=cast(Any, None), message="message to edit not found")
        markup = method.reply_markup
        _check_markup(markup)
        text = old.text
        if isinstance(method, EditMessageText):
            assert method.text is not None
            _check_text(bot, method.text, method.parse_mode, 4096, "message text")
            text = method.text
        if text == old.text and markup == old.reply_markup:
            raise TelegramBadRequest(
                method=cast(Any, None), message="Bad Request: message is not modified"
            )
        # An edit without reply_markup removes the keyboard, as on Telegram.
        return self._store(chat_id, old.model_copy(update={"text": text, "reply_markup": markup}))

    def texts(self, since: int = 0) -> list[str]:
        out: list[str] = []
        for call in self.calls[since:]:
            if isinstance(call, SendMessage | EditMessageText) and call.text:
                out.append(call.text)
            elif isinstance(call, SendDocument) and call.caption:
                out.append(call.caption)
            elif isinstance(call, AnswerCallbackQuery) and call.text:
                out.append(call.text)
        return out


def _chat(chat_id: int, title: str | None = None) -> Chat:
    if chat_id > 0:
        return Chat(id=chat_id, type="private", first_name=f"User {chat_id}")
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return Chat(id=chat_id, type=kind, title=title or "Group")


def buttons(message: Message | None) -> list[tuple[str, str]]:
    """(text, callback_data) of every inline button of a bot message."""
    markup = message.reply_markup if message is not None else None
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


@dataclass
class Reply:
    """What one update made the bot do."""

    calls: list[TelegramMethod[Any]]
    texts: list[str]

    @property
    def text(self) -> str:
        return "\n---\n".join(self.texts)

    def sent(self) -> list[SendMessage]:
        return [c for c in self.calls if isinstance(c, SendMessage)]

    def alerts(self) -> list[str]:
        return [c.text for c in self.calls if isinstance(c, AnswerCallbackQuery) and c.text]

    def answered_callback(self) -> bool:
        return any(isinstance(c, AnswerCallbackQuery) for c in self.calls)


@dataclass
class Flow:
    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100_000))
    languages: dict[int, str] = field(default_factory=dict)

    def user(self, user_id: int) -> User:
        return User(
            id=user_id,
            is_bot=False,
            first_name=f"User {user_id}",
            language_code=self.languages.get(user_id, "ru"),
        )

    async def _feed(self, **payload: Any) -> Reply:
        start = len(self.session.calls)
        update = Update(update_id=next(self._update_ids), **payload)
        await self.dp.feed_update(self.bot, update)
        calls = self.session.calls[start:]
        return Reply(calls, self.session.texts(start))

    async def send(self, user_id: int, text: str, *, chat_id: int | None = None) -> Reply:
        """A person types `text` (in the private chat, or in `chat_id`)."""
        message = Message(
            message_id=next(self._message_ids),
            date=NOW,
            chat=_chat(chat_id if chat_id is not None else user_id),
            from_user=self.user(user_id),
            text=text,
        )
        return await self._feed(message=message)

    async def send_document(self, user_id: int, file_name: str, content: bytes = b"") -> Reply:
        file_id = f"file{next(self._message_ids)}"
        self.session.files[file_id] = content
        message = Message(
            message_id=next(self._message_ids),
            date=NOW,
            chat=_chat(user_id),
            from_user=self.user(user_id),
            document=Document(
                file_id=file_id,
                file_unique_id=file_id,
                file_name=file_name,
                file_size=len(content),
            ),
        )
        return await self._feed(message=message)

    def last(self, chat_id: int, with_buttons: bool = False) -> Message:
        """The bot's latest message in a chat (the latest with inline buttons if asked)."""
        messages = sorted(self.session.sent.get(chat_id, {}).values(), key=lambda m: m.message_id)
        if with_buttons:
            messages = [m for m in messages if buttons(m)]
        assert messages, f"the bot has sent nothing{' with buttons' if with_buttons else ''}"
        return messages[-1]

    async def press(self, user_id: int, label: str, message: Message | None = None) -> Reply:
        """Tap the button whose text contains `label` on `message` (default: the last one
        with buttons in the person's private chat)."""
        target = message or self.last(user_id, with_buttons=True)
        found = [data for text, data in buttons(target) if label in text]
        assert found, f"no button {label!r} among {buttons(target)}"
        return await self.press_data(user_id, found[0], target)

    async def press_data(self, user_id: int, data: str, message: Message | None = None) -> Reply:
        """Send a callback with raw `data`: a forged or stale button."""
        target = message or Message(
            message_id=1, date=NOW, chat=_chat(user_id), text="an old message"
        )
        query = CallbackQuery(
            id=f"cb{next(self._update_ids)}",
            from_user=self.user(user_id),
            chat_instance="ci",
            message=target,
            data=data,
        )
        return await self._feed(callback_query=query)

    async def chat_member(self, user_id: int, *, blocked: bool) -> Reply:
        """The person blocks (or unblocks) the bot in their private chat."""
        me = User(id=BOT_ID, is_bot=True, first_name="Metod")
        old: Any = (
            ChatMemberMember(user=me) if blocked else ChatMemberBanned(user=me, until_date=NOW)
        )
        new: Any = (
            ChatMemberBanned(user=me, until_date=NOW) if blocked else ChatMemberMember(user=me)
        )
        event = ChatMemberUpdated(
            chat=_chat(user_id),
            from_user=self.user(user_id),
            date=NOW,
            old_chat_member=old,
            new_chat_member=new,
        )
        return await self._feed(my_chat_member=event)

    async def service_message(self, chat_id: int, user_id: int, **fields: Any) -> Reply:
        message = Message(
            message_id=next(self._message_ids),
            date=NOW,
            chat=_chat(chat_id),
            from_user=self.user(user_id),
            **fields,
        )
        return await self._feed(message=message)


def has(texts: Iterable[str], fragment: str) -> bool:
    return any(fragment in t for t in texts)


async def _no_wait(seconds: float) -> None:
    return None


def build_bot(session: RecordingSession) -> Bot:
    """The Bot as `bot.app.build_bot` makes it, without the limiter (nothing is paced here):
    its retries (made at once) and its record of the callbacks answered."""
    session.middleware(ReplyRetry(sleep=_no_wait))
    return Bot(
        "42:TEST",
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


@asynccontextmanager
async def open_flow(
    sm: async_sessionmaker[AsyncSession], clock: Clock, **settings: Any
) -> AsyncIterator[Flow]:
    """The application's Dispatcher on `sm`, its wizard state in `JsonMemoryStorage`, talking
    to a `RecordingSession`; `settings` override the test defaults (token, ADMIN_ID)."""
    values: dict[str, Any] = {"bot_token": "42:TEST", "admin_ids": [ADMIN_ID]} | settings
    dp = build_dispatcher(
        Settings(**values, _env_file=None), sm, clock=clock, storage=JsonMemoryStorage()
    )
    session = RecordingSession()
    bot = build_bot(session)
    try:
        yield Flow(dp, bot, session)
    finally:
        await bot.session.close()
