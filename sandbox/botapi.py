"""The local Bot API server: Telegram's HTTP API in memory, on loopback only.

``BotAPIServer`` is an aiohttp server bound to ``127.0.0.1`` that answers like the real Bot API
(``{"ok": true, "result": ...}`` envelopes, Telegram's error texts and HTTP statuses, its
flood limits, its strict HTML parse mode and message limits). The sandbox (``python -m bot
sandbox``) runs the real application against it, and the tests do too: their fault injection
(scripted 500/429/403 answers, latency, every nth call failing) is a subclass in
tests/fakeapi.py, ``BotAPIServer``. Point a bot at it with
``TelegramAPIServer.from_base(server.base_url)``; API routes are ``{base}/bot{token}/{method}``
(GET or POST; query string, urlencoded, multipart or JSON bodies) and files are served from
``{base}/file/bot{token}/{file_path}``.

Lifecycle::

    BotAPIServer(token, bot_id=7000, bot_username="metod_test_bot", *,
                 global_per_second=30, private_per_second=5, group_per_minute=20,
                 bot_first_name="Metod Test Bot", privacy_mode=True)
    await server.start(port=0) -> str  # base url "http://127.0.0.1:PORT" (also .base_url)
    await server.stop()                # also answers held calls at once
    async with BotAPIServer(token) as server: ...
    server.add_routes(app)             # serve the API from another aiohttp application

Delivery log::

    tg.deliveries: list[Delivery]                # every message the bot delivered, in order
    Delivery(chat_id, method, message_id, at, text)  # at: time.monotonic() at arrival;
                                                 # text: text or caption ("" if none)
    tg.delivered_to(chat_id) -> list[Delivery]
    tg.error_count(code) -> int                  # error answers with that HTTP status

Simulated people and chats::

    tg.add_user(user_id, first_name, *, language_code="ru", username=None, last_name=None)
    tg.open_chat(user_id)                        # a private chat, as if started long ago
    tg.block(user_id) / tg.unblock(user_id)     # also enqueue my_chat_member (kicked/member)
    await tg.send_text(user_id, text, *, chat_id=None, reply_to=None) -> dict  # Message
    await tg.send_document(user_id, content, file_name, *, caption=None, chat_id=None,
                           mime_type=None) -> dict
    await tg.press(user_id, message_id, data, *, chat_id=None) -> str  # callback query id
    await tg.add_bot_to_group(user_id, chat_id, title, *, start_param=None, supergroup=False)
    await tg.remove_bot_from_group(user_id, chat_id)
    await tg.migrate_group(old_chat_id, new_chat_id)
    tg.enqueue_update(update)                    # raw update, update_id assigned if missing

Inspection::

    tg.requests: list[tuple[str, dict]]          # every API call (method, parsed params)
    tg.errors: list[tuple[str, int, str]]        # every error answer (method, code, description)
                                                 # incl. 429s from flood windows and faults
    tg.messages(chat_id) -> list[dict]           # bot messages as they are now (not deleted)
    tg.history(chat_id) -> list[dict]            # all messages (users' and bot's) in the chat
    await tg.wait_for_message(chat_id, contains=None, *, timeout=10.0, after=0) -> dict
    await tg.wait_for_request(method, *, timeout=10.0, predicate=None, since=0) -> dict
    tg.callback_answers(callback_query_id) -> list[dict]
    tg.commands(scope=None, language_code="") -> list[dict]
    tg.menu_button(chat_id=None) -> dict | None
    tg.file_content(file_id) -> bytes
    tg.forget_files()                            # a new bot token: old file_ids are unknown
    tg.pending_updates -> list[dict]             # updates not yet confirmed by getUpdates
    tg.bot_user -> dict

Notes on fidelity:

* Bot messages carry two extra keys that are never sent to the bot: ``html`` (the text exactly
  as the bot sent it) and ``caption_html`` (same for captions). ``text``/``caption`` hold the
  rendered plain text and ``entities``/``caption_entities`` the parsed entities.
* HTML is parsed strictly: besides Telegram's own rules, a bare ``&`` that is not one of
  ``&lt; &gt; &amp; &quot; &#N; &#xH;`` is rejected (real Telegram keeps it as text).
  Markdown parse modes are not parsed: the text is stored as is.
* A user who was only seen (in a group) but never wrote to the bot privately gets
  403 "Forbidden: bot can't initiate conversation with a user", as on Telegram; a completely
  unknown id gets 400 "Bad Request: chat not found".
* Groups use privacy mode by default: a group message from ``send_text`` is delivered to the
  bot only if it starts with a command (not addressed to another bot) or replies to a bot
  message. Service messages are always delivered.
* Two concurrent getUpdates calls: the older one is answered with 409 Conflict.
* Methods the fake does not implement answer 404 "Not Found", like unknown methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import mimetypes
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

JSONDict = dict[str, Any]

__all__ = ["BotAPIServer", "Delivery", "TelegramError", "parse_html", "utf16_len"]

_INTERNAL_KEYS = ("html", "caption_html")
_DEFAULT_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "parse_mode",
        "file_id",
        "url",
        "title",
        "description",
        "short_description",
        "name",
        "language_code",
        "action",
        "emoji",
        "custom_emoji_id",
        "message_effect_id",
        "business_connection_id",
        "question",
        "explanation",
        "payload",
        "start_parameter",
        "secret_token",
        "document",
        "photo",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "query",
        "custom_title",
        "invite_link",
        "first_name",
        "last_name",
        "phone_number",
        "address",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?(?![\w/@])")
_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class TelegramError(Exception):
    """An error answer of the API: HTTP status = ``code``."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _bad(description: str, parameters: JSONDict | None = None) -> TelegramError:
    return TelegramError(400, f"Bad Request: {description}", parameters)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------
# The delivery log
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """A message the bot delivered (send*/copy/forward; edits are not deliveries)."""

    chat_id: int
    method: str
    message_id: int
    at: float  # time.monotonic() when the call arrived
    text: str  # text or caption, "" if none


