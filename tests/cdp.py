"""A small client of the Chrome DevTools protocol for the browser test: headless Chromium
(Debian's `chromium`) started on a temporary profile, its page driven over a websocket with
aiohttp (already a dependency) — evaluate JavaScript, navigate, take screenshots, size the
window, receive downloads into a folder."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-port=0",
)
INSTALL = "install Debian's chromium (`apt-get install -y chromium`; .ci/run does it)"


def chromium_path() -> str | None:
    """`CHROMIUM` if set, else the first of chromium / chromium-browser / google-chrome."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


class CDPError(RuntimeError):
    pass


class Page:
    """One page target over its own websocket: commands by id, their answers by id."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for frame in self._ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            waiter = self._waiting.pop(message.get("id", -1), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(message)
        for waiter in self._waiting.values():
            if not waiter.done():
                waiter.set_exception(CDPError("the browser closed the connection"))

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[number] = waiter
        await self._ws.send_json({"id": number, "method": method, "params": params})
        answer = await asyncio.wait_for(waiter, 30)
        if "error" in answer:
            raise CDPError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (a promise is awaited)."""
        found = await self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in found:
            raise CDPError(f"{expression[:80]}: {found['exceptionDetails']}")
        return found["result"].get("value")

    async def text(self) -> str:
        """What the page shows: document.body.innerText."""
        return str(await self.evaluate("document.body.innerText"))

    async def navigate(self, url: str) -> None:
        await self.send("Page.navigate", url=url)
        for _ in range(300):
            ready = await self.evaluate("location.href + ' ' + document.readyState")
            if ready == f"{url} complete":
                return
            await asyncio.sleep(0.05)
        raise CDPError(f"{url} did not load")

    async def screenshot(self, path: Path) -> Path:
        shot = await self.send("Page.captureScreenshot", format="png")
        await asyncio.to_thread(_write, path, base64.b64decode(shot["data"]))
        return path

    async def size(self, width: int, height: int, *, mobile: bool = False) -> None:
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    async def close(self) -> None:
        await self._ws.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader


@contextlib.asynccontextmanager
async def chromium(profile: Path, downloads: Path) -> AsyncIterator[Page]:
    """Headless Chromium on a profile of its own, its one page; downloads go to `downloads`."""
    executable = chromium_path()
    if executable is None:
        raise FileNotFoundError(f"Chromium is not installed: {INSTALL}")
    for folder in (profile, downloads):
        await asyncio.to_thread(os.makedirs, folder, exist_ok=True)
    process = await asyncio.create_subprocess_exec(
        executable,
        *FLAGS,
        f"--user-data-dir={profile}",
        "about:blank",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    page: Page | None = None
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(600):
            if port_file.exists() and len(port_file.read_text().splitlines()) >= 2:
                break
            if process.returncode is not None:
                raise CDPError(f"{executable} exited with {process.returncode}")
            await asyncio.sleep(0.05)
        else:
            raise CDPError(f"{executable} wrote no DevToolsActivePort in 30 s")
        port = int(port_file.read_text().splitlines()[0])
        async with aiohttp.ClientSession() as http:
            target = None
            for _ in range(100):
                async with http.get(f"http://127.0.0.1:{port}/json/list") as answer:
                    targets = await answer.json()
                target = next((t for t in targets if t["type"] == "page"), None)
                if target is not None:
                    break
                await asyncio.sleep(0.05)
            assert target is not None, "Chromium opened no page"
            ws = await http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0)
            page = Page(ws)
            await page.send("Page.enable")
            await page.send(
                "Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads)
            )
            yield page
    finally:
        if page is not None:
            await page.close()
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
