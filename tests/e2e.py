"""Helpers for end-to-end tests: a person talking to the bot through the fake Bot API, and
the real `python -m bot` process started against it."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from bot.config import ROOT
from tests.fakeapi import FakeTelegram

TOKEN = "123456:TEST-token"
LINK = re.compile(r"https://t\.me/\w+\?start(?:group)?=([\w-]+)")


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def links(message: dict[str, Any]) -> list[str]:
    return LINK.findall(message.get("text", ""))


@dataclass
class Person:
    """One simulated Telegram user in a private chat with the bot."""

    tg: FakeTelegram
    user_id: int
    timeout: float = 15.0

    def last_id(self) -> int:
        messages = self.tg.messages(self.user_id)
        return int(messages[-1]["message_id"]) if messages else 0

    async def say(self, text: str, expect: str | None = None) -> dict[str, Any]:
        """Send text; wait for the bot's next message (containing `expect` if given)."""
        after = self.last_id()
        await self.tg.send_text(self.user_id, text)
        return await self.tg.wait_for_message(
            self.user_id, expect, timeout=self.timeout, after=after
        )

    async def tap(
        self, message: dict[str, Any], label: str, expect: str | None = None, *, new: bool = True
    ) -> dict[str, Any]:
        """Tap the button whose text contains `label`; wait for a new (or edited) message."""
        matching = [b for b in buttons(message) if label in b["text"]]
        assert matching, f"no button {label!r} in {message.get('text')!r}: {buttons(message)}"
        after = self.last_id()
        await self.tg.press(self.user_id, message["message_id"], matching[0]["callback_data"])
        if new:
            return await self.tg.wait_for_message(
                self.user_id, expect, timeout=self.timeout, after=after
            )
        return await self.edited(message, expect)

    async def edited(self, message: dict[str, Any], expect: str | None = None) -> dict[str, Any]:
        """Wait until the bot edits `message` (its text changes, containing `expect`)."""
        deadline = asyncio.get_running_loop().time() + self.timeout
        while asyncio.get_running_loop().time() < deadline:
            for current in self.tg.messages(self.user_id):
                if current["message_id"] != message["message_id"]:
                    continue
                text = current.get("text", "")
                if text != message.get("text") and (expect is None or expect in text):
                    return current
            await asyncio.sleep(0.02)
        raise TimeoutError(f"message {message['message_id']} was not edited ({expect!r})")


async def start_bot(
    tg: FakeTelegram, database_url: str, **settings: str
) -> asyncio.subprocess.Process:
    """`python -m bot` talking to the fake, on `database_url`, with `settings` as environment
    variables (`RATE_PER_CHAT_SECOND="3"`); its log (stdout and stderr) in one pipe."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": tg.base_url,
        "DATABASE_URL": database_url,
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
