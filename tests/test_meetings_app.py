"""App end-to-end: a chair, a secretary and three teachers through a meeting's life, against
the local fake Bot API, moving the injected clock: the wizard, publication on time, the
notice with its .ics, answers, a proposal accepted before the cutoff, a reschedule, the final
agenda, both reminders (not to the one who said «Не смогу»), the automatic end, and a
cancellation with METHOD:CANCEL. No member ever gets a duplicate. SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from models import InviteKind
from services import deadlines, invites, meetings
from services.clock import FixedClock
from services.people import load_actor
from services.permissions import Actor
from tests.app import App, running, started
from tests.e2e import Person, buttons
from tests.factories import make_world, member_link, register
from tests.helpers import got, press, texts

CHAIR, SECRETARY = 2001, 4001
TEACHERS = [3001, 3002, 3003]
EVERYONE = [CHAIR, SECRETARY, *TEACHERS]


def ics_files(app: App, chat: int) -> list[bytes]:
    return [
        app.tg.file_content(m["document"]["file_id"])
        for m in app.tg.messages(chat)
        if m.get("document", {}).get("file_name", "").endswith(".ics")
    ]


async def test_a_meeting_from_draft_to_end(db_url: str) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))  # 10:00 in Novosibirsk
    async with running(db_url) as (tg, sm):
        async with sm() as s:
            world = await make_world(s, clock, chair_tg=CHAIR)
            link = await invites.create_link(
                s, world.chair, InviteKind.SECRETARY, world.association_id, clock.now()
            )
            await register(s, link.token, SECRETARY, clock, name="Секретарёва Ольга")
            token = await member_link(s, world, clock)
            for n, tg_id in enumerate(TEACHERS):
                await register(s, token, tg_id, clock, name=f"Учитель Номер {n}")
        for tg_id in EVERYONE:
            tg.add_user(tg_id, f"U{tg_id}")
            tg.open_chat(tg_id)
        async with started(tg, sm, clock) as app:
            await scenario(app, clock)


async def scenario(app: App, clock: FixedClock) -> None:
    tg = app.tg
    chair, secretary = Person(tg, CHAIR), Person(tg, SECRETARY)
    t1, t2 = Person(tg, TEACHERS[1]), Person(tg, TEACHERS[2])

    # The chair drafts the meeting.
    start = await chair.say("/newmeeting", "черновик")
    ask = await chair.tap(start, "Новое заседание", "тему заседания")
    panel = await chair.say("Функциональная грамотность", "Черновик заседания")
    assert "укажите дату и время" in panel["text"]
    calendar = await chair.tap(panel, "Дата и время", "День заседания")
    del calendar, ask
    panel = await chair.say("20.12 15:00", "Черновик заседания")
    assert "не позднее 15.12.2026" in panel["text"]  # the notice rule, on local dates
    await chair.tap(panel, "Место", "Где?")
    panel = await chair.say("МОУ СОШ № 5, каб. 12", "Черновик заседания")
    await chair.tap(panel, "Вопрос", "Вопрос 1")
    speakers = await chair.say("О плане работы на второе полугодие", "Кто докладывает")
    await chair.tap(speakers, "Учитель Номер 0", "Проект решения")
    panel = await chair.say("Утвердить план работы.", "Черновик заседания")
    assert "Чтобы опубликовать" not in panel["text"]
    await chair.tap(panel, "Опубликовать сейчас", "отправляется")
    await app.settle()

    for tg_id in EVERYONE:
        assert got(app, tg_id, "Функциональная грамотность") >= 1, texts(app, tg_id)
        [ics] = ics_files(app, tg_id)
        assert b"SEQUENCE:1" in ics and b"METHOD:PUBLISH" in ics
    notice = next(m for m in tg.messages(TEACHERS[0]) if "Вы придёте?" in m.get("text", ""))
    assert "О плане работы на второе полугодие — Учитель Номер 0" in notice["text"]

    # Answers and a proposal.
    answer = await press(tg, TEACHERS[0], notice, "Буду")
    assert "вы придёте" in answer
    notice1 = next(m for m in tg.messages(TEACHERS[1]) if "Вы придёте?" in m.get("text", ""))
    await t1.tap(notice1, "Не смогу", "причину")
    await t1.say("курсы повышения квалификации", "причина сохранена")
    notice2 = next(m for m in tg.messages(TEACHERS[2]) if "Вы придёте?" in m.get("text", ""))
    await t2.tap(notice2, "Предложить вопрос", "Напишите вопрос")
    await t2.say("О конкурсе «Учитель года»", "отправлено председателю")
    await app.settle()
    review = await tg.wait_for_message(SECRETARY, "Предложение в повестку")
    await secretary.tap(review, "Принять", new=False)
    await app.settle()
    assert got(app, TEACHERS[2], "включено в повестку") == 1

    # The chair moves the meeting two days later (still in time for the rule).
    clock.advance(timedelta(days=1))
    listing = await chair.say("/meetings", "Предстоящие")
    card = await chair.tap(listing, "Функциональная грамотность", "Придут: 1")
    assert "курсы повышения квалификации" in card["text"]
    await chair.tap(card, "Перенести", "Новые дата и время")
    await chair.say("22.12 15:00", "перенесено")
    await app.settle()
    for tg_id in EVERYONE:
        assert got(app, tg_id, "Изменения в заседании") == 1
        assert b"SEQUENCE:2" in ics_files(app, tg_id)[-1]
    # Answers were about the old date: the changed notice asks again.
    changed = next(
        m
        for m in reversed(tg.messages(TEACHERS[1]))
        if "Изменения в заседании" in m.get("text", "")
    )
    await t1.tap(changed, "Не смогу", "причину")
    await t1.say("всё ещё курсы", "причина сохранена")

    # The proposal cutoff (end of 20.12 local = 17:00 UTC): the final agenda, with the new
    # question; a late proposal is refused.
    clock.set(datetime(2026, 12, 20, 17, 0, tzinfo=UTC))
    await app.settle()
    for tg_id in EVERYONE:
        assert got(app, tg_id, "Окончательная повестка") == 1
    late = await t2.say("/meetings", "Предстоящие")
    del late

    # Reminders: a day before (21.12, 15:00 local) and two hours before; never to the one
    # who said «Не смогу».
    clock.set(datetime(2026, 12, 21, 8, 0, tzinfo=UTC))
    await app.settle()
    clock.set(datetime(2026, 12, 22, 6, 0, tzinfo=UTC))
    await app.settle()
    for tg_id in EVERYONE:
        expected = 0 if tg_id == TEACHERS[1] else 2
        assert got(app, tg_id, "Напоминание") == expected, (tg_id, texts(app, tg_id))

    # It ends by itself after its 90 minutes.
    clock.set(datetime(2026, 12, 22, 9, 30, tzinfo=UTC))
    await app.settle()
    listing = await chair.say("/meetings", "Прошедшие")
    assert "проведено" in listing["text"]

    # A second meeting is cancelled: everyone is told, and the .ics removes the event.
    async with app.sm() as session:
        actor = await load_actor(session, CHAIR, [])
        view = await meetings.create_draft(
            session, actor, actor_association(actor), "Методический день", clock.now()
        )
        view = await meetings.set_day(
            session,
            actor,
            view.id,
            view.version,
            deadlines.Typed(date(2027, 1, 20), time(10, 0)),
            clock.now(),
        )
        view = await meetings.set_place(
            session, actor, view.id, view.version, "Актовый зал", clock.now()
        )
        view = await meetings.add_question(
            session, actor, view.id, view.version, "О методическом дне", clock.now()
        )
        await meetings.publish(session, actor, view.id, view.version, clock.now())
    await app.settle()
    listing = await chair.say("/meetings", "Методический день")
    card = await chair.tap(listing, "Методический день", "Придут")
    await chair.tap(card, "Отменить заседание", "Почему")
    await chair.say("Карантин по гриппу", "отменено")
    await app.settle()
    for tg_id in EVERYONE:
        assert got(app, tg_id, "❌ Заседание отменено") == 1
        assert b"METHOD:CANCEL" in ics_files(app, tg_id)[-1]
    refused = await press(
        tg,
        TEACHERS[0],
        next(
            m
            for m in tg.messages(TEACHERS[0])
            if "Методический день" in m.get("text", "") and buttons(m)
        ),
        "Буду",
    )
    assert "отменено" in refused

    # No member got any of the meeting's messages twice (notices, changes, reminders, the
    # final agenda, the cancellation all name the association; replies to taps do not).
    for tg_id in EVERYONE:
        counted = Counter(t for t in texts(app, tg_id) if "РМО учителей математики" in t)
        twice = {t: n for t, n in counted.items() if n > 1}
        assert not twice, (tg_id, twice)


def actor_association(actor: Actor) -> int:
    [association_id] = list(actor.roles)
    return association_id
