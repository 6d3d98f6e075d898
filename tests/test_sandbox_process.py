"""`python -m bot sandbox` as a newcomer starts it: the one URL line first, the next free port
when SANDBOX_PORT is taken, loopback only, BOT_TOKEN and DATABASE_URL left alone."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

from bot.config import ROOT
from sandbox.run import configured
from tests.test_config import SETTINGS_VARS

LINE = re.compile(r"^Sandbox: http://127\.0\.0\.1:(\d+)/$")


def listening(port: int) -> list[str]:
    """The local addresses of the sockets listening on `port` (Linux's /proc, IPv4 and v6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


async def test_the_sandbox_starts_on_loopback_at_the_next_free_port(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    wanted = taken.getsockname()[1]
    production = tmp_path / "production.sqlite3"
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARS}
    env |= {
        "BOT_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi",
        "DATABASE_URL": f"sqlite:///{production}",
        "SANDBOX_PORT": str(wanted),
        "SANDBOX_DIR": str(tmp_path / "sandbox"),
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sandbox",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    try:
        before: list[str] = []
        while True:
            raw = await asyncio.wait_for(child.stdout.readline(), 180)
            assert raw, f"the sandbox ended: {(await child.stderr.read()).decode()}"
            line = raw.decode().rstrip("\n")
            found = LINE.match(line)
            if found:
                break
            before.append(line)
        assert not any("http" in line for line in before), before
        assert "ПЕСОЧНИЦА — это не Telegram; данные демонстрационные" in before
        port = int(found.group(1))
        assert port > wanted  # the wanted one was taken
        assert listening(port) == ["0100007F"]  # 127.0.0.1 only, no 0.0.0.0, no IPv6
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/") as page,
        ):
            assert page.status == 200
            assert "<html" in (await page.text()).lower()
    finally:
        taken.close()
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode == 0, err.decode()
    assert "BOT_TOKEN" in err.decode() and "ignores it" in err.decode()
    assert "Traceback" not in err.decode()
    assert not production.exists()
    assert (tmp_path / "sandbox" / "sandbox.sqlite3").exists()


def test_make_run_starts_the_sandbox_only_on_a_fresh_checkout(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    assert not configured({}, env_file)
    assert not configured({"BOT_TOKEN": " ", "LOG_LEVEL": "DEBUG"}, env_file)
    for name in ("BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL"):
        assert configured({name: "x"}, env_file)
    env_file.write_text("", encoding="utf-8")
    assert configured({}, env_file)
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1]
    assert recipe.split("\n")[1].strip() == "@$(PY) -m bot sandbox --unless-configured"


def test_make_run_with_a_production_setting_and_no_token_exits_2_with_the_hint(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS_VARS}
    env |= {"BOT_TOKEN": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--unless-configured"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "BOT_TOKEN is not set" in proc.stderr and "make sandbox" in proc.stderr
    assert "BOT_TOKEN не задан" in proc.stderr
    assert "чтобы попробовать без Telegram: make sandbox" in proc.stderr
    assert proc.stdout == ""  # no sandbox
    assert not (tmp_path / "bot.sqlite3").exists()
