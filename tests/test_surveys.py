"""Surveys on SQLite and PostgreSQL: polls and questionnaires, answering one question at a time
(progress, back, skip, resume), validation, anonymity that holds (no table links a person to
an answer, responses carry no time, ids unrelated to the order of finishing), the results'
threshold and refresh rule, reminders only to those who have not finished, the templates in
ru and en, the XLSX export and the bar chart."""

from __future__ import annotations

import io
import random
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from matplotlib.text import Text
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import DateTime, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

import models.survey  # noqa: F401  (registers the survey tables until models/__init__ does)
from documents.chart import bar_chart_png, bar_label, chart_figure
from documents.survey_xlsx import xlsx_bytes
from models import (
    Association,
    AssociationKind,
    AuditEntry,
    Base,
    Membership,
    OutboxMessage,
    OutboxStatus,
)
from models.survey import (
    QuestionKind,
    SurveyAnswer,
    SurveyDraft,
    SurveyRecipient,
    SurveyResponse,
    SurveyStatus,
)
from services import associations, surveys
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from services.outbox import Claimed
from services.permissions import Actor
from services.surveys import Answer
from tests.factories import ADMIN, World, make_world, member_link, register
from tests.helpers import count
from tests.xlsx_rows import max_row_forbidden
from tests.yearend_ru import YEAREND_RU

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk
TZ = ZoneInfo("Asia/Novosibirsk")
CLOSES = NOW + timedelta(days=7)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def team(session: AsyncSession, clock: FixedClock, members: int) -> tuple[World, list[Actor]]:
    world = await make_world(session, clock)
    token = await member_link(session, world, clock)
    people = [
        await register(session, token, 3001 + n, clock, name=f"Учитель Номер {n:02d}")
        for n in range(members)
    ]
    return world, people


async def other_association(session: AsyncSession, world: World, clock: FixedClock) -> Actor:
    """The chair of another association of the same service (no rights over ours)."""
    created = await associations.create_association(
        session,
        ADMIN,
        kind=AssociationKind.RMO,
        name="РМО учителей физики",
        subject="физика",
        municipality_id=world.municipality_id,
        timezone="Asia/Novosibirsk",
        now=clock.now(),
    )
    return await register(session, created.chair_token, 2900, clock, name="Физиков Олег Петрович")


async def questionnaire(
    session: AsyncSession,
    world: World,
    questions: list[tuple[QuestionKind, str, list[str], bool]],
    *,
    anonymous: bool = False,
    closes_at: datetime | None = CLOSES,
    opens_at: datetime | None = None,
    open_it: bool = True,
) -> surveys.SurveyView:
    chair = world.chair
    view = await surveys.create_survey(
        session, chair, world.association_id, "Анкета", NOW, anonymous=anonymous
    )
    for kind, question, options, required in questions:
        view = await surveys.add_question(
            session, chair, view.id, view.version, kind, question, NOW,
            options=options, required=required,
        )  # fmt: skip
    view = await surveys.set_schedule(
        session, chair, view.id, view.version, NOW, opens_at=opens_at, closes_at=closes_at
    )
    if open_it:
        view = (await surveys.open_survey(session, chair, view.id, view.version, NOW)).view
    return view


YES_NO = [(QuestionKind.SINGLE, "Понравилось?", ["Да", "Нет"], True)]
MIXED = [
    (QuestionKind.SINGLE, "Формат", ["Очно", "Онлайн", "Смешанно"], True),
    (QuestionKind.SCALE, "Оценка", [], False),
    (QuestionKind.SHORT, "Тема", [], True),
]


