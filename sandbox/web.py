"""The sandbox's page and its HTTP API, served by the same aiohttp application as the local
Bot API server (one process, one port, loopback only).

    GET  /                          the page (sandbox/static/)
    GET  /api/state                 people (with role badges), the clock, the banner
    GET  /api/chat/{id}             a person's chat: messages, the reply keyboard shown
    POST /api/chat/{id}/send        {"text": ...}: the person writes
    POST /api/chat/{id}/press       {"message_id": n, "data": ...}: taps an inline button
    GET  /api/answer/{query_id}     the bot's answer to that tap (a toast), {} until then
    GET  /api/file/{file_id}        a file the bot sent, with its name
    POST /api/clock                 {"step": "hour" | "day" | "next"}: the clock moves on
    POST /api/reset                 the demonstration data again
    GET  /api/events                server-sent events: "change" when anything changed
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from sandbox import demo
from sandbox.botapi import BotAPIServer, JSONDict
from sandbox.runtime import STEPS, Sandbox

STATIC = Path(__file__).resolve().parent / "static"
BANNER = "ПЕСОЧНИЦА — это не Telegram; данные демонстрационные"
SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
TEXT_MAX = 4096
JSON = "application/json"


def build_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(client_max_size=60 * 1024 * 1024)
    app[SANDBOX_KEY] = sandbox
    sandbox.api.add_routes(app)
    app.router.add_get("/", _index)
    app.router.add_static("/static/", STATIC, show_index=False)
    app.router.add_get("/api/state", _state)
    app.router.add_get("/api/chat/{id}", _chat)
    app.router.add_post("/api/chat/{id}/send", _send)
    app.router.add_post("/api/chat/{id}/press", _press)
    app.router.add_get("/api/answer/{query_id}", _answer)
    app.router.add_get("/api/file/{file_id}", _file)
    app.router.add_post("/api/clock", _clock)
    app.router.add_post("/api/reset", _reset)
    app.router.add_get("/api/events", _events)
    return app


def _bad(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _person(request: web.Request) -> demo.Person:
    try:
        wanted = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    for person in demo.CAST:
        if person.id == wanted:
            return person
    raise web.HTTPNotFound()


async def _body(request: web.Request) -> JSONDict:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text='{"error": "JSON expected"}', content_type=JSON) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "a JSON object expected"}', content_type=JSON)
    return body


async def _index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def _state(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX_KEY]
    return web.json_response(
        {
            "banner": BANNER,
            "now": sandbox.clock.now().isoformat(),
            "timezone": demo.TIMEZONE,
            "people": [
                {"id": p.id, "name": p.name, "role": p.role, "school": p.school} for p in demo.CAST
            ],
        }
    )


def _message(api: BotAPIServer, message: JSONDict) -> JSONDict:
    """What the page shows of a message: text and entities (the page renders them, so no
    HTML from the bot reaches the page as markup), buttons, a file."""
    out: JSONDict = {
        "id": message["message_id"],
        "mine": message["from"]["id"] != api.bot_id,
        "date": message["date"],
        "text": message.get("text", message.get("caption", "")),
        "entities": message.get("entities", message.get("caption_entities", [])),
        "buttons": [
            [{"text": b["text"], "data": b.get("callback_data"), "url": b.get("url")} for b in row]
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
        ],
    }
    document = message.get("document")
    if document:
        out["document"] = {
            "id": document["file_id"],
            "name": document.get("file_name", "file"),
            "size": document.get("file_size", 0),
            "mime": document.get("mime_type", "application/octet-stream"),
        }
    return out


async def _chat(request: web.Request) -> web.Response:
    person = _person(request)
    api = request.app[SANDBOX_KEY].api
    keyboard = api.reply_keyboard(person.id)
    rows = []
    for row in (keyboard or {}).get("keyboard", []):
        rows.append([b if isinstance(b, str) else b.get("text", "") for b in row])
    return web.json_response(
        {
            "messages": [_message(api, m) for m in api.history(person.id)],
            "keyboard": rows,
        }
    )


async def _send(request: web.Request) -> web.Response:
    person = _person(request)
    body = await _body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return _bad("text expected")
    if len(text) > TEXT_MAX:
        return _bad(f"at most {TEXT_MAX} characters")
    message = await request.app[SANDBOX_KEY].api.send_text(person.id, text)
    return web.json_response({"id": message["message_id"]})


async def _press(request: web.Request) -> web.Response:
    person = _person(request)
    body = await _body(request)
    message_id, data = body.get("message_id"), body.get("data")
    if not isinstance(message_id, int) or not isinstance(data, str):
        return _bad("message_id and data expected")
    api = request.app[SANDBOX_KEY].api
    shown = next((m for m in api.messages(person.id) if m["message_id"] == message_id), None)
    buttons = [
        b.get("callback_data")
        for row in ((shown or {}).get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
    ]
    if data not in buttons:
        return _bad("no such button", 404)
    query_id = await api.press(person.id, message_id, data)
    return web.json_response({"query_id": query_id})


async def _answer(request: web.Request) -> web.Response:
    answers = request.app[SANDBOX_KEY].api.callback_answers(request.match_info["query_id"])
    if not answers:
        return web.json_response({})
    answer = answers[0]
    return web.json_response(
        {"text": answer.get("text") or "", "show_alert": bool(answer.get("show_alert"))}
    )


async def _file(request: web.Request) -> web.Response:
    api = request.app[SANDBOX_KEY].api
    file_id = request.match_info["file_id"]
    try:
        content = api.file_content(file_id)
    except KeyError:
        raise web.HTTPNotFound() from None
    name, mime = "file", "application/octet-stream"
    for person in demo.CAST:
        for message in api.messages(person.id):
            document = message.get("document") or {}
            if document.get("file_id") == file_id:
                name = document.get("file_name", name)
                mime = document.get("mime_type", mime)
    inline = mime in ("image/png", "application/pdf") and "download" not in request.query
    disposition = "inline" if inline else "attachment"
    return web.Response(
        body=content,
        content_type=mime,
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"},
    )


async def _clock(request: web.Request) -> web.Response:
    body = await _body(request)
    step = body.get("step")
    if step not in (*STEPS, "next"):
        return _bad("step must be hour, day or next")
    now = await request.app[SANDBOX_KEY].move(str(step))
    return web.json_response({"now": now.isoformat()})


async def _reset(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX_KEY]
    await sandbox.reset()
    return web.json_response({"now": sandbox.clock.now().isoformat()})


async def _events(request: web.Request) -> web.StreamResponse:
    api = request.app[SANDBOX_KEY].api
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
    )
    await response.prepare(request)
    await response.write(b"retry: 1000\n\n")
    with contextlib.suppress(ConnectionError, asyncio.CancelledError):
        while True:
            changed = api.changed()
            try:
                await asyncio.wait_for(changed.wait(), 15)
            except TimeoutError:
                await response.write(b": ping\n\n")
                continue
            await asyncio.sleep(0.1)  # a burst of calls: one event
            await response.write(b"data: change\n\n")
    return response
