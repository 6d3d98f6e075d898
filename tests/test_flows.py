"""Flows through the real Dispatcher (built updates, a recording fake session) on SQLite:
registration, bad input answered in the user's language with no change to the database,
forged and stale buttons, roles lost, the group chat, blocking, /language, /mydata, /forget."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, cast

import pytest
from aiogram import F
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from handlers.callbacks import InviteKindCb, MemberCb, RosterAdd, RosterCb, SchoolReview
from models import (
    Association,
    AuditEntry,
    Identity,
    Invite,
    InviteKind,
    Membership,
    Methodist,
    MethodService,
    Municipality,
    Person,
    Role,
    School,
    SchoolStatus,
)
from services import invites, roster, schools
from services.clock import FixedClock
from tests.factories import ADMIN, ADMIN_ID, World, make_world, member_link, register
from tests.flow import Flow, RecordingSession, build_bot, buttons

TEACHER, OTHER, STRANGER = 3001, 3002, 3003


@pytest.fixture
def sm(sqlite_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(sqlite_engine)


@pytest.fixture
async def flow(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> AsyncIterator[Flow]:
    settings = Settings(bot_token="42:TEST", admin_ids=[ADMIN_ID], _env_file=None)
    dp = build_dispatcher(settings, sm, clock=clock, storage=MemoryStorage())
    session = RecordingSession()
    bot = build_bot(session)
    yield Flow(dp, bot, session)
    await bot.session.close()


@pytest.fixture
async def world(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> World:
    async with sm() as s:
        return await make_world(s, clock)


async def snapshot(sm: async_sessionmaker[AsyncSession]) -> tuple[int, ...]:
    """Row counts and the sum of invite uses: equal snapshots mean nothing was written."""
    async with sm() as s:
        counts = [
            int(await s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Person, Identity, Membership, School, Invite, AuditEntry)
        ]
        uses = await s.scalar(select(func.coalesce(func.sum(Invite.uses_left), 0)))
        active = await s.scalar(
            select(func.count()).select_from(Membership).where(Membership.active)
        )
        roles = (await s.scalars(select(Membership.role).order_by(Membership.id))).all()
        return (*counts, int(uses or 0), int(active or 0), hash(tuple(roles)))


async def join(flow: Flow, user_id: int, token: str, name: str = "Иванова Анна Петровна") -> None:
    """Register through the bot the way a teacher does."""
    await flow.send(user_id, f"/start {token}")
    await flow.press(user_id, "✅")
    await flow.send(user_id, name)
    await flow.send(user_id, "МОУ СОШ № 5")  # the chair's school: matched, no question
    reply = await flow.send(user_id, "математика")
    assert "Добро пожаловать" in reply.text or "Welcome" in reply.text, reply.text


async def test_start_without_token_explains_how_to_join(flow: Flow) -> None:
    reply = await flow.send(STRANGER, "/start")
    assert "ссылк" in reply.text and "председател" in reply.text
    flow.languages[OTHER] = "en"
    reply = await flow.send(OTHER, "/start")
    assert "invite link" in reply.text


async def test_registration_asks_only_what_it_does_not_know(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
    before = await snapshot(sm)
    reply = await flow.send(TEACHER, f"/start {token}")
    assert "РМО учителей математики" in reply.text and "152-ФЗ" in reply.text
    # Text where a button is expected: a hint, and the buttons still work.
    reply = await flow.send(TEACHER, "да")
    assert "кноп" in reply.text
    reply = await flow.press(TEACHER, "✅")
    assert "ФИО" in reply.text
    # Bad names: each answered, asked again, nothing written.
    for bad, expect in (
        ("   ", "ничего не написали"),
        ("Я" * 300, "300"),
        ("<b>Иванова</b>", "HTML"),
        ("1", "коротк"),
    ):
        reply = await flow.send(TEACHER, bad)
        assert expect in reply.text, (bad, reply.text)
        assert await snapshot(sm) == before
    reply = await flow.send_document(TEACHER, "photo.jpg")
    assert "текстом" in reply.text
    await flow.send(TEACHER, "Иванова Анна Петровна")
    reply = await flow.send(TEACHER, "Школа № 5")  # «МОУ СОШ № 5» by another name
    assert "предмет" in reply.text
    reply = await flow.send(TEACHER, "математика")
    assert "Добро пожаловать" in reply.text and "участник" in reply.text
    after = await snapshot(sm)
    assert after[0] == before[0] + 1  # one person
    assert after[3] == before[3]  # the school was matched, not added

    # Opening the link again: already registered, nothing written.
    reply = await flow.send(TEACHER, f"/start {token}")
    assert "уже" in reply.text
    assert await snapshot(sm) == after


async def test_refused_consent_stores_nothing(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
    before = await snapshot(sm)
    await flow.send(TEACHER, f"/start {token}")
    reply = await flow.press(TEACHER, "✖️")
    assert "ничего не сохранено" in reply.text
    assert await snapshot(sm) == before
    # The old consent message's button no longer does anything, but gets an answer.
    reply = await flow.press_data(TEACHER, "cs:1")
    assert reply.answered_callback() and await snapshot(sm) == before


@pytest.mark.parametrize("case", ["made-up", "expired", "used", "group-link-in-private"])
async def test_bad_links_are_refused_and_change_nothing(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock, case: str
) -> None:
    token = "x" * 22
    async with sm() as s:
        if case == "expired":
            token = await member_link(s, world, clock)
        elif case == "used":
            link = await invites.create_link(
                s, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
            )
            token = link.token
            await register(s, token, OTHER, clock, name="Секретарь Первый")
        elif case == "group-link-in-private":
            link = await invites.create_link(
                s, world.chair, InviteKind.GROUP, world.association_id, clock.now()
            )
            token = link.token
    if case == "expired":
        clock.advance(timedelta(days=60))
    before = await snapshot(sm)
    reply = await flow.send(STRANGER, f"/start {token}")
    expected = {
        "made-up": "недействительна",
        "expired": "истёк",
        "used": "уже использована",
        "group-link-in-private": "группов",
    }[case]
    assert expected in reply.text, reply.text
    assert await snapshot(sm) == before
    # The same refusal in English for an English-speaking person.
    flow.languages[STRANGER + 1] = "en"
    reply = await flow.send(STRANGER + 1, f"/start {token}")
    assert "link" in reply.text and "ссылк" not in reply.text


@pytest.mark.parametrize(
    "command",
    ["/newservice", "/newmunicipality", "/newmethodist", "/newassociation", "/members", "/invite"],
)
async def test_member_typing_staff_commands_is_refused(
    flow: Flow,
    world: World,
    sm: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    command: str,
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock)
    before = await snapshot(sm)
    reply = await flow.send(TEACHER, command)
    assert "нет прав" in reply.text, reply.text
    assert await snapshot(sm) == before


async def test_admin_creates_service_municipality_and_association(
    flow: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    reply = await flow.send(ADMIN_ID, "/newservice")
    reply = await flow.send(ADMIN_ID, "<i>ИМЦ</i>")  # HTML refused, asked again
    assert "HTML" in reply.text
    reply = await flow.send(ADMIN_ID, "ИМЦ Центрального района")
    assert "/newmunicipality" in reply.text
    await flow.send(ADMIN_ID, "/newmunicipality")
    await flow.press(ADMIN_ID, "ИМЦ Центрального района")
    reply = await flow.send(ADMIN_ID, "Центральный район")
    for bad in ("Mars/Olympus", "America/Indiana", "Europe"):  # a tzdata folder is no zone
        reply = await flow.send(ADMIN_ID, bad)
        assert "часовой пояс" in reply.text.lower(), (bad, reply.text)
    reply = await flow.send(ADMIN_ID, "Asia/Omsk")
    assert "Asia/Omsk" in reply.text
    await flow.send(ADMIN_ID, "/newassociation")
    await flow.press(ADMIN_ID, "Центральный район")
    await flow.press(ADMIN_ID, "РМО")
    await flow.send(ADMIN_ID, "РМО учителей истории")
    await flow.send(ADMIN_ID, "история")
    reply = await flow.press(ADMIN_ID, "Омск")
    assert "РМО учителей истории" in reply.text and "?start=" in reply.text
    async with sm() as s:
        created = await s.scalar(select(Association).where(Association.name.like("%истории")))
        assert created is not None and created.timezone == "Asia/Omsk"


async def test_cancel_leaves_a_wizard_without_writing(
    flow: Flow, sm: async_sessionmaker[AsyncSession]
) -> None:
    before = await snapshot(sm)
    await flow.send(ADMIN_ID, "/newservice")
    reply = await flow.send(ADMIN_ID, "/cancel")
    assert "Отменено" in reply.text
    reply = await flow.send(ADMIN_ID, "ИМЦ после отмены")  # no longer an answer to anything
    assert "Не понимаю" in reply.text
    assert await snapshot(sm) == before


async def _second_association(
    sm: async_sessionmaker[AsyncSession], world: World, clock: FixedClock
) -> tuple[int, int]:
    """Another association with its own chair and one member; returns (id, member's id)."""
    from models import AssociationKind
    from services import associations

    async with sm() as s:
        created = await associations.create_association(
            s,
            ADMIN,
            kind=AssociationKind.GMO,
            name="ГМО учителей химии",
            subject="химия",
            municipality_id=world.municipality_id,
            timezone="Asia/Novosibirsk",
            now=clock.now(),
        )
        other_chair = await register(s, created.chair_token, 4001, clock, name="Химик Главный")
        added = await roster.add_people(
            s,
            other_chair,
            created.association.id,
            [roster.RosterEntry("Чужой Участник", None, None)],
            clock.now(),
        )
        [link] = added.links
        membership = await s.scalar(
            select(Membership.id).where(Membership.person_id == link.person_id)
        )
        assert membership is not None
        return created.association.id, membership


async def test_forged_callbacks_for_another_association_change_nothing(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    other_id, other_member = await _second_association(sm, world, clock)
    before = await snapshot(sm)
    forged = [
        RosterCb(association_id=other_id, page=0).pack(),
        RosterAdd(association_id=other_id).pack(),
        InviteKindCb(association_id=other_id, kind="member").pack(),
        InviteKindCb(association_id=other_id, kind="deputy").pack(),
        MemberCb(membership_id=other_member, action="open").pack(),
        MemberCb(membership_id=other_member, action="role", arg="secretary").pack(),
        MemberCb(membership_id=other_member, action="voting").pack(),
        MemberCb(membership_id=other_member, action="link").pack(),
        MemberCb(membership_id=other_member, action="remove_ok").pack(),
        InviteKindCb(association_id=world.association_id, kind="no-such-kind").pack(),
        MemberCb(membership_id=10**9, action="open").pack(),
    ]
    for data in forged:
        reply = await flow.press_data(world.chair_tg, data)
        assert reply.alerts(), (data, reply.calls)
        assert not reply.sent(), (data, reply.text)  # no roster, no link leaked
        assert await snapshot(sm) == before, data


async def test_old_button_after_losing_the_role_is_refused(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    secretary_tg = 5001
    async with sm() as s:
        link = await invites.create_link(
            s, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
        )
        await register(s, link.token, secretary_tg, clock, name="Секретарь Объединения")
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Простой Учитель")
    reply = await flow.send(secretary_tg, "/members")
    roster_message = flow.last(secretary_tg, with_buttons=True)
    assert "Простой Учитель" in reply.text
    card = await flow.press(secretary_tg, "Простой Учитель", roster_message)
    card_message = flow.last(secretary_tg, with_buttons=True)
    assert "Простой Учитель" in card.text
    # The chair makes the secretary an ordinary member.
    async with sm() as s:
        page = await roster.roster_page(s, world.chair, world.association_id)
        mine = next(r for r in page.rows if r.full_name == "Секретарь Объединения")
        await roster.change_role(s, world.chair, mine.membership_id, Role.MEMBER, clock.now())
    before = await snapshot(sm)
    for label, message in (("🗑", card_message), ("Простой Учитель", roster_message)):
        reply = await flow.press(secretary_tg, label, message)
        assert reply.alerts() and "нет прав" in reply.alerts()[0], reply.calls
        assert not reply.sent()
    reply = await flow.send(secretary_tg, "/members")
    assert "нет прав" in reply.text
    assert await snapshot(sm) == before


async def test_stale_and_garbage_buttons_get_an_answer(flow: Flow) -> None:
    for data in ("zz:garbage", "mb:notanumber:open::0", "x" * 64):
        reply = await flow.press_data(TEACHER, data)
        assert reply.answered_callback(), data
        assert not reply.sent()


async def test_double_tap_on_consent_registers_once(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        link = await invites.create_link(
            s, world.chair, InviteKind.DEPUTY, world.association_id, clock.now()
        )
    await flow.send(TEACHER, f"/start {link.token}")
    consent = flow.last(TEACHER, with_buttons=True)
    await flow.press(TEACHER, "✅", consent)
    reply = await flow.press(TEACHER, "✅", consent)  # the second tap
    assert reply.answered_callback() and not reply.sent()
    await flow.send(TEACHER, "Заместитель Председателя")
    await flow.send(TEACHER, "МОУ СОШ № 5")
    reply = await flow.send(TEACHER, "математика")
    assert "заместитель председателя" in reply.text
    # A second person opening the used single-use link is refused.
    before = await snapshot(sm)
    reply = await flow.send(OTHER, f"/start {link.token}")
    assert "уже использована" in reply.text
    assert await snapshot(sm) == before


async def test_roster_add_people_gives_personal_links(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    await flow.send(world.chair_tg, "/members")
    await flow.press(world.chair_tg, "➕")
    before = await snapshot(sm)
    reply = await flow.send(world.chair_tg, "Орлов Пётр; Школа 1\n<script>alert(1)</script>")
    assert "Строка 2" in reply.text and "Никто не добавлен" in reply.text
    assert await snapshot(sm) == before
    reply = await flow.send(world.chair_tg, "Орлов Пётр Ильич; Школа 1; физика\nСидорова Ия")
    assert reply.text.count("?start=") == 2
    assert "Орлов Пётр Ильич" in reply.text and "Сидорова Ия" in reply.text
    reply = await flow.send(world.chair_tg, "/members")
    assert "Участников: 3" in reply.text and "пока не в боте" in reply.text


async def test_roles_voting_and_removal_from_the_card(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Простой Учитель")
    await flow.send(world.chair_tg, "/members")
    await flow.press(world.chair_tg, "Простой Учитель")
    card = flow.last(world.chair_tg, with_buttons=True)
    assert "Простой Учитель" in (card.text or "")
    reply = await flow.press(world.chair_tg, "секретар", card)
    assert "секретарь" in reply.text
    async with sm() as s:
        role = await s.scalar(
            select(Membership.role).join(Person).where(Person.full_name == "Простой Учитель")
        )
        assert role is Role.SECRETARY
    reply = await flow.press(world.chair_tg, "гостем")
    async with sm() as s:
        voting = await s.scalar(
            select(Membership.voting).join(Person).where(Person.full_name == "Простой Учитель")
        )
    assert voting is False
    await flow.press(world.chair_tg, "🗑")
    reply = await flow.press(world.chair_tg, "Да")
    assert reply.alerts() == [] or "Простой Учитель" in reply.text
    reply = await flow.send(world.chair_tg, "/members")
    assert "Простой Учитель" not in reply.text


async def test_group_chat_is_linked_followed_and_unlinked(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    await flow.send(world.chair_tg, "/invite")
    reply = await flow.press(world.chair_tg, "групп")
    [token] = [part.split("=")[1].split()[0] for part in reply.text.split("?startgroup")[1:]]
    # A member of the group who is not the chair cannot link it.
    before = await snapshot(sm)
    reply = await flow.send(TEACHER, f"/start@metod_test_bot {token}", chat_id=-555)
    assert "нет прав" in reply.text or "not" in reply.text
    assert await snapshot(sm) == before
    reply = await flow.send(world.chair_tg, f"/start@metod_test_bot {token}", chat_id=-555)
    assert "РМО учителей математики" in reply.text
    await flow.service_message(-555, world.chair_tg, migrate_to_chat_id=-100555)
    async with sm() as s:
        linked = await s.scalar(
            select(Association.group_chat_id).where(Association.id == world.association_id)
        )
    assert linked == -100555
    # The bot removed from the supergroup: the link is dropped, not kept pointing nowhere.
    from aiogram.types import ChatMemberLeft, ChatMemberMember, ChatMemberUpdated

    from tests.flow import BOT_ID, NOW, _chat

    me = flow.user(BOT_ID)
    await flow._feed(
        my_chat_member=ChatMemberUpdated(
            chat=_chat(-100555),
            from_user=flow.user(world.chair_tg),
            date=NOW,
            old_chat_member=ChatMemberMember(user=me),
            new_chat_member=ChatMemberLeft(user=me),
        )
    )
    async with sm() as s:
        linked = await s.scalar(
            select(Association.group_chat_id).where(Association.id == world.association_id)
        )
    assert linked is None


async def test_blocking_the_bot_shows_in_the_roster(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Простой Учитель")
    await flow.chat_member(TEACHER, blocked=True)
    reply = await flow.send(world.chair_tg, "/members")
    assert "не может написать" in reply.text
    await flow.chat_member(TEACHER, blocked=False)
    reply = await flow.send(world.chair_tg, "/members")
    assert "не может написать" not in reply.text


async def test_language_profile_mydata_and_forget(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Иванова Анна Петровна")
    await flow.send(TEACHER, "/language")
    reply = await flow.press(TEACHER, "English")
    assert "English" in reply.text
    reply = await flow.send(TEACHER, "/help")
    assert "What you can do" in reply.text
    reply = await flow.send(TEACHER, "/profile")
    assert "Иванова Анна Петровна" in reply.text
    await flow.press(TEACHER, "Name")
    reply = await flow.send(TEACHER, "<u>Иванова</u>")
    assert "HTML" in reply.text
    reply = await flow.send(TEACHER, "Иванова-Петрова Анна Петровна")
    assert "Saved" in reply.text and "Иванова-Петрова" in reply.text

    reply = await flow.send(TEACHER, "/mydata")
    [document] = [c for c in reply.calls if isinstance(c, SendDocument)]
    assert isinstance(document.document, BufferedInputFile)
    payload = json.loads(document.document.data)
    assert payload["person"]["full_name"] == "Иванова-Петрова Анна Петровна"

    reply = await flow.send(TEACHER, "/forget")
    assert "Delete" in reply.text
    reply = await flow.press(TEACHER, "No")
    async with sm() as s:
        kept = await s.scalar(select(Person.full_name).where(Person.full_name.like("Иванова%")))
    assert kept is not None
    await flow.send(TEACHER, "/forget")
    reply = await flow.press(TEACHER, "Yes")
    assert "deleted" in reply.text
    async with sm() as s:
        gone = await s.scalar(select(Person.full_name).where(Person.full_name.like("Иванова%")))
    assert gone is None
    reply = await flow.send(TEACHER, "/start")
    assert "invite link" in reply.text or "ссылк" in reply.text


async def test_schools_typed_by_teachers_wait_for_the_chair(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
    await flow.send(TEACHER, f"/start {token}")
    await flow.press(TEACHER, "✅")
    await flow.send(TEACHER, "Учитель Новой Школы")
    reply = await flow.send(TEACHER, "Лицей № 9")
    assert "новую школу" in reply.text
    await flow.send(TEACHER, "физика")
    reply = await flow.send(world.chair_tg, "/schools")
    assert "Лицей № 9" in reply.text
    [number] = [line.split(".")[0] for line in reply.text.splitlines() if "Лицей" in line]
    reply = await flow.press(world.chair_tg, f"✅ {number}")
    assert "Лицей № 9" in reply.alerts()[0]
    [edited] = [c.text or "" for c in reply.calls if isinstance(c, EditMessageText)]
    assert "Лицей № 9" not in edited and "МОУ СОШ № 5" in edited  # refreshed in place
    reply = await flow.send(world.chair_tg, "/schools")
    assert "Лицей № 9" not in reply.text
    # A member cannot review schools, even with a well-formed button.
    async with sm() as s:
        school = await s.scalar(select(School.id).where(School.name == "Лицей № 9"))
    assert school is not None
    before = await snapshot(sm)
    reply = await flow.press_data(TEACHER, SchoolReview(school_id=school, approve=False).pack())
    assert reply.alerts()
    assert await snapshot(sm) == before


async def test_roster_from_a_csv_file_and_links_back_as_a_file(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    await flow.send(world.chair_tg, "/members")
    await flow.press(world.chair_tg, "➕")
    reply = await flow.send_document(world.chair_tg, "list.xlsx", b"PK...")
    assert "CSV" in reply.text
    rows = ["ФИО;Школа;Предмет", *(f"Учитель {i:03d};Школа № 7;химия" for i in range(40))]
    reply = await flow.send_document(
        world.chair_tg, "roster.csv", "\r\n".join(rows).encode("cp1251")
    )
    [document] = [c for c in reply.calls if isinstance(c, SendDocument)]
    assert document.caption is not None and "40" in document.caption
    assert isinstance(document.document, BufferedInputFile)
    table = document.document.data.decode("utf-8-sig").splitlines()
    assert table[0].startswith("ФИО;") and len(table) == 41
    assert table[1].startswith("Учитель 000;Школа № 7;химия;https://t.me/metod_test_bot?start=")
    reply = await flow.send(world.chair_tg, "/members")
    assert "Участников: 41" in reply.text
    # The same file again adds nobody twice.
    await flow.press(world.chair_tg, "➕")
    reply = await flow.send_document(
        world.chair_tg, "roster.csv", "\r\n".join(rows).encode("cp1251")
    )
    assert "Добавлено: 0" in reply.text and "и ещё 20" in reply.text
    assert not [c for c in reply.calls if isinstance(c, SendDocument)]


# ------------------------------------------------------------------ commands inside wizards


async def test_commands_and_menu_buttons_inside_wizards_are_not_answers(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
    before = await snapshot(sm)
    # /cancel at the name step cancels; it is not the teacher's name.
    await flow.send(TEACHER, f"/start {token}")
    await flow.press(TEACHER, "✅")
    reply = await flow.send(TEACHER, "/cancel")
    assert "Отменено" in reply.text, reply.text
    reply = await flow.send(TEACHER, "Иванова Анна Петровна")  # no longer an answer
    assert "Пока я не понимаю" in reply.text
    assert await snapshot(sm) == before
    # /help at the school step shows the help; no school named "/help".
    await flow.send(TEACHER, f"/start {token}")
    await flow.press(TEACHER, "✅")
    await flow.send(TEACHER, "Иванова Анна Петровна")
    reply = await flow.send(TEACHER, "/help")
    assert "Что вы можете сделать" in reply.text, reply.text
    # An unknown command inside a wizard gets the wizard's hint.
    await flow.send(TEACHER, f"/start {token}")
    await flow.press(TEACHER, "✅")
    await flow.send(TEACHER, "Иванова Анна Петровна")
    reply = await flow.send(TEACHER, "/nosuchcommand")
    assert "ответьте текстом" in reply.text, reply.text
    await flow.send(TEACHER, "Школа № 5")
    await flow.send(TEACHER, "математика")
    async with sm() as s:
        names = set((await s.scalars(select(School.name))).all())
        assert not any(name.startswith("/") for name in names), names
        person = await s.scalar(select(Person).where(Person.full_name.like("Иванова%")))
        assert person is not None and person.subject == "математика"

    # A menu button typed while editing the profile opens its own screen, in any language.
    for label in ("👥 Участники", "👥 Members"):
        await flow.send(world.chair_tg, "/profile")
        await flow.press(world.chair_tg, "ФИО")
        reply = await flow.send(world.chair_tg, label)
        assert "Участников: 2" in reply.text, reply.text
    async with sm() as s:
        chair = await s.get_one(Person, world.chair.person_id)
        assert chair.full_name == "Петров Сергей Иванович"

    # The admin's wizards: a menu button or a command is never a service's name or a zone.
    before = await snapshot(sm)
    await flow.send(ADMIN_ID, "/newservice")
    reply = await flow.send(ADMIN_ID, "❓ Помощь")
    assert "Что вы можете сделать" in reply.text
    await flow.send(ADMIN_ID, "/newmunicipality")
    await flow.press(ADMIN_ID, "ИМЦ Ленинского района")
    await flow.send(ADMIN_ID, "Советский район")
    reply = await flow.send(ADMIN_ID, "/schools")  # at the time zone step
    assert "школ" in reply.text.lower(), reply.text
    reply = await flow.send(ADMIN_ID, "Asia/Omsk")  # the wizard was left
    assert "Asia/Omsk" not in reply.text
    await flow.send(ADMIN_ID, "/newassociation")
    await flow.press(ADMIN_ID, "Ленинский район")
    await flow.press(ADMIN_ID, "РМО")
    reply = await flow.send(ADMIN_ID, "/unknown")  # the name step: the wizard's hint
    assert "ответьте на вопрос" in reply.text.lower(), reply.text
    reply = await flow.send(ADMIN_ID, "/cancel")
    assert "Отменено" in reply.text
    async with sm() as s:
        assert (await s.scalars(select(Association.name))).all() == ["РМО учителей математики"]
        assert (await s.scalars(select(MethodService.name))).all() == ["ИМЦ Ленинского района"]
        assert (await s.scalars(select(Municipality.name))).all() == ["Ленинский район"]
    assert await snapshot(sm) == before

    # Adding people: /invite or its menu button is not a line of the list.
    await flow.send(world.chair_tg, "/members")
    await flow.press(world.chair_tg, "➕")
    for typed in ("/invite", "🔗 Пригласить"):
        reply = await flow.send(world.chair_tg, typed)
        assert "кого вы приглашаете" in reply.text, reply.text
        await flow.send(world.chair_tg, "/members")
        await flow.press(world.chair_tg, "➕")
    reply = await flow.send(world.chair_tg, "/oops")
    assert "по одному человеку" in reply.text, reply.text
    assert await snapshot(sm) == before


# ------------------------------------------------------------------ error texts


async def test_bad_roster_line_tells_the_limit(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession]
) -> None:
    await flow.send(world.chair_tg, "/members")
    await flow.press(world.chair_tg, "➕")
    before = await snapshot(sm)
    reply = await flow.send(world.chair_tg, "Орлов Пётр\n" + "Я" * 151 + "; Школа 1")
    assert "Строка 2" in reply.text and "150" in reply.text and "151" in reply.text, reply.text
    reply = await flow.send(world.chair_tg, "Орлов Пётр; 1")  # a school without letters
    assert "Строка 1" in reply.text and "2 символ" in reply.text, reply.text
    assert await snapshot(sm) == before


def test_error_texts_survive_missing_parameters() -> None:
    from aiogram.utils.i18n import I18n

    from bot.i18n import DOMAIN, LOCALES_DIR
    from handlers.errors import error_text
    from services.errors import DomainError, ErrorCode

    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    with i18n.context():
        for code in ErrorCode:
            assert error_text(DomainError(code)), code  # no KeyError, whatever is missing
        text = error_text(DomainError(ErrorCode.NAME_TOO_LONG, max=150))
        assert "150" in text and "…" in text
        text = error_text(
            DomainError(ErrorCode.ROSTER_BAD_LINE, line=3, reason=ErrorCode.TEXT_TOO_LONG)
        )
        assert "Строка 3" in text


# ------------------------------------------------------------------ buttons answered once


async def test_consent_error_comes_as_an_alert_and_keeps_the_buttons(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        added = await roster.add_people(
            s,
            world.chair,
            world.association_id,
            [roster.RosterEntry("Кузнецова Мария", "МОУ СОШ № 5", "физика")],
            clock.now(),
        )
    await flow.send(TEACHER, f"/start {added.links[0].token}")
    consent = flow.last(TEACHER, with_buttons=True)
    clock.advance(timedelta(days=31))  # the link expires while the teacher reads
    before = await snapshot(sm)
    reply = await flow.press(TEACHER, "✅", consent)
    assert reply.alerts() and "истёк" in reply.alerts()[0], reply.calls
    assert not [c for c in reply.calls if isinstance(c, EditMessageReplyMarkup)]
    assert buttons(flow.last(TEACHER, with_buttons=True)) == buttons(consent)
    assert await snapshot(sm) == before


async def test_school_choice_error_comes_as_an_alert_and_keeps_the_buttons(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        school = await schools.add_approved(
            s, ADMIN, world.municipality_id, world.service_id, "Гимназия № 2", clock.now()
        )
        added = await roster.add_people(
            s,
            world.chair,
            world.association_id,
            [roster.RosterEntry("Кузнецова Мария", None, "физика")],
            clock.now(),
        )
    await flow.send(TEACHER, f"/start {added.links[0].token}")
    reply = await flow.press(TEACHER, "✅")
    choice = flow.last(TEACHER, with_buttons=True)
    assert "Гимназия № 2" in buttons(choice)[0][0]
    async with sm() as s:  # the directory changes meanwhile
        await s.execute(
            update(School).where(School.id == school.id).values(status=SchoolStatus.PENDING)
        )
        await s.commit()
    before = await snapshot(sm)
    reply = await flow.press(TEACHER, "Гимназия", choice)
    assert reply.alerts() and "устарела" in reply.alerts()[0], reply.calls
    assert not [c for c in reply.calls if isinstance(c, EditMessageReplyMarkup)]
    assert buttons(flow.last(TEACHER, with_buttons=True)) == buttons(choice)
    assert await snapshot(sm) == before
    reply = await flow.send(TEACHER, "Школа № 5")  # the failed choice is forgotten
    assert "Добро пожаловать" in reply.text, reply.text


async def test_time_zone_button_errors_come_as_alerts(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    # The admin: a municipality of that name exists already.
    await flow.send(ADMIN_ID, "/newmunicipality")
    await flow.press(ADMIN_ID, "ИМЦ Ленинского района")
    await flow.send(ADMIN_ID, "Ленинский район")
    zones = flow.last(ADMIN_ID, with_buttons=True)
    reply = await flow.press(ADMIN_ID, "Омск", zones)
    assert reply.alerts() and "занято" in reply.alerts()[0], reply.calls
    assert not [c for c in reply.calls if isinstance(c, EditMessageReplyMarkup)]
    assert buttons(flow.last(ADMIN_ID, with_buttons=True)) == buttons(zones)
    # A methodist who loses the role while choosing the association's time zone.
    methodist_tg = 6001
    async with sm() as s:
        link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
        await register(s, link.token, methodist_tg, clock, name="Методист Службы")
    await flow.send(methodist_tg, "/newassociation")
    await flow.press(methodist_tg, "Ленинский район")
    await flow.press(methodist_tg, "ГМО")
    await flow.send(methodist_tg, "ГМО учителей физики")
    await flow.press(methodist_tg, "Пропустить")
    zones = flow.last(methodist_tg, with_buttons=True)
    async with sm() as s:
        await s.execute(update(Methodist).values(active=False))
        await s.commit()
    before = await snapshot(sm)
    reply = await flow.press(methodist_tg, "Омск", zones)
    assert reply.alerts() and "нет прав" in reply.alerts()[0], reply.calls
    assert not [c for c in reply.calls if isinstance(c, EditMessageReplyMarkup)]
    assert buttons(flow.last(methodist_tg, with_buttons=True)) == buttons(zones)
    assert await snapshot(sm) == before


async def test_error_after_the_callback_was_answered_comes_as_a_message() -> None:
    from aiogram import Dispatcher, Router
    from aiogram.exceptions import TelegramBadRequest
    from aiogram.methods import AnswerCallbackQuery
    from aiogram.types import CallbackQuery

    from bot.app import build_i18n
    from bot.middlewares import LocaleMiddleware
    from handlers.errors import ErrorReplyMiddleware
    from services.errors import DomainError, ErrorCode

    router = Router()

    @router.callback_query(F.data == "answered")
    async def answered_then_failed(query: CallbackQuery) -> None:
        await query.answer()
        raise DomainError(ErrorCode.STALE)

    @router.callback_query(F.data == "refused")
    async def telegram_refused(query: CallbackQuery) -> None:
        raise TelegramBadRequest(method=cast(Any, None), message="message to edit not found")

    dp = Dispatcher()
    settings = Settings(bot_token="42:TEST", admin_ids=[ADMIN_ID], _env_file=None)
    dp.update.outer_middleware(LocaleMiddleware(build_i18n(settings)))
    dp.update.outer_middleware(ErrorReplyMiddleware())
    dp.include_router(router)
    session = RecordingSession()
    bot = build_bot(session)
    flow = Flow(dp, bot, session)
    try:
        reply = await flow.press_data(TEACHER, "answered")
        assert [m.text for m in reply.sent()] == ["Эта кнопка устарела. Откройте список заново."]
        # Telegram refused a call: the button still gets its (silent) answer.
        reply = await flow.press_data(TEACHER, "refused")
        [answer] = [c for c in reply.calls if isinstance(c, AnswerCallbackQuery)]
        assert answer.text is None and not reply.sent()
    finally:
        await bot.session.close()


# ------------------------------------------------------------------ invite links


async def test_member_link_shows_local_expiry_and_revokes_old_links(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        old = await member_link(s, world, clock)
    await flow.send(world.chair_tg, "/invite")
    reply = await flow.press(world.chair_tg, "участник")
    # 22.12.2026 09:00 UTC is 16:00 in Novosibirsk, the association's time zone.
    assert "Действует до 22.12.2026 16:00." in reply.text, reply.text
    [new] = [part.split("=")[1].split()[0] for part in reply.text.split("?start")[1:]]
    reply = await flow.press(world.chair_tg, "Отозвать прежние ссылки")
    assert reply.alerts() and "отозваны: 1" in reply.alerts()[0], reply.calls
    assert not buttons(flow.last(world.chair_tg))  # the button is gone
    reply = await flow.send(TEACHER, f"/start {old}")
    assert "истёк" in reply.text, reply.text
    reply = await flow.send(TEACHER, f"/start {new}")
    assert "152-ФЗ" in reply.text  # the new link still works
    # A member cannot revoke, even with a well-formed button.
    from handlers.callbacks import RevokeLinks

    async with sm() as s:
        await register(s, new, OTHER, clock, name="Простой Учитель")
    before = await snapshot(sm)
    reply = await flow.press_data(
        OTHER, RevokeLinks(association_id=world.association_id, keep=0).pack()
    )
    assert reply.alerts() and "нет прав" in reply.alerts()[0]
    assert await snapshot(sm) == before
    reply = await flow.send(STRANGER, f"/start {new}")
    assert "152-ФЗ" in reply.text


async def test_methodist_link_expiry_in_the_services_time_zone(flow: Flow, world: World) -> None:
    await flow.send(ADMIN_ID, "/newmethodist")
    reply = await flow.press(ADMIN_ID, "ИМЦ Ленинского района")
    assert "Действует до 25.11.2026 16:00." in reply.text, reply.text


async def test_removed_member_personal_link_no_longer_works(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        added = await roster.add_people(
            s,
            world.chair,
            world.association_id,
            [roster.RosterEntry("Уволенный Учитель", "МОУ СОШ № 5", "физика")],
            clock.now(),
        )
    await flow.send(world.chair_tg, "/members")
    await flow.press(world.chair_tg, "Уволенный Учитель")
    await flow.press(world.chair_tg, "🗑")
    await flow.press(world.chair_tg, "Да")
    before = await snapshot(sm)
    reply = await flow.send(TEACHER, f"/start {added.links[0].token}")
    assert "истёк" in reply.text, reply.text
    assert await snapshot(sm) == before


# ------------------------------------------------------------------ captions and wording


async def test_links_file_caption_shortens_the_skipped_names_not_the_instruction(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    long_names = [f"Учитель {i:02d} " + "Очень-Длинная-Фамилия " * 6 for i in range(20)]
    async with sm() as s:
        await roster.add_people(
            s,
            world.chair,
            world.association_id,
            [roster.RosterEntry(name.strip(), None, None) for name in long_names],
            clock.now(),
        )
    await flow.send(world.chair_tg, "/members")
    await flow.press(world.chair_tg, "➕")
    rows = [*long_names, *(f"Новый Учитель {i:03d}" for i in range(20))]
    reply = await flow.send_document(world.chair_tg, "list.csv", "\n".join(rows).encode())
    [document] = [c for c in reply.calls if isinstance(c, SendDocument)]
    caption = document.caption or ""
    assert len(caption) <= 1024
    assert caption.startswith("Добавлено: 20.")
    assert caption.endswith("Личные ссылки — в файле: отправьте каждому его ссылку.")
    shown = caption.split("повторно не добавлены: ")[1].split(" и ещё ")[0].split(", ")
    assert 0 < len(shown) < 20
    assert all(name in [n.strip() for n in long_names] for name in shown), shown
    assert f"и ещё {20 - len(shown)}." in caption


async def test_russian_wording(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    reply = await flow.send(STRANGER, "/start")
    assert "(РМО, ГМО, методических советов)" in reply.text
    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Простой Учитель")
    reply = await flow.send(TEACHER, f"/start {token}")
    assert "Вы уже состоите в этом объединении" in reply.text
    await flow.send(world.chair_tg, "/members")
    await flow.press(world.chair_tg, "Простой Учитель")
    labels = [text for text, _data in buttons(flow.last(world.chair_tg, with_buttons=True))]
    assert "Назначить секретарём" in labels
    assert "Назначить заместителем председателя" in labels
    await flow.press(world.chair_tg, "Назначить секретарём")
    labels = [text for text, _data in buttons(flow.last(world.chair_tg, with_buttons=True))]
    assert "Сделать рядовым участником" in labels
    # A school approved: «Школа … подтверждена».
    async with sm() as s:
        school = await s.scalar(select(School.id))
    assert school is not None
    reply = await flow.press_data(
        world.chair_tg, SchoolReview(school_id=school, approve=True).pack()
    )
    assert reply.alerts() == ["Школа «МОУ СОШ № 5» подтверждена."]
    # The association kinds by their full names; the time zone cities in the user's language.
    await flow.send(ADMIN_ID, "/newassociation")
    reply = await flow.press(ADMIN_ID, "Ленинский район")
    kinds = [text for text, _data in buttons(flow.last(ADMIN_ID, with_buttons=True))]
    assert "районное методическое объединение (РМО)" in kinds
    assert "школьное методическое объединение (ШМО)" in kinds
    flow.languages[ADMIN_ID] = "en"
    await flow.send(ADMIN_ID, "/newmunicipality")
    await flow.press(ADMIN_ID, "ИМЦ Ленинского района")
    await flow.send(ADMIN_ID, "Central district")
    cities = [text for text, _data in buttons(flow.last(ADMIN_ID, with_buttons=True))]
    assert "Omsk" in cities and "Vladivostok" in cities and "Омск" not in cities
