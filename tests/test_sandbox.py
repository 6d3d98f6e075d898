"""The sandbox (`python -m bot sandbox`): the real application against the local Bot API
server, its page's HTTP API, its forward-only clock, its demonstration data and «Сбросить»."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BufferedInputFile
from aiohttp import web

from sandbox import demo
from sandbox.botapi import BotAPIServer
from sandbox.runtime import TOKEN, Sandbox, sandbox_settings
from sandbox.web import BANNER, build_app
from services.clock import FixedClock, ForwardClock

CHAIR, TEACHER = 301, 401


# --- the clock ------------------------------------------------------------------------------


def test_the_clock_only_moves_forward() -> None:
    real = FixedClock(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    clock = ForwardClock(real)
    assert clock.now() == real.now()
    assert clock.advance(timedelta(hours=1)) == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(timedelta(seconds=-1))
    assert clock.move_to(datetime(2026, 12, 1, tzinfo=UTC)) == datetime(2026, 12, 3, 13, tzinfo=UTC)
    assert clock.move_to(datetime(2026, 12, 5, tzinfo=UTC)) == datetime(2026, 12, 5, tzinfo=UTC)
    real.set(datetime(2026, 12, 3, 11, 0, tzinfo=UTC))  # the machine's clock steps back
    assert clock.now() == datetime(2026, 12, 5, tzinfo=UTC)
    real.advance(timedelta(days=3))  # and on again: the shift stays
    assert clock.now() == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)


# --- settings -------------------------------------------------------------------------------


def test_the_sandbox_ignores_the_production_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    monkeypatch.setenv("BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi")
    monkeypatch.setenv("TELEGRAM_API_BASE", "https://api.telegram.org")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("ADMIN_IDS", "42")
    monkeypatch.setenv("SANDBOX_DIR", str(tmp_path / "play"))
    monkeypatch.setenv("SANDBOX_PORT", "8799")
    settings = sandbox_settings("http://127.0.0.1:8799")
    assert settings.bot_token == TOKEN
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'play' / 'sandbox.sqlite3'}"
    assert settings.telegram_api_base == "http://127.0.0.1:8799"
    assert settings.redis_url is None
    assert settings.admin_ids == [demo.ADMIN_ID]
    assert settings.sandbox_port == 8799
    assert settings.backup_keep == 0


# --- the page's HTTP API ----------------------------------------------------------------------


@dataclass
class Running:
    base: str
    sandbox: Sandbox
    http: aiohttp.ClientSession

    async def get(self, path: str) -> Any:
        async with self.http.get(self.base + path) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def post(self, path: str, body: Any, status: int = 200) -> Any:
        async with self.http.post(self.base + path, json=body) as response:
            assert response.status == status, await response.text()
            return await response.json()

    async def chat(self, person: int) -> dict[str, Any]:
        found: dict[str, Any] = await self.get(f"/api/chat/{person}")
        return found

    async def wait_for(
        self, person: int, test: Callable[[dict[str, Any]], bool], seconds: float = 20
    ) -> dict[str, Any]:
        """The first of the person's bot messages that passes `test`."""
        for _ in range(int(seconds / 0.1)):
            messages: list[dict[str, Any]] = (await self.chat(person))["messages"]
            for message in messages:
                if not message["mine"] and test(message):
                    return message
            await asyncio.sleep(0.1)
        raise AssertionError(f"no such message; chat: {await self.chat(person)}")


@pytest.fixture
async def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Running]:
    production = tmp_path / "production.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{production}")
    monkeypatch.setenv("BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi")
    monkeypatch.setenv("SANDBOX_DIR", str(tmp_path / "sandbox"))
    api = BotAPIServer(TOKEN, private_per_second=20)
    sandbox = Sandbox(api, sandbox_settings(""))
    runner = web.AppRunner(build_app(sandbox), handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}"
    api.base_url = base
    sandbox.settings = sandbox_settings(base)
    await sandbox.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield Running(base, sandbox, http)
    finally:
        await sandbox.stop()
        await runner.cleanup()
    assert not production.exists()  # DATABASE_URL's database was never opened
    assert (tmp_path / "sandbox" / "sandbox.sqlite3").exists()


