"""App end-to-end: from the meeting to the delivered protocol, against the local fake Bot
API with the injected clock, on SQLite and PostgreSQL (DESIGN.md).

Check-in and an open vote; the meeting ends by itself and the secretary (keeping the
minutes) gets the draft; «Слушали» typed in two messages and joined; an invited guest; a
reminder a week later while unsigned; a forged signature refused; both signatures; every
member receives the DOCX and the PDF, which hold the names and the tally; no reminder after
that; `/protocols` lists it and a teacher downloads it again."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import docx
import pypdf

from models import MeetingForm, Presence
from services import attendance, protocols, votes
from services.clock import FixedClock
from services.errors import ErrorCode
from services.people import load_actor
from tests.app import App, running, started
from tests.e2e import Person, buttons
from tests.factories import World
from tests.helpers import (
    CHAIR,
    EVERYONE,
    NAMES,
    NOW,
    QUESTION,
    SECRETARY,
    START,
    TEACHERS,
    TOPIC,
    edited,
    find,
    forge,
    got,
    person_id,
    press,
    publish,
    refusal,
    seed,
)
from ui.callbacks.protocols import ProtoCb

DIRECTOR = 5001  # an interested person outside the association


async def test_meeting_to_delivered_protocol(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with started(tg, sm, clock) as app:
            await meeting_to_protocol(app, world, clock)


def documents(app: App, chat: int) -> dict[str, bytes]:
    """The protocol files the bot sent to the chat: name → content."""
    found = {}
    for message in app.tg.messages(chat):
        document = message.get("document")
        if document and document["file_name"].startswith("Протокол №"):
            found[document["file_name"]] = app.tg.file_content(document["file_id"])
    return found


async def meeting_to_protocol(app: App, world: World, clock: FixedClock) -> None:
    tg = app.tg
    t0, t1, t2, t3 = TEACHERS
    secretary = Person(tg, SECRETARY)
    view = await publish(app, world, MeetingForm.IN_PERSON, [(QUESTION, "Утвердить план работы.")])
    [item] = [q.id for q in view.agenda]

    # The meeting: the chair presiding and the secretary keeping the minutes are present
    # once check-in opens, three more check in; an open vote.
    clock.set(START)
    await app.settle()
    for tg_id in (t0, t1, t2):
        checkin = find(app, tg_id, "Заседание началось")
        assert await press(tg, tg_id, checkin, "Отметиться") == "✅ Вы отмечены."
    async with app.sm() as s:
        chair_actor = await load_actor(s, CHAIR, [])
        await votes.open_vote(s, chair_actor, item, clock.now())
    await app.settle()
    for tg_id, label in ((CHAIR, "✅ За"), (SECRETARY, "✅ За"), (t0, "✅ За"), (t1, "❌ Против")):
        ballot = find(app, tg_id, "Проект решения: Утвердить план работы.")
        assert (await press(tg, tg_id, ballot, label)).startswith("Ваш голос")
    async with app.sm() as s:
        await votes.close_vote(s, chair_actor, item, clock.now())
    await app.settle()
    for tg_id in EVERYONE:
        assert got(app, tg_id, "Протокол № 1") == 0  # not before the end

    # It ends by itself after its 90 minutes: the secretary gets the draft, nobody else.
    clock.set(START + timedelta(minutes=90))
    await app.settle()
    for tg_id in EVERYONE:
        assert got(app, tg_id, "черновик протокола готов") == (1 if tg_id == SECRETARY else 0)
    note = find(app, SECRETARY, "черновик протокола готов")
    assert "Протокол № 1" in note["text"] and "до 20.01.2027" in note["text"]
    await press(tg, SECRETARY, note, "Открыть протокол")
    card = await edited(app, SECRETARY, note, "Присутствуют 5 из 6")  # the note becomes the card
    assert "не заполнено" in card["text"]
    assert "За 3, против 1, воздержались 0 — ✅ принято" in card["text"]
    labels = [b["text"] for b in buttons(card)]
    assert "Слушали 1 ✏️" in labels and "✍️ Подписать" in labels

    # «Слушали» in two messages, joined; an invited guest.
    prompt = await secretary.tap(card, "Слушали 1", "Слушали по вопросу 1")
    await secretary.say("Петрова С. И. доложила о плане работы.", "Получено")
    reply = await secretary.say("Обсуждение: предложено добавить семинар.", "Получено")
    assert "в 2 сообщ." in reply["text"]
    card = await secretary.tap(reply, "Готово", "Протокол № 1")
    assert "Петрова С. И. доложила о плане работы.\nОбсуждение" in card["text"]
    assert prompt["message_id"] != card["message_id"]
    ask = await secretary.tap(card, "🎫 Приглашённые", "Приглашённые")
    await secretary.say("Иванова Анна Петровна — методист ИМЦ", "Приглашённых в протоколе: 1")
    card = await secretary.tap(find(app, SECRETARY, "Приглашённых"), "Готово", "Протокол № 1")
    assert "Иванова Анна Петровна — методист ИМЦ" in card["text"]
    assert ask["message_id"] != card["message_id"]

    # The chair adds an interested person (a school director) from their contacts.
    tg.add_user(DIRECTOR, "Director")
    tg.open_chat(DIRECTOR)
    archive = await Person(tg, CHAIR).say("/protocols", "Протоколы")
    assert "черновик" in archive["text"]  # the chair sees the draft, members do not
    recipients = await Person(tg, CHAIR).tap(archive, "Получатели копий", "Получатели копий")
    assert "Пока никого" in recipients["text"]
    ask = await Person(tg, CHAIR).tap(recipients, "Добавить из моих контактов", "Выбрать")
    keyboards = [
        str(params.get("reply_markup"))
        for method, params in tg.requests
        if method.lower() == "sendmessage" and str(params.get("chat_id")) == str(CHAIR)
    ]
    assert "request_users" in keyboards[-1] and "request_name" in keyboards[-1]
    await tg.share_users(CHAIR, 1, [(DIRECTOR, "Директорова", "Мария")])
    listed = await tg.wait_for_message(CHAIR, "1. Директорова Мария", after=ask["message_id"])
    assert buttons(listed)[0]["text"] == "✖️ 1"

    # A week later, unsigned: the secretary and the chair are reminded, nobody else.
    clock.set(START + timedelta(days=7))
    await app.settle()
    for tg_id in EVERYONE:
        expected = 1 if tg_id in (CHAIR, SECRETARY) else 0
        assert got(app, tg_id, "Протокол ещё не отправлен") == expected, tg_id
    assert "осталось 25 дней" in find(app, CHAIR, "Протокол ещё не отправлен")["text"]

    # A teacher forges the signature: refused. The secretary signs, then the chair.
    data = ProtoCb(action="sign", protocol_id=1, arg=99).pack()
    forged = await forge(tg, t0, find(app, t0, "Итоги голосования"), data)
    assert forged in (refusal(app, ErrorCode.FORBIDDEN), refusal(app, ErrorCode.NOT_SIGNER))
    answer = await press(tg, SECRETARY, card, "✍️ Подписать")
    assert "когда подпишет и Петров Сергей Иванович" in answer, answer
    await app.settle()
    request = find(app, CHAIR, "подписал(а) протокол")
    assert NAMES[SECRETARY] in request["text"]
    await press(tg, CHAIR, request, "Открыть протокол")
    chair_card = await edited(app, CHAIR, request, "Протокол № 1")
    assert [b["text"] for b in buttons(chair_card)].count("✍️ Подписать") == 1
    answer = await press(tg, CHAIR, chair_card, "✍️ Подписать")
    assert "Обе подписи есть" in answer, answer
    await edited(app, CHAIR, chair_card, "Подписан обоими")
    await app.settle()

    # Every member receives the message with the decisions and both files.
    for tg_id in EVERYONE:
        assert got(app, tg_id, "Подписанный протокол заседания") == 1, tg_id
        files = documents(app, tg_id)
        assert sorted(name.rsplit(".", 1)[1] for name in files) == ["docx", "pdf"], files
    # The interested person gets it too, with a button to stop further copies.
    assert got(app, DIRECTOR, "Подписанный протокол заседания") == 1
    assert len(documents(app, DIRECTOR)) == 2
    note = find(app, DIRECTOR, "Подписанный протокол заседания")
    assert await press(tg, DIRECTOR, note, "Не присылать мне протоколы") == (
        "Протоколы этого объединения больше не будут приходить."
    )
    async with app.sm() as s:
        left = await protocols.recipients(s, world.association_id)
        await s.commit()
    assert left[1] == []
    copy = find(app, t3, "Подписанный протокол заседания")
    assert "Утвердить план работы." in copy["text"] and "✅ принято" in copy["text"]
    files = documents(app, t3)
    [docx_bytes] = [v for k, v in files.items() if k.endswith(".docx")]
    [pdf_bytes] = [v for k, v in files.items() if k.endswith(".pdf")]
    document = docx.Document(io.BytesIO(docx_bytes))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for fragment in (NAMES[CHAIR], NAMES[SECRETARY], NAMES[t2], QUESTION, "Иванова Анна Петровна"):
        assert fragment in text, fragment
    assert NAMES[t3] in text  # absent, listed as such
    pdf_text = "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages
    )
    for fragment in ("Петров", "Секретарёва", "Функциональная"):
        assert fragment in pdf_text.replace("\n", " "), fragment

    # No reminder after delivery.
    clock.set(START + timedelta(days=21))
    await app.settle()
    clock.set(START + timedelta(days=40))
    await app.settle()
    for tg_id in (CHAIR, SECRETARY):
        assert got(app, tg_id, "Протокол ещё не отправлен") == 1
        assert got(app, tg_id, "Протокол просрочен") == 0

    # The chair exports the school year as a ZIP holding both files.
    archive = await Person(tg, CHAIR).say("/protocols", "Протоколы")
    last = max(m["message_id"] for m in tg.messages(CHAIR))
    assert await press(tg, CHAIR, archive, "🗜 ZIP за год") == "Готовлю архив…"
    sent = await tg.wait_for_message(CHAIR, "Протоколы за 2026/27: 1", after=last)
    assert sent["document"]["file_name"] == "protocols_2026-27.zip"
    with zipfile.ZipFile(io.BytesIO(tg.file_content(sent["document"]["file_id"]))) as zipped:
        assert sorted(zipped.namelist()) == [
            "protocol_1_2026-12-20.docx",
            "protocol_1_2026-12-20.pdf",
        ]

    # /protocols: a teacher sees it in the archive and downloads it again.
    teacher = Person(tg, t3)
    archive = await teacher.say("/protocols", "Протоколы")
    assert f"№ 1 · 20.12.2026 — {TOPIC}" in archive["text"] and "подписан" in archive["text"]
    assert [b["text"] for b in buttons(archive)] == ["№ 1"]  # no export, no recipients
    await press(tg, t3, archive, "№ 1")
    card = await edited(app, t3, archive, "Протокол № 1")
    labels = [b["text"] for b in buttons(card)]
    assert "✍️ Подписать" not in labels and "Слушали 1 ✅" not in labels
    last = max(m["message_id"] for m in tg.messages(t3))
    assert await press(tg, t3, card, "📄 DOCX и PDF") == "Готовлю файлы…"
    first = await tg.wait_for_message(t3, after=last)
    second = await tg.wait_for_message(t3, after=first["message_id"])
    names = [m["document"]["file_name"] for m in (first, second)]
    assert names == [
        "Протокол №1 от 20.12.2026 — РМО учителей математики.docx",
        "Протокол №1 от 20.12.2026 — РМО учителей математики.pdf",
    ], names


async def test_no_attendance_then_roll_after_the_end_and_the_overdue_flag(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with started(tg, sm, clock) as app:
            await missing_then_overdue(app, world, clock)


async def missing_then_overdue(app: App, world: World, clock: FixedClock) -> None:
    tg = app.tg
    t0 = TEACHERS[0]
    view = await publish(app, world, MeetingForm.IN_PERSON, [(QUESTION, "Утвердить план работы.")])
    clock.set(START)
    await app.settle()
    # The chair and the secretary count as present once check-in opens; the roll says they
    # were not there after all, and nobody checked in.
    async with app.sm() as s:
        keeper = await load_actor(s, SECRETARY, [])
        for tg_id in (CHAIR, SECRETARY):
            absent = await person_id(app, tg_id)
            await attendance.roll(s, keeper, view.id, absent, Presence.ABSENT, clock.now())
    clock.set(START + timedelta(minutes=90))
    await app.settle()
    for tg_id in EVERYONE:
        assert got(app, tg_id, "Протокол пока нельзя составить") == (tg_id == SECRETARY)
    note = find(app, SECRETARY, "Протокол пока нельзя составить")
    assert "никто не отмечен присутствующим" in note["text"]
    assert [b["text"] for b in buttons(note)] == ["📋 Перекличка", "📝 Составить протокол"]
    # Drafting now only explains again; the roll after the end, then the draft.
    await press(tg, SECRETARY, note, "Составить протокол")
    again = await tg.wait_for_message(SECRETARY, "Протокол пока нельзя", after=note["message_id"])
    roll = await Person(tg, SECRETARY).tap(again, "📋 Перекличка", "Перекличка")
    lines = {name: n for n, name in re.findall(r"^(\d+)\. \S+ (.+)$", roll["text"], re.M)}
    assert await press(tg, SECRETARY, roll, f"{lines[NAMES[CHAIR]]} ✅") == ""
    roll = await edited(app, SECRETARY, roll, f"✅ {NAMES[CHAIR]}")
    assert await press(tg, SECRETARY, roll, f"{lines[NAMES[t0]]} ✅") == ""
    await edited(app, SECRETARY, roll, f"✅ {NAMES[t0]}")
    await press(tg, SECRETARY, again, "Составить протокол")
    card = await tg.wait_for_message(SECRETARY, "Протокол № 1", after=again["message_id"])
    assert "Присутствуют 2 из 6" in card["text"] and "Слушали 1 ✏️" in [
        b["text"] for b in buttons(card)
    ]

    # Never signed: the day after the due day (20.01.2027) the chair is told it is overdue.
    clock.set(START + timedelta(days=32))  # 21.01.2027, 15:00 local
    await app.settle()
    flagged = find(app, CHAIR, "Протокол просрочен")
    assert "до 20.01.2027" in flagged["text"]
    assert got(app, CHAIR, "Протокол просрочен") == 1
    assert got(app, SECRETARY, "Протокол просрочен") == 0
    for tg_id in (CHAIR, SECRETARY):  # reminded at +7, +21 and +28 days, once each
        assert got(app, tg_id, "Протокол ещё не отправлен") == 3, tg_id
