"""`python -m bot sandbox` (`make sandbox`): the application against the local Bot API
server, played in a browser at http://127.0.0.1:<SANDBOX_PORT>/."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

from aiohttp import web
from dotenv import dotenv_values
from pydantic import ValidationError

from bot.config import ROOT, Settings
from sandbox.botapi import BotAPIServer
from sandbox.runtime import TOKEN, Sandbox, sandbox_settings
from sandbox.web import BANNER, build_app

log = logging.getLogger("sandbox")
HOST = "127.0.0.1"  # loopback only: the sandbox has no passwords
PORTS_TRIED = 50


PRODUCTION = ("BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL")


def configured(environ: Mapping[str, str], env_file: Path) -> bool:
    """Set up for real: a production setting in the environment, or a .env file."""
    return env_file.exists() or any((environ.get(name) or "").strip() for name in PRODUCTION)


def token_is_set() -> bool:
    return bool(
        (os.environ.get("BOT_TOKEN") or "").strip()
        or (dotenv_values(ROOT / ".env").get("BOT_TOKEN") or "").strip()
    )


async def bind(runner: web.AppRunner, first: int) -> int:
    """Listen on loopback at `first`, or the next free port after it."""
    for port in range(first, min(first + PORTS_TRIED, 65536)):
        site = web.TCPSite(runner, HOST, port, reuse_address=False)
        try:
            await site.start()
        except OSError:
            continue
        return port
    raise SystemExit(f"no free port from {first} to {first + PORTS_TRIED - 1}")


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    api = BotAPIServer(
        TOKEN, bot_id=7000, bot_username="metod_sandbox_bot", bot_first_name="Методбот"
    )
    sandbox = Sandbox(api, settings)
    runner = web.AppRunner(
        build_app(sandbox), handle_signals=False, access_log=None, shutdown_timeout=1.0
    )
    await runner.setup()
    try:
        port = await bind(runner, settings.sandbox_port)
        base = f"http://{HOST}:{port}"
        api.base_url = base
        sandbox.settings = sandbox_settings(base)
        await sandbox.start()
        print(BANNER, flush=True)
        print(f"Sandbox: {base}/", flush=True)
        await stop.wait()
    finally:
        await sandbox.stop()
        await runner.cleanup()


def main(argv: list[str]) -> int:
    """`python -m bot sandbox`; with `--unless-configured` (what `make run` runs) the bot
    itself when a production setting or .env is there, the sandbox on a fresh checkout."""
    if argv == ["--unless-configured"]:
        if configured(os.environ, ROOT / ".env"):
            from bot.__main__ import main as bot_main

            return bot_main([])
        argv = []
    if argv:
        print("usage: python -m bot sandbox [--unless-configured]", file=sys.stderr)
        return 2
    from bot import i18n

    i18n.compile_catalogs()
    if token_is_set():
        print(
            "BOT_TOKEN задан, но песочница его не использует: она говорит только с местным "
            "сервером (BOT_TOKEN is set; the sandbox ignores it).",
            file=sys.stderr,
            flush=True,
        )
    try:
        settings = sandbox_settings("")
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        print(f"the sandbox cannot start: {problems}.", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(settings, stop)

    asyncio.run(run())
    return 0