# --------------------------------------------------------------------------------------------
# HTML parse mode
# --------------------------------------------------------------------------------------------

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_SPACE = " \t\r\n"


class _HTMLError(Exception):
    pass


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int
    byte_offset: int
    language: str | None = None


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram HTML: return (plain text, entities with UTF-16 offsets).

    Raises ``TelegramError`` (400 "can't parse entities: ...") on anything Telegram rejects.
    """
    try:
        return _parse_html(text)
    except _HTMLError as exc:
        raise _bad(f"can't parse entities: {exc}") from None


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    match = _ENTITY_RE.match(text, i)
    if match is None:
        return None
    named, dec, hexa = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    code = int(dec) if dec else int(hexa, 16)
    if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _parse_html(text: str) -> tuple[str, list[JSONDict]]:
    out: list[str] = []
    pos16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    n = len(text)
    i = 0

    def boff(k: int) -> int:
        return len(text[:k].encode("utf-8"))

    def read_name(k: int) -> int:
        while k < n and text[k] in _NAME_CHARS:
            k += 1
        return k

    def skip_space(k: int) -> int:
        while k < n and text[k] in _SPACE:
            k += 1
        return k

    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = _decode_entity(text, i)
            if decoded is None:
                raise _HTMLError(
                    f'Unsupported HTML entity at byte offset {boff(i)}: use &amp; for a literal "&"'
                )
            out.append(decoded[0])
            pos16 += utf16_len(decoded[0])
            i = decoded[1]
            continue
        if ch != "<":
            out.append(ch)
            pos16 += utf16_len(ch)
            i += 1
            continue
        start = i
        if i + 1 < n and text[i + 1] == "/":
            j = read_name(i + 2)
            name = text[i + 2 : j].lower()
            j = skip_space(j)
            if j >= n or text[j] != ">":
                raise _HTMLError(f"Unclosed end tag at byte offset {boff(start)}")
            if not stack:
                raise _HTMLError(f"Unexpected end tag at byte offset {boff(start)}")
            top = stack[-1]
            if name != top.name:
                raise _HTMLError(
                    f"Unmatched end tag at byte offset {boff(start)}, "
                    f'expected "</{top.name}>", found "</{name}>"'
                )
            stack.pop()
            _close_tag(top, pos16, stack, entities)
            i = j + 1
            continue
        j = read_name(i + 1)
        name = text[i + 1 : j].lower()
        if name not in _TAG_ENTITY:
            raise _HTMLError(f'Unsupported start tag "{name}" at byte offset {boff(start)}')
        attrs: dict[str, str] = {}
        while True:
            j = skip_space(j)
            if j >= n:
                raise _HTMLError(f"Unclosed start tag at byte offset {boff(start)}")
            if text[j] == ">":
                j += 1
                break
            k = read_name(j)
            attr = text[j:k].lower()
            if not attr:
                raise _HTMLError(
                    f'Empty attribute name in the tag "{name}" at byte offset {boff(start)}'
                )
            k = skip_space(k)
            if k < n and text[k] == "=":
                k = skip_space(k + 1)
                if k >= n:
                    raise _HTMLError(f"Unclosed start tag at byte offset {boff(start)}")
                if text[k] in "\"'":
                    quote = text[k]
                    end = text.find(quote, k + 1)
                    if end < 0:
                        raise _HTMLError(f"Unclosed start tag at byte offset {boff(start)}")
                    raw_value = text[k + 1 : end]
                    k = end + 1
                else:
                    end = k
                    while end < n and text[end] not in _SPACE and text[end] != ">":
                        end += 1
                    raw_value = text[k:end]
                    k = end
                attrs[attr] = _decode_attr(raw_value)
            else:
                attrs[attr] = ""
            j = k
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _HTMLError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {boff(start)}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise _HTMLError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {boff(start)}'
            )
        stack.append(_OpenTag(name, attrs, pos16, boff(start)))
        i = j
    if stack:
        raise _HTMLError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _decode_attr(raw: str) -> str:
    parts: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            decoded = _decode_entity(raw, i)
            if decoded is not None:
                parts.append(decoded[0])
                i = decoded[1]
                continue
        parts.append(raw[i])
        i += 1
    return "".join(parts)


def _close_tag(tag: _OpenTag, end16: int, stack: list[_OpenTag], out: list[JSONDict]) -> None:
    kind = _TAG_ENTITY[tag.name]
    if tag.name == "code" and stack and stack[-1].name == "pre":
        cls = tag.attrs.get("class", "")
        if cls.startswith("language-"):
            stack[-1].language = cls.removeprefix("language-")
            return
    length = end16 - tag.offset
    if length <= 0:
        return
    entity: JSONDict = {"type": kind, "offset": tag.offset, "length": length}
    if tag.name == "a":
        href = tag.attrs.get("href", "")
        if not href:
            return
        entity["url"] = href
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    out.append(entity)


def _strip_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram trims leading/trailing whitespace of texts and captions."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result: list[JSONDict] = []
    for entity in entities:
        begin = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > begin:
            result.append({**entity, "offset": begin, "length": end - begin})
    return stripped, result


def _command_entities(text: str) -> list[JSONDict]:
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group(0)),
        }
        for m in _COMMAND_RE.finditer(text)
    ]


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _public(message: JSONDict) -> JSONDict:
    """A deep copy of a message without the fake's internal keys."""
    result = copy.deepcopy(message)
    for key in _INTERNAL_KEYS:
        result.pop(key, None)
    reply = result.get("reply_to_message")
    if isinstance(reply, dict):
        for key in _INTERNAL_KEYS:
            reply.pop(key, None)
    return result


def _update_type(update: JSONDict) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""


# --------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------


