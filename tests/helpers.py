"""Small helpers the test modules share, so that no test module imports another.

- the app tests' view of the fake Bot API: `texts`, `got`, `find`, `current`, `press`,
  `forge`, `edited`, `edits_of`, and the Russian answer of a refusal (`refusal`, `generic`);
- the database: `count`, `person_id`;
- the app team the attendance, protocol and survey app tests share (a chair, a secretary
  and four teachers of one association; `seed`, `publish`), and the meeting the service
  tests of check-in and votes share (`published`, `members`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from aiogram.utils.i18n import I18n
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.errors import error_text
from handlers.ui import short
from models import Identity, InviteKind, MeetingForm, Role
from services import attendance, deadlines, invites, meetings, protocols, roster
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.meetings import MeetingView
from services.people import load_actor
from services.permissions import Actor
from tests.app import App
from tests.e2e import buttons
from tests.factories import World, make_world, member_link, register
from tests.fakeapi import FakeTelegram

# ---------------------------------------------------------------- the fake Bot API


def texts(app: App, chat: int) -> list[str]:
    """The texts of the bot's messages in a chat, oldest first."""
    return [m.get("text", "") for m in app.tg.messages(chat)]


def got(app: App, chat: int, fragment: str) -> int:
    """How many of the bot's messages in a chat contain `fragment`."""
    return sum(fragment in t for t in texts(app, chat))


def find(app: App, chat: int, fragment: str) -> dict[str, Any]:
    """The bot's latest message in the chat containing `fragment`."""
    found = [m for m in app.tg.messages(chat) if fragment in m.get("text", "")]
    assert found, (fragment, texts(app, chat))
    return found[-1]


def current(app: App, chat: int, message_id: int) -> dict[str, Any]:
    """A message as it is now (after the bot's edits)."""
    [message] = [m for m in app.tg.messages(chat) if m["message_id"] == message_id]
    return message


async def answer_of(tg: FakeTelegram, query: str) -> dict[str, Any]:
    """The bot's answer to callback query `query`, once it has come."""
    for _ in range(250):
        answers = tg.callback_answers(query)
        if answers:
            return answers[0]
        await asyncio.sleep(0.02)
    raise TimeoutError(f"no answer to callback {query}")


async def press(tg: FakeTelegram, user: int, message: dict[str, Any], label: str) -> str:
    """Tap the button whose text is, or contains, `label`; return the callback's answer."""
    exact = [b for b in buttons(message) if b["text"] == label]
    matching = exact or [b for b in buttons(message) if label in b["text"]]
    assert matching, f"no button {label!r} in {message.get('text')!r}: {buttons(message)}"
    query = await tg.press(user, message["message_id"], matching[0]["callback_data"])
    return str((await answer_of(tg, query)).get("text") or "")


async def forge(tg: FakeTelegram, user: int, message: dict[str, Any], data: str) -> str:
    """A well-formed callback the bot never gave this user (a modified client, an old button
    of another chat). The fake's `press` taps only buttons a message has, so the forged one
    is planted on one of the user's bot messages first; returns the callback's answer."""
    tg.plant_button(user, message["message_id"], "🕵", data)
    query = await tg.press(user, message["message_id"], data)
    return str((await answer_of(tg, query)).get("text") or "")


async def edited(
    app: App, chat: int, message: dict[str, Any], fragment: str, seconds: float = 10.0
) -> dict[str, Any]:
    """Wait until the bot edits `message` into a text containing `fragment`."""
    for _ in range(int(seconds / 0.02)):
        now = current(app, chat, message["message_id"])
        if now.get("text") != message.get("text") and fragment in now.get("text", ""):
            return now
        await asyncio.sleep(0.02)
    raise TimeoutError(f"not edited to {fragment!r}: {current(app, chat, message['message_id'])}")


def edits_of(tg: FakeTelegram, chat: int, message_id: int) -> int:
    """How many times the bot edited the text of a message."""
    return sum(
        1
        for method, params in tg.requests
        if method.lower() == "editmessagetext"
        and str(params.get("chat_id")) == str(chat)
        and str(params.get("message_id")) == str(message_id)
    )


@contextmanager
def russian(app: App) -> Iterator[None]:
    i18n: I18n = app.dp["i18n_instance"]
    with i18n.context(), i18n.use_locale("ru"):
        yield


def refusal(app: App, code: ErrorCode) -> str:
    """The answer a domain error gets on a button (handlers.errors), in Russian."""
    with russian(app):
        return short(error_text(DomainError(code)))


def generic(app: App) -> str:
    """The answer of an error without a text of its own: says nothing of why."""
    i18n: I18n = app.dp["i18n_instance"]
    return i18n.gettext("This cannot be done. Nothing was changed.", locale="ru")


# ---------------------------------------------------------------- the database


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    """Rows of `model` (matching `where`), read in a transaction of its own."""
    found = await session.scalar(select(func.count()).select_from(model).where(*where))
    await session.commit()
    return int(found or 0)


async def person_id(app: App, tg_id: int) -> int:
    """The person behind a Telegram account (registered)."""
    async with app.sm() as s:
        actor = await load_actor(s, tg_id, [])
        await s.commit()
    assert actor.person_id is not None
    return actor.person_id


# ---------------------------------------------------------------- the app team

CHAIR, SECRETARY = 2001, 4001
TEACHERS = [3001, 3002, 3003, 3004]
EVERYONE = [CHAIR, SECRETARY, *TEACHERS]
NAMES = {CHAIR: "Петров Сергей Иванович", SECRETARY: "Секретарёва Ольга"} | {
    tg_id: f"Учитель Номер {n}" for n, tg_id in enumerate(TEACHERS)
}
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk
START = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)  # 15:00 in Novosibirsk: the start, or the
# absentee meeting's ballot deadline
TOPIC = "Функциональная грамотность"
QUESTION = "О плане работы на второе полугодие"


