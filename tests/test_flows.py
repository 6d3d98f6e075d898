"""Flows through the real Dispatcher (built updates, a recording fake session) on SQLite:
registration, bad input answered in the user's language with no change to the database,
forged and stale buttons, roles lost, the group chat, blocking, /language, /mydata, /forget."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, cast

import pytest
from aiogram import F
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from models import (
    Association,
    AuditEntry,
    Category,
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
from ui.callbacks.common import SchoolReview
from ui.callbacks.people import InviteKindCb, MemberCb, RosterAdd, RosterCb

TEACHER, OTHER, STRANGER = 3001, 3002, 3003


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


async def test_start_without_token_explains_how_to_join(flow: Flow) -> None:
    reply = await flow.send(STRANGER, "/start")
    assert "ссылк" in reply.text and "председател" in reply.text
    # Their numeric id, so the operator can make the first administrator (ADMIN_IDS).
    assert f"<code>{STRANGER}</code>" in reply.text and "ADMIN_IDS" in reply.text
    flow.languages[OTHER] = "en"
    reply = await flow.send(OTHER, "/start")
    assert "invite link" in reply.text
    assert f"Your Telegram id: <code>{OTHER}</code>" in reply.text


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
        f"ik:{world.association_id}:no-such-kind",  # a kind no code makes
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
    # Issue 18: a file is previewed first; nothing is written until «Добавить».
    assert reply.texts[-1].startswith("Файл в порядке: строк — 40. Новых: 40; уже в списке: 0.")
    reply = await flow.press(world.chair_tg, "Добавить 40")
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
    assert "Новых: 0; уже в списке: 40." in reply.text and "Новых людей нет" in reply.text
    assert [t for t, _ in buttons(flow.last(world.chair_tg, with_buttons=True))] == ["✖️ Отмена"]
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
    from ui.callbacks.people import RevokeLinks

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
    # Issue 18: a file is previewed first (40 rows, 20 new), then added.
    assert reply.texts[-1].startswith("Файл в порядке: строк — 40. Новых: 20; уже в списке: 20.")
    reply = await flow.press(world.chair_tg, "Добавить 20")
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


# ------------------------------------------------------------------ /profile: school and data bank


async def test_profile_edits_school_and_every_data_bank_field(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Иванова Анна Петровна")
        await schools.add_approved(
            s, ADMIN, world.municipality_id, world.service_id, "МАОУ Гимназия № 2", clock.now()
        )
    reply = await flow.send(TEACHER, "/profile")
    assert "Образование: —" in reply.text and "Возраст: —" in reply.text, reply.text
    labels = [text for text, _data in buttons(flow.last(TEACHER, with_buttons=True))]
    for label in ("🏫 Школа", "🎓 Образование", "🏅 Категория", "🏆 Награды", "🎖 Звания"):
        assert label in labels, labels

    # The school: one municipality, so its directory straight away; typed as at registration.
    reply = await flow.press(TEACHER, "🏫 Школа")
    assert "Выберите свою школу" in reply.text
    assert buttons(flow.last(TEACHER, with_buttons=True))[0][0] == "МАОУ Гимназия № 2"
    reply = await flow.send(TEACHER, "гимназия №2")  # matched, not a new school
    assert "Сохранено" in reply.text and "🏫 МАОУ Гимназия № 2\n" in reply.text, reply.text
    await flow.press(TEACHER, "🏫 Школа")
    reply = await flow.send(TEACHER, "Лицей № 7")
    assert "новую школу" in reply.text and "Лицей № 7 (ожидает подтверждения)" in reply.text
    reply = await flow.send(world.chair_tg, "/schools")
    assert "Лицей № 7" in reply.text

    # Typed fields: a bad value is answered and asked again, nothing written.
    before = await snapshot(sm)
    await flow.press(TEACHER, "🎓 Образование")
    reply = await flow.send(TEACHER, "<b>высшее</b>")
    assert "HTML" in reply.text
    reply = await flow.send(TEACHER, "высшее, НГПУ, 2005")
    assert "Образование: высшее, НГПУ, 2005" in reply.text
    await flow.press(TEACHER, "⏳ Общий стаж")
    for bad in ("61", "много", "-2"):
        reply = await flow.send(TEACHER, bad)
        assert "от 0 до 60" in reply.text, (bad, reply.text)
    reply = await flow.send(TEACHER, "25 лет")
    assert "Общий стаж, лет: 25" in reply.text
    await flow.press(TEACHER, "Педагогический стаж")
    reply = await flow.send(TEACHER, "20")
    assert "Педагогический стаж, лет: 20" in reply.text
    await flow.press(TEACHER, "🎂 Год рождения")
    reply = await flow.send(TEACHER, "2015")
    assert "от 1940 до 2010" in reply.text, reply.text
    reply = await flow.send(TEACHER, "1984")
    assert "Возраст: 42 (1984 г. р.)" in reply.text, reply.text
    await flow.press(TEACHER, "📜 Специальность")
    await flow.send(TEACHER, "учитель математики")
    await flow.press(TEACHER, "🏆 Награды")
    reply = await flow.send(TEACHER, "Я" * 1001)
    assert "1000" in reply.text and "1001" in reply.text, reply.text
    reply = await flow.send(TEACHER, "Почётная грамота, 2019\nМедаль «За труд»")
    assert "Награды: Почётная грамота, 2019\nМедаль «За труд»" in reply.text
    await flow.press(TEACHER, "🎖 Звания")
    reply = await flow.send(TEACHER, "/oops")  # an unknown command: the wizard's hint
    assert "ответьте текстом" in reply.text
    await flow.send(TEACHER, "Почётный работник")
    # The category: buttons.
    reply = await flow.press(TEACHER, "🏅 Категория")
    choices = [text for text, _data in buttons(flow.last(TEACHER, with_buttons=True))]
    assert choices == [
        "без категории",
        "первая категория",
        "высшая категория",
        "педагог-методист",  # issue 15: ranked as high as высшая
        "педагог-наставник",
    ]
    reply = await flow.press(TEACHER, "высшая категория")
    # Issue 18: the order that set the category, its date (not in the future), its number.
    assert "дату приказа" in reply.text, reply.text
    reply = await flow.send(TEACHER, "01.01.2027")  # after NOW: refused, still asked
    assert "ДД.ММ.ГГГГ" in reply.text and "22.11.2026" in reply.text, reply.text
    reply = await flow.send(TEACHER, "31.02.2024")
    assert "ДД.ММ.ГГГГ" in reply.text, reply.text
    reply = await flow.send(TEACHER, "15.03.2024")
    assert "номер" in reply.text, reply.text
    reply = await flow.send(TEACHER, "<b>" + "1" * 40)
    assert "32" in reply.text, reply.text
    reply = await flow.send(TEACHER, "№ 123-к")
    assert "Квалификационная категория: высшая категория, приказ № 123-к от 15.03.2024" in (
        reply.text
    ), reply.text
    async with sm() as s:
        person = await s.scalar(select(Person).where(Person.full_name.like("Иванова%")))
        assert person is not None
        assert (person.category_order_date, person.category_order_number) == (
            date(2024, 3, 15),
            "123-к",
        )
    # Awards and titles: «Нет» is a button (an answer the data bank counts).
    await flow.press(TEACHER, "🎖 Звания")
    reply = await flow.press(TEACHER, "🚫 Нет")
    assert "Звания: нет" in reply.text, reply.text
    await flow.press(TEACHER, "🎖 Звания")
    await flow.send(TEACHER, "Почётный работник")
    async with sm() as s:
        person = await s.scalar(select(Person).where(Person.full_name.like("Иванова%")))
        assert person is not None
        assert (person.education, person.speciality) == ("высшее, НГПУ, 2005", "учитель математики")
        assert (person.total_experience_years, person.teaching_experience_years) == (25, 20)
        assert (person.birth_year, person.category, person.titles) == (
            1984,
            Category.HIGHEST,
            "Почётный работник",
        )
    # Clearing: a field with a value offers «Очистить».
    await flow.press(TEACHER, "🎓 Образование")
    reply = await flow.press(TEACHER, "🗑 Очистить")
    assert "Очищено" in reply.text and "Образование: —" in reply.text
    await flow.press(TEACHER, "🏅 Категория")
    reply = await flow.press(TEACHER, "🗑 Очистить")
    assert "Квалификационная категория: —" in reply.text
    async with sm() as s:
        person = await s.scalar(select(Person).where(Person.full_name.like("Иванова%")))
        assert person is not None and person.education is None and person.category is None
    assert (await snapshot(sm))[:3] == before[:3]  # no person, account or membership added
    # In English too.
    flow.languages[TEACHER] = "en"
    await flow.send(TEACHER, "/language")
    await flow.press(TEACHER, "English")
    reply = await flow.send(TEACHER, "/profile")
    assert "Age: 42 (born in 1984)" in reply.text and "Teaching experience, years: 20" in reply.text


async def test_profile_school_after_rejection_and_in_two_municipalities(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    from models import AssociationKind
    from services import associations

    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Учитель Двух Районов", school="Лицей № 9")
        second = await associations.create_municipality(
            s, ADMIN, world.service_id, "Советский район", "Asia/Novosibirsk", clock.now()
        )
        created = await associations.create_association(
            s,
            ADMIN,
            kind=AssociationKind.GMO,
            name="ГМО учителей физики",
            subject="физика",
            municipality_id=second.id,
            timezone="Asia/Novosibirsk",
            now=clock.now(),
        )
        other_chair = await register(s, created.chair_token, 4001, clock, name="Физик Главный")
        link = await invites.create_link(
            s, other_chair, InviteKind.MEMBER, created.association.id, clock.now()
        )
        await register(s, link.token, TEACHER, clock)
        lyceum = await s.scalar(select(School.id).where(School.name == "Лицей № 9"))
        assert lyceum is not None
        await schools.review(s, world.chair, lyceum, False, clock.now())  # rejected
        school = await schools.add_approved(
            s, ADMIN, second.id, world.service_id, "МБОУ СОШ № 12", clock.now()
        )
        school_id = school.id
    reply = await flow.send(TEACHER, "/profile")
    # The rejected school is kept as typed (issue 20), marked: the teacher chooses again.
    assert "🏫 Лицей № 9 (не подтверждена: выберите школу заново)" in reply.text, reply.text
    reply = await flow.press(TEACHER, "🏫 Школа")
    assert "муниципалитет" in reply.text
    places = [text for text, _data in buttons(flow.last(TEACHER, with_buttons=True))]
    assert places == ["Ленинский район", "Советский район"]
    reply = await flow.press(TEACHER, "Советский район")
    reply = await flow.press(TEACHER, "МБОУ СОШ № 12")
    assert "Сохранено" in reply.text and "МБОУ СОШ № 12" in reply.text
    async with sm() as s:
        person = await s.scalar(select(Person).where(Person.full_name.like("Учитель Двух%")))
        assert person is not None and person.school_id == school_id
    # A school button of a municipality that is not the person's: refused.
    async with sm() as s:
        foreign_service = await associations.create_service(s, ADMIN, "ИМЦ Чужой", clock.now())
        foreign = await associations.create_municipality(
            s, ADMIN, foreign_service.id, "Чужой район", "Europe/Moscow", clock.now()
        )
        alien = await schools.add_approved(
            s, ADMIN, foreign.id, foreign_service.id, "Школа № 99", clock.now()
        )
        alien_id = alien.id
    before = await snapshot(sm)
    from ui.callbacks.people import ProfileSchool

    reply = await flow.press_data(TEACHER, ProfileSchool(school_id=alien_id).pack())
    assert reply.alerts() and "нет прав" in reply.alerts()[0]
    assert await snapshot(sm) == before


# ------------------------------------------------------------------ the school directory


async def test_methodist_adds_schools_to_the_directory(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    methodist_tg = 6001
    async with sm() as s:
        link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
        await register(s, link.token, methodist_tg, clock, name="Методист Службы")
    # The chair reviews schools but does not keep the directory: no button, and a forged
    # one is refused.
    reply = await flow.send(world.chair_tg, "/schools")
    assert "Добавить школы" not in str(reply.calls)
    before = await snapshot(sm)
    from ui.callbacks.common import DirectoryAdd

    reply = await flow.press_data(
        world.chair_tg, DirectoryAdd(municipality_id=world.municipality_id).pack()
    )
    assert reply.alerts() and "нет прав" in reply.alerts()[0]
    assert await snapshot(sm) == before

    await flow.send(methodist_tg, "/schools")
    reply = await flow.press(methodist_tg, "➕ Добавить школы в справочник")
    assert "Ленинский район" in reply.text and "500" in reply.text, reply.text
    reply = await flow.send(methodist_tg, "МБОУ «СОШ № 7»\n<b>Школа</b>")
    assert "Строка 2" in reply.text and "HTML" in reply.text, reply.text
    assert await snapshot(sm) == before
    reply = await flow.send(
        methodist_tg,
        "МБОУ «СОШ № 7»\nШкола № 7\nМАОУ Гимназия № 2\n\nСОШ № 5",  # № 5: the chair's, pending
    )
    assert "добавлено 2" in reply.text and "подтверждено из ожидающих 1" in reply.text
    assert "уже были 1" in reply.text, reply.text
    # The wizard stays open for the next part of a long list.
    reply = await flow.send(methodist_tg, "Лицей № 1")
    assert "добавлено 1" in reply.text
    reply = await flow.press(methodist_tg, "Готово")
    reply = await flow.send(methodist_tg, "Лицей № 3")  # no longer an answer
    assert "Не понимаю" in reply.text
    async with sm() as s:
        names = sorted(
            await s.scalars(select(School.name).where(School.status == SchoolStatus.APPROVED))
        )
    assert names == ["Лицей № 1", "МАОУ Гимназия № 2", "МБОУ «СОШ № 7»", "МОУ СОШ № 5"]
    # A teacher registering now chooses from them.
    async with sm() as s:
        token = await member_link(s, world, clock)
    await flow.send(TEACHER, f"/start {token}")
    await flow.press(TEACHER, "✅")
    reply = await flow.send(TEACHER, "Новый Учитель")
    schools_offered = [text for text, _data in buttons(flow.last(TEACHER, with_buttons=True))]
    assert "МБОУ «СОШ № 7»" in schools_offered and "Лицей № 1" in schools_offered


# ------------------------------------------------------------------ consent (152-ФЗ art. 9)


async def test_consent_says_who_why_what_how_long_and_how_to_withdraw(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
    await flow.send(TEACHER, f"/start {token}")
    consent = flow.last(TEACHER, with_buttons=True).text or ""
    for fragment in (
        "152-ФЗ",
        "«ИМЦ Ленинского района» — методическая служба",  # who
        "бот — её инструмент",
        "Цель",
        "работа объединения",  # purpose
        "ФИО, школа, предмет",  # data
        "образование",
        "хранят",  # actions
        "председателю, заместителю председателя и секретарю",
        "методистам службы",
        "до отзыва согласия",  # how long
        "/forget",  # how to withdraw
        "Подписанные протоколы",
    ):
        assert fragment in consent, (fragment, consent)
    assert len(consent) < 1500  # short enough to read
    flow.languages[OTHER] = "en"
    await flow.send(OTHER, f"/start {token}")
    consent = flow.last(OTHER, with_buttons=True).text or ""
    for fragment in (
        "«ИМЦ Ленинского района», the methodological service",
        "this bot is its tool",
        "Purpose",
        "until you withdraw your consent",
        "/forget",
        "Signed protocols",
    ):
        assert fragment in consent, (fragment, consent)


# ------------------------------------------------------------------ pickers with pages


async def test_pickers_page_through_every_item(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    from models import AssociationKind
    from services import associations
    from ui.callbacks.common import Picker, PickPage

    methodist_tg = 6001
    async with sm() as s:
        link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
        await register(s, link.token, methodist_tg, clock, name="Методист Службы")
        for n in range(44):  # 45 associations with the world's own
            await associations.create_association(
                s,
                ADMIN,
                kind=AssociationKind.RMO,
                name=f"РМО № {n:02d} " + "очень длинное название объединения " * 2,
                subject=None,
                municipality_id=world.municipality_id,
                timezone="Asia/Novosibirsk",
                now=clock.now(),
            )
        for n in range(24):  # 25 services and 25 municipalities
            service = await associations.create_service(s, ADMIN, f"ИМЦ № {n:02d}", clock.now())
            await associations.create_municipality(
                s, ADMIN, service.id, f"Район № {n:02d}", "Asia/Omsk", clock.now()
            )

    def labels(user_id: int) -> list[str]:
        return [text for text, _data in buttons(flow.last(user_id, with_buttons=True))]

    # The methodist's roster picker: 45 associations, 20 a page.
    reply = await flow.send(methodist_tg, "/members")
    page = labels(methodist_tg)
    assert len(page) == 20 + 2 and page[-2:] == ["1 / 3", "▶️"], page
    seen = set(page[:20])
    reply = await flow.press(methodist_tg, "▶️")
    page = labels(methodist_tg)
    assert page[-3:] == ["◀️", "2 / 3", "▶️"], page
    seen |= set(page[:20])
    await flow.press(methodist_tg, "▶️")
    page = labels(methodist_tg)
    assert len(page) == 5 + 2 and page[-2:] == ["◀️", "3 / 3"], page
    seen |= set(page[:5])
    assert len(seen) == 45  # every association reachable
    reply = await flow.press(methodist_tg, "РМО № 43")
    assert "Участников: 0" in reply.text, reply.text
    # The page indicator and a page past the end are harmless.
    reply = await flow.press_data(methodist_tg, PickPage(what=Picker.MEMBERS, page=99).pack())
    assert reply.answered_callback() and not reply.sent()
    # A teacher cannot page through someone's list.
    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock)
    reply = await flow.press_data(TEACHER, PickPage(what=Picker.INVITE, page=1).pack())
    assert reply.alerts() and "нет прав" in reply.alerts()[0]
    # /invite pages the same way.
    await flow.send(methodist_tg, "/invite")
    await flow.press(methodist_tg, "▶️")
    await flow.press(methodist_tg, "▶️")
    reply = await flow.press(methodist_tg, "РМО № 43")
    assert "кого вы приглашаете" in reply.text, reply.text

    # The admin's municipality picker (/newassociation): 25 municipalities.
    await flow.send(ADMIN_ID, "/newassociation")
    assert labels(ADMIN_ID)[-2:] == ["1 / 2", "▶️"]
    await flow.press(ADMIN_ID, "▶️")
    assert labels(ADMIN_ID)[:2] == ["Район № 19", "Район № 20"]
    reply = await flow.press(ADMIN_ID, "Район № 23")
    assert "Какой вид объединения" in reply.text or "вид" in reply.text, reply.text
    # The admin's service pickers (/newmunicipality, /newmethodist): 25 services.
    await flow.send(ADMIN_ID, "/newmunicipality")
    await flow.press(ADMIN_ID, "▶️")
    reply = await flow.press(ADMIN_ID, "ИМЦ № 23")
    assert "Название муниципалитета" in reply.text, reply.text
    await flow.send(ADMIN_ID, "/newmethodist")
    await flow.press(ADMIN_ID, "▶️")
    reply = await flow.press(ADMIN_ID, "ИМЦ № 23")
    assert "?start=" in reply.text
    # Every button sent fits in 64 bytes (the recording session refuses more).
    assert all(
        len(data.encode()) <= 64
        for chat in flow.session.sent.values()
        for message in chat.values()
        for _text, data in buttons(message)
    )


# ------------------------------------------------------------------ the command menu per role


def _menus(calls: list[Any], chat_id: int) -> list[list[str] | None]:
    """The chat's own menus set (a list of commands) or deleted (None), in order."""
    from aiogram.methods import DeleteMyCommands, SetMyCommands
    from aiogram.types import BotCommandScopeChat

    found: list[list[str] | None] = []
    for call in calls:
        if isinstance(call, SetMyCommands | DeleteMyCommands):
            scope = call.scope
            if isinstance(scope, BotCommandScopeChat) and scope.chat_id == chat_id:
                found.append(
                    [c.command for c in call.commands] if isinstance(call, SetMyCommands) else None
                )
    return found