async def test_the_state_lists_the_demonstration_people(running: Running) -> None:
    state = await running.get("/api/state")
    assert state["banner"] == BANNER == "ПЕСОЧНИЦА — это не Telegram; данные демонстрационные"
    roles = [p["role"] for p in state["people"]]
    assert roles.count("admin") == roles.count("methodist") == 1
    assert roles.count("chair") == roles.count("secretary") == 1
    assert roles.count("teacher") == 8
    schools = {p["school"] for p in state["people"] if p["role"] == "teacher"}
    assert len(schools) == 3
    assert datetime.fromisoformat(state["now"]) <= datetime.now(UTC) + timedelta(seconds=5)


async def test_a_person_writes_and_the_real_bot_answers(running: Running) -> None:
    await running.post(f"/api/chat/{TEACHER}/send", {"text": "/start"})
    answer = await running.wait_for(TEACHER, lambda m: "Иванова Анна Петровна" in m["text"])
    assert any(e["type"] == "bold" for e in answer["entities"])  # HTML parsed into entities
    chat = await running.chat(TEACHER)
    assert chat["messages"][0] == chat["messages"][0] | {"mine": True, "text": "/start"}
    assert chat["keyboard"]  # the main menu as a reply keyboard


async def test_the_chair_finds_the_demonstration_meeting_and_taps_its_button(
    running: Running,
) -> None:
    await running.post(f"/api/chat/{CHAIR}/send", {"text": "/start"})
    await running.wait_for(CHAIR, lambda m: "Петров" in m["text"])
    keyboard = [text for row in (await running.chat(CHAIR))["keyboard"] for text in row]
    new = next(text for text in keyboard if "Новое заседание" in text)
    await running.post(f"/api/chat/{CHAIR}/send", {"text": new})
    listing = await running.wait_for(CHAIR, lambda m: bool(m["buttons"]))
    assert demo.TOPIC[:20] in json.dumps(listing["buttons"], ensure_ascii=False)
    button = listing["buttons"][0][0]
    pressed = await running.post(
        f"/api/chat/{CHAIR}/press", {"message_id": listing["id"], "data": button["data"]}
    )
    for _ in range(200):
        if await running.get(f"/api/answer/{pressed['query_id']}") != {}:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the tap was never answered")
    await running.wait_for(CHAIR, lambda m: demo.AGENDA[1] in m["text"])  # the draft's card


async def test_bad_requests_are_refused_and_change_nothing(running: Running) -> None:
    await running.post(f"/api/chat/{TEACHER}/send", {"text": "  "}, status=400)
    await running.post(f"/api/chat/{TEACHER}/send", {"text": "x" * 4097}, status=400)
    await running.post(f"/api/chat/{TEACHER}/send", ["/start"], status=400)
    async with running.http.post(f"{running.base}/api/chat/{TEACHER}/send", data=b"{") as r:
        assert r.status == 400
    async with running.http.post(f"{running.base}/api/chat/999/send", json={"text": "a"}) as r:
        assert r.status == 404
    await running.post(f"/api/chat/{TEACHER}/press", {"message_id": 1, "data": "x"}, status=404)
    await running.post(f"/api/chat/{TEACHER}/press", {"message_id": "1"}, status=400)
    before = running.sandbox.clock.now()
    await running.post("/api/clock", {"step": "back"}, status=400)
    assert running.sandbox.clock.shift == timedelta(0) and running.sandbox.clock.now() >= before
    async with running.http.get(f"{running.base}/api/file/nope") as r:
        assert r.status == 404
    assert (await running.chat(TEACHER))["messages"] == []
    assert running.sandbox.api.pending_updates == []


