"""Process end-to-end: how the real `python -m bot` starts when Telegram says no or is not
there. A token Telegram rejects (the fake answers 401) → one line naming BOT_TOKEN and
@BotFather, exit 2; Telegram unreachable (a closed port, a listener that never answers, a
server answering 502) → one log line per try, the delay doubling to its cap, SIGTERM
meanwhile stops cleanly; once Telegram answers, the bot runs. No traceback anywhere, and
Alembic's steps are not logged at INFO."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.e2e import TOKEN, start_bot
from tests.fakeapi import FakeTelegram

STRANGER = 5001
FAST = {"STARTUP_RETRY_SECONDS": "0.1", "STARTUP_RETRY_MAX_SECONDS": "0.4", "LOG_LEVEL": "INFO"}
RETRY = re.compile(r"Telegram is unreachable \((.+)\); retrying in ([\d.]+) s")


@pytest.fixture
def fresh_db(tmp_path: Path) -> str:
    """A database the process creates and migrates itself (so its migration log shows)."""
    return f"sqlite:///{tmp_path / 'bot.sqlite3'}"


STARTED: list[asyncio.subprocess.Process] = []


@pytest.fixture(autouse=True)
async def no_process_left() -> AsyncIterator[None]:
    """A failed test leaves no bot running (it would go on polling another test's fake)."""
    yield
    while STARTED:
        process = STARTED.pop()
        if process.returncode is None:
            process.kill()
            await process.wait()


class Log:
    """The process's output, read line by line as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        STARTED.append(process)

    async def until(self, pattern: re.Pattern[str], count: int, seconds: float = 120) -> None:
        assert self.process.stdout is not None
        try:
            async with asyncio.timeout(seconds):
                while len([x for x in self.lines if pattern.search(x)]) < count:
                    line = await self.process.stdout.readline()
                    if not line:
                        raise AssertionError("the process ended:\n" + self.text)
                    self.lines.append(line.decode())
        except TimeoutError:
            raise AssertionError(f"no {count} × {pattern.pattern} in:\n{self.text}") from None

    async def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        rest, _ = await asyncio.wait_for(self.process.communicate(), 20)
        self.lines.extend(rest.decode().splitlines(keepends=True))
        assert self.process.returncode is not None
        return self.process.returncode

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def retries(self) -> list[tuple[str, str]]:
        return [(m[1], m[2]) for m in map(RETRY.search, self.lines) if m]


def assert_clean(log: str) -> None:
    assert "Traceback" not in log, log
    # Migrations ran (a fresh database) without their step-by-step INFO lines.
    assert "Running upgrade" not in log and "Context impl" not in log, log
    assert " alembic" not in log, log


@pytest.fixture
def closed_port() -> Iterator[str]:
    """A port bound and not listening: a connection is refused, and no other test's server
    can take the port meanwhile (as it could a port merely closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """Accepts connections and never answers a byte."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_token_telegram_rejects_exits_2_with_one_line(fresh_db: str) -> None:
    async with FakeTelegram(TOKEN) as tg:
        process = await start_bot(tg, fresh_db, BOT_TOKEN="654321:REJECTED-token", **FAST)
        STARTED.append(process)
        output, _ = await asyncio.wait_for(process.communicate(), 120)
    log = output.decode()
    assert process.returncode == 2, log
    assert "Telegram rejected BOT_TOKEN: check it with @BotFather" in log
    assert_clean(log)
    assert [method for method, _ in tg.requests] == ["getMe"]  # asked once, not retried


async def test_a_closed_port_is_retried_with_backoff_until_sigterm(
    fresh_db: str, closed_port: str
) -> None:
    async with FakeTelegram(TOKEN) as tg:
        process = await start_bot(tg, fresh_db, TELEGRAM_API_BASE=closed_port, **FAST)
    log = Log(process)
    await log.until(RETRY, 5)
    assert await log.stop() == 0, log.text
    assert_clean(log.text)
    delays = [float(delay) for _, delay in log.retries()]
    assert delays[:5] == [0.1, 0.2, 0.4, 0.4, 0.4]  # doubling up to the cap
    reason = log.retries()[0][0]
    assert "Cannot connect" in reason or "refused" in reason.lower(), reason
    assert "\n" not in reason


async def test_a_listener_that_never_answers_times_out_and_sigterm_stops_mid_call(
    fresh_db: str, silent_server: str
) -> None:
    async with FakeTelegram(TOKEN) as tg:
        process = await start_bot(
            tg, fresh_db, TELEGRAM_API_BASE=silent_server, SEND_TIMEOUT="1", **FAST
        )
    log = Log(process)
    await log.until(RETRY, 2)
    assert "timeout" in log.retries()[0][0].lower(), log.text
    await asyncio.sleep(0.3)  # inside the next call, which hangs: the signal cuts it
    assert await log.stop() == 0, log.text
    assert_clean(log.text)


async def test_telegram_answering_again_starts_the_bot(fresh_db: str) -> None:
    async with FakeTelegram(TOKEN) as tg:
        tg.add_user(STRANGER, "Незнакомец", language_code="ru")
        tg.fail_every(1, 502)  # every call fails: Telegram's front end is down
        process = await start_bot(tg, fresh_db, **FAST)
        log = Log(process)
        await log.until(RETRY, 2)
        assert "Bad Gateway" in log.retries()[0][0] or "502" in log.text, log.text
        tg.fail_every(None)
        await tg.send_text(STRANGER, "/start")
        reply = await tg.wait_for_message(STRANGER, "ADMIN_IDS", timeout=30)
        assert f"Ваш id в Telegram: {STRANGER}" in reply["text"]  # to become an admin
        assert await log.stop() == 0, log.text
    assert_clean(log.text)
