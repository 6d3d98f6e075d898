"""Survey defects of issue 13, on SQLite and PostgreSQL: /mydata holds a person's survey
participation and named answers; both templates start anonymous; a poll's invitation asks
its question once; a results card held back by the anonymity rule says why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import DOMAIN, LOCALES_DIR, compile_catalogs
from bot.render import render
from scheduler.kinds.survey import SurveyInviteKind
from services import people, surveys
from services.clock import FixedClock
from services.surveys import Answer
from tests.test_surveys import MIXED, NOW, YES_NO, questionnaire, team


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="module")
def i18n() -> I18n:
    compile_catalogs(LOCALES_DIR)
    return I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)


@pytest.fixture
def russian(i18n: I18n) -> Iterator[None]:
    with i18n.context(), i18n.use_locale("ru"):
        yield


async def test_mydata_holds_survey_participation_and_named_answers(
    session: AsyncSession, clock: FixedClock
) -> None:
    world, (teacher, other) = await team(session, clock, 2)
    named = await questionnaire(session, world, MIXED)
    await surveys.answer(session, teacher, named.id, 1, Answer(options=(1,)), NOW)
    await surveys.skip(session, teacher, named.id, 2, NOW)
    await surveys.answer(session, teacher, named.id, 3, Answer(text="ФГОС"), NOW)
    await surveys.finish(session, teacher, named.id, NOW)
    hidden = await questionnaire(session, world, YES_NO, anonymous=True)
    await surveys.answer(session, teacher, hidden.id, 1, Answer(options=(0,)), NOW)
    await surveys.finish(session, teacher, hidden.id, NOW)
    begun = await questionnaire(session, world, MIXED, anonymous=True)
    await surveys.answer(session, teacher, begun.id, 1, Answer(options=(2,)), NOW)
    await surveys.answer(session, teacher, begun.id, 2, Answer(scale=4), NOW)
    poll = await surveys.create_poll(
        session, world.chair, world.association_id, "Когда семинар?", ["Вт", "Чт"], NOW
    )
    poll = (await surveys.open_survey(session, world.chair, poll.id, poll.version, NOW)).view
    await surveys.vote(session, teacher, poll.id, Answer(options=(1,)), NOW)
    await surveys.vote(session, other, poll.id, Answer(options=(0,)), NOW)  # not theirs

    data = await people.export_data(session, teacher)
    assert data["surveys"] == [
        {
            "title": "Анкета",
            "kind": "survey",
            "anonymous": False,
            "status": "open",
            "finished": True,
            "answers": [
                {"question": "Формат", "answer": "Онлайн"},
                {"question": "Тема", "answer": "ФГОС"},
            ],
            "answers_not_sent_yet": [],
        },
        {
            "title": "Анкета",
            "kind": "survey",
            "anonymous": True,
            "status": "open",
            "finished": True,
            "answers": [],  # an anonymous response is linked to nobody
            "answers_not_sent_yet": [],
        },
        {
            "title": "Анкета",
            "kind": "survey",
            "anonymous": True,
            "status": "open",
            "finished": False,
            "answers": [],
            "answers_not_sent_yet": [
                {"question": "Формат", "answer": "Смешанно"},
                {"question": "Оценка", "answer": "4"},
            ],
        },
        {
            "title": "Когда семинар?",
            "kind": "poll",
            "anonymous": False,
            "status": "open",
            "finished": True,
            "answers": [{"question": "Когда семинар?", "answer": "Чт"}],
            "answers_not_sent_yet": [],
        },
    ]
    assert data["surveys_written"] == []
    chair = await people.export_data(session, world.chair)
    assert [(s["title"], s["kind"]) for s in chair["surveys_written"]] == [
        ("Когда семинар?", "poll"),
        ("Анкета", "survey"),
        ("Анкета", "survey"),
        ("Анкета", "survey"),
    ]


async def test_both_templates_start_anonymous(session: AsyncSession, clock: FixedClock) -> None:
    world, _people = await team(session, clock, 1)
    for key in ("needs", "satisfaction"):
        view = await surveys.create_from_template(
            session, world.chair, world.association_id, key, str, NOW
        )
        assert view.anonymous, key
        # The choice is on the card: one tap makes it named.
        named = await surveys.set_settings(
            session, world.chair, view.id, view.version, NOW, anonymous=False
        )
        assert not named.anonymous


async def test_a_poll_invitation_asks_its_question_once(
    session: AsyncSession, clock: FixedClock, russian: None
) -> None:
    world, _people = await team(session, clock, 1)
    poll = await surveys.create_poll(
        session, world.chair, world.association_id, "Когда удобнее семинар?", ["Вт", "Чт"], NOW
    )
    part = SurveyInviteKind().part(poll, None)
    assert part.text == (
        "📋 <b>Быстрый опрос</b>\n<b>Когда удобнее семинар?</b>\n"
        "👤 Не анонимно: автор видит ваши ответы."
    )
    several = await surveys.create_poll(
        session, world.chair, world.association_id, "Какие дни?", ["Вт", "Чт"], NOW, multiple=True
    )
    assert SurveyInviteKind().part(several, None).text == (
        "📋 <b>Быстрый опрос</b>\n<b>Какие дни?</b>\n"
        "<i>Выберите один или несколько вариантов и нажмите «Далее».</i>\n"
        "👤 Не анонимно: автор видит ваши ответы."
    )


async def test_held_back_results_say_why(
    session: AsyncSession, clock: FixedClock, russian: None
) -> None:
    world, people_ = await team(session, clock, 6)
    view = await questionnaire(session, world, YES_NO, anonymous=True)
    for n, person in enumerate(people_[:5]):
        await surveys.answer(session, person, view.id, 1, Answer(options=(n % 2,)), NOW)
        await surveys.finish(session, person, view.id, NOW)
        if n == 3:  # the author looks at 4: the figures are of those 4 from now on
            await surveys.results(session, world.chair, view.id)
    found = await surveys.results(session, world.chair, view.id)
    assert (found.responses, found.received) == (4, 5)
    assert render("survey_results.html", r=found) == (
        "📊 <b>Анкета</b>\nОткрыт. Ответили: 5 из 7.\n"
        "🕶 Показано ответов: 4 из 5. Цифры анонимного опроса меняются только через каждые 3 "
        "ответа и при закрытии, чтобы по двум просмотрам нельзя было вычислить чей-то ответ.\n"
        "\n<b>1. Понравилось?</b> (ответили 4)\n  Да — 2 (50.0%)\n  Нет — 2 (50.0%)"
    )
    # Closed below three: it says why nothing is shown, not that it will appear.
    few = await questionnaire(session, world, YES_NO, anonymous=True)
    for person in people_[:2]:
        await surveys.answer(session, person, few.id, 1, Answer(options=(0,)), NOW)
        await surveys.finish(session, person, few.id, NOW)
    await surveys.close(session, world.chair, few.id, NOW + timedelta(hours=1))
    closed = await surveys.results(session, world.chair, few.id)
    assert render("survey_results.html", r=closed) == (
        "📊 <b>Анкета</b>\nЗакрыт. Ответили: 2 из 7.\n\n"
        "🕶 Анонимный опрос закрыт, ответов меньше 3: результаты не показываются, чтобы ничей "
        "ответ нельзя было узнать."
    )