async def test_moving_the_clock_runs_what_became_due_at_once(running: Running) -> None:
    before = running.sandbox.clock.now()
    moved = datetime.fromisoformat((await running.post("/api/clock", {"step": "hour"}))["now"])
    assert moved >= before + timedelta(hours=1)
    moved = datetime.fromisoformat((await running.post("/api/clock", {"step": "day"}))["now"])
    assert moved >= before + timedelta(hours=25)
    upcoming = await running.sandbox.next_event()
    assert upcoming is not None and upcoming > moved
    moved = datetime.fromisoformat((await running.post("/api/clock", {"step": "next"}))["now"])
    assert moved >= upcoming
    # The demonstration draft's reminder to publish it in time reached the chair at once.
    reminder = await running.wait_for(CHAIR, lambda m: demo.TOPIC in m["text"], seconds=5)
    assert reminder["buttons"]


async def test_messages_are_dated_by_the_sandbox_clock(running: Running) -> None:
    moved = datetime.fromisoformat((await running.post("/api/clock", {"step": "day"}))["now"])
    await running.post(f"/api/chat/{TEACHER}/send", {"text": "/start"})
    answer = await running.wait_for(TEACHER, lambda m: "Иванова" in m["text"])
    mine = (await running.chat(TEACHER))["messages"][0]
    for message in (mine, answer):  # a day ahead of the machine's clock, as the page says
        assert message["date"] >= int(moved.timestamp())


async def test_files_the_bot_sends_are_shown_or_downloaded_with_their_name(
    running: Running,
) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(running.base))
    async with Bot(TOKEN, session=session) as bot:
        ics = await bot.send_document(TEACHER, BufferedInputFile(b"BEGIN:VCALENDAR\r\n", "m.ics"))
        png = await bot.send_document(TEACHER, BufferedInputFile(b"\x89PNG\r\n", "chart.png"))
    messages = (await running.chat(TEACHER))["messages"]
    documents = [m["document"] for m in messages]
    assert [(d["name"], d["size"]) for d in documents] == [("m.ics", 17), ("chart.png", 6)]
    assert ics.document is not None and png.document is not None
    async with running.http.get(f"{running.base}/api/file/{ics.document.file_id}") as r:
        assert r.headers["Content-Disposition"] == "attachment; filename*=UTF-8''m.ics"
        assert await r.read() == b"BEGIN:VCALENDAR\r\n"
    async with running.http.get(f"{running.base}/api/file/{png.document.file_id}") as r:
        assert r.headers["Content-Disposition"].startswith("inline;")
        assert r.content_type == "image/png"


async def test_reset_brings_back_the_demonstration_data(running: Running) -> None:
    await running.post(f"/api/chat/{TEACHER}/send", {"text": "/start"})
    await running.wait_for(TEACHER, lambda m: "Иванова" in m["text"])
    moved = datetime.fromisoformat((await running.post("/api/clock", {"step": "day"}))["now"])
    now = datetime.fromisoformat((await running.post("/api/reset", {}))["now"])
    assert now < moved
    assert (await running.chat(TEACHER))["messages"] == []
    await running.post(f"/api/chat/{CHAIR}/send", {"text": "/start"})
    await running.wait_for(CHAIR, lambda m: "Петров" in m["text"])  # the people are back


async def test_changes_arrive_as_server_sent_events(running: Running) -> None:
    async with running.http.get(f"{running.base}/api/events") as events:
        assert events.headers["Content-Type"] == "text/event-stream"
        await running.post(f"/api/chat/{TEACHER}/send", {"text": "/start"})

        async def change() -> None:
            async for line in events.content:
                if line.strip() == b"data: change":
                    return

        await asyncio.wait_for(change(), 20)


