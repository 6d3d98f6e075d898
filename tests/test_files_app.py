"""App end-to-end (issue 14): files people send survive a new bot token. A chair's meeting
material is downloaded when it arrives and kept in `stored_files`; after a new token
(Telegram answers «wrong file identifier» for every old file_id) the notice's material is
uploaded again from the bytes once, and every other member gets it by the new file_id.
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import files
from bot.messages import Part
from models import Material, StoredFile
from services import files as files_service
from services import meetings
from services.clock import FixedClock
from tests.app import running, started
from tests.e2e import Person
from tests.factories import make_world, member_link, register
from tests.fakeapi import FakeTelegram
from tests.helpers import NOW, published

CHAIR = 2001
TEACHERS = [3001, 3002, 3003]
PDF = b"%PDF-1.4 plan of the seminar " + bytes(range(256)) * 40


def material_copies(tg: FakeTelegram, chat: int) -> list[dict[str, Any]]:
    return [
        m["document"]
        for m in tg.messages(chat)
        if m.get("document", {}).get("file_name") == "план семинара.pdf"
    ]


async def test_a_material_is_uploaded_again_after_a_new_token(db_url: str) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    async with running(db_url) as (tg, sm):
        async with sm() as s:
            world = await make_world(s, clock, chair_tg=CHAIR)
            token = await member_link(s, world, clock)
            for n, tg_id in enumerate(TEACHERS):
                await register(s, token, tg_id, clock, name=f"Учитель Номер {n}")
        for tg_id in [CHAIR, *TEACHERS]:
            tg.add_user(tg_id, f"U{tg_id}")
            tg.open_chat(tg_id)
        async with started(tg, sm, clock) as app:
            chair = Person(tg, CHAIR)
            start = await chair.say("/newmeeting", "черновик")
            await chair.tap(start, "Новое заседание", "тему заседания")
            panel = await chair.say("Функциональная грамотность", "Черновик заседания")
            await chair.tap(panel, "Дата и время", "День заседания")
            panel = await chair.say("20.12 15:00", "Черновик заседания")
            await chair.tap(panel, "Место", "Где?")
            panel = await chair.say("МОУ СОШ № 5, каб. 12", "Черновик заседания")
            await chair.tap(panel, "Вопрос", "Вопрос 1")
            speakers = await chair.say("О плане работы", "Кто докладывает")
            await chair.tap(speakers, "Учитель Номер 0", "Проект решения")
            panel = await chair.say("Утвердить план работы.", "Черновик заседания")
            await chair.tap(panel, "Материал", "Отправьте файл")
            after = chair.last_id()
            sent = await tg.send_document(CHAIR, PDF, "план семинара.pdf")
            panel = await tg.wait_for_message(CHAIR, "Черновик заседания", after=after)
            original = sent["document"]["file_id"]

            async with sm() as s:
                material = (await s.scalars(select(Material))).one()
                assert material.file_id == original
                assert material.stored_file_id is not None
                kept = await s.get_one(StoredFile, material.stored_file_id)
                assert bytes(kept.content) == PDF

            # A new token: Telegram knows none of the old file_ids any more.
            assert original in tg.forget_files()
            refused_before = tg.error_count(400)
            await chair.tap(panel, "Опубликовать сейчас", "отправляется")
            await app.settle()

            got = [material_copies(tg, tg_id) for tg_id in TEACHERS]
            assert all(len(copies) == 1 for copies in got), got
            new_ids = {str(copies[0]["file_id"]) for copies in got}
            assert len(new_ids) == 1 and original not in new_ids  # uploaded once, then reused
            [new_id] = new_ids
            assert tg.file_content(new_id) == PDF
            # «wrong file identifier»: once per send that tried the old file_id before the
            # upload was remembered (those in flight at once), never after.
            refused = tg.error_count(400) - refused_before
            assert 1 <= refused <= len(TEACHERS) + 1
            # The next send of it (here: the member's meeting card) goes by the new file_id.
            again = await files.send_file(
                app.bot,
                sm,
                TEACHERS[0],
                Part(file_id=original, stored_file_id=material.stored_file_id),
            )
            assert again.document is not None and again.document.file_id == new_id
            assert tg.error_count(400) - refused_before == refused
            async with sm() as s:
                kept = await s.get_one(StoredFile, material.stored_file_id)
                assert kept.telegram_file_id == new_id  # remembered for the next sends


async def test_an_announcement_file_is_kept_and_uploaded_again(db_url: str) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    async with running(db_url) as (tg, sm):
        async with sm() as s:
            world = await make_world(s, clock, chair_tg=CHAIR)
            token = await member_link(s, world, clock)
            for n, tg_id in enumerate(TEACHERS):
                await register(s, token, tg_id, clock, name=f"Учитель Номер {n}")
        for tg_id in [CHAIR, *TEACHERS]:
            tg.add_user(tg_id, f"U{tg_id}")
            tg.open_chat(tg_id)
        async with started(tg, sm, clock) as app:
            chair = Person(tg, CHAIR)
            await chair.say("/announce", "Напишите объявление")
            after = chair.last_id()
            await tg.send_document(CHAIR, PDF, "план семинара.pdf", caption="План семинара 12.12")
            preview = await tg.wait_for_message(CHAIR, "Получателей", after=after)
            async with sm() as s:
                [kept] = (await s.scalars(select(StoredFile))).all()
                assert bytes(kept.content) == PDF and kept.file_name == "план семинара.pdf"
            tg.forget_files()  # a new token before «Отправить»
            await chair.tap(preview, "Отправить", "Доставлено")
            await app.settle()
            got = [material_copies(tg, tg_id) for tg_id in TEACHERS]
            assert all(len(copies) == 1 for copies in got), got
            [new_id] = {str(copies[0]["file_id"]) for copies in got}
            assert tg.file_content(new_id) == PDF


async def test_a_proposal_attachment_keeps_its_bytes(session: AsyncSession) -> None:
    """A member's proposal file: its bytes stored by content (one row for the same bytes);
    a file the bot could not download is kept by its file_id only, as before."""
    clock = FixedClock(NOW)
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    teacher = await register(session, token, TEACHERS[0], clock, name="Учитель Номер 0")
    view = await published(session, world)
    first = await meetings.propose(
        session,
        teacher,
        view.id,
        "О конкурсе",
        NOW,
        file_id="a",
        file_name="a.pdf",
        file_size=len(PDF),
        content=PDF,
    )
    same = await meetings.propose(
        session,
        teacher,
        view.id,
        "О конкурсе ещё",
        NOW,
        file_id="b",
        file_name="b.pdf",
        file_size=len(PDF),
        content=PDF,
    )
    unkept = await meetings.propose(
        session,
        teacher,
        view.id,
        "Без байтов",
        NOW,
        file_id="c",
        file_name="c.pdf",
        file_size=3,
        content=None,
    )
    assert first.stored_file_id is not None and same.stored_file_id == first.stored_file_id
    assert unkept.stored_file_id is None and unkept.file_id == "c"
    assert (await meetings.get_proposal(session, first.id)).stored_file_id == first.stored_file_id
    stored = await files_service.load(session, first.stored_file_id)
    assert stored is not None and stored.content == PDF
