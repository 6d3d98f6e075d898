"""Tests of the fake Telegram Bot API server (tests/fakeapi.py) with a real aiogram Bot."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Message,
    Update,
)

from tests.fakeapi import Delivery, FakeTelegram, Fault

TOKEN = "123456:TEST-token_for_fake"
USER = 501
OTHER = 502
GROUP = -4001


def make_bot(tg: FakeTelegram, token: str = TOKEN, *, timeout: float | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    if timeout is not None:
        session.timeout = timeout
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def kb(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(buttons)])


def cb(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as fake:
        fake.add_user(USER, "Анна", username="anna")
        fake.add_user(OTHER, "Борис", language_code="en")
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    b = make_bot(tg)
    yield b
    await b.session.close()


async def raw_call(tg: FakeTelegram, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{tg.base_url}/bot{TOKEN}/{method}", **kwargs) as resp,
    ):
        body: dict[str, Any] = await resp.json()
        return resp.status, body


async def confirm_all(tg: FakeTelegram, bot: Bot) -> None:
    """Confirm every pending update, as a polling bot would."""
    if tg.pending_updates:
        await bot.get_updates(offset=tg.pending_updates[-1]["update_id"] + 1)
    assert tg.pending_updates == []


# ------------------------------------------------------------------------------ basics


async def test_get_me_auth_and_unknown_method(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 7000 and me.is_bot and me.username == "metod_test_bot"
    assert me.can_join_groups is True

    wrong = make_bot(tg, "999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await wrong.get_me()
    finally:
        await wrong.session.close()

    with pytest.raises(TelegramNotFound, match="Not Found"):  # not implemented by the fake
        await bot.get_sticker_set("pack")
    status, body = await raw_call(tg, "noSuchMethod")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert ("getMe", 401, "Unauthorized") in tg.errors


async def test_json_body_and_recorded_params(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    status, body = await raw_call(
        tg, "sendMessage", json={"chat_id": USER, "text": "json", "reply_markup": markup}
    )
    assert status == 200 and body["ok"] is True
    assert body["result"]["reply_markup"] == markup
    assert "html" not in body["result"]

    await bot.send_message(USER, "form", reply_markup=kb(cb("B", "b")))
    method, params = tg.requests[-1]
    assert method == "sendMessage"
    assert params["chat_id"] == USER and params["text"] == "form"
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "B", "callback_data": "b"}]]}
    assert tg.errors == []


# ------------------------------------------------------------------------------ updates


async def test_get_updates_offset_and_limit(tg: FakeTelegram, bot: Bot) -> None:
    for text in ("one", "two", "three"):
        await tg.send_text(USER, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await bot.get_updates()
    assert len(again) == 3  # nothing confirmed yet
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert len(tg.pending_updates) == 1
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == []
    assert tg.pending_updates == []


async def test_get_updates_long_poll(tg: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2

    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    await tg.send_text(USER, "wake up")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 0.5
    assert updates[0].message is not None and updates[0].message.text == "wake up"


async def test_allowed_updates_and_conflict(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "msg")
    tg.enqueue_update({"edited_message": {"message_id": 1, "date": 0, "chat": {}}})
    only_messages = await bot.get_updates(allowed_updates=["message"])
    assert [u.event_type for u in only_messages] == ["message"]
    # the setting sticks when allowed_updates is omitted
    assert [u.event_type for u in await bot.get_updates()] == ["message"]

    first = asyncio.create_task(bot.get_updates(offset=only_messages[-1].update_id + 1, timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first
    assert await second == []


async def test_webhook_commands_menu_button(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.delete_webhook(drop_pending_updates=True)
    ru = [BotCommand(command="start", description="Начать")]
    en = [
        BotCommand(command="start", description="Start"),
        BotCommand(command="help", description="Help"),
    ]
    assert await bot.set_my_commands(ru, scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    assert await bot.set_my_commands(en)
    got_ru = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    assert [(c.command, c.description) for c in got_ru] == [("start", "Начать")]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert await bot.get_my_commands(language_code="ru") == []
    assert tg.commands({"type": "all_private_chats"}, "ru") == [
        {"command": "start", "description": "Начать"}
    ]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Command", description="x")])

    await tg.send_text(USER, "hi")
    await bot.set_my_commands(en, scope=BotCommandScopeChat(chat_id=USER))
    assert tg.commands({"type": "chat", "chat_id": USER}) != []
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert tg.menu_button() == {"type": "commands"}
    assert await bot.set_chat_menu_button(chat_id=USER, menu_button=MenuButtonCommands())
    assert tg.menu_button(USER) == {"type": "commands"}


# ------------------------------------------------------------------------------ messages


async def test_send_message_objects_and_ids(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "/start")  # user's message gets id 1
    before = int(time.time())
    first = await bot.send_message(USER, "Привет")
    second = await bot.send_message(USER, "Ещё")
    assert second.message_id == first.message_id + 1 == 3
    assert first.chat.type == "private" and first.chat.first_name == "Анна"
    assert first.from_user is not None and first.from_user.id == 7000
    assert first.from_user.is_bot
    assert abs(first.date.timestamp() - before) <= 2

    await tg.add_bot_to_group(USER, GROUP, "РМО учителей")
    in_group = await bot.send_message(GROUP, "Всем привет")
    assert in_group.chat.type == "group" and in_group.chat.title == "РМО учителей"
    assert [m["text"] for m in tg.messages(USER)] == ["Привет", "Ещё"]
    assert await bot.send_chat_action(USER, "typing")
    chat = await bot.get_chat(GROUP)
    assert chat.title == "РМО учителей" and chat.type == "group"
    assert await bot.close() and await bot.log_out()
    assert tg.errors == []


async def test_html_rendering(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    html = (
        '<b>Жирный</b> <i>курсив</i> <a href="https://example.com/?a=1&amp;b=2">ссылка</a> '
        "&lt;tag&gt; &amp; &quot;q&quot; &#8212; &#x41; <code>x</code> "
        '<pre><code class="language-python">print()</code></pre> '
        '<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler> '
        "<blockquote expandable>quote</blockquote> <u>u</u><s>s</s><strong>😀b</strong>"
    )
    sent = await bot.send_message(USER, html)
    plain = 'Жирный курсив ссылка <tag> & "q" — A x print() s t quote us😀b'
    assert sent.text == plain
    stored = tg.messages(USER)[-1]
    assert stored["text"] == plain and stored["html"] == html
    assert stored["entities"][0] == {"type": "bold", "offset": 0, "length": 6}
    entities = {e["type"]: e for e in stored["entities"]}
    assert entities["text_link"]["url"] == "https://example.com/?a=1&b=2"
    assert entities["pre"]["language"] == "python"
    assert "expandable_blockquote" in entities
    # the UTF-16 length of "😀b" is 3
    end16 = len(plain.encode("utf-16-le")) // 2
    assert stored["entities"][-1] == {"type": "bold", "offset": end16 - 3, "length": 3}


async def test_html_errors(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    cases = {
        "line<br>break": 'Unsupported start tag "br" at byte offset 4',
        "<div>x</div>": 'Unsupported start tag "div" at byte offset 0',
        "Я <b>жирный": 'Can\'t find end tag corresponding to start tag "b"',
        "<b><i>x</b></i>": 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
        "x</b>": "Unexpected end tag at byte offset 1",
        "2 < 3": 'Unsupported start tag "" at byte offset 2',
        "Tom & Jerry": "Unsupported HTML entity at byte offset 4",
        '<span class="x">y</span>': 'Tag "span" must have class "tg-spoiler"',
        "&nbsp;": "Unsupported HTML entity",
    }
    for text, detail in cases.items():
        with pytest.raises(TelegramBadRequest) as info:
            await bot.send_message(USER, text)
        assert info.value.message.startswith("Bad Request: can't parse entities: "), text
        assert detail in info.value.message, (text, info.value.message)
    assert tg.messages(USER) == []
    assert len(tg.errors) == len(cases)
    # without parse_mode the same text is fine
    assert (await bot.send_message(USER, "2 < 3 & <br>", parse_mode=None)).text == "2 < 3 & <br>"


async def test_text_limits(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    assert (await bot.send_message(USER, "&lt;" * 4096)).text == "<" * 4096
    assert await bot.send_message(USER, "<b>" + "я" * 4096 + "</b>")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(USER, "a" * 4097)
    assert await bot.send_message(USER, "😀" * 2048)  # 4096 UTF-16 code units
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "😀" * 2048 + "a")
    for empty in ("", "<b></b>", "   \n"):
        with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
            await bot.send_message(USER, empty)
    doc = BufferedInputFile(b"data", filename="a.txt")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_document(USER, doc, caption="<i>" + "x" * 1025 + "</i>")
    assert await bot.send_document(USER, doc, caption="<i>" + "x" * 1024 + "</i>")


async def test_inline_keyboard_validation(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    ok = await bot.send_message(
        USER,
        "kb",
        reply_markup=kb(
            cb("64", "x" * 64),
            cb("32 cyrillic", "ы" * 32),
            InlineKeyboardButton(text="site", url="https://example.com"),
        ),
    )
    assert ok.reply_markup is not None
    for data in ("x" * 65, "ы" * 33):
        with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_DATA_INVALID"):
            await bot.send_message(USER, "kb", reply_markup=kb(cb("long", data)))


async def test_edit_semantics(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    markup = kb(cb("A", "a"))
    msg = await bot.send_message(USER, "<b>Текст</b>", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new"):
        await bot.edit_message_text(
            "<b>Текст</b>", chat_id=USER, message_id=msg.message_id, reply_markup=markup
        )
    # same visible text but a different entity is a modification
    await bot.edit_message_text(
        "Текст", chat_id=USER, message_id=msg.message_id, reply_markup=markup
    )
    # an edit without reply_markup drops the keyboard
    edited = await bot.edit_message_text("Новый", chat_id=USER, message_id=msg.message_id)
    assert isinstance(edited, Message) and edited.reply_markup is None
    assert edited.edit_date is not None
    now = tg.messages(USER)[-1]
    assert now["text"] == "Новый" and "reply_markup" not in now
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=USER, message_id=msg.message_id)
    await bot.edit_message_reply_markup(
        chat_id=USER, message_id=msg.message_id, reply_markup=markup
    )
    assert tg.messages(USER)[-1]["reply_markup"] == {
        "inline_keyboard": [[{"text": "A", "callback_data": "a"}]]
    }
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)


async def test_delete_message(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    a = await bot.send_message(USER, "a")
    await bot.send_message(USER, "b")
    assert await bot.delete_message(USER, a.message_id)
    assert [m["text"] for m in tg.messages(USER)] == ["b"]
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, a.message_id)


# ------------------------------------------------------------------------------ chats & users


async def test_chat_not_found_and_blocked(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(USER, "hello")  # add_user alone does not open the chat
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999_999, "hello")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(GROUP)
    await tg.send_text(USER, "/start")
    assert await bot.send_message(USER, "hello")

    await tg.add_bot_to_group(OTHER, GROUP, "Group")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(OTHER, "private hello")

    await confirm_all(tg, bot)
    tg.block(USER)
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(USER, "are you there?")
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_chat_action(USER, "typing")
    updates = await bot.get_updates(offset=tg.pending_updates[0]["update_id"])
    member = updates[-1].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"

    await tg.send_text(USER, "/start")  # writing again unblocks, as "Restart" does
    assert await bot.send_message(USER, "welcome back")


async def test_group_start_param_and_update_validity(tg: FakeTelegram, bot: Bot) -> None:
    await tg.add_bot_to_group(USER, GROUP, "РМО", start_param="join_42")
    await tg.send_text(OTHER, "just chatting", chat_id=GROUP)  # privacy mode: not delivered
    await tg.send_text(OTHER, "/help@other_bot", chat_id=GROUP)  # not for us
    cmd = await tg.send_text(OTHER, "/help", chat_id=GROUP)
    updates = [Update.model_validate(u, context={"bot": bot}) for u in tg.pending_updates]
    assert [u.event_type for u in updates] == ["my_chat_member", "message", "message", "message"]
    mcm = updates[0].my_chat_member
    assert mcm is not None and mcm.chat.type == "group" and mcm.chat.title == "РМО"
    assert mcm.old_chat_member.status == "left" and mcm.new_chat_member.status == "member"
    assert mcm.from_user.id == USER
    service = updates[1].message
    assert service is not None and service.new_chat_members is not None
    assert service.new_chat_members[0].id == 7000
    start = updates[2].message
    assert start is not None and start.text == "/start@metod_test_bot join_42"
    assert start.entities is not None and start.entities[0].type == "bot_command"
    assert (start.entities[0].offset, start.entities[0].length) == (0, 21)
    assert start.from_user is not None and start.from_user.language_code == "ru"
    assert not start.from_user.is_bot and start.from_user.first_name == "Анна"
    assert cmd["text"] == "/help"

    # commands inside text get entities with UTF-16 offsets
    msg = await tg.send_text(USER, "😀 see /help and /start")
    assert [(e["offset"], e["length"]) for e in msg["entities"]] == [(7, 5), (17, 6)]

    # the start command is parsed by aiogram's CommandStart filter
    assert start.text is not None
    result = await CommandStart().__call__(start, bot)
    assert result is not False


async def test_migrate_group(tg: FakeTelegram, bot: Bot) -> None:
    await tg.add_bot_to_group(USER, GROUP, "Group")
    assert await bot.send_message(GROUP, "before")
    await confirm_all(tg, bot)
    await tg.migrate_group(GROUP, -1001234567890)
    updates = await bot.get_updates(offset=tg.pending_updates[0]["update_id"])
    to_msg, from_msg = (u.message for u in updates)
    assert to_msg is not None and to_msg.migrate_to_chat_id == -1001234567890
    assert to_msg.chat.id == GROUP
    assert from_msg is not None and from_msg.migrate_from_chat_id == GROUP
    assert from_msg.chat.type == "supergroup" and from_msg.chat.title == "Group"
    with pytest.raises(TelegramMigrateToChat) as info:
        await bot.send_message(GROUP, "after")
    assert info.value.migrate_to_chat_id == -1001234567890
    assert "group chat was upgraded to a supergroup chat" in info.value.message
    assert (await bot.send_message(-1001234567890, "after")).chat.type == "supergroup"


# ------------------------------------------------------------------------------ callbacks


async def test_press_and_answer_callback(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    msg = await bot.send_message(USER, "choose", reply_markup=kb(cb("Yes", "yes")))
    with pytest.raises(AssertionError, match="no button with callback_data='no'"):
        await tg.press(USER, msg.message_id, "no")
    qid = await tg.press(USER, msg.message_id, "yes")
    update = Update.model_validate(tg.pending_updates[-1], context={"bot": bot})
    query = update.callback_query
    assert query is not None and query.id == qid and query.data == "yes"
    assert query.chat_instance and query.from_user.id == USER
    assert isinstance(query.message, Message) and query.message.text == "choose"

    assert await bot.answer_callback_query(qid, text="Готово", show_alert=True)
    assert tg.callback_answers(qid) == [{"text": "Готово", "show_alert": True}]
    too_old = "query is too old and response timeout expired or query ID is invalid"
    with pytest.raises(TelegramBadRequest, match=too_old):
        await bot.answer_callback_query(qid)
    with pytest.raises(TelegramBadRequest, match=too_old):
        await bot.answer_callback_query("123")

    await bot.edit_message_text("done", chat_id=USER, message_id=msg.message_id)
    with pytest.raises(AssertionError, match="no button"):  # keyboard was removed
        await tg.press(USER, msg.message_id, "yes")


# ------------------------------------------------------------------------------ files


async def test_documents_and_files(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    sent = await bot.send_document(
        USER, BufferedInputFile("отчёт".encode(), filename="report.txt"), caption="<b>Отчёт</b>"
    )
    doc = sent.document
    assert doc is not None and doc.file_name == "report.txt" and doc.mime_type == "text/plain"
    assert sent.caption == "Отчёт"
    assert tg.messages(USER)[-1]["caption_html"] == "<b>Отчёт</b>"
    assert tg.requests[-1][1]["document"].startswith("attach://")

    again = await bot.send_document(USER, doc.file_id)
    assert again.document is not None
    assert again.document.file_id == doc.file_id
    assert again.document.file_unique_id == doc.file_unique_id
    other = await bot.send_document(USER, BufferedInputFile(b"x", filename="b.pdf"))
    assert other.document is not None and other.document.file_id != doc.file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_document(USER, "BQACAgIAAxkBAAIunknown")

    file = await bot.get_file(doc.file_id)
    assert file.file_path is not None
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == "отчёт".encode()
    assert tg.file_content(doc.file_id) == "отчёт".encode()
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


# ------------------------------------------------------------------------------ flood limits


async def test_flood_private_chat(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    msg = await bot.send_message(USER, "0", reply_markup=kb(cb("A", "a")))
    for i in range(1, 5):
        await bot.send_message(USER, str(i))
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER, "5")
    assert info.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in info.value.message
    with pytest.raises(TelegramRetryAfter):
        await bot.edit_message_text("edit", chat_id=USER, message_id=msg.message_id)
    # reads and callback answers are never limited; other chats are
    qid = await tg.press(USER, msg.message_id, "a")
    assert await bot.answer_callback_query(qid)
    for _ in range(10):
        await bot.get_me()
        await bot.get_chat(USER)
    await tg.send_text(OTHER, "hi")
    assert await bot.send_message(OTHER, "other chat is fine")
    await asyncio.sleep(1.05)
    assert await bot.send_message(USER, "after a second")
    assert [e[1] for e in tg.errors] == [429, 429]


async def test_flood_global_and_group() -> None:
    async with FakeTelegram(TOKEN, global_per_second=3, group_per_minute=2) as tg:
        bot = make_bot(tg)
        try:
            for uid in (1, 2, 3, 4):
                tg.add_user(uid, f"U{uid}")
                await tg.send_text(uid, "hi")
            for uid in (1, 2, 3):
                await bot.send_message(uid, "x")
            with pytest.raises(TelegramRetryAfter) as info:
                await bot.send_message(4, "x")
            assert info.value.retry_after == 1
            await asyncio.sleep(1.05)

            await tg.add_bot_to_group(1, GROUP, "G")
            await bot.send_message(GROUP, "1")
            await bot.send_message(GROUP, "2")
            with pytest.raises(TelegramRetryAfter) as info:
                await bot.send_message(GROUP, "3")
            assert 58 <= info.value.retry_after <= 60
            assert await bot.send_message(4, "private chats are not affected")
        finally:
            await bot.session.close()


# ------------------------------------------------------------------------------ waiting


async def test_wait_helpers(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")

    async def later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(USER, "first")
        await bot.send_message(USER, "second <b>bold</b>")

    task = asyncio.create_task(later())
    got = await tg.wait_for_message(USER, "second bold", timeout=2)
    assert got["html"] == "second <b>bold</b>"
    await task
    first = await tg.wait_for_message(USER)
    assert first["text"] == "first"
    params = await tg.wait_for_request("sendmessage", predicate=lambda p: "second" in p["text"])
    assert params["parse_mode"] == "HTML"
    with pytest.raises(TimeoutError, match=r"#3: 'second bold'"):
        await tg.wait_for_message(USER, "third", timeout=0.2)
    with pytest.raises(TimeoutError):
        await tg.wait_for_message(USER, after=got["message_id"], timeout=0.1)
    with pytest.raises(TimeoutError, match="no deleteMessage request"):
        await tg.wait_for_request("deleteMessage", timeout=0.1)


# ------------------------------------------------------------------------------ dispatcher


async def test_dispatcher_polling_flow(tg: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def on_start(message: Message) -> None:
        await message.answer("Привет, <b>учитель</b>!", reply_markup=kb(cb("Далее", "next")))

    @dp.callback_query(F.data == "next")
    async def on_next(query: CallbackQuery) -> None:
        await query.answer("Ок")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Шаг 2")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
    try:
        await tg.send_text(USER, "/start")
        greeting = await tg.wait_for_message(USER, "Привет, учитель!", timeout=5)
        assert greeting["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "next"
        qid = await tg.press(USER, greeting["message_id"], "next")
        edited = await tg.wait_for_message(USER, "Шаг 2", timeout=5)
        assert edited["message_id"] == greeting["message_id"] and "reply_markup" not in edited
        await tg.wait_for_request("answerCallbackQuery")
        assert tg.callback_answers(qid) == [{"text": "Ок", "show_alert": False}]
    finally:
        await dp.stop_polling()
        await polling
    assert tg.errors == []


# ------------------------------------------------------------------------------ latency


async def test_latency_delays_answers_not_delivery(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    with pytest.raises(ValueError, match="latency"):
        tg.latency = (0.5, 0.1)
    with pytest.raises(ValueError, match="latency"):
        FakeTelegram(TOKEN, latency=(-1, 0))
    tg.latency = (0.3, 0.35)
    assert tg.latency == (0.3, 0.35)

    started = time.monotonic()
    sending = asyncio.create_task(bot.send_message(USER, "late"))
    seen = await tg.wait_for_message(USER, "late", timeout=1)
    assert not sending.done()  # delivered on arrival, answered later
    assert time.monotonic() - started < 0.25
    sent = await sending
    assert 0.3 <= time.monotonic() - started < 1
    assert sent.message_id == seen["message_id"]
    assert tg.deliveries[-1].at - started < 0.25  # logged at arrival

    started = time.monotonic()  # errors and reads wait too
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999_999, "x")
    assert await bot.get_me()
    assert 0.6 <= time.monotonic() - started < 1.5

    started = time.monotonic()  # getUpdates keeps its own timing
    assert len(await bot.get_updates()) == 1
    assert time.monotonic() - started < 0.2

    tg.latency = None
    started = time.monotonic()
    await bot.send_message(USER, "fast")
    assert time.monotonic() - started < 0.2


async def test_latency_flood_counted_on_arrival() -> None:
    async with FakeTelegram(TOKEN, latency=(0.2, 0.2)) as tg:
        tg.add_user(USER, "Анна")
        await tg.send_text(USER, "hi")
        bot = make_bot(tg)
        try:
            started = time.monotonic()
            results = await asyncio.gather(
                *(bot.send_message(USER, str(i)) for i in range(6)), return_exceptions=True
            )
            assert time.monotonic() - started >= 0.2
        finally:
            await bot.session.close()
        assert sum(isinstance(r, Message) for r in results) == 5
        assert sum(isinstance(r, TelegramRetryAfter) for r in results) == 1
        assert tg.error_count(429) == 1 and len(tg.deliveries) == 5


# ------------------------------------------------------------------------------ faults


async def test_fault_kinds_consumed_in_order(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    await tg.send_text(OTHER, "hi")
    tg.fault(USER, 500, 429, Fault(429, retry_after=7), 403)
    tg.fault(USER, Fault(500, delay=0.2))
    assert tg.faults_pending(USER) == 5 and tg.faults_pending(OTHER) == 0

    # other chats and methods that produce no message do not take faults
    assert await bot.send_message(OTHER, "other chat")
    assert await bot.send_chat_action(USER, "typing")
    assert await bot.get_chat(USER)
    assert tg.faults_pending(USER) == 5

    with pytest.raises(TelegramServerError, match="Internal Server Error"):
        await bot.send_message(USER, "a")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER, "b")
    assert info.value.retry_after == 1
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_document(USER, BufferedInputFile(b"x", filename="x.txt"))
    assert info.value.retry_after == 7
    assert "Too Many Requests: retry after 7" in info.value.message
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(USER, "c")
    started = time.monotonic()
    with pytest.raises(TelegramServerError):
        await bot.send_message(USER, "d")
    assert time.monotonic() - started >= 0.2
    assert tg.faults_pending(USER) == 0

    assert tg.messages(USER) == [] and tg.delivered_to(USER) == []
    assert [(m, c) for m, c, _ in tg.errors] == [
        ("sendMessage", 500),
        ("sendMessage", 429),
        ("sendDocument", 429),
        ("sendMessage", 403),
        ("sendMessage", 500),
    ]
    assert tg.error_count(429) == 2 and tg.error_count(500) == 2 and tg.error_count(400) == 0
    # the 403 was for one call only, and faults did not count against the 5/s limit
    for i in range(5):
        assert await bot.send_message(USER, str(i))
    assert [m["text"] for m in tg.messages(USER)] == ["0", "1", "2", "3", "4"]


async def test_every_nth_call_fails(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    await confirm_all(tg, bot)
    tg.fail_every(3)
    outcomes = []
    for i in range(7):
        try:
            await bot.send_message(USER, str(i)) if i % 2 else await bot.get_chat(USER)
            outcomes.append("ok")
        except TelegramServerError:
            outcomes.append("500")
        await bot.get_updates(timeout=0)  # the long poll is never counted nor failed
    assert outcomes == ["ok", "ok", "500", "ok", "ok", "500", "ok"]
    assert [m["text"] for m in tg.messages(USER)] == ["1", "3"]  # a failed call did nothing
    assert [(m, c) for m, c, _ in tg.errors] == [("getChat", 500), ("sendMessage", 500)]
    tg.fail_every(None)
    for _ in range(3):
        assert await bot.get_chat(USER)


async def test_fault_raw_answers_and_edits(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    await tg.add_bot_to_group(USER, GROUP, "G")
    tg.fault(USER, 500)
    tg.fault(GROUP, 403)
    assert await raw_call(tg, "sendMessage", json={"chat_id": USER, "text": "x"}) == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    msg = await bot.send_message(USER, "before")
    tg.fault(USER, Fault(429, retry_after=3))  # edits take faults too
    status, body = await raw_call(
        tg, "editMessageText", json={"chat_id": USER, "message_id": msg.message_id, "text": "y"}
    )
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    assert tg.messages(USER)[-1]["text"] == "before"
    with pytest.raises(TelegramForbiddenError, match="kicked from the group chat"):
        await bot.send_message(GROUP, "x")
    assert await bot.send_message(GROUP, "back")

    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault(404)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown fault kind"):
        tg.fault(USER, 502)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Fault.slow(-1)
    assert Fault.slow(2) == Fault("slow", delay=2)


async def test_slow_fault_client_gives_up(
    tg: FakeTelegram, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="aiohttp")
    await tg.send_text(USER, "hi")
    tg.fault(USER, Fault.slow(0.6), Fault.slow(0.3))
    impatient = make_bot(tg, timeout=0.15)
    try:
        first = time.monotonic()
        with pytest.raises(TelegramNetworkError, match="timeout"):
            await impatient.send_message(USER, "lost answer")
        assert time.monotonic() - first < 0.5
        # delivered although the client never saw the answer
        assert [m["text"] for m in tg.messages(USER)] == ["lost answer"]
        assert tg.faults_pending(USER) == 1
        # a patient client gets the held answer; then the fake behaves normally
        started = time.monotonic()
        held = await bot.send_message(USER, "held")
        assert 0.3 <= time.monotonic() - started < 0.8
        assert held.text == "held"
        started = time.monotonic()
        assert (await impatient.send_message(USER, "next")).text == "next"
        assert time.monotonic() - started < 0.2
    finally:
        await impatient.session.close()
    await asyncio.sleep(first + 0.7 - time.monotonic())  # past the first hold's end
    assert [d.text for d in tg.delivered_to(USER)] == ["lost answer", "held", "next"]
    assert tg.errors == []
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert problems == []


async def test_stop_answers_held_calls() -> None:
    tg = FakeTelegram(TOKEN, latency=(5, 5))
    await tg.start()
    tg.add_user(USER, "Анна")
    await tg.send_text(USER, "hi")
    bot = make_bot(tg)
    try:
        sending = asyncio.create_task(bot.send_message(USER, "x"))
        await tg.wait_for_message(USER, "x", timeout=1)
        started = time.monotonic()
        await tg.stop()
        assert time.monotonic() - started < 0.5
        assert (await asyncio.wait_for(sending, 1)).text == "x"
    finally:
        await bot.session.close()


# ------------------------------------------------------------------------------ deliveries


async def test_delivery_log(tg: FakeTelegram, bot: Bot) -> None:
    await tg.send_text(USER, "hi")
    await tg.add_bot_to_group(USER, GROUP, "G")
    started = time.monotonic()
    msg = await bot.send_message(USER, "<b>one</b>")
    await bot.edit_message_text("edited", chat_id=USER, message_id=msg.message_id)  # no
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(USER, "<b>broken")  # no
    await bot.send_document(USER, BufferedInputFile(b"x", filename="a.txt"), caption="cap")
    await bot.send_document(USER, BufferedInputFile(b"x", filename="b.txt"))
    await bot.send_message(GROUP, "group")
    assert await bot.send_chat_action(USER, "typing")  # no
    log = tg.deliveries
    assert [(d.chat_id, d.method, d.text) for d in log] == [
        (USER, "sendMessage", "one"),
        (USER, "sendDocument", "cap"),
        (USER, "sendDocument", ""),
        (GROUP, "sendMessage", "group"),
    ]
    assert log[0] == Delivery(USER, "sendMessage", msg.message_id, log[0].at, "one")
    assert started <= log[0].at <= log[1].at <= log[2].at <= log[3].at <= time.monotonic()
    assert tg.delivered_to(GROUP) == log[3:]
    assert tg.delivered_to(OTHER) == []

    # concurrent calls with random latency: logged in arrival order, answered in any order
    tg.latency = (0.0, 0.2)
    await tg.send_text(OTHER, "hi")
    sent = await asyncio.gather(*(bot.send_message(OTHER, f"c{i}") for i in range(5)))
    concurrent = tg.deliveries[4:]
    assert concurrent == tg.delivered_to(OTHER)
    assert sorted(d.message_id for d in concurrent) == sorted(m.message_id for m in sent)
    assert [d.at for d in concurrent] == sorted(d.at for d in concurrent)
    assert [d.message_id for d in concurrent] == sorted(d.message_id for d in concurrent)