async def test_the_page_is_plain_files_from_the_same_process(running: Running) -> None:
    async with running.http.get(running.base + "/") as page:
        assert page.status == 200 and page.content_type == "text/html"
        html = await page.text()
    assert BANNER in html
    assert 'name="viewport" content="width=device-width' in html  # a phone's 390 px
    assert '<script src="/static/app.js">' in html
    assert '<link rel="stylesheet" href="/static/style.css">' in html
    served = {}
    for name, kind in (("app.js", "javascript"), ("style.css", "text/css")):
        async with running.http.get(f"{running.base}/static/{name}") as r:
            assert r.status == 200 and kind in r.content_type
            served[name] = await r.text()
    for text in (html, *served.values()):  # nothing fetched from elsewhere, no build step
        assert "http://" not in text and "https://" not in text and "import " not in text
    script = served["app.js"]
    assert 'new EventSource("/api/events")' in script
    assert "innerHTML" not in script  # texts are rendered with textContent
    for word in ("Председатель", "Chair", "Сбросить", "Reset", "До следующего события"):
        assert word in script
    assert "@media (max-width: 700px)" in served["style.css"]


def _button(message: dict[str, Any], prefix: str) -> str | None:
    for row in message["buttons"]:
        for button in row:
            if (button["data"] or "").startswith(prefix):
                return str(button["data"])
    return None


async def _tap(running: Running, person: int, prefix: str) -> dict[str, Any]:
    """The person taps the button whose data starts with `prefix` on the latest message
    that has one; returns the bot's answer to the tap."""
    message = None
    for _ in range(200):
        found = [
            m for m in (await running.chat(person))["messages"] if _button(m, prefix) is not None
        ]
        if found:
            message = found[-1]
            break
        await asyncio.sleep(0.1)
    assert message is not None, f"no {prefix} button for {person}: {await running.chat(person)}"
    body = {"message_id": message["id"], "data": _button(message, prefix)}
    query = (await running.post(f"/api/chat/{person}/press", body))["query_id"]
    for _ in range(200):
        answer: dict[str, Any] = await running.get(f"/api/answer/{query}")
        if answer:
            return answer
        await asyncio.sleep(0.1)
    raise AssertionError(f"the tap on {prefix} was never answered")


async def test_the_walk_chair_publishes_two_come_and_check_in_quorum_4_of_10(
    running: Running,
) -> None:
    """The issue's walk, through the page's API: the chair publishes the demonstration
    meeting, two teachers answer «Буду», the clock moves to the meeting, both check in,
    the chair's quorum card counts them, the invitation's .ics downloads."""
    await running.post(f"/api/chat/{CHAIR}/send", {"text": "📝 Новое заседание"})
    await _tap(running, CHAIR, "dr:open:")
    published = await _tap(running, CHAIR, "dr:pub:")
    assert published["text"] == "Опубликовано."
    other = 404
    for person in (TEACHER, other):
        answer = await _tap(running, person, "mt:yes:")
        assert "вы придёте" in answer["text"]
    for _ in range(10):  # to the next event until the meeting starts
        messages = (await running.chat(TEACHER))["messages"]
        if any(_button(m, "ck:in:") for m in messages):
            break
        await running.post("/api/clock", {"step": "next"})
    for person in (TEACHER, other):
        answer = await _tap(running, person, "ck:in:")
        assert not answer["show_alert"], answer
    await running.post(f"/api/chat/{CHAIR}/send", {"text": "📅 Заседания"})
    await _tap(running, CHAIR, "mt:open:")
    await _tap(running, CHAIR, "ck:quorum:")
    card = await running.wait_for(CHAIR, lambda m: "Кворум" in m["text"])
    # The presiding chair and the minutes keeper count as present from the check-in's
    # opening (services.attendance.checkin): with the two teachers, four of the ten.
    assert "Присутствуют 4 из 10" in card["text"], card["text"]
    ics = next(
        m["document"]
        for m in (await running.chat(TEACHER))["messages"]
        if m.get("document", {}).get("name", "").endswith(".ics")
    )
    async with running.http.get(f"{running.base}/api/file/{ics['id']}?download=1") as r:
        assert r.headers["Content-Disposition"].startswith("attachment;")
        assert (await r.read()).startswith(b"BEGIN:VCALENDAR")
