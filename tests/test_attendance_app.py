"""App end-to-end: attendance, quorum and votes (issue 5) against the local fake Bot API,
moving the injected clock, on SQLite and PostgreSQL.

In person: check-in opens at the start and every member gets «Отметиться» once; a double tap
writes one row; the chair's live quorum card is edited in place (and only when its figures
change); the open vote reaches only present voting members, a vote can be changed, a forged
vote of an absent member and votes after closing are refused; the secretary's roll (a late
arrival, an excused absence with its reason); check-in closed by the chair and a forged
check-in into another association's meeting change nothing; /myattendance afterwards.

Absentee: the ballot question by question, reminders only to those who have not answered
every question, the results at the deadline with P counting those who answered."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from models import AssociationKind, Attendance, Choice, MeetingForm, Presence, Vote
from services import associations, attendance, votes
from services.clock import FixedClock
from services.errors import ErrorCode
from services.people import load_actor
from tests.app import App, running, started
from tests.e2e import Person, buttons
from tests.factories import ADMIN, World, register
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
    count,
    current,
    edited,
    edits_of,
    find,
    forge,
    generic,
    got,
    person_id,
    press,
    publish,
    refusal,
    seed,
    texts,
)
from ui.callbacks.attendance import AttendCb, VoteCb

OUTSIDER = 2998
ASSOCIATION = "РМО учителей математики"


# ---------------------------------------------------------------- helpers


async def marks(app: App, meeting_id: int) -> dict[int, tuple[Presence, str | None, bool]]:
    """Attendance rows of the meeting: person → (status, reason, by roll)."""
    async with app.sm() as s:
        rows = (
            await s.scalars(select(Attendance).where(Attendance.meeting_id == meeting_id))
        ).all()
        found = {r.person_id or 0: (r.status, r.reason, r.by_roll) for r in rows}
        await s.commit()
    return found


async def ballots(app: App, meeting_id: int) -> dict[tuple[int, int], Choice]:
    """Votes of the meeting: (person, question) → choice."""
    async with app.sm() as s:
        rows = (await s.scalars(select(Vote).where(Vote.meeting_id == meeting_id))).all()
        found = {(r.person_id or 0, r.agenda_item_id): r.choice for r in rows}
        await s.commit()
    return found


# ---------------------------------------------------------------- in person


async def test_in_person_checkin_quorum_votes_roll(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with sm() as s:  # another association, whose chair will forge a check-in
            other = await associations.create_association(
                s,
                ADMIN,
                kind=AssociationKind.GMO,
                name="ГМО учителей химии",
                subject="химия",
                municipality_id=world.municipality_id,
                timezone="Asia/Novosibirsk",
                now=clock.now(),
            )
            await register(s, other.chair_token, OUTSIDER, clock, name="Чужой Председатель")
        tg.add_user(OUTSIDER, "Outsider")
        tg.open_chat(OUTSIDER)
        async with started(tg, sm, clock) as app:
            await in_person(app, world, clock)


async def in_person(app: App, world: World, clock: FixedClock) -> None:
    tg = app.tg
    chair, secretary = Person(tg, CHAIR), Person(tg, SECRETARY)
    t0, t1, t2, t3 = TEACHERS
    view = await publish(app, world, MeetingForm.IN_PERSON, [(QUESTION, "Утвердить план работы.")])
    [item] = [q.id for q in view.agenda]
    for tg_id in EVERYONE:
        assert got(app, tg_id, TOPIC) >= 1
        assert got(app, tg_id, "Заседание началось") == 0  # not before the start

    # 1. At the start the scheduler opens check-in: the one presiding (the chair) and the
    # one keeping the minutes (the secretary) are present from then on; every other member
    # gets «Отметиться», once.
    clock.set(START)
    await app.settle()
    clock.advance(timedelta(minutes=1))
    await app.settle()  # nothing is sent twice
    checkin = {}
    for tg_id in TEACHERS:
        assert got(app, tg_id, "Заседание началось") == 1, texts(app, tg_id)
        checkin[tg_id] = find(app, tg_id, "Заседание началось")
        assert [b["text"] for b in buttons(checkin[tg_id])] == ["✅ Отметиться"]
    assert got(app, CHAIR, "Заседание началось") == got(app, SECRETARY, "Заседание началось") == 0
    presiding = (Presence.PRESENT, None, False)
    assert await marks(app, view.id) == {
        await person_id(app, CHAIR): presiding,
        await person_id(app, SECRETARY): presiding,
    }

    assert await press(tg, t0, checkin[t0], "Отметиться") == "✅ Вы отмечены."
    assert await press(tg, t0, checkin[t0], "Отметиться") == "Вы уже отмечены."  # double tap
    present = await marks(app, view.id)
    async with app.sm() as s:
        assert len(present) == 3 and await count(s, Attendance) == 3
    assert present[await person_id(app, t0)] == (Presence.PRESENT, None, False)

    # The chair's card → «🧭 At the meeting» → the live quorum card: P of M (M = 6 on the
    # roster, all voting), sent once and then edited by the scheduler.
    listing = await chair.say("/meetings", "Предстоящие")
    card = await chair.tap(listing, TOPIC, "Придут")
    quorum = await chair.tap(card, "🧭", "Кворум")
    assert "Присутствуют 3 из 6: заседание правомочно (≥ 1/2)" in quorum["text"]
    assert "решения не принимаются (≥ 2/3)" in quorum["text"]
    assert "Отметились: 3 · регистрация открыта (до 20 декабря, 16:00)" in quorum["text"]
    assert [b["text"] for b in buttons(quorum)][:2] == ["⏹ Закрыть регистрацию", "📋 Перекличка"]

    assert await press(tg, t1, checkin[t1], "Отметиться") == "✅ Вы отмечены."
    await app.settle()  # within a minute of the last edit: not yet
    assert edits_of(tg, CHAIR, quorum["message_id"]) == 0
    clock.advance(timedelta(seconds=61))
    await app.settle()
    quorum = await edited(app, CHAIR, quorum, "Присутствуют 4 из 6")
    assert "заседание правомочно (≥ 1/2); решения принимаются (≥ 2/3)" in quorum["text"]
    assert "Отметились: 4" in quorum["text"]
    assert edits_of(tg, CHAIR, quorum["message_id"]) == 1
    assert got(app, CHAIR, "Кворум") == 1  # edited, not sent again
    clock.advance(timedelta(seconds=61))
    await app.settle()  # nothing changed: no edit
    assert edits_of(tg, CHAIR, quorum["message_id"]) == 1

    # A member of another association forges a check-in into this meeting: refused.
    outsider = await Person(tg, OUTSIDER).say("/myattendance", "Моя посещаемость")
    data = AttendCb(action="in", meeting_id=view.id).pack()
    assert await forge(tg, OUTSIDER, outsider, data) == refusal(app, ErrorCode.FORBIDDEN)
    async with app.sm() as s:
        assert await count(s, Attendance) == 4

    # 2. The open vote: only the present voting members get it.
    panel = await chair.tap(quorum, "🗳 Голосования", "Голосования")
    assert f"1. {QUESTION}" in panel["text"]
    assert [b["text"] for b in buttons(panel)] == ["🗳 Открыть 1"]
    opened = await press(tg, CHAIR, panel, "🗳 Открыть 1")
    assert "(4)" in opened, opened
    panel = await edited(app, CHAIR, panel, "идёт голосование")
    assert [b["text"] for b in buttons(panel)] == ["⏹ Закрыть 1", "✍️ Вручную 1"]
    await app.settle()
    ballot = {}
    for tg_id in EVERYONE:
        expected = 0 if tg_id in (t2, t3) else 1
        assert got(app, tg_id, "Проект решения: Утвердить план работы.") == expected, tg_id
        if expected:
            ballot[tg_id] = find(app, tg_id, "Проект решения: Утвердить план работы.")
            assert [b["text"] for b in buttons(ballot[tg_id])] == [
                "✅ За",
                "❌ Против",
                "⏸ Воздержался",
            ]
    assert (await press(tg, CHAIR, ballot[CHAIR], "✅ За")).startswith("Ваш голос: ✅ За.")
    assert (await press(tg, SECRETARY, ballot[SECRETARY], "✅ За")).startswith("Ваш голос")
    assert "❌ Против" in await press(tg, t0, ballot[t0], "❌ Против")
    assert "✅ За" in await press(tg, t0, ballot[t0], "✅ За")  # changed before closing
    assert "⏸ Воздержался" in await press(tg, t1, ballot[t1], "⏸ Воздержался")
    # An absent member forges a well-formed vote: refused, nothing written.
    forged = VoteCb(item_id=item, choice="f").pack()
    refused = await forge(tg, t2, checkin[t2], forged)
    assert refused == refusal(app, ErrorCode.NOT_PRESENT) != generic(app), refused
    cast = await ballots(app, view.id)
    assert len(cast) == 4 and (await person_id(app, t2), item) not in cast
    assert cast[await person_id(app, t0), item] is Choice.FOR

    closed = await press(tg, CHAIR, panel, "⏹ Закрыть 1")
    assert "за 3, против 0, воздержались 1; присутствуют 4 из 6 — принято" in closed, closed
    panel = await edited(app, CHAIR, panel, "закрыто")
    assert f"1. {QUESTION} — закрыто: за 3, против 0, воздержались 1 — принято" in panel["text"]
    assert not buttons(panel)
    await app.settle()
    for tg_id in EVERYONE:
        assert got(app, tg_id, "Итоги голосования") == (0 if tg_id in (t2, t3) else 1), tg_id
    result = find(app, t0, "Итоги голосования")
    assert "За 3, против 0, воздержались 1 — ✅ принято" in result["text"]
    # Votes after closing are refused and change nothing.
    refused = await press(tg, t1, ballot[t1], "✅ За")
    assert refused == refusal(app, ErrorCode.VOTE_CLOSED) != generic(app), refused
    assert await ballots(app, view.id) == cast
    async with app.sm() as s:
        [recorded] = await votes.results(s, view.id)
    assert (recorded.tally.for_, recorded.tally.against, recorded.tally.abstain) == (3, 0, 1)
    assert (recorded.quorum.present, recorded.quorum.members, recorded.adopted) == (4, 6, True)

    # 3. The secretary's roll: a late teacher present, another excused with a reason.
    listing = await secretary.say("/meetings", "Предстоящие")
    card = await secretary.tap(listing, TOPIC, "Придут")
    own = await secretary.tap(card, "🧭", "Кворум")
    roll = await secretary.tap(own, "📋 Перекличка", "Перекличка")
    numbers = {name: int(n) for n, name in re.findall(r"^(\d+)\. \S+ (.+)$", roll["text"], re.M)}
    assert set(numbers) == set(NAMES.values()), roll["text"]
    assert f"{numbers[NAMES[t2]]}. ❔ {NAMES[t2]}" in roll["text"]
    assert f"{numbers[NAMES[t0]]}. ✅ {NAMES[t0]}" in roll["text"]
    assert await press(tg, SECRETARY, roll, f"{numbers[NAMES[t2]]} ✅") == ""
    roll = await edited(app, SECRETARY, roll, f"✅ {NAMES[t2]}")
    excused = await press(tg, SECRETARY, roll, f"{numbers[NAMES[t3]]} 🟡")
    assert "Напишите причину" in excused
    roll = await edited(app, SECRETARY, roll, f"🟡 {NAMES[t3]}")
    await secretary.say("больничный лист", "Причина сохранена")
    present = await marks(app, view.id)
    assert present[await person_id(app, t2)] == (Presence.PRESENT, None, True)
    assert present[await person_id(app, t3)] == (Presence.EXCUSED, "больничный лист", True)
    async with app.sm() as s:
        secretary_actor = await load_actor(s, SECRETARY, [])
        register_rows = {r.name: r for r in await attendance.register(s, secretary_actor, view.id)}
    assert register_rows[NAMES[t3]].status is Presence.EXCUSED
    assert register_rows[NAMES[t3]].reason == "больничный лист"
    assert register_rows[NAMES[t2]].status is Presence.PRESENT and register_rows[NAMES[t2]].by_roll
    # The live card is the secretary's now, and shows the late arrival.
    clock.advance(timedelta(seconds=61))
    await app.settle()
    own = await edited(app, SECRETARY, own, "Присутствуют 5 из 6")

    # 4. The chair closes check-in; a tap afterwards is refused politely and writes nothing.
    quorum = current(app, CHAIR, quorum["message_id"])
    assert await press(tg, CHAIR, quorum, "⏹ Закрыть регистрацию") == "Регистрация закрыта."
    closed_card = await edited(app, CHAIR, quorum, "регистрация закрыта")  # the same card
    assert "▶️ Открыть регистрацию" in [b["text"] for b in buttons(closed_card)]
    before = await marks(app, view.id)
    answer = await press(tg, t3, checkin[t3], "Отметиться")
    assert answer == refusal(app, ErrorCode.CHECKIN_CLOSED) != generic(app), answer
    async with app.sm() as s:
        assert await marks(app, view.id) == before and await count(s, Attendance) == 6

    # 6. The meeting ends by itself after its 90 minutes: /myattendance shows it.
    clock.set(START + timedelta(minutes=90))
    await app.settle()
    line = f"20.12.2026 — {TOPIC} ({ASSOCIATION}): "
    mine = await Person(tg, t0).say("/myattendance", "Моя посещаемость")
    assert line + "присутствовал(а)" in mine["text"], mine["text"]
    mine = await Person(tg, t3).say("/myattendance", "Моя посещаемость")
    assert line + "отсутствовал(а) по уважительной причине" in mine["text"], mine["text"]


# ---------------------------------------------------------------- absentee


async def test_absentee_ballot_reminders_and_results(db_url: str) -> None:
    clock = FixedClock(NOW)
    async with running(db_url) as (tg, sm):
        world = await seed(tg, sm, clock)
        async with started(tg, sm, clock) as app:
            await absentee(app, world, clock)


async def absentee(app: App, world: World, clock: FixedClock) -> None:
    tg = app.tg
    t0, t1, t2, t3 = TEACHERS
    view = await publish(
        app,
        world,
        MeetingForm.ABSENTEE,
        [(QUESTION, "Утвердить план работы."), ("О конкурсе", "Провести конкурс в марте.")],
    )
    q1, q2 = (q.id for q in view.agenda)
    notices = {}
    for tg_id in EVERYONE:
        notices[tg_id] = find(app, tg_id, TOPIC)
        labels = [b["text"] for b in buttons(notices[tg_id])]
        assert "🗳 Заполнить опросный лист" in labels, labels
        assert "✅ Буду" not in labels  # no gathering

    # One member answers the ballot question by question in the chat.
    step = await Person(tg, t0).tap(notices[t0], "Заполнить опросный лист", "вопрос 1 из 2")
    assert QUESTION in step["text"] and "Утвердить план работы." in step["text"]
    assert await press(tg, t0, step, "✅ За") == "Сохранено: ✅ За."
    step = await edited(app, t0, step, "вопрос 2 из 2")
    assert await press(tg, t0, step, "❌ Против") == "Сохранено: ❌ Против."
    step = await edited(app, t0, step, "Опросный лист заполнен")
    assert f"1. {QUESTION} — ✅ За" in step["text"] and "2. О конкурсе — ❌ Против" in step["text"]
    # The others through the services: three all, one only the first question, t1 nothing.
    async with app.sm() as s:
        for tg_id, answers in (
            (CHAIR, (Choice.FOR, Choice.ABSTAIN)),
            (SECRETARY, (Choice.FOR, Choice.FOR)),
            (t2, (Choice.FOR, Choice.FOR)),
            (t3, (Choice.AGAINST,)),
        ):
            actor = await load_actor(s, tg_id, [])
            for item, choice in zip((q1, q2), answers, strict=False):
                await votes.cast(s, actor, item, choice, clock.now())

    # Two days before the deadline: only those who have not answered every question.
    clock.set(START - timedelta(days=2))
    await app.settle()
    for tg_id in EVERYONE:
        assert got(app, tg_id, "заполните опросный лист") == (1 if tg_id in (t1, t3) else 0)
    # t3 finishes from the reminder: the ballot starts at the question still unanswered.
    reminder = find(app, t3, "заполните опросный лист")
    step = await Person(tg, t3).tap(reminder, "Заполнить опросный лист", "вопрос 2 из 2")
    assert await press(tg, t3, step, "⏸ Воздержался") == "Сохранено: ⏸ Воздержался."
    await edited(app, t3, step, "Опросный лист заполнен")
    # A day before: only the one who has not voted at all.
    clock.set(START - timedelta(days=1))
    await app.settle()
    for tg_id in EVERYONE:
        expected = {t1: 2, t3: 1}.get(tg_id, 0)
        assert got(app, tg_id, "заполните опросный лист") == expected, (tg_id, texts(app, tg_id))

    # The deadline: the meeting ends, the results are recorded and sent to every member.
    clock.set(START)
    await app.settle()
    async with app.sm() as s:
        results = await votes.results(s, view.id)
    # P = 5 who answered (t1 did not) of M = 6: valid; decisions 3·5 ≥ 2·6.
    assert [(r.tally.for_, r.tally.against, r.tally.abstain) for r in results] == [
        (4, 1, 0),
        (2, 1, 2),
    ]
    assert [r.adopted for r in results] == [True, False]  # 2 > 1 + 2 does not hold
    assert {(r.quorum.present, r.quorum.members) for r in results} == {(5, 6)}
    for tg_id in EVERYONE:
        assert got(app, tg_id, "Итоги голосования") == 1, tg_id
    summary = find(app, t1, "Итоги голосования")
    assert "Присутствуют 5 из 6" in summary["text"]
    assert "За 2, против 1, воздержались 2 — ✖️ не принято" in summary["text"]
    # Too late for the one who did not vote: refused, nothing written.
    before = await ballots(app, view.id)
    assert len(before) == 10  # five members, two questions each
    late = await press(tg, t1, notices[t1], "Заполнить опросный лист")
    assert late == refusal(app, ErrorCode.MEETING_ENDED), late
    assert await ballots(app, view.id) == before