async def expect(code: ErrorCode, call: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await call
    assert caught.value.code is code, caught.value
    return caught.value


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    person_id: int | None
    params: dict[str, Any]
    due_at: datetime
    group_key: str
    dedupe_key: str
    status: OutboxStatus


async def outbox_rows(session: AsyncSession, kind: str) -> list[Row]:
    found = [
        Row(
            r.id, r.kind, r.person_id, dict(r.params), r.due_at, r.group_key, r.dedupe_key, r.status
        )
        for r in (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        ).all()
    ]
    await session.commit()
    return found


def claimed(row: Row) -> Claimed:
    return Claimed(
        id=row.id,
        kind=row.kind,
        person_id=row.person_id,
        chat_id=None,
        template=row.kind,
        params=row.params,
        attempts=0,
        parts_done=0,
        group_key=row.group_key,
    )


# ---------------------------------------------------------------- anonymity


def test_responses_have_no_time_and_nothing_links_a_person_to_an_answer() -> None:
    response_columns = SurveyResponse.__table__.columns
    # school_id, subject: a needs survey's groups (never a person; shown from 3 answers).
    assert set(response_columns.keys()) == {"id", "survey_id", "person_id", "school_id", "subject"}
    assert not any(isinstance(c.type, DateTime) for c in response_columns)
    assert response_columns["id"].autoincrement is False  # no sequence, no rowid order
    answer_columns = SurveyAnswer.__table__.columns
    assert set(answer_columns.keys()) == {"response_id", "question_id", "value"}
    assert not any(isinstance(c.type, DateTime) for c in answer_columns)
    # Only survey_responses.person_id (NULL when anonymous) may sit beside a response.
    for table in Base.metadata.tables.values():
        refers = {fk.column.table.name for fk in table.foreign_keys}
        if "survey_responses" in refers:
            assert "persons" not in refers, table.name
    # The recipient's marker and the draft hold no time either.
    for model in (SurveyRecipient, SurveyDraft):
        assert not any(isinstance(c.type, DateTime) for c in model.__table__.columns)


def test_response_ids_are_random() -> None:
    drawn = [surveys.response_id() for _ in range(200)]
    assert len(set(drawn)) == len(drawn)
    assert all(0 < i < 2**63 for i in drawn)


class SeededSecrets:
    """Stands in for `secrets` with a fixed seed, so the test is deterministic."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.drawn: list[int] = []

    def randbelow(self, n: int) -> int:
        value = self.random.randrange(n)
        self.drawn.append(value + 1)
        return value


async def test_finishing_an_anonymous_survey_leaves_no_link(
    session: AsyncSession, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, people = await team(session, clock, 8)
    view = await questionnaire(session, world, MIXED, anonymous=True)
    # The ids come from `secrets`: drawn here with a fixed seed (the real draw is tested
    # above), so what this asserts cannot flake: the database keeps the drawn ids, not a
    # sequence of its own, and those ids do not follow the order of finishing.
    seeded = SeededSecrets(2026)
    monkeypatch.setattr(surveys.finishing, "secrets", seeded)
    for n, person in enumerate(people):
        await surveys.answer(session, person, view.id, 1, Answer(options=(n % 3,)), NOW)
        await surveys.answer(session, person, view.id, 2, Answer(scale=1 + n % 5), NOW)
        await surveys.answer(session, person, view.id, 3, Answer(text=f"Тема {n}"), NOW)
        assert await count(session, SurveyDraft, SurveyDraft.person_id == person.person_id) == 1
        await surveys.finish(session, person, view.id, NOW)
        assert await count(session, SurveyDraft, SurveyDraft.person_id == person.person_id) == 0

    in_finishing_order = seeded.drawn
    assert in_finishing_order != sorted(in_finishing_order)
    stored = (await session.execute(select(SurveyResponse.id, SurveyResponse.person_id))).all()
    await session.commit()
    assert {rid for rid, _ in stored} == set(in_finishing_order)
    assert all(person is None for _, person in stored)
    assert await count(session, SurveyDraft) == 0
    assert await count(session, SurveyAnswer) == 8 * 3
    assert await count(session, SurveyRecipient, SurveyRecipient.finished) == 8
    # No audit entry records anyone's answering.
    actions = (await session.scalars(select(AuditEntry.action))).all()
    await session.commit()
    assert not [a for a in actions if "answer" in a or "finish" in a]
    if session.get_bind().dialect.name == "sqlite":
        # The response id is the rowid itself; the answers' table has no rowid at all.
        rowids = (await session.execute(text("SELECT rowid, id FROM survey_responses"))).all()
        assert all(rowid == rid for rowid, rid in rowids)
        sql = await session.scalar(
            text("SELECT sql FROM sqlite_master WHERE name = 'survey_answers'")
        )
        await session.commit()
        assert "WITHOUT ROWID" in str(sql).upper()
    if session.get_bind().dialect.name == "postgresql":
        # Every finish rewrote all responses and answers in one transaction, in random
        # order: they share one xmin, so the transaction that marked a person finished
        # (the recipient row's xmin) points at all of them, not at theirs.
        for table in ("survey_responses", "survey_answers"):
            stamps = (await session.execute(text(f"SELECT DISTINCT xmin::text FROM {table}"))).all()
            assert len(stamps) == 1, table
        [stamp] = (
            await session.execute(text("SELECT DISTINCT xmin::text FROM survey_responses"))
        ).all()
        finishers = await session.scalar(
            text("SELECT count(*) FROM survey_recipients WHERE xmin::text = :x"), {"x": stamp[0]}
        )
        await session.commit()
        assert finishers == 1  # the last one to finish, among 8 responses
    # Results list the texts in the responses' (random) order, numbered from 1.
    results = await surveys.results(session, world.chair, view.id)
    assert [r.number for r in results.rows] == list(range(1, 9))
    assert all(r.name is None for r in results.rows)


async def test_anonymous_results_threshold_and_refresh(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, people = await team(session, clock, 7)
    view = await questionnaire(session, world, YES_NO, anonymous=True)

    async def respond(person: Actor, option: int) -> None:
        await surveys.answer(session, person, view.id, 1, Answer(options=(option,)), NOW)
        await surveys.finish(session, person, view.id, NOW)

    async def yes_no() -> tuple[bool, int, int, list[int]]:
        r = await surveys.results(session, world.chair, view.id)
        counts = [o.count for o in r.questions[0].options] if r.questions else []
        return r.hidden, r.responses, r.received, counts

    assert await yes_no() == (True, 0, 0, [])
    await respond(people[0], 0)
    await respond(people[1], 0)
    assert await yes_no() == (True, 0, 2, [])
    await respond(people[2], 1)
    assert await yes_no() == (False, 3, 3, [2, 1])
    await respond(people[3], 1)
    assert await yes_no() == (False, 3, 4, [2, 1])  # the same snapshot
    await respond(people[4], 1)
    assert await yes_no() == (False, 3, 5, [2, 1])
    await respond(people[5], 0)
    assert await yes_no() == (False, 6, 6, [3, 3])  # three more: refreshed
    await respond(people[6], 0)
    assert await yes_no() == (False, 6, 7, [3, 3])
    await surveys.close(session, world.chair, view.id, NOW + timedelta(hours=1))
    assert await yes_no() == (False, 7, 7, [4, 3])  # closed: refreshed
    shown = await surveys.results(session, world.chair, view.id)
    assert shown.closed
    assert shown.questions[0].options[0].percent == 57.1


async def test_named_results_are_live_and_closed_anonymous_below_three_stays_hidden(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, people = await team(session, clock, 3)
    named = await questionnaire(session, world, YES_NO)
    await surveys.answer(session, people[0], named.id, 1, Answer(options=(1,)), NOW)
    await surveys.finish(session, people[0], named.id, NOW)
    results = await surveys.results(session, world.chair, named.id)
    assert not results.hidden and results.responses == 1
    assert [r.name for r in results.rows] == ["Учитель Номер 00"]
    stored = await session.scalar(select(SurveyResponse.person_id))
    await session.commit()
    assert stored == people[0].person_id

    hidden = await questionnaire(session, world, YES_NO, anonymous=True)
    for person in people[:2]:
        await surveys.answer(session, person, hidden.id, 1, Answer(options=(0,)), NOW)
        await surveys.finish(session, person, hidden.id, NOW)
    await surveys.close(session, world.chair, hidden.id, NOW)
    results = await surveys.results(session, world.chair, hidden.id)
    assert results.hidden and results.closed and results.questions == ()


# ---------------------------------------------------------------- answering


async def test_answer_validation_and_refusals(session: AsyncSession, clock: FixedClock) -> None:
    world, (teacher, _second) = await team(session, clock, 2)
    view = await questionnaire(
        session,
        world,
        [
            *MIXED,
            (QuestionKind.LONG, "Подробно", [], False),
            (QuestionKind.MULTIPLE, "Что ещё", ["А", "Б", "В"], False),
        ],
    )
    sid = view.id

    def put(position: int, value: Answer) -> Any:
        return surveys.answer(session, teacher, sid, position, value, NOW)

    await expect(ErrorCode.SCALE_RANGE, put(2, Answer(scale=0)))
    await expect(ErrorCode.SCALE_RANGE, put(2, Answer(scale=6)))
    await expect(ErrorCode.SCALE_RANGE, put(2, Answer(text="5")))
    await expect(ErrorCode.BAD_OPTION, put(1, Answer(options=(3,))))
    await expect(ErrorCode.BAD_OPTION, put(1, Answer(options=(-1,))))
    await expect(ErrorCode.BAD_OPTION, put(1, Answer(options=(0, 1))))  # single choice
    await expect(ErrorCode.BAD_OPTION, put(1, Answer(other="Своё")))  # no «другое» here
    await expect(ErrorCode.BAD_OPTION, put(1, Answer()))
    await expect(ErrorCode.BAD_OPTION, put(5, Answer(options=(0, 5))))
    error = await expect(ErrorCode.TEXT_TOO_LONG, put(3, Answer(text="я" * 301)))
    assert error.params["max"] == 300
    await expect(ErrorCode.TEXT_TOO_LONG, put(4, Answer(text="я" * 4001)))
    await expect(ErrorCode.TEXT_EMPTY, put(3, Answer(text="   ")))
    await expect(ErrorCode.NOT_FOUND, put(9, Answer(scale=3)))
    progress = await put(3, Answer(text="я" * 300))
    assert progress.answered == 1
    progress = await put(5, Answer(options=(2, 0, 2)))
    step = await surveys.step(session, teacher, sid, 5, NOW)
    assert step.current == Answer(options=(0, 2))
    long = "Первая строка\nвторая " + "я" * 3970
    await put(4, Answer(text=long))
    assert (await surveys.step(session, teacher, sid, 4, NOW)).current == Answer(text=long)

    # Not a member of the audience; another association's survey; an unknown id.
    other_chair = await other_association(session, world, clock)
    await expect(
        ErrorCode.FORBIDDEN, surveys.answer(session, other_chair, sid, 2, Answer(scale=3), NOW)
    )
    await expect(ErrorCode.FORBIDDEN, surveys.step(session, other_chair, sid, 1, NOW))
    await expect(ErrorCode.FORBIDDEN, surveys.results(session, other_chair, sid))
    await expect(ErrorCode.FORBIDDEN, surveys.results(session, teacher, sid))
    await expect(ErrorCode.FORBIDDEN, surveys.close(session, other_chair, sid, NOW))
    theirs = await surveys.create_poll(
        session,
        other_chair,
        (await other_chair_association(other_chair)),
        "Вопрос?",
        ["Да", "Нет"],
        NOW,
    )
    theirs = (await surveys.open_survey(session, other_chair, theirs.id, theirs.version, NOW)).view
    await expect(
        ErrorCode.FORBIDDEN, surveys.vote(session, teacher, theirs.id, Answer(options=(0,)), NOW)
    )
    await expect(ErrorCode.FORBIDDEN, surveys.progress(session, teacher, theirs.id, NOW))
    await expect(ErrorCode.NOT_FOUND, surveys.answer(session, teacher, 987654, 1, Answer(), NOW))
    # A draft of our association is not open to its members.
    draft = await questionnaire(session, world, YES_NO, open_it=False)
    await expect(
        ErrorCode.FORBIDDEN,
        surveys.answer(session, teacher, draft.id, 1, Answer(options=(0,)), NOW),
    )

    # After closing time (before the scheduler closes it), and after closing.
    late = CLOSES + timedelta(minutes=1)
    await expect(
        ErrorCode.SURVEY_CLOSED, surveys.answer(session, teacher, sid, 2, Answer(scale=3), late)
    )
    await surveys.close(session, world.chair, sid, NOW + timedelta(hours=1))
    await expect(
        ErrorCode.SURVEY_CLOSED,
        surveys.answer(session, teacher, sid, 2, Answer(scale=3), NOW + timedelta(hours=2)),
    )
    assert await count(session, SurveyDraft, SurveyDraft.survey_id == sid) == 0  # dropped
    await expect(ErrorCode.SURVEY_CLOSED, surveys.close(session, world.chair, sid, NOW))

    # Not yet open.
    later = await questionnaire(session, world, YES_NO, opens_at=NOW + timedelta(days=1))
    await expect(
        ErrorCode.SURVEY_NOT_OPEN,
        surveys.answer(session, teacher, later.id, 1, Answer(options=(0,)), NOW),
    )
    await surveys.answer(
        session, teacher, later.id, 1, Answer(options=(0,)), NOW + timedelta(days=1)
    )


async def other_chair_association(actor: Actor) -> int:
    [association_id] = list(actor.roles)
    return association_id


async def test_progress_back_skip_resume(session: AsyncSession, clock: FixedClock) -> None:
    world, (teacher,) = await team(session, clock, 1)
    view = await questionnaire(session, world, MIXED)
    sid = view.id
    progress = await surveys.progress(session, teacher, sid, NOW)
    assert (progress.next_position, progress.answered, progress.total) == (1, 0, 3)
    assert progress.accepting and not progress.finished
    step = await surveys.step(session, teacher, sid, 1, NOW)
    assert (step.position, step.total, step.current, step.question.options) == (
        1, 3, None, ("Очно", "Онлайн", "Смешанно"),
    )  # fmt: skip

    progress = await surveys.answer(session, teacher, sid, 1, Answer(options=(1,)), NOW)
    assert (progress.next_position, progress.answered) == (2, 1)
    await expect(ErrorCode.ANSWER_REQUIRED, surveys.skip(session, teacher, sid, 1, NOW))
    progress = await surveys.skip(session, teacher, sid, 2, NOW)
    assert (progress.next_position, progress.answered) == (3, 1)
    assert (await surveys.step(session, teacher, sid, 2, NOW)).skipped
    # «Назад» to the first question: the answer given is shown, and may be changed.
    assert (await surveys.step(session, teacher, sid, 1, NOW)).current == Answer(options=(1,))
    progress = await surveys.answer(session, teacher, sid, 1, Answer(options=(2,)), NOW)
    assert progress.next_position == 3  # resume where one stopped
    await expect(ErrorCode.ANSWER_REQUIRED, surveys.finish(session, teacher, sid, NOW))
    # A later session resumes at the same place.
    progress = await surveys.progress(session, teacher, sid, NOW + timedelta(hours=5))
    assert (progress.next_position, progress.answered) == (3, 1)
    progress = await surveys.answer(
        session, teacher, sid, 3, Answer(text="  Проектная   работа "), NOW
    )
    assert progress.ready and progress.answered == 2
    assert [b.id for b in await surveys.open_for(session, teacher, NOW)] == [sid]
    finished = await surveys.finish(session, teacher, sid, NOW)
    assert not finished.anonymous and not finished.live
    assert await surveys.open_for(session, teacher, NOW) == []
    progress = await surveys.progress(session, teacher, sid, NOW)
    assert progress.finished and progress.next_position is None
    await expect(
        ErrorCode.ALREADY_FINISHED,
        surveys.answer(session, teacher, sid, 1, Answer(options=(0,)), NOW),
    )
    await expect(ErrorCode.ALREADY_FINISHED, surveys.finish(session, teacher, sid, NOW))
    values = sorted(str(v) for v in (await session.scalars(select(SurveyAnswer.value))).all())
    await session.commit()
    assert values == sorted([str({"options": [2]}), str({"text": "Проектная работа"})])


# ---------------------------------------------------------------- reminders


async def test_reminders_reach_only_those_who_have_not_finished(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, people = await team(session, clock, 3)
    view = await questionnaire(session, world, YES_NO, closes_at=CLOSES)
    invites = await outbox_rows(session, surveys.INVITE)
    reminders = await outbox_rows(session, surveys.REMINDER)
    recipients = {p.person_id for p in people} | {world.chair.person_id}
    assert {r.person_id for r in invites} == recipients
    assert all(r.params == {"survey_id": view.id} and r.due_at == NOW for r in invites)
    # Two stages, each once per person (the dedupe key makes it never twice).
    assert len(reminders) == 2 * len(recipients)
    assert len({r.dedupe_key for r in reminders}) == len(reminders)
    assert {(r.person_id, r.params["stage"]) for r in reminders} == {
        (p, s) for p in recipients for s in (1, 2)
    }
    for r in reminders:
        local = r.due_at.astimezone(TZ)
        assert 8 <= local.hour < 21 and r.due_at < CLOSES
    stage_due = {r.params["stage"]: r.due_at for r in reminders}
    assert stage_due[1] == CLOSES - timedelta(days=2)
    assert stage_due[2].astimezone(TZ).date() == CLOSES.astimezone(TZ).date()

    done = people[0]
    await surveys.vote(session, done, view.id, Answer(options=(0,)), NOW)
    dropped = await surveys.unwanted(session, [claimed(r) for r in reminders + invites])
    assert dropped == {r.id for r in reminders + invites if r.person_id == done.person_id}
    # One who has left the association is no longer reminded either.
    gone = people[1]
    await session.execute(
        update(Membership).where(Membership.person_id == gone.person_id).values(active=False)
    )
    await session.commit()
    dropped = await surveys.unwanted(session, [claimed(r) for r in reminders])
    assert dropped == {r.id for r in reminders if r.person_id in (done.person_id, gone.person_id)}

    await surveys.close(session, world.chair, view.id, NOW + timedelta(days=1))
    all_rows = reminders + invites
    assert await surveys.unwanted(session, [claimed(r) for r in all_rows]) == {
        r.id for r in all_rows
    }
    pending = [
        r for r in await outbox_rows(session, surveys.REMINDER) if r.status is OutboxStatus.PENDING
    ]
    assert pending == []


async def test_reminder_times_in_window_and_not_too_close(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, _people = await team(session, clock, 1)
    association = await session.get_one(Association, world.association_id)
    await session.commit()
    # Closing at 23:30 local: two days before is outside the window → 20:59; the last day's
    # reminder at 10:00.
    closes = datetime(2026, 12, 10, 23, 30, tzinfo=TZ).astimezone(UTC)
    times = surveys.reminder_times(NOW, closes, association, NOW)
    assert [(s, d.astimezone(TZ).strftime("%d %H:%M")) for s, d in times] == [
        (1, "08 20:59"),
        (2, "10 10:00"),
    ]
    # A survey of 20 hours: no reminder at all; of 47 hours: only the last day's.
    short = NOW + timedelta(hours=20)
    times = surveys.reminder_times(NOW, short, association, NOW)
    assert times == []  # the last day's would fall at 20:59 tonight: within 12 h of the invite
    two_days = NOW + timedelta(days=1, hours=23)
    assert [s for s, _ in surveys.reminder_times(NOW, two_days, association, NOW)] == [2]


async def test_close_due(session: AsyncSession, clock: FixedClock) -> None:
    world, (teacher,) = await team(session, clock, 1)
    view = await questionnaire(session, world, MIXED)
    await surveys.answer(session, teacher, view.id, 1, Answer(options=(0,)), NOW)
    assert await surveys.close_due(session, CLOSES - timedelta(seconds=1)) == []
    assert await surveys.close_due(session, CLOSES) == [view.id]
    assert (await surveys.get(session, world.chair, view.id)).status is SurveyStatus.CLOSED
    assert await count(session, SurveyDraft) == 0
    assert await surveys.close_due(session, CLOSES + timedelta(days=1)) == []


# ---------------------------------------------------------------- polls, editing, templates


async def test_poll_with_other(session: AsyncSession, clock: FixedClock) -> None:
    world, (a, b, c) = await team(session, clock, 3)
    chair = world.chair
    await expect(
        ErrorCode.TOO_FEW_OPTIONS,
        surveys.create_poll(session, chair, world.association_id, "Когда?", ["Пн"], NOW),
    )
    await expect(
        ErrorCode.TOO_MANY_OPTIONS,
        surveys.create_poll(
            session, chair, world.association_id, "Когда?", [str(n) for n in range(11)], NOW
        ),
    )
    poll = await surveys.create_poll(
        session, chair, world.association_id, "Когда собраться?", ["Пн", "Ср", "Пт"], NOW,
        allow_other=True,
    )  # fmt: skip
    await expect(
        ErrorCode.TOO_MANY_QUESTIONS,
        surveys.add_question(
            session, chair, poll.id, poll.version, QuestionKind.SCALE, "Ещё?", NOW
        ),
    )
    poll = (await surveys.open_survey(session, chair, poll.id, poll.version, NOW)).view
    finished = await surveys.vote(session, a, poll.id, Answer(options=(1,)), NOW)
    assert finished.live and finished.author_id == chair.person_id
    await expect(ErrorCode.TEXT_EMPTY, surveys.vote(session, b, poll.id, Answer(other=" "), NOW))
    assert await count(session, SurveyDraft) == 0  # the refused vote left nothing
    await surveys.vote(session, b, poll.id, Answer(other="Во вторник"), NOW)
    results = await surveys.results(session, chair, poll.id)
    q = results.questions[0]
    assert [(o.label, o.count) for o in q.options] == [("Пн", 0), ("Ср", 1), ("Пт", 0)]
    assert q.other == ("Во вторник",) and q.answered == 2
    await surveys.vote(session, c, poll.id, Answer(options=(1,)), NOW)
    results = await surveys.results(session, chair, poll.id)  # live: at once
    assert [o.count for o in results.questions[0].options] == [0, 2, 0]
    assert [o.percent for o in results.questions[0].options] == [0.0, 66.7, 0.0]

    several = await surveys.create_poll(
        session, chair, world.association_id, "Что обсудить?", ["А", "Б", "В"], NOW, multiple=True
    )
    several = (await surveys.open_survey(session, chair, several.id, several.version, NOW)).view
    await surveys.vote(session, a, several.id, Answer(options=(0, 2)), NOW)
    results = await surveys.results(session, chair, several.id)
    assert [o.count for o in results.questions[0].options] == [1, 0, 1]
    assert results.rows[0].cells == ("А; В",)


async def test_editing_a_draft(session: AsyncSession, clock: FixedClock) -> None:
    world, (teacher,) = await team(session, clock, 1)
    chair = world.chair
    view = await surveys.create_survey(session, chair, world.association_id, "Анкета", NOW)
    await expect(
        ErrorCode.NO_QUESTIONS, surveys.open_survey(session, chair, view.id, view.version, NOW)
    )
    await expect(
        ErrorCode.FORBIDDEN,
        surveys.add_question(session, teacher, view.id, view.version, QuestionKind.SCALE, "Q", NOW),
    )
    await expect(
        ErrorCode.FORBIDDEN,
        surveys.create_survey(session, teacher, world.association_id, "Моя анкета", NOW),
    )
    for n in range(1, 4):
        view = await surveys.add_question(
            session, chair, view.id, view.version, QuestionKind.SHORT, f"Вопрос {n}", NOW
        )
    await expect(
        ErrorCode.DRAFT_CHANGED,
        surveys.add_question(
            session, chair, view.id, view.version - 1, QuestionKind.SCALE, "Q", NOW
        ),
    )
    await expect(
        ErrorCode.TEXT_TOO_LONG,
        surveys.add_question(
            session, chair, view.id, view.version, QuestionKind.SCALE, "я" * 301, NOW
        ),
    )
    await expect(
        ErrorCode.TOO_FEW_OPTIONS,
        surveys.add_question(
            session, chair, view.id, view.version, QuestionKind.SINGLE, "Q", NOW, options=["A"]
        ),
    )
    view = await surveys.move_question(session, chair, view.id, view.version, 3, 1, NOW)
    assert [q.text for q in view.questions] == ["Вопрос 3", "Вопрос 1", "Вопрос 2"]
    assert [q.position for q in view.questions] == [1, 2, 3]
    view = await surveys.remove_question(session, chair, view.id, view.version, 2, NOW)
    assert [(q.position, q.text) for q in view.questions] == [(1, "Вопрос 3"), (2, "Вопрос 2")]
    view = await surveys.update_question(
        session, chair, view.id, view.version, 2, NOW,
        kind=QuestionKind.MULTIPLE, options=["Да", "Нет"], required=False, text="Изменён",
    )  # fmt: skip
    assert view.questions[1] == surveys.QuestionView(
        view.questions[1].id, 2, QuestionKind.MULTIPLE, "Изменён", False, ("Да", "Нет")
    )
    view = await surveys.set_settings(
        session, chair, view.id, view.version, NOW, title="Новая", anonymous=True
    )
    assert (view.title, view.anonymous) == ("Новая", True)
    await expect(
        ErrorCode.DATE_IN_PAST,
        surveys.set_schedule(
            session, chair, view.id, view.version, NOW, opens_at=None, closes_at=NOW
        ),
    )
    other_chair = await other_association(session, world, clock)
    other_id = await other_chair_association(other_chair)
    await expect(
        ErrorCode.FORBIDDEN,
        surveys.set_audience(
            session, chair, view.id, view.version, NOW,
            association_ids=[world.association_id, other_id],
        ),
    )  # fmt: skip
    await expect(
        ErrorCode.FORBIDDEN,
        surveys.set_audience(
            session, chair, view.id, view.version, NOW, service_id=world.service_id
        ),
    )
    view = await surveys.set_audience(
        session, chair, view.id, view.version, NOW, association_ids=[world.association_id]
    )
    opened = await surveys.open_survey(session, chair, view.id, view.version, NOW)
    assert opened.recipients == 2 and opened.reminders == ()  # no closing time: no reminders
    await expect(
        ErrorCode.SURVEY_SENT,
        surveys.add_question(
            session, chair, view.id, opened.view.version, QuestionKind.SCALE, "Q", NOW
        ),
    )
    assert [b.id for b in await surveys.mine(session, chair)] == [view.id]

    many = await surveys.create_survey(session, chair, world.association_id, "Большая", NOW)
    for n in range(surveys.QUESTIONS_MAX):
        many = await surveys.add_question(
            session, chair, many.id, many.version, QuestionKind.SCALE, f"Q{n}", NOW
        )
    await expect(
        ErrorCode.TOO_MANY_QUESTIONS,
        surveys.add_question(session, chair, many.id, many.version, QuestionKind.SCALE, "Q", NOW),
    )


# Every msgid of the templates with its Russian translation (the same list goes to the .po).
RU = {
    "Professional needs and deficits": "Профессиональные потребности и дефициты",
    "In which directions would you like methodological support?": (
        "По каким направлениям вам нужна методическая поддержка?"
    ),
    "Updated federal standards and work programmes": "Обновлённые ФГОС и рабочие программы",
    "Functional literacy": "Функциональная грамотность",
    "Students with special educational needs": "Обучающиеся с ОВЗ (инклюзивное образование)",
    "Gifted students and olympiads": "Работа с одарёнными детьми, олимпиады",
    "Preparing students for state exams": "Подготовка к ОГЭ и ЕГЭ",
    "Assessment of learning results": "Оценивание образовательных результатов",
    "Digital tools and distance learning": "Цифровые инструменты и дистанционное обучение",
    "Upbringing and class management": "Воспитательная работа и классное руководство",
    "Which formats of support suit you best?": "Какие формы поддержки вам удобнее всего?",
    "Seminars and workshops": "Семинары и практикумы",
    "Open lessons": "Открытые уроки",
    "Master classes": "Мастер-классы",
    "Individual consultations": "Индивидуальные консультации",
    "Webinars": "Вебинары",
    "Mentoring": "Наставничество",
    "Materials for self-study": "Материалы для самообразования",
    "How confident do you feel in your professional work? (1 — not at all, 5 — fully)": (
        "Насколько уверенно вы чувствуете себя в профессиональной деятельности? "
        "(1 — совсем нет, 5 — полностью)"
    ),
    "Which seminar topics would you like at our meetings?": (
        "Какие темы семинаров вы хотели бы видеть на наших заседаниях?"
    ),
    "Are you ready to share your experience with colleagues?": (
        "Готовы ли вы поделиться опытом с коллегами?"
    ),
    "Yes, with an open lesson or a master class": "Да, открытым уроком или мастер-классом",
    "Yes, with a talk at a meeting": "Да, выступлением на заседании",
    "Yes, by publishing my materials": "Да, публикацией своих материалов",
    "Not yet": "Пока нет",
    "What difficulties do you meet in your work most often?": (
        "С какими трудностями вы чаще всего сталкиваетесь в работе?"
    ),
    "Satisfaction with the association's work": "Удовлетворённость работой объединения",
    "How satisfied are you with the association's work overall? (1 — not at all, 5 — fully)": (
        "Насколько вы в целом удовлетворены работой объединения? (1 — совсем нет, 5 — полностью)"
    ),
    "How useful were the meetings for your practice? (1 — not at all, 5 — very)": (
        "Насколько полезны были заседания для вашей практики? (1 — совсем нет, 5 — очень)"
    ),
    "Did the association's work help you solve your professional problems?": (
        "Помогла ли работа объединения решить ваши профессиональные затруднения?"
    ),
    "Yes": "Да",
    "Partly": "Частично",
    "No": "Нет",
    "Which forms of work were the most effective?": "Какие формы работы были наиболее эффективны?",
    "Meetings and seminars": "Заседания и семинары",
    "Consultations": "Консультации",
    "Sharing of materials": "Обмен материалами",
    "Joint projects": "Совместные проекты",
    "How well are you informed about the association's work? (1 — poorly, 5 — fully)": (
        "Насколько вы информированы о работе объединения? (1 — плохо, 5 — полностью)"
    ),
    "What would you suggest improving next year?": (
        "Что вы предложили бы улучшить в следующем году?"
    ),
    **YEAREND_RU,
}


def template_msgids() -> set[str]:
    found: set[str] = set()
    for template in surveys.TEMPLATES.values():
        found.add(template.title)
        for q in template.questions:
            found.add(q.text)
            found.update(q.options)
    return found


def test_every_template_msgid_has_a_russian_translation() -> None:
    assert template_msgids() == set(RU)
    assert all(len(v) <= surveys.TEXT_MAX for v in RU.values())


async def test_templates_in_ru_and_en(session: AsyncSession, clock: FixedClock) -> None:
    world, _people = await team(session, clock, 1)
    chair = world.chair
    english = await surveys.create_from_template(
        session, chair, world.association_id, "needs", lambda s: s, NOW, locale="en"
    )
    assert english.title == "Professional needs and deficits" and english.locale == "en"
    assert len(english.questions) == len(surveys.NEEDS.questions)
    assert english.questions[0].options[1] == "Functional literacy"
    assert english.anonymous  # both templates start anonymous (issue 13)

    russian = await surveys.create_from_template(
        session, chair, world.association_id, "satisfaction", lambda s: RU.get(s, s), NOW
    )
    assert russian.title == "Удовлетворённость работой объединения" and russian.anonymous
    assert [q.kind for q in russian.questions] == [q.kind for q in surveys.SATISFACTION.questions]
    assert russian.questions[2].options == ("Да", "Частично", "Нет")
    assert not russian.questions[-1].required
    # Editable before sending.
    russian = await surveys.remove_question(session, chair, russian.id, russian.version, 5, NOW)
    assert len(russian.questions) == len(surveys.SATISFACTION.questions) - 1
    await expect(
        ErrorCode.NOT_FOUND,
        surveys.create_from_template(session, chair, world.association_id, "x", str, NOW),
    )


# ---------------------------------------------------------------- documents


async def test_xlsx_holds_the_right_numbers(session: AsyncSession, clock: FixedClock) -> None:
    world, people = await team(session, clock, 3)
    view = await questionnaire(session, world, MIXED)
    given = [(0, 5, "Функциональная грамотность"), (0, None, "=1+1"), (2, 4, "ОГЭ")]
    for person, (option, scale, topic) in zip(people, given, strict=True):
        await surveys.answer(session, person, view.id, 1, Answer(options=(option,)), NOW)
        if scale is None:
            await surveys.skip(session, person, view.id, 2, NOW)
        else:
            await surveys.answer(session, person, view.id, 2, Answer(scale=scale), NOW)
        await surveys.answer(session, person, view.id, 3, Answer(text=topic), NOW)
        await surveys.finish(session, person, view.id, NOW)
    results = await surveys.results(session, world.chair, view.id)
    with max_row_forbidden():  # rows counted, not found by scanning every cell
        data = xlsx_bytes(results)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Ответы", "Сводка"]
    answers = [list(r) for r in book["Ответы"].iter_rows(values_only=True)]
    assert answers[0] == ["№", "ФИО", "1. Формат", "2. Оценка", "3. Тема"]
    assert answers[1:] == [
        [1, "Учитель Номер 00", "Очно", 5, "Функциональная грамотность"],
        [2, "Учитель Номер 01", "Очно", None, "'=1+1"],
        [3, "Учитель Номер 02", "Смешанно", 4, "ОГЭ"],
    ]
    sheet = book["Ответы"]
    assert sheet["D2"].data_type == "n" and sheet["D4"].value == 4  # Excel averages them
    assert sheet.auto_filter.ref == "A1:E4"
    assert sheet["E2"].alignment.wrap_text
    for printed in (sheet, book["Сводка"]):
        assert str(printed.page_setup.paperSize) == printed.PAPERSIZE_A4 == "9"
        assert printed.page_setup.fitToWidth == 1 and printed.page_setup.fitToHeight == 0
        assert printed.sheet_properties.pageSetUpPr.fitToPage
    assert book.properties.title == results.title
    summary = [list(r) for r in book["Сводка"].iter_rows(values_only=True)]
    assert summary[0][0] == results.title
    labels = [row[0] for row in summary]
    assert labels[1:5] == ["Период", "Кому направлен", "Всего ответов", "Получили опрос"]
    assert summary[1][1] == results.period and " – " in results.period
    assert summary[2][1] == "РМО учителей математики"
    assert ["Всего ответов", 3, None] in summary
    at = labels.index("3. Тема")
    assert labels[at + 1 : at + 6] == [
        "Ответили",
        "Ответы",
        "Функциональная грамотность",
        "'=1+1",
        "ОГЭ",
    ]
    assert ["Очно", 2, 66.7] in summary
    assert ["Онлайн", 0, 0] in summary or ["Онлайн", 0, 0.0] in summary
    assert ["Смешанно", 1, 33.3] in summary
    scale_rows = summary[summary.index(["2. Оценка", None, None]) :]
    assert scale_rows[1] == ["Ответили", 2, None]
    assert ["5", 1, 50] in scale_rows or ["5", 1, 50.0] in scale_rows
    assert ["Среднее", 4.5, None] in scale_rows

    # No answers yet: the workbook says so.
    empty = await questionnaire(session, world, MIXED)
    nothing = await surveys.results(session, world.chair, empty.id)
    book = load_workbook(io.BytesIO(xlsx_bytes(nothing)))
    rows = [list(r) for r in book["Ответы"].iter_rows(values_only=True)]
    assert rows[1][:3] == [None, "Ответов пока нет.", None]
    summary = [list(r) for r in book["Сводка"].iter_rows(values_only=True)]
    assert ["Всего ответов", 0, None] in summary and ["Ответов пока нет.", None, None] in summary

    # Anonymous, in English: no name column.
    anonymous = await questionnaire(session, world, YES_NO, anonymous=True)
    for person in people:
        await surveys.vote(session, person, anonymous.id, Answer(options=(1,)), NOW)
    en = surveys.Results.from_json(
        {**(await surveys.results(session, world.chair, anonymous.id)).to_json(), "locale": "en"}
    )
    book = load_workbook(io.BytesIO(xlsx_bytes(en)))
    assert book.sheetnames == ["Answers", "Summary"]
    rows = [list(r) for r in book["Answers"].iter_rows(values_only=True)]
    assert rows == [["No.", "1. Понравилось?"], [1, "Нет"], [2, "Нет"], [3, "Нет"]]
    assert ["Нет", 3, 100] in [list(r) for r in book["Summary"].iter_rows(values_only=True)]


def test_bar_chart_png() -> None:
    labels = ["Очно", "Онлайн", "Смешанно — " + "очень длинная подпись " * 4]
    png = bar_chart_png("Формат заседаний: какой удобнее?", labels, [12, 0, 7])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) < 200 * 1024
    width, height = struct.unpack(">II", png[16:24])
    assert width == 800 and 200 < height < 1000
    assert bar_chart_png("Пусто", [], []).startswith(b"\x89PNG")
    many = bar_chart_png("Шкала", [str(n) for n in range(1, 11)], list(range(10)))
    assert len(many) < 200 * 1024


def test_chart_titles_wrap_inside_the_image_and_bars_say_n_and_percent() -> None:
    long_title = "3. " + "Насколько вы удовлетворены организацией методической работы " * 3
    figure = chart_figure(
        long_title,
        ["Да", "Частично", "Нет"],
        [12, 5, 2],
        percents=[63.2, 26.3, 10.5],
        answered=19,
    )
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box = figure.bbox
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    words = [t.get_text() for t in texts]
    for shown in texts:  # every text, the title's lines too, within the image
        extent = shown.get_window_extent(renderer)
        assert extent.x0 >= box.x0 - 0.5 and extent.x1 <= box.x1 + 0.5, shown.get_text()[:40]
        assert extent.y0 >= box.y0 - 0.5 and extent.y1 <= box.y1 + 0.5, shown.get_text()[:40]
    [title] = [w for w in words if w.startswith("3. ")]
    assert title.count("\n") >= 2 and title.endswith("(n = 19)")
    assert " ".join(title.split()) == " ".join(f"{long_title} (n = 19)".split())
    assert {"12 (63.2%)", "5 (26.3%)", "2 (10.5%)"} <= set(words)
    assert bar_label(3, 100.0) == "3 (100%)" and bar_label(3, None) == "3"


def test_chart_text_is_never_mathtext() -> None:
    """Teachers type dollar signs and carets: they are text, never a formula (or an error)."""
    png = bar_chart_png("Бюджет $5 или $10?", ["$^$", "a_$b$"], [1, 2])
    assert png.startswith(b"\x89PNG")