@dataclass
class _Upload:
    filename: str
    content_type: str
    content: bytes


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str
    mime_type: str

    def document(self) -> JSONDict:
        return {
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    user_id: int | None = None
    bot_member: bool = True
    migrated_to: int | None = None
    adder: int | None = None
    next_message_id: int = 1
    messages: dict[int, JSONDict] = field(default_factory=dict)
    chat_instance: str = field(default_factory=lambda: str(secrets.randbelow(10**18) - 5 * 10**17))

    def new_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid


@dataclass
class _Callback:
    chat_id: int
    message_id: int
    answers: list[JSONDict] = field(default_factory=list)


@dataclass
class _Call:
    method: str
    params: JSONDict
    files: dict[str, _Upload]
    request: web.Request


class _Window:
    """Sliding-window counter: at most ``limit`` hits per ``period`` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.hits: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        while self.hits and self.hits[0] <= now - self.period:
            self.hits.popleft()
        if len(self.hits) >= self.limit:
            return self.hits[0] + self.period - now
        return 0.0

    def add(self, now: float) -> None:
        self.hits.append(now)


_Handler = Callable[[_Call], Awaitable[Any]]


class BotAPIServer:
    """Telegram's Bot API in memory, on loopback; see the module docstring."""

    def __init__(
        self,
        token: str,
        bot_id: int = 7000,
        bot_username: str = "metod_test_bot",
        *,
        global_per_second: int = 30,
        private_per_second: int = 5,
        group_per_minute: int = 20,
        bot_first_name: str = "Metod Test Bot",
        privacy_mode: bool = True,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.privacy_mode = privacy_mode
        self.global_per_second = global_per_second
        self.private_per_second = private_per_second
        self.group_per_minute = group_per_minute
        self._bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": not privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.base_url = ""
        # What stamps the messages' dates (seconds since the epoch): the sandbox gives its
        # forward clock, so a message sent after a move carries the moved time.
        self.clock: Callable[[], float] = time.time
        self._changed = asyncio.Event()
        self._released = asyncio.Event()
        self.reset()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, tuple[str, _Handler]] = {}
        for name, handler in {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "sendChatAction": self._send_chat_action,
            "close": self._true,
            "logOut": self._true,
            "setMyDescription": self._true,
            "setMyShortDescription": self._true,
            "setMyName": self._true,
        }.items():
            self._methods[name.lower()] = (name, handler)

    def reset(self) -> None:
        """Forget every person, chat, message, file and update (the sandbox's «Сбросить»);
        the server keeps serving. Nothing may be polling meanwhile."""
        self.requests: list[tuple[str, JSONDict]] = []
        self.errors: list[tuple[str, int, str]] = []
        self.deliveries: list[Delivery] = []
        self._users: dict[int, JSONDict] = {}
        self._seen: set[int] = set()
        self._blocked: set[int] = set()
        self._chats: dict[int, _Chat] = {}
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATES
        self._webhook_url = ""
        self._poll_generation = 0
        self._callbacks: dict[str, _Callback] = {}
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self._global_window = _Window(self.global_per_second, 1.0)
        self._chat_windows: dict[int, _Window] = {}
        self._keyboards: dict[int, JSONDict] = {}
        self._notify()

    def changed(self) -> asyncio.Event:
        """An event set at the next change (a call handled, an update queued)."""
        return self._changed

    # ---------------------------------------------------------------- lifecycle

    def add_routes(self, app: web.Application) -> None:
        """Serve the API's routes from ``app`` (its client_max_size should be 60 MiB)."""
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)

    async def start(self, port: int = 0) -> str:
        """Start serving on 127.0.0.1:``port`` (0: a free one); returns (and sets) ``base_url``."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        self.add_routes(app)
        self._stopping = False
        self._released = asyncio.Event()
        runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    async def stop(self) -> None:
        """Wake pending long polls, answer held calls and shut the server down."""
        self._stopping = True
        self._released.set()
        self._notify()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def bot_user(self) -> JSONDict:
        return dict(self._bot_user)

    # ---------------------------------------------------------------- hooks

    def _refuse(self, method: str) -> TelegramError | None:
        """An error to answer instead of handling the call (the tests' subclass fails calls)."""
        return None

    def _scripted(self, method: str, params: JSONDict) -> tuple[TelegramError | None, float]:
        """For a call about to be handled: an error to answer instead, and seconds to hold
        the answer (the tests' subclass injects faults)."""
        return None, 0.0

    def _answer_delay(self, method: str) -> float:
        """Seconds every answer of ``method`` waits (the tests' subclass adds latency)."""
        return 0.0

    # ---------------------------------------------------------------- simulated people

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        language_code: str | None = "ru",
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        """Register a Telegram user (does not open a private chat with the bot)."""
        assert user_id > 0, "user ids are positive"
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self._users[user_id] = user

    def open_chat(self, user_id: int) -> None:
        """The user started the bot some time ago (their updates long since handled): a
        private chat exists, and no update is queued."""
        self._user(user_id)
        if user_id not in self._chats:
            self._chats[user_id] = _Chat(user_id, "private", user_id=user_id)
        self._seen.add(user_id)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them answer 403 (my_chat_member is enqueued)."""
        user = self._user(user_id)
        if user_id in self._blocked:
            return
        self._blocked.add(user_id)
        chat = self._chats.get(user_id)
        if chat is not None:
            self._enqueue_my_chat_member(chat, user, "member", "kicked")

    def unblock(self, user_id: int) -> None:
        """The user restarts the bot after blocking it."""
        user = self._user(user_id)
        if user_id not in self._blocked:
            return
        self._blocked.discard(user_id)
        chat = self._chats.get(user_id)
        if chat is not None:
            self._enqueue_my_chat_member(chat, user, "kicked", "member")

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        """The user writes ``text`` (private chat unless ``chat_id``); returns the Message."""
        message = self._user_message(user_id, chat_id, reply_to)
        message["text"] = text
        entities = _command_entities(text)
        if entities:
            message["entities"] = entities
        self._deliver_user_message(message, reply_to)
        return _public(message)

    async def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        mime_type: str | None = None,
    ) -> JSONDict:
        """The user sends a file; returns the Message (its document.file_id is usable)."""
        stored = self._store_file(content, file_name, mime_type)
        message = self._user_message(user_id, chat_id, None)
        message["document"] = stored.document()
        if caption:
            message["caption"] = caption
        self._deliver_user_message(message, None)
        return _public(message)

    async def share_users(
        self, user_id: int, request_id: int, users: list[tuple[int, str, str | None]]
    ) -> JSONDict:
        """The user picks people with a `request_users` keyboard button: Telegram sends the
        bot a `users_shared` message with their ids (and names, when requested)."""
        message = self._user_message(user_id, None, None)
        message["users_shared"] = {
            "request_id": request_id,
            "users": [
                {"user_id": uid, "first_name": first} | ({"last_name": last} if last else {})
                for uid, first, last in users
            ],
        }
        self._deliver_user_message(message, None)
        return _public(message)

    async def press(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> str:
        """The user taps the inline button with ``data`` on a bot message; returns query id."""
        user = self._user(user_id)
        cid = user_id if chat_id is None else chat_id
        chat = self._chats.get(cid)
        assert chat is not None, f"chat {cid} does not exist"
        assert cid not in self._blocked, f"user {user_id} has blocked the bot"
        message = chat.messages.get(message_id)
        assert message is not None, (
            f"no message {message_id} in chat {cid}; bot messages:\n{self._dump(cid)}"
        )
        assert message["from"]["id"] == self.bot_id, f"message {message_id} is not the bot's"
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        datas = [b.get("callback_data") for row in rows for b in row]
        assert data in datas, (
            f"message {message_id} in chat {cid} has no button with callback_data={data!r}; "
            f"buttons: {datas!r}"
        )
        self._seen.add(user_id)
        query_id = str(next(self._callback_ids))
        self._callbacks[query_id] = _Callback(cid, message_id)
        self.enqueue_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": dict(user),
                    "message": _public(message),
                    "chat_instance": chat.chat_instance,
                    "data": data,
                }
            }
        )
        return query_id

    def plant_button(self, user_id: int, message_id: int, text: str, data: str) -> None:
        """Replace the keyboard of a bot message in the user's chat by one button carrying
        ``data``: a forged callback (a modified client, an old button of another chat) that
        `press` may then tap, although the bot never sent it."""
        chat = self._chats.get(user_id)
        assert chat is not None and message_id in chat.messages, (user_id, message_id)
        chat.messages[message_id]["reply_markup"] = {
            "inline_keyboard": [[{"text": text, "callback_data": data}]]
        }

    async def add_bot_to_group(
        self,
        user_id: int,
        chat_id: int,
        title: str,
        *,
        start_param: str | None = None,
        supergroup: bool = False,
    ) -> None:
        """The user adds the bot to a group (optionally via a ``?startgroup=`` link)."""
        user = self._user(user_id)
        assert chat_id < 0, "group chat ids are negative"
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = _Chat(chat_id, "supergroup" if supergroup else "group", title=title)
            self._chats[chat_id] = chat
        assert chat.migrated_to is None, f"group {chat_id} was migrated to {chat.migrated_to}"
        chat.title = title
        chat.bot_member = True
        chat.adder = user_id
        self._seen.add(user_id)
        self._enqueue_my_chat_member(chat, user, "left", "member")
        service = self._new_message(chat, user)
        service["new_chat_members"] = [self.bot_user]
        service["new_chat_member"] = self.bot_user
        service["new_chat_participant"] = self.bot_user
        self.enqueue_update({"message": _public(service)})
        if start_param is not None:
            command = f"/start@{self.bot_username}"
            await self.send_text(
                user_id, f"{command} {start_param}" if start_param else command, chat_id=chat_id
            )

    async def remove_bot_from_group(self, user_id: int, chat_id: int) -> None:
        """The user removes the bot from the group (my_chat_member member→left)."""
        user = self._user(user_id)
        chat = self._chats.get(chat_id)
        assert chat is not None and chat.type != "private", f"no group {chat_id}"
        chat.bot_member = False
        self._enqueue_my_chat_member(chat, user, "member", "left")

    async def migrate_group(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group becomes a supergroup ``new_chat_id`` (migrate_to/from messages)."""
        old = self._chats.get(old_chat_id)
        assert old is not None and old.type == "group", f"no basic group {old_chat_id}"
        assert new_chat_id not in self._chats, f"chat {new_chat_id} already exists"
        new = _Chat(new_chat_id, "supergroup", title=old.title, adder=old.adder)
        new.bot_member = old.bot_member
        self._chats[new_chat_id] = new
        old.migrated_to = new_chat_id
        actor = self._users.get(old.adder or 0) or next(iter(self._users.values()), None)
        actor = actor or {"id": 1087968824, "is_bot": True, "first_name": "Group"}
        to_msg = self._new_message(old, actor)
        to_msg["migrate_to_chat_id"] = new_chat_id
        from_msg = self._new_message(new, actor)
        from_msg["migrate_from_chat_id"] = old_chat_id
        self.enqueue_update({"message": _public(to_msg)})
        self.enqueue_update({"message": _public(from_msg)})

    def enqueue_update(self, update: JSONDict) -> None:
        """Queue a raw update for getUpdates (``update_id`` assigned if missing)."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(update["update_id"])) + 1
        self._updates.append(update)
        self._notify()

    # ---------------------------------------------------------------- inspection

    @property
    def pending_updates(self) -> list[JSONDict]:
        return copy.deepcopy(self._updates)

    def messages(self, chat_id: int) -> list[JSONDict]:
        """The bot's messages in the chat as they are now (deleted ones removed), in order."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [copy.deepcopy(m) for m in chat.messages.values() if m["from"]["id"] == self.bot_id]

    def history(self, chat_id: int) -> list[JSONDict]:
        """All messages of the chat (users' and bot's), deleted ones removed."""
        chat = self._chats.get(chat_id)
        return [] if chat is None else [copy.deepcopy(m) for m in chat.messages.values()]

    def callback_answers(self, callback_query_id: str) -> list[JSONDict]:
        """Accepted answerCallbackQuery calls for that query (at most one)."""
        state = self._callbacks.get(callback_query_id)
        return [] if state is None else copy.deepcopy(state.answers)

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """Commands set by setMyCommands for that scope/language."""
        key = (_canon(scope or {"type": "default"}), language_code)
        return copy.deepcopy(self._commands.get(key, []))

    def menu_button(self, chat_id: int | None = None) -> JSONDict | None:
        button = self._menu_buttons.get(chat_id)
        return None if button is None else dict(button)

    def file_content(self, file_id: str) -> bytes:
        return self._files[file_id].content

    def reply_keyboard(self, chat_id: int) -> JSONDict | None:
        """The reply keyboard the bot last showed in the chat (None once removed)."""
        keyboard = self._keyboards.get(chat_id)
        return None if keyboard is None else copy.deepcopy(keyboard)

    def forget_files(self) -> list[str]:
        """What a new bot token does: every file_id known so far answers «wrong file
        identifier» (send) or «invalid file_id» (getFile). Returns the forgotten ids."""
        forgotten = list(self._files)
        self._files.clear()
        self._file_paths.clear()
        return forgotten

    def delivered_to(self, chat_id: int) -> list[Delivery]:
        """``deliveries`` to that chat, in arrival order."""
        return [d for d in self.deliveries if d.chat_id == chat_id]

    def error_count(self, code: int) -> int:
        """How many error answers had HTTP status ``code`` (429: flood windows and faults)."""
        return sum(1 for _, status, _ in self.errors if status == code)

    async def wait_for_message(
        self,
        chat_id: int,
        contains: str | None = None,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - public API takes a plain timeout
        after: int = 0,
    ) -> JSONDict:
        """Wait for a bot message (message_id > after) whose text/caption contains ``contains``."""

        def find() -> JSONDict | None:
            for message in self.messages(chat_id):
                if message["message_id"] <= after:
                    continue
                body = message.get("text", message.get("caption", "")) or ""
                if contains is None or contains in body:
                    return message
            return None

        try:
            return await self._wait(find, timeout)
        except TimeoutError:
            what = "any message" if contains is None else f"a message containing {contains!r}"
            raise TimeoutError(
                f"no bot message in chat {chat_id} with {what} (message_id > {after}) "
                f"within {timeout}s; bot messages now:\n{self._dump(chat_id)}"
            ) from None

    async def wait_for_request(
        self,
        method: str,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - public API takes a plain timeout
        predicate: Callable[[JSONDict], bool] | None = None,
        since: int = 0,
    ) -> JSONDict:
        """Params of the first call of ``method`` in ``requests[since:]`` matching predicate."""
        wanted = method.lower()

        def find() -> JSONDict | None:
            for name, params in self.requests[since:]:
                if name.lower() == wanted and (predicate is None or predicate(params)):
                    return params
            return None

        try:
            return await self._wait(find, timeout)
        except TimeoutError:
            seen = [name for name, _ in self.requests[since:]]
            raise TimeoutError(f"no {method} request within {timeout}s; requests: {seen}") from None

    # ---------------------------------------------------------------- internals: helpers

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait(self, find: Callable[[], JSONDict | None], seconds: float) -> JSONDict:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            event = self._changed
            found = find()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue

    def _dump(self, chat_id: int) -> str:
        lines = []
        for m in self.messages(chat_id):
            body = m.get("text", m.get("caption", ""))
            if "document" in m:
                body = f"[document {m['document'].get('file_name')}] {body}"
            rows = (m.get("reply_markup") or {}).get("inline_keyboard", [])
            buttons = [
                f"{b.get('text')}->{b.get('callback_data') or b.get('url')}"
                for row in rows
                for b in row
            ]
            lines.append(f"  #{m['message_id']}: {body!r} buttons={buttons}")
        return "\n".join(lines) or "  (none)"

    def _user(self, user_id: int) -> JSONDict:
        user = self._users.get(user_id)
        assert user is not None, f"unknown user {user_id}; call add_user() first"
        return user

    def _chat_object(self, chat: _Chat) -> JSONDict:
        if chat.type == "private":
            user = self._users[chat.id]
            obj: JSONDict = {"id": chat.id, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    obj[key] = user[key]
            return obj
        obj = {"id": chat.id, "type": chat.type, "title": chat.title}
        if chat.type == "supergroup":
            obj["is_forum"] = False
        return obj

    def _new_message(self, chat: _Chat, sender: JSONDict) -> JSONDict:
        message: JSONDict = {
            "message_id": chat.new_message_id(),
            "from": dict(sender),
            "chat": self._chat_object(chat),
            "date": int(self.clock()),
        }
        chat.messages[message["message_id"]] = message
        return message

    def _user_message(self, user_id: int, chat_id: int | None, reply_to: int | None) -> JSONDict:
        user = self._user(user_id)
        if chat_id is None or chat_id == user_id:
            chat = self._chats.get(user_id)
            if chat is None:
                chat = _Chat(user_id, "private", user_id=user_id)
                self._chats[user_id] = chat
            if user_id in self._blocked:
                self.unblock(user_id)
        else:
            found = self._chats.get(chat_id)
            assert found is not None and found.type != "private", f"no group {chat_id}"
            assert found.migrated_to is None, f"group {chat_id} was migrated to {found.migrated_to}"
            assert found.bot_member, f"the bot is not a member of {chat_id}"
            chat = found
        self._seen.add(user_id)
        reply: JSONDict | None = None
        if reply_to is not None:
            target = chat.messages.get(reply_to)
            assert target is not None, f"no message {reply_to} in chat {chat.id}"
            reply = _public(target)
        message = self._new_message(chat, user)
        if reply is not None:
            message["reply_to_message"] = reply
        return message

    def _deliver_user_message(self, message: JSONDict, reply_to: int | None) -> None:
        if message["chat"]["type"] != "private" and self.privacy_mode:
            replied = message.get("reply_to_message")
            to_bot = replied is not None and replied["from"]["id"] == self.bot_id
            if not to_bot and not self._is_command_for_bot(message):
                return
        self.enqueue_update({"message": _public(message)})

    def _is_command_for_bot(self, message: JSONDict) -> bool:
        text = message.get("text") or message.get("caption") or ""
        entities = message.get("entities") or []
        if not entities or entities[0]["offset"] != 0:
            return False
        command = text[: entities[0]["length"]]
        _, _, mention = command.partition("@")
        return not mention or mention.lower() == self.bot_username.lower()

    def _enqueue_my_chat_member(self, chat: _Chat, user: JSONDict, old: str, new: str) -> None:
        def member(status: str) -> JSONDict:
            result: JSONDict = {"status": status, "user": self.bot_user}
            if status == "kicked":
                result["until_date"] = 0
            return result

        self.enqueue_update(
            {
                "my_chat_member": {
                    "chat": self._chat_object(chat),
                    "from": dict(user),
                    "date": int(self.clock()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                }
            }
        )

    def _store_file(self, content: bytes, file_name: str, mime_type: str | None) -> _StoredFile:
        file_id = "BQACAgIAAxkBAAI" + secrets.token_urlsafe(33)
        unique = "AgAD" + secrets.token_urlsafe(9)
        path = f"documents/file_{len(self._files)}{_suffix(file_name)}"
        guessed = mimetypes.guess_type(file_name)[0]
        stored = _StoredFile(
            file_id,
            unique,
            path,
            content,
            file_name,
            mime_type or guessed or "application/octet-stream",
        )
        self._files[file_id] = stored
        self._file_paths[path] = stored
        return stored

    # ---------------------------------------------------------------- internals: HTTP

    def _error(self, method: str, error: TelegramError) -> web.Response:
        self.errors.append((method, error.code, error.description))
        body: JSONDict = {
            "ok": False,
            "error_code": error.code,
            "description": error.description,
        }
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.code)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()
        method, response, hold = await self._process(request, arrived)
        hold += self._answer_delay(method)
        if hold <= 0:
            return response
        await self._hold(hold)
        # The client may have given up meanwhile. aiohttp then normally cancels this handler
        # (handler_cancellation=True); if it did not, writing would raise on the closed
        # transport, so answer here and swallow that.
        transport = request.transport
        if transport is None or transport.is_closing():
            return response
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionError:
            pass
        return response

    async def _hold(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the server is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._released.wait(), seconds)

    async def _process(
        self, request: web.Request, arrived: float
    ) -> tuple[str, web.Response, float]:
        """Handle the call now; return (method, answer, seconds to hold the answer)."""
        raw_method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            self.requests.append((raw_method, {}))
            return raw_method, self._error(raw_method, TelegramError(401, "Unauthorized")), 0.0
        entry = self._methods.get(raw_method.lower())
        if entry is None:
            self.requests.append((raw_method, {}))
            return raw_method, self._error(raw_method, TelegramError(404, "Not Found")), 0.0
        method, handler = entry
        try:
            params, files = await _read_params(request)
        except TelegramError as exc:
            self.requests.append((method, {}))
            return method, self._error(method, exc), 0.0
        recorded = dict(params)
        for key, upload in files.items():
            recorded[key] = {"file_name": upload.filename, "size": len(upload.content)}
        self.requests.append((method, recorded))
        failed = self._refuse(method)
        if failed is not None:
            self._notify()
            return method, self._error(method, failed), 0.0
        error, hold = self._scripted(method, params)
        try:
            if error is not None:
                raise error
            windows = self._check_flood(method, params)
            result = await handler(_Call(method, params, files, request))
            now = time.monotonic()
            for window in windows:  # only messages actually sent/edited count
                window.add(now)
            if is_limited(method) and not method.startswith("edit"):
                self._log_deliveries(method, params, result, arrived)
        except TelegramError as exc:
            return method, self._error(method, exc), hold
        finally:
            self._notify()
        return method, web.json_response({"ok": True, "result": result}), hold

    def _log_deliveries(self, method: str, params: JSONDict, result: Any, at: float) -> None:
        for item in result if isinstance(result, list) else [result]:
            if not isinstance(item, dict) or not isinstance(item.get("message_id"), int):
                continue
            chat_id = (item.get("chat") or {}).get("id", params.get("chat_id"))
            if not isinstance(chat_id, int):
                continue
            chat = self._chats.get(chat_id)
            stored = chat.messages.get(item["message_id"]) if chat is not None else None
            source = stored or item
            text = source.get("text", source.get("caption")) or ""
            self.deliveries.append(Delivery(chat_id, method, item["message_id"], at, text))

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        stored = self._file_paths.get(request.match_info["path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.content, content_type="application/octet-stream")

    def _check_flood(self, method: str, params: JSONDict) -> list[_Window]:
        if not is_limited(method):
            return []
        now = time.monotonic()
        windows = [self._global_window]
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            window = self._chat_windows.get(chat_id)
            if window is None:
                window = (
                    _Window(self.private_per_second, 1.0)
                    if chat_id > 0
                    else _Window(self.group_per_minute, 60.0)
                )
                self._chat_windows[chat_id] = window
            windows.append(window)
        wait = max(w.wait_time(now) for w in windows)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise TelegramError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        return windows

    # ---------------------------------------------------------------- internals: params

    def _target(self, p: JSONDict, *, check_blocked: bool = True) -> _Chat:
        raw = p.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _bad("chat not found")
        chat = self._chats.get(raw)
        if chat is not None and chat.migrated_to is not None:
            raise _bad(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if raw > 0:
            if check_blocked and raw in self._blocked:
                raise TelegramError(403, "Forbidden: bot was blocked by the user")
            if chat is not None:
                return chat
            if raw in self._seen:
                raise TelegramError(403, "Forbidden: bot can't initiate conversation with a user")
            raise _bad("chat not found")
        if chat is None:
            raise _bad("chat not found")
        if not chat.bot_member:
            kind = "supergroup" if chat.type == "supergroup" else "group"
            raise TelegramError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat

    def _render(self, raw: str, parse_mode: Any, entities: Any) -> tuple[str, list[JSONDict]]:
        mode = str(parse_mode or "").lower()
        if mode == "html":
            text, parsed = parse_html(raw)
        elif mode in ("", "markdown", "markdownv2"):
            text = raw
            parsed = list(entities) if isinstance(entities, list) else []
        else:
            raise _bad(f"unsupported parse_mode {parse_mode}")
        return _strip_text(text, parsed)

    def _prepare_text(self, p: JSONDict) -> tuple[str, str, list[JSONDict]]:
        raw = p.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        raw = str(raw)
        text, entities = self._render(raw, p.get("parse_mode"), p.get("entities"))
        if not text:
            raise _bad("message text is empty")
        if utf16_len(text) > 4096:
            raise _bad("message is too long")
        return raw, text, entities

    def _prepare_caption(self, p: JSONDict) -> tuple[str, str, list[JSONDict]] | None:
        raw = p.get("caption")
        if raw is None or raw == "":
            return None
        raw = str(raw)
        text, entities = self._render(raw, p.get("parse_mode"), p.get("caption_entities"))
        if utf16_len(text) > 1024:
            raise _bad("message caption is too long")
        return (raw, text, entities) if text else None

    def _markup(self, p: JSONDict) -> JSONDict | None:
        """Validate reply_markup; return the inline keyboard to store on the message."""
        markup = p.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None  # reply keyboards/force reply/remove are not part of the message
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad(
                'can\'t parse inline keyboard button: field "inline_keyboard" must be '
                "an Array of Arrays"
            )
        actions = (
            "url",
            "callback_data",
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
            "pay",
        )
        for row in rows:
            for button in row:
                if not isinstance(button, dict):
                    raise _bad(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                if not button.get("text"):
                    raise _bad("can't parse inline keyboard button: Text must be non-empty")
                if not any(key in button for key in actions):
                    raise _bad(
                        "can't parse inline keyboard button: Text buttons are unallowed "
                        "in the inline keyboard"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                        raise _bad("BUTTON_URL_INVALID")
        rows = [r for r in rows if r]
        return {"inline_keyboard": copy.deepcopy(rows)} if rows else None

    def _message_in(self, chat: _Chat, p: JSONDict, not_found: str) -> JSONDict:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        raw = p.get("message_id")
        if raw is None or raw == "":
            raise _bad("message identifier is not specified")
        if not isinstance(raw, int):
            raise _bad("invalid message identifier specified")
        message = chat.messages.get(raw)
        if message is None:
            raise _bad(not_found)
        return message

    def _reply_to(self, chat: _Chat, p: JSONDict) -> JSONDict | None:
        params = p.get("reply_parameters")
        reply_id: Any = p.get("reply_to_message_id")
        allow = bool(p.get("allow_sending_without_reply"))
        if isinstance(params, dict):
            reply_id = params.get("message_id")
            allow = allow or bool(params.get("allow_sending_without_reply"))
        if reply_id is None:
            return None
        target = chat.messages.get(reply_id) if isinstance(reply_id, int) else None
        if target is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return _public(target)

    def _bot_message(self, chat: _Chat, p: JSONDict) -> JSONDict:
        reply = self._reply_to(chat, p)
        markup = p.get("reply_markup")
        if isinstance(markup, dict) and "keyboard" in markup:
            self._keyboards[chat.id] = copy.deepcopy(markup)
        elif isinstance(markup, dict) and markup.get("remove_keyboard"):
            self._keyboards.pop(chat.id, None)
        message = self._new_message(chat, self._bot_user)
        if reply is not None:
            message["reply_to_message"] = reply
        return message

    # ---------------------------------------------------------------- API methods

    async def _true(self, call: _Call) -> Any:
        return True

    async def _get_me(self, call: _Call) -> Any:
        return self.bot_user

    async def _get_updates(self, call: _Call) -> Any:
        p = call.params
        if self._webhook_url:
            raise TelegramError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int(p.get("offset"), 0)
        limit = min(max(_int(p.get("limit"), 100), 1), 100)
        timeout = max(_int(p.get("timeout"), 0), 0)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_UPDATES
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            self._updates = [u for u in self._updates if _update_type(u) in self._allowed_updates]
            if self._updates or self._stopping:
                break
            if generation != self._poll_generation:
                raise TelegramError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                break
        return copy.deepcopy(self._updates[:limit])

    async def _set_webhook(self, call: _Call) -> Any:
        url = str(call.params.get("url") or "")
        self._webhook_url = url
        if call.params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, call: _Call) -> Any:
        self._webhook_url = ""
        if call.params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, call: _Call) -> Any:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _commands_key(self, p: JSONDict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad("can't parse BotCommandScope JSON object")
        language = str(p.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return _canon(scope), language

    async def _set_my_commands(self, call: _Call) -> Any:
        commands = call.params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands specified")
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand JSON object")
            if not _BOT_COMMAND_NAME_RE.match(str(item.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(item.get("description", "")).strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(call.params)
        self._commands[key] = [dict(c) for c in commands]
        if not commands:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, call: _Call) -> Any:
        return copy.deepcopy(self._commands.get(self._commands_key(call.params), []))

    async def _delete_my_commands(self, call: _Call) -> Any:
        self._commands.pop(self._commands_key(call.params), None)
        return True

    async def _set_chat_menu_button(self, call: _Call) -> Any:
        p = call.params
        chat_id: int | None = None
        if p.get("chat_id") not in (None, ""):
            chat_id = self._target(p, check_blocked=False).id
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise _bad("can't parse menu button JSON object")
        self._menu_buttons[chat_id] = dict(button)
        return True

    async def _get_chat_menu_button(self, call: _Call) -> Any:
        p = call.params
        chat_id: int | None = None
        if p.get("chat_id") not in (None, ""):
            chat_id = self._target(p, check_blocked=False).id
        button = self._menu_buttons.get(chat_id) or self._menu_buttons.get(None)
        return dict(button) if button else {"type": "default"}

    async def _get_chat(self, call: _Call) -> Any:
        chat = self._target(call.params, check_blocked=False)
        info = self._chat_object(chat)
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": True,
                    "limited_gifts": True,
                    "unique_gifts": True,
                    "premium_subscription": True,
                    "gifts_from_channels": True,
                },
            }
        )
        return info

    async def _send_message(self, call: _Call) -> Any:
        p = call.params
        chat = self._target(p)
        raw, text, entities = self._prepare_text(p)
        markup = self._markup(p)
        message = self._bot_message(chat, p)
        message["text"] = text
        if entities:
            message["entities"] = entities
        if markup:
            message["reply_markup"] = markup
        message["html"] = raw
        return _public(message)

    async def _edit_message_text(self, call: _Call) -> Any:
        p = call.params
        chat = self._target(p)
        message = self._message_in(chat, p, "message to edit not found")
        raw, text, entities = self._prepare_text(p)
        markup = self._markup(p)
        if message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        same = (
            message["text"] == text
            and _canon(message.get("entities", [])) == _canon(entities)
            and _canon(message.get("reply_markup")) == _canon(markup)
        )
        if same:
            raise _bad(_NOT_MODIFIED)
        message["text"] = text
        message["html"] = raw
        _set_optional(message, "entities", entities)
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(self.clock())
        return _public(message)

    async def _edit_message_caption(self, call: _Call) -> Any:
        p = call.params
        chat = self._target(p)
        message = self._message_in(chat, p, "message to edit not found")
        caption = self._prepare_caption(p)
        markup = self._markup(p)
        if message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        if "text" in message:
            raise _bad("there is no caption in the message to edit")
        text, entities, raw = (
            ("", [], "") if caption is None else (caption[1], caption[2], caption[0])
        )
        same = (
            message.get("caption", "") == text
            and _canon(message.get("caption_entities", [])) == _canon(entities)
            and _canon(message.get("reply_markup")) == _canon(markup)
        )
        if same:
            raise _bad(_NOT_MODIFIED)
        _set_optional(message, "caption", text)
        _set_optional(message, "caption_entities", entities)
        _set_optional(message, "caption_html", raw)
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(self.clock())
        return _public(message)

    async def _edit_message_reply_markup(self, call: _Call) -> Any:
        p = call.params
        chat = self._target(p)
        message = self._message_in(chat, p, "message to edit not found")
        markup = self._markup(p)
        if message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        if _canon(message.get("reply_markup")) == _canon(markup):
            raise _bad(_NOT_MODIFIED)
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(self.clock())
        return _public(message)

    async def _delete_message(self, call: _Call) -> Any:
        p = call.params
        chat = self._target(p, check_blocked=False)
        message = self._message_in(chat, p, "message to delete not found")
        if chat.type != "private" and message["from"]["id"] != self.bot_id:
            raise _bad("message can't be deleted")
        del chat.messages[message["message_id"]]
        return True

    async def _answer_callback_query(self, call: _Call) -> Any:
        p = call.params
        state = self._callbacks.get(str(p.get("callback_query_id") or ""))
        if state is None or state.answers:
            raise _bad(_QUERY_TOO_OLD)
        text = p.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        answer: JSONDict = {
            "text": None if text is None else str(text),
            "show_alert": bool(p.get("show_alert")),
        }
        for key in ("url", "cache_time"):
            if p.get(key) is not None:
                answer[key] = p[key]
        state.answers.append(answer)
        return True

    async def _send_document(self, call: _Call) -> Any:
        p = call.params
        chat = self._target(p)
        document = p.get("document")
        stored: _StoredFile | None = None
        upload = call.files.get("document")
        if upload is None and isinstance(document, str) and document.startswith("attach://"):
            upload = call.files.get(document.removeprefix("attach://"))
            if upload is None:
                raise _bad("wrong file identifier/HTTP URL specified")
        if upload is not None:
            if not upload.content:
                raise _bad("file must be non-empty")
            content_type = upload.content_type
            if content_type in ("application/octet-stream", ""):
                content_type = ""
            stored = self._store_file(upload.content, upload.filename, content_type or None)
        elif isinstance(document, str) and document:
            stored = self._files.get(document)
            if stored is None:
                raise _bad("wrong file identifier/HTTP URL specified")
        else:
            raise _bad("there is no document in the request")
        caption = self._prepare_caption(p)
        markup = self._markup(p)
        message = self._bot_message(chat, p)
        message["document"] = stored.document()
        if caption is not None:
            raw, text, entities = caption
            message["caption"] = text
            if entities:
                message["caption_entities"] = entities
            message["caption_html"] = raw
        if markup:
            message["reply_markup"] = markup
        return _public(message)

    async def _get_file(self, call: _Call) -> Any:
        stored = self._files.get(str(call.params.get("file_id") or ""))
        if stored is None:
            raise _bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _send_chat_action(self, call: _Call) -> Any:
        p = call.params
        self._target(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True


def is_limited(method: str) -> bool:
    """Message-producing methods: flood-limited (and, in the tests, subject to faults)."""
    return (
        (method.startswith("send") and method != "sendChatAction")
        or method.startswith("edit")
        or method in ("copyMessage", "copyMessages", "forwardMessage", "forwardMessages")
    )


def _set_optional(message: JSONDict, key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)


def _suffix(file_name: str) -> str:
    _, dot, ext = file_name.rpartition(".")
    return f".{ext}" if dot and ext.isalnum() else ""


def _int(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return default


def _coerce(key: str, value: Any) -> Any:
    """Turn a form/query string into the value Telegram would read for that parameter."""
    if not isinstance(value, str):
        return value
    if key in _TEXT_KEYS:
        return value
    if value[:1] in ("{", "[") or key in ("reply_markup", "allowed_updates", "entities"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    if re.fullmatch(r"-?\d{1,20}", value):
        return int(value)
    if value in ("true", "True"):
        return True
    if value in ("false", "False"):
        return False
    return value


async def _read_params(request: web.Request) -> tuple[JSONDict, dict[str, _Upload]]:
    raw: JSONDict = dict(request.query)
    files: dict[str, _Upload] = {}
    if request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise _bad("can't parse JSON encoded request")
            raw.update(body)
        elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = _Upload(
                        value.filename, value.content_type or "", value.file.read()
                    )
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8", "replace")
                else:
                    raw[key] = value
    return {key: _coerce(key, value) for key, value in raw.items()}, files