async def seed(tg: FakeTelegram | None, sm: Any, clock: FixedClock) -> World:
    """The association with its chair, a secretary and four teachers, registered through
    the services; each has opened the bot on the fake (if one is given)."""
    async with sm() as s:
        world = await make_world(s, clock, chair_tg=CHAIR)
        link = await invites.create_link(
            s, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
        )
        await register(s, link.token, SECRETARY, clock, name=NAMES[SECRETARY])
        token = await member_link(s, world, clock)
        for tg_id in TEACHERS:
            await register(s, token, tg_id, clock, name=NAMES[tg_id])
    if tg is not None:
        for tg_id in EVERYONE:
            tg.add_user(tg_id, f"U{tg_id}")
            tg.open_chat(tg_id)
    return world


async def publish(
    app: App, world: World, form: MeetingForm, questions: list[tuple[str, str]]
) -> MeetingView:
    """A meeting on 20.12 at 15:00 local (an absentee one: its ballot deadline), published
    by the chair through the services."""
    now = app.clock.now()
    async with app.sm() as s:
        chair = await load_actor(s, CHAIR, [])
        view = await meetings.create_draft(s, chair, world.association_id, TOPIC, now)
        view = await meetings.set_form(s, chair, view.id, view.version, form, now)
        view = await meetings.set_day(
            s,
            chair,
            view.id,
            view.version,
            deadlines.Typed(date(2026, 12, 20), time(15, 0)),
            now,
        )
        if form is not MeetingForm.ABSENTEE:
            view = await meetings.set_place(
                s, chair, view.id, view.version, "МОУ СОШ № 5, каб. 12", now
            )
        for title, decision in questions:
            view = await meetings.add_question(
                s, chair, view.id, view.version, title, now, draft_decision=decision
            )
        done = await meetings.publish(s, chair, view.id, view.version, now)
    await app.settle()
    return done.view


async def ended_meeting(session: AsyncSession, world: World, clock: FixedClock) -> int:
    """A meeting published, held (the chair, the secretary and a teacher checked in) and
    ended by its clock: its protocol's draft, kept by the secretary. The clock moves on."""
    chair = await load_actor(session, CHAIR, [])
    now = clock.now()
    view = await meetings.create_draft(session, chair, world.association_id, "Итоги четверти", now)
    view = await meetings.set_form(
        session, chair, view.id, view.version, MeetingForm.IN_PERSON, now
    )
    day = deadlines.local_day(now, view.timezone) + timedelta(days=19)
    typed = deadlines.Typed(day, deadlines.parse_time("15:00"))
    view = await meetings.set_day(session, chair, view.id, view.version, typed, now)
    view = await meetings.set_place(session, chair, view.id, view.version, "Каб. 12", now)
    view = await meetings.add_question(
        session, chair, view.id, view.version, "Итоги четверти", now, draft_decision="Принять."
    )
    view = (await meetings.publish(session, chair, view.id, view.version, now)).view
    assert view.starts_at is not None
    await meetings.run_clock(session, view.starts_at)
    for tg_id in (CHAIR, SECRETARY, TEACHERS[0]):
        actor = await load_actor(session, tg_id, [])
        await attendance.check_in(session, actor, view.id, view.starts_at + timedelta(minutes=1))
    await meetings.run_clock(session, view.starts_at + timedelta(minutes=90))
    protocol_id = await protocols.of_meeting(session, chair, view.id)
    assert protocol_id is not None
    clock.set(view.starts_at + timedelta(days=2))
    return protocol_id


# ---------------------------------------------------------------- check-in and votes


async def published(
    session: AsyncSession, world: World, form: MeetingForm = MeetingForm.IN_PERSON
) -> MeetingView:
    """A meeting of the world's association on 20.12 at 15:00 with two questions, published
    by its chair at NOW."""
    view = await meetings.create_draft(session, world.chair, world.association_id, "Тема", NOW)
    view = await meetings.set_form(session, world.chair, view.id, view.version, form, NOW)
    view = await meetings.set_day(
        session,
        world.chair,
        view.id,
        view.version,
        deadlines.Typed(date(2026, 12, 20), time(15, 0)),
        NOW,
    )
    if form is not MeetingForm.ABSENTEE:
        view = await meetings.set_place(session, world.chair, view.id, view.version, "Каб. 12", NOW)
    if form is MeetingForm.HYBRID:
        view = await meetings.set_link(
            session, world.chair, view.id, view.version, "https://meet.example/x", NOW
        )
    for n in (1, 2):
        view = await meetings.add_question(
            session,
            world.chair,
            view.id,
            view.version,
            f"Вопрос {n}",
            NOW,
            draft_decision=f"Решение {n}",
        )
    done = await meetings.publish(session, world.chair, view.id, view.version, NOW)
    return done.view


async def members(session: AsyncSession, world: World, clock: FixedClock, n: int) -> list[Actor]:
    """n registered members, quickly (roster rows with identities)."""
    added = await roster.add_people(
        session,
        world.chair,
        world.association_id,
        [roster.RosterEntry(f"Участник {i:03d}", None, None) for i in range(n)],
        clock.now(),
    )
    await session.execute(
        insert(Identity),
        [
            {"person_id": link.person_id, "external_id": 50_000 + i}
            for i, link in enumerate(added.links)
        ],
    )
    await session.commit()
    return [
        Actor(
            external_id=50_000 + i,
            person_id=link.person_id,
            roles={world.association_id: Role.MEMBER},
        )
        for i, link in enumerate(added.links)
    ]
