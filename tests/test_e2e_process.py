"""The real `python -m bot` process against a local fake Bot API server: an admin, a chair and
two teachers go through association creation, invites, a roster person binding by personal
link, and registration; then SIGTERM stops the process cleanly."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Awaitable

import pytest

from tests.e2e import TOKEN, Person, links, start_bot
from tests.fakeapi import FakeTelegram

ADMIN, CHAIR, TEACHER, ROSTER_TEACHER = 1001, 2001, 3001, 3002


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    # People wait for each answer but type far faster than humans (the whole scenario takes
    # about a second): raise the fake's flood limits so they do not stand in for slow readers.
    # Keeping Telegram's real limits is the delivery engine's limiter, tested on its own.
    async with FakeTelegram(TOKEN, private_per_second=20, global_per_second=200) as fake:
        fake.add_user(ADMIN, "Админ", language_code="ru")
        fake.add_user(CHAIR, "Сергей", language_code="ru")
        fake.add_user(TEACHER, "Anna", language_code="en")
        fake.add_user(ROSTER_TEACHER, "Мария", language_code="ru")
        yield fake


def bot(tg: FakeTelegram, database_url: str) -> Awaitable[asyncio.subprocess.Process]:
    return start_bot(
        tg,
        database_url,
        ADMIN_IDS=str(ADMIN),
        LOG_LEVEL="INFO",
        # These people answer within milliseconds: let the limiter pass 3 messages a second
        # to one chat (Telegram allows short bursts), so the test is not a minute of waiting.
        RATE_PER_CHAT_SECOND="3",
    )


async def stop_bot(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    log = output.decode()
    assert process.returncode == 0, log
    return log


async def test_admin_chair_and_teachers(tg: FakeTelegram, db_url: str) -> None:
    await tg.send_text(ADMIN, "/start")  # waits in the queue until the bot polls
    process = await bot(tg, db_url)
    try:
        await scenario(tg)
    except BaseException:
        print(await stop_bot(process))
        raise
    log = await stop_bot(process)
    assert "Traceback" not in log, log
    for name in ("Иванова", "Петров", "Кузнецова"):
        assert name not in log  # logs carry ids, never names
    assert tg.errors == [], tg.errors
    # The command menu exists in both languages.
    assert tg.commands(language_code="ru") and tg.commands(language_code="en")


async def scenario(tg: FakeTelegram) -> None:
    admin, chair = Person(tg, ADMIN), Person(tg, CHAIR)
    teacher, roster_teacher = Person(tg, TEACHER), Person(tg, ROSTER_TEACHER)

    # The admin builds a service, a municipality, an association.
    await tg.wait_for_message(ADMIN, "/help", timeout=60)
    await admin.say("/newservice")
    await admin.say("ИМЦ Ленинского района", "/newmunicipality")
    pick = await admin.say("/newmunicipality")
    await admin.tap(pick, "ИМЦ", new=False)
    tz = await admin.say("Ленинский район")
    await admin.tap(tz, "Новосибирск", "Asia/Novosibirsk")
    pick = await admin.say("/newassociation")
    kinds = await admin.tap(pick, "Ленинский район", new=False)
    await admin.tap(kinds, "РМО", new=False)
    await admin.say("РМО учителей математики")
    tz = await admin.say("математика")
    created = await admin.tap(tz, "Новосибирск")
    [chair_token] = links(created)

    # Someone without a role may not run the admin's commands.
    refusal = await chair.say("/newassociation")
    assert "прав" in refusal["text"]

    # The chair registers through the single-use link.
    consent = await chair.say(f"/start {chair_token}", "152-ФЗ")
    ask_name = await chair.tap(consent, "✅")
    assert "фамилию" in ask_name["text"].lower()
    await chair.say("<b>Петров</b>", "<")  # HTML in a name: refused, asked again
    await chair.say("Петров Сергей Иванович")
    await chair.say("МОУ СОШ № 5", "предмет")  # after «Я добавлю… новую школу»
    welcome = await chair.say("математика", "председатель")
    assert "РМО учителей математики" in welcome["text"]

    # A second person opening the used chair link is refused.
    used = await roster_teacher.say(f"/start {chair_token}")
    assert "уже использована" in used["text"]

    # The chair invites members and adds a roster person.
    kinds = await chair.say("/invite")
    [member_token] = links(await chair.tap(kinds, "участник"))
    roster = await chair.say("/members", "1")
    await chair.tap(roster, "➕")
    added = await chair.say("Кузнецова Мария Ивановна; Школа №5; математика", "Кузнецова")
    [personal_token] = links(added)

    # An English-speaking teacher joins with the members' link.
    consent = await teacher.say(f"/start {member_token}", "152")
    await teacher.tap(consent, "I agree", "full name")
    await teacher.say("Иванова Анна Петровна", "school")
    await teacher.say("Школа 5", "subject")
    welcome = await teacher.say("математика", "Welcome")
    assert "member" in welcome["text"]

    # The roster person binds by the personal link: only consent is asked.
    consent = await roster_teacher.say(f"/start {personal_token}", "152-ФЗ")
    invited = tg.messages(ROSTER_TEACHER)[-2]
    assert "Кузнецова Мария Ивановна" in invited["text"]
    await roster_teacher.tap(consent, "✅", "РМО учителей математики")

    roster = await chair.say("/members", "3")
    assert roster["text"].count("✅") == 3, roster["text"]