def _descriptions(calls: list[Any], chat_id: int) -> dict[str, str]:
    from aiogram.methods import SetMyCommands
    from aiogram.types import BotCommandScopeChat

    [last] = [
        c
        for c in calls
        if isinstance(c, SetMyCommands)
        and isinstance(c.scope, BotCommandScopeChat)
        and c.scope.chat_id == chat_id
    ][-1:]
    return {c.command: c.description for c in last.commands}


async def test_default_menu_is_a_teachers_and_admins_get_theirs_in_their_language(
    world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    from aiogram.methods import SetMyCommands
    from aiogram.types import BotCommandScopeDefault

    from bot.app import build_i18n
    from handlers.commands import set_commands

    async with sm() as s:  # the admin, also a member of an association, speaks English
        token = await member_link(s, world, clock)
        admin = await register(s, token, ADMIN_ID, clock, name="Админ Системы")
        await s.execute(update(Person).where(Person.id == admin.person_id).values(locale="en"))
        await s.commit()
    settings = Settings(bot_token="42:TEST", admin_ids=[ADMIN_ID], _env_file=None)
    session = RecordingSession()
    bot = build_bot(session)
    try:
        await set_commands(bot, build_i18n(settings), [ADMIN_ID], sm)
    finally:
        await bot.session.close()
    defaults = [
        c
        for c in session.calls
        if isinstance(c, SetMyCommands) and isinstance(c.scope, BotCommandScopeDefault)
    ]
    assert {c.language_code for c in defaults} == {"ru", "en", None}
    for call in defaults:
        commands = [c.command for c in call.commands]
        assert commands == [
            "start",
            "help",
            "profile",
            "protocols",
            "surveys",
            "language",
            "mydata",
            "forget",
            "cancel",
        ]
    ru = next(c for c in defaults if c.language_code == "ru")
    assert ru.commands[2].description == "Ваш профиль"
    [admin_menu] = _menus(session.calls, ADMIN_ID)
    assert admin_menu is not None
    for command in ("members", "invite", "schools", "newassociation", "newservice"):
        assert command in admin_menu, admin_menu
    assert "announce" not in admin_menu  # the admin as such has nobody to announce to
    assert _descriptions(session.calls, ADMIN_ID)["profile"] == "Your profile"


async def test_command_menu_follows_roles_and_language(
    flow: Flow, world: World, sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    teacher_menu = [
        "start",
        "help",
        "profile",
        "protocols",
        "language",
        "mydata",
        "forget",
        "cancel",
    ]
    # The chair: their commands in their chat, in Russian.
    reply = await flow.send(world.chair_tg, "/start")
    [chair_menu] = _menus(reply.calls, world.chair_tg)
    assert chair_menu == [
        "start",
        "help",
        "profile",
        "members",
        "invite",
        "plan",
        "check",
        "announce",
        "poll",
        "survey",
        "schools",
        "protocols",
        "surveys",
        "language",
        "mydata",
        "forget",
        "cancel",
    ]
    assert _descriptions(reply.calls, world.chair_tg)["members"] == "Список участников объединения"
    # /language: the menu follows.
    await flow.send(world.chair_tg, "/language")
    reply = await flow.press(world.chair_tg, "English")
    assert _descriptions(reply.calls, world.chair_tg)["members"] == "Roster of the association"
    # A teacher who registers: no menu of their own (the default one is a teacher's).
    async with sm() as s:
        token = await member_link(s, world, clock)
    await flow.send(TEACHER, f"/start {token}")
    await flow.press(TEACHER, "✅")
    await flow.send(TEACHER, "Иванова Анна Петровна")
    await flow.send(TEACHER, "Школа № 5")
    reply = await flow.send(TEACHER, "математика")
    assert "Добро пожаловать" in reply.text
    assert _menus(reply.calls, TEACHER) == [None]
    # A secretary who registers: roster, invites, announcements; no school approval.
    async with sm() as s:
        link = await invites.create_link(
            s, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
        )
    await flow.send(OTHER, f"/start {link.token}")
    await flow.press(OTHER, "✅")
    await flow.send(OTHER, "Секретарь Объединения")
    await flow.send(OTHER, "Школа № 5")
    reply = await flow.send(OTHER, "математика")
    [secretary_menu] = _menus(reply.calls, OTHER)
    assert secretary_menu is not None
    assert {"members", "invite", "announce"} <= set(secretary_menu)
    assert not {"schools", "newassociation", "newservice"} & set(secretary_menu)
    # The secretary loses the role: the next /start deletes the chat's own menu.
    async with sm() as s:
        page = await roster.roster_page(s, world.chair, world.association_id)
        mine = next(r for r in page.rows if r.full_name == "Секретарь Объединения")
        await roster.change_role(s, world.chair, mine.membership_id, Role.MEMBER, clock.now())
    reply = await flow.send(OTHER, "/start")
    assert _menus(reply.calls, OTHER) == [None]
    # A methodist: creates associations and keeps the directory; not the admin's commands.
    methodist_tg = 6001
    async with sm() as s:
        link = await invites.create_methodist_link(s, ADMIN, world.service_id, clock.now())
        await register(s, link.token, methodist_tg, clock, name="Методист Службы")
    reply = await flow.send(methodist_tg, "/start")
    [methodist_menu] = _menus(reply.calls, methodist_tg)
    assert methodist_menu is not None
    assert {"members", "invite", "announce", "schools", "newassociation"} <= set(methodist_menu)
    assert "newservice" not in methodist_menu
    # The admin, not registered, speaking English: the admin's menu in English.
    flow.languages[ADMIN_ID] = "en"
    reply = await flow.send(ADMIN_ID, "/start")
    described = _descriptions(reply.calls, ADMIN_ID)
    assert described["newservice"] == "Create a methodological service"
    assert set(teacher_menu) <= set(described)
    # /forget: a stranger again, no menu of their own left.
    reply = await flow.send(world.chair_tg, "/forget")
    reply = await flow.press(world.chair_tg, "Yes")
    assert _menus(reply.calls, world.chair_tg) == [None]


def test_callback_prefixes_are_unique() -> None:
    """Two CallbackData classes with one prefix would take each other's buttons."""
    import importlib
    import inspect
    import pkgutil

    from aiogram.filters.callback_data import CallbackData

    import ui.callbacks

    modules = [
        importlib.import_module(f"ui.callbacks.{info.name}")
        for info in pkgutil.iter_modules(ui.callbacks.__path__)
    ]
    prefixes = [
        cls.__prefix__
        for module in modules
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, CallbackData)
        and cls is not CallbackData
        and cls.__module__ == module.__name__
    ]
    assert len(prefixes) == len(set(prefixes)), sorted(prefixes)
