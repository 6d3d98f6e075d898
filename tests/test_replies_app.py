"""App end-to-end with every tenth Telegram answer a 500 (tests.fakeapi `fail_every`, counted
over every call but the long poll, deterministic): a teacher registers through the members'
link, the chair drafts a meeting in the wizard, the secretary completes the protocol of an
earlier meeting. Each ends with exactly what the person typed, in the right fields, stored
once; no callback is answered twice. Without the retries a lost question leaves the person
waiting (the test times out) or takes their next message as the answer to it."""

from __future__ import annotations

from sqlalchemy import func, select

from models import AgendaItem, Meeting, School
from models import Person as PersonRow
from services import protocols
from services.clock import FixedClock
from services.people import load_actor
from tests.app import App, running, started
from tests.e2e import Person, buttons
from tests.factories import member_link
from tests.helpers import CHAIR, NAMES, NOW, SECRETARY, TEACHERS, ended_meeting, seed

NEWCOMER = 3101
TOPIC = "Читательская грамотность"
PLACE = "МОУ СОШ № 7, актовый зал"
QUESTIONS = [
    ("Об итогах олимпиады", "Гостева Анна — директор", "Отметить победителей."),
    ("О плане на январь", NAMES[TEACHERS[0]], "Утвердить план на январь."),
]
HEARD = ["Петров С. И. доложил об итогах четверти.", "Обсуждение: вопросов нет."]
DECISION = "Принять итоги четверти к сведению."
GUEST = "Иванова Анна Петровна — методист ИМЦ"


async def test_every_tenth_answer_a_500_loses_nothing(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with sm() as s:
            protocol_id = await ended_meeting(s, world, clock)
            token = await member_link(s, world, clock)
        tg.add_user(NEWCOMER, "Newcomer")
        tg.open_chat(NEWCOMER)
        tg.fail_every(10)
        async with started(tg, sm, clock) as app:
            await registration(app, token)
            await meeting_wizard(app)
            await protocol_completion(app, protocol_id)
        assert tg.error_count(500) >= 5  # the faults did happen
        twice = [e for e in tg.errors if "query is too old" in e[2]]
        assert twice == []  # every callback answered once


async def registration(app: App, token: str) -> None:
    teacher = Person(app.tg, NEWCOMER)
    consent = await teacher.say(f"/start {token}", "152-ФЗ")
    await teacher.tap(consent, "✅", "ФИО")
    await teacher.say("Сидорова Мария Петровна", "Где вы работаете")
    await teacher.say("Гимназия № 2", "предмет")
    await teacher.say("информатика", "Добро пожаловать")
    async with app.sm() as s:
        rows = (
            await s.execute(
                select(PersonRow.full_name, PersonRow.subject, School.name)
                .join(School, School.id == PersonRow.school_id)
                .where(PersonRow.full_name == "Сидорова Мария Петровна")
            )
        ).all()
        await s.commit()
    assert [tuple(r) for r in rows] == [("Сидорова Мария Петровна", "информатика", "Гимназия № 2")]


async def meeting_wizard(app: App) -> None:
    chair = Person(app.tg, CHAIR)
    start = await chair.say("/newmeeting", "черновик")
    await chair.tap(start, "Новое заседание", "тему заседания")
    panel = await chair.say(TOPIC, "Черновик заседания")
    await chair.tap(panel, "Дата и время", "День заседания")
    panel = await chair.say("20.01 15:00", "Черновик заседания")
    await chair.tap(panel, "Место", "Где?")
    panel = await chair.say(PLACE, "Черновик заседания")
    for n, (title, speaker, decision) in enumerate(QUESTIONS, start=1):
        await chair.tap(panel, "Вопрос", f"Вопрос {n}")
        speakers = await chair.say(title, "Кто докладывает")
        if speaker in [b["text"] for b in buttons(speakers)]:
            await chair.tap(speakers, speaker, "Проект решения")
        else:
            await chair.say(speaker, "Проект решения")
        panel = await chair.say(decision, "Черновик заседания")
    async with app.sm() as s:
        [meeting] = (await s.scalars(select(Meeting).where(Meeting.topic == TOPIC))).all()
        items = (
            await s.execute(
                select(
                    AgendaItem.title,
                    AgendaItem.speaker_name,
                    PersonRow.full_name,
                    AgendaItem.draft_decision,
                )
                .outerjoin(PersonRow, PersonRow.id == AgendaItem.speaker_id)
                .where(AgendaItem.meeting_id == meeting.id)
                .order_by(AgendaItem.position)
            )
        ).all()
        place = meeting.place
        await s.commit()
    assert place == PLACE
    assert [(t, name or person, d) for t, name, person, d in items] == QUESTIONS


async def protocol_completion(app: App, protocol_id: int) -> None:
    secretary = Person(app.tg, SECRETARY)
    listed = await secretary.say("/protocols", "Протоколы")
    card = await secretary.tap(listed, "№ 1", "не заполнено", new=False)
    await secretary.tap(card, "Слушали 1", "Слушали по вопросу 1")
    await secretary.say(HEARD[0], "в 1 сообщ")
    received = await secretary.say(HEARD[1], "в 2 сообщ")
    card = await secretary.tap(received, "Готово", HEARD[1])
    await secretary.tap(card, "Решили 1", "Решили по вопросу 1")
    saved = await secretary.say(DECISION, "Решение сохранено")
    card = await app.tg.wait_for_message(SECRETARY, DECISION, after=saved["message_id"])
    await secretary.tap(card, "Приглашённые", "не члены объединения")
    added = await secretary.say(GUEST, "Приглашённых в протоколе: 1")
    await secretary.tap(added, "Готово", GUEST)
    async with app.sm() as s:
        keeper = await load_actor(s, SECRETARY, [])
        view = await protocols.get(s, keeper, protocol_id)
        await s.commit()
    [question] = view.content.questions
    assert question.heard == "\n".join(HEARD)
    assert question.decision == DECISION
    assert [f"{g.name} — {g.position}" for g in view.content.guests] == [GUEST]
    async with app.sm() as s:
        people = await s.scalar(select(func.count()).select_from(PersonRow))
        await s.commit()
    assert people == 7  # the six of the team and the newcomer, once
