"""The meeting wizard through the Dispatcher (a recording fake session): a chair drafts a
meeting (topic, date on the calendar, time, place, a question with its draft decision) and
publishes it; a stale button is refused with nothing written; a member cannot draft."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.db import create_sessionmaker
from bot.i18n import DOMAIN, LOCALES_DIR, compile_catalogs
from handlers.errors import error_text
from models import AgendaItem, Broadcast, Meeting, MeetingStatus, OutboxMessage
from services import meetings
from services.clock import FixedClock
from services.errors import DomainError, ErrorCode
from tests.factories import ADMIN_ID, World, make_world, member_link, register
from tests.flow import Flow, RecordingSession, build_bot, buttons
from ui.callbacks.meetings import DraftAction, DraftCb, MeetingAction, MeetingCb

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Novosibirsk, 1 December
TEACHER = 3001
ASSOCIATION = "РМО учителей математики"  # the factories' association


@pytest.fixture(scope="module")
def i18n() -> I18n:
    compile_catalogs(LOCALES_DIR)  # only the stale ones
    return I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)


@pytest.fixture
def ru(i18n: I18n) -> Iterator[Callable[[Callable[[], str]], str]]:
    """The Russian text the bot sends, made by the same code (exact assertions)."""

    def text(make: Callable[[], str]) -> str:
        with i18n.context(), i18n.use_locale("ru"):
            return make()

    yield text


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


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


def exact(message: Message, text: str) -> str:
    """The callback data of the button labelled exactly `text`."""
    found = [data for label, data in buttons(message) if label == text]
    assert found, f"no button {text!r} among {buttons(message)}"
    return found[0]


async def the_meeting(sm: async_sessionmaker[AsyncSession]) -> Meeting:
    async with sm() as s:
        meeting: Meeting | None = await s.scalar(select(Meeting))
        assert meeting is not None
        return meeting


async def outbox_rows(sm: async_sessionmaker[AsyncSession]) -> int:
    async with sm() as s:
        return int(await s.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def draft_until_the_time(flow: Flow, chair: int) -> Message:
    """/newmeeting → an association → the topic → the day on the calendar; returns the time
    picker (its buttons carry the draft's version after the day was set)."""
    await flow.send(chair, "/newmeeting")
    await flow.press(chair, "➕")
    await flow.send(chair, "Функциональная грамотность")
    await flow.press(chair, "🗓")
    calendar = flow.last(chair, with_buttons=True)
    await flow.press_data(chair, exact(calendar, "20"), calendar)
    return flow.last(chair, with_buttons=True)


async def test_a_chair_drafts_and_publishes_a_meeting(
    flow: Flow,
    world: World,
    sm: async_sessionmaker[AsyncSession],
    ru: Callable[[Callable[[], str]], str],
) -> None:
    chair = world.chair_tg
    start = await flow.send(chair, "/newmeeting")
    assert start.texts == [ru(lambda: _("Meetings: continue a draft or start a new one."))]
    asked = await flow.press(chair, "➕")
    expected = ru(
        lambda: _("«{name}»: the topic of the meeting (up to 300 characters)?").format(
            name=ASSOCIATION
        )
    )
    assert asked.texts == [expected]

    saved = await flow.send(chair, "Функциональная грамотность")
    assert "Функциональная грамотность" in saved.texts[0]  # the panel's preview
    assert saved.texts[-1] == ru(
        lambda: _("The draft is saved: it waits here (and in /newmeeting) until you publish it.")
    )
    meeting = await the_meeting(sm)
    assert (meeting.status, meeting.topic) == (MeetingStatus.DRAFT, "Функциональная грамотность")

    # The date on the calendar, then the time from its buttons.
    await flow.press(chair, "🗓")
    calendar = flow.last(chair, with_buttons=True)
    picked = await flow.press_data(chair, exact(calendar, "20"), calendar)
    assert picked.texts == [ru(lambda: _("The time? Pick it or type it, e.g. 15:30."))]
    await flow.press(chair, "15:00")
    meeting = await the_meeting(sm)
    assert meeting.starts_at is not None
    assert meeting.starts_at.replace(tzinfo=UTC) == datetime(2026, 12, 20, 8, 0, tzinfo=UTC)

    # The place, typed.
    where = await flow.press(chair, "📍")
    assert where.texts == [
        ru(lambda: _("Where? E.g. «МОУ СОШ № 5, кабинет 12» (up to 300 characters)."))
    ]
    await flow.send(chair, "МОУ СОШ № 5, каб. 12")
    assert (await the_meeting(sm)).place == "МОУ СОШ № 5, каб. 12"

    # A question: its title, no speaker, a draft decision.
    question = await flow.press(chair, "➕")
    assert question.texts == [
        ru(lambda: _("Question {n} of the agenda (up to 300 characters):").format(n=1))
    ]
    speakers = await flow.send(chair, "О преемственности")
    assert speakers.texts == [
        ru(lambda: _("Who speaks on it? Pick a member, or type a name (a guest speaker)."))
    ]
    picker = flow.last(chair, with_buttons=True)
    [nobody] = [data for _label, data in buttons(picker) if data.endswith("-0")]
    await flow.press_data(chair, nobody, picker)
    await flow.send(chair, "Принять к сведению.")
    async with sm() as s:
        items = (await s.scalars(select(AgendaItem))).all()
    assert [(i.title, i.speaker_id, i.draft_decision) for i in items] == [
        ("О преемственности", None, "Принять к сведению.")
    ]

    published = await flow.press(chair, "📤")
    assert ru(lambda: _("Published.")) in published.alerts()
    assert (
        ru(
            lambda: _(
                "📤 The notice is going out to {count} members; the progress is shown here."
            ).format(count=1)
        )
        in published.texts
    )  # and the panel, edited in the background, says it is published
    meeting = await the_meeting(sm)
    assert meeting.status is MeetingStatus.PUBLISHED and meeting.revision == 1
    assert await outbox_rows(sm) > 0


async def test_a_stale_button_is_refused_and_nothing_is_written(
    flow: Flow,
    world: World,
    sm: async_sessionmaker[AsyncSession],
    ru: Callable[[Callable[[], str]], str],
) -> None:
    chair = world.chair_tg
    times = await draft_until_the_time(flow, chair)
    await flow.press(chair, "15:00", times)  # the draft moves on to a newer version
    before = await the_meeting(sm)
    rows = await outbox_rows(sm)

    stale = await flow.press(chair, "09:00", times)  # the same picker, an old version
    assert stale.texts[0] == ru(lambda: error_text(DomainError(ErrorCode.DRAFT_CHANGED)))
    assert "Функциональная грамотность" in stale.texts[1]  # the current draft is shown
    after = await the_meeting(sm)
    assert (after.version, after.starts_at, after.updated_at) == (
        before.version,
        before.starts_at,
        before.updated_at,
    )
    assert await outbox_rows(sm) == rows

    # A stale "publish now" (version 1, the topic only) is refused as well.
    old = DraftCb(action=DraftAction.PUBLISH, meeting_id=before.id, version=1).pack()
    refused = await flow.press_data(chair, old)
    assert refused.alerts() == [ru(lambda: error_text(DomainError(ErrorCode.DRAFT_CHANGED)))[:200]]
    assert (await the_meeting(sm)).status is MeetingStatus.DRAFT
    assert await outbox_rows(sm) == rows


async def test_a_member_cannot_draft_or_change_a_draft(
    flow: Flow,
    world: World,
    sm: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    ru: Callable[[Callable[[], str]], str],
) -> None:
    async with sm() as s:
        token = await member_link(s, world, clock)
        await register(s, token, TEACHER, clock, name="Учитель Номер Один")
    forbidden = ru(lambda: error_text(DomainError(ErrorCode.FORBIDDEN)))

    refused = await flow.send(TEACHER, "/newmeeting")
    assert refused.texts == [forbidden]

    await draft_until_the_time(flow, world.chair_tg)
    before = await the_meeting(sm)
    forged = DraftCb(
        action=DraftAction.SET_DURATION, meeting_id=before.id, version=before.version, arg=120
    ).pack()
    tapped = await flow.press_data(TEACHER, forged)
    assert tapped.alerts() == [forbidden]
    after = await the_meeting(sm)
    assert (after.version, after.duration_minutes) == (before.version, before.duration_minutes)


async def test_confirming_an_extraordinary_meeting_shows_the_chair_its_progress(
    flow: Flow,
    world: World,
    sm: async_sessionmaker[AsyncSession],
    clock: FixedClock,
    ru: Callable[[Callable[[], str]], str],
) -> None:
    """The chair's «confirm» publishes it, and the reply is the notices' progress message:
    the one the engine edits as they go out."""
    from tests.test_meetings import ready_draft, secretary

    async with sm() as s:
        sec = await secretary(s, world, clock)
        view = await ready_draft(s, world, sec, clock, day=date(2026, 12, 4))
        asked = await meetings.publish(
            s, sec, view.id, view.version, clock.now(), extraordinary_reason="Срочный вопрос"
        )
    assert asked.outcome is meetings.Outcome.AWAITING_CHAIR
    chair = world.chair_tg
    confirm = MeetingCb(action=MeetingAction.CONFIRM, meeting_id=view.id).pack()
    button = InlineKeyboardButton(text="✅", callback_data=confirm)
    asking = await flow.bot.send_message(  # as the outbox's request to the chair carries it
        chair, "Созвать?", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
    )
    confirmed = await flow.press_data(chair, confirm, asking)
    assert confirmed.texts[-1] == ru(
        lambda: _("The extraordinary meeting is published: {count} members get the notice.")
    ).format(count=2)  # the chair and the secretary
    progress = flow.last(chair)
    async with sm() as s:
        broadcast = await s.scalar(select(Broadcast))
    assert broadcast is not None
    assert (broadcast.chat_id, broadcast.message_id) == (chair, progress.message_id)
