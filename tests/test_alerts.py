"""The operator's alerts (issue 14): each crossing told once to every administrator — the
outbox backlog older than its threshold, Telegram unreachable longer than its threshold,
messages given up, the daily backup failing — its state kept in the database (a new session
is a restart), and its messages claimed ahead of the backlog they report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramServerError
from aiogram.utils.i18n import I18n
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_bot
from bot.config import Settings
from bot.health import TelegramHealth
from bot.i18n import DOMAIN, LOCALES_DIR
from bot.retry import unattended
from models import AlertName, OutboxMessage
from scheduler import alerts as operator
from scheduler.engine import Delivery, EngineSettings
from scheduler.kinds.alert import alert_text
from services import alerts, outbox
from services.clock import FixedClock
from services.outbox import Outgoing
from tests.fakeapi import FakeTelegram

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
ADMINS = [1001, 1002]
LIMITS = alerts.Thresholds(backlog=timedelta(minutes=15), telegram=timedelta(minutes=10))
BACKLOG = 2000
TOKEN = "123456:TEST-token"


async def check(
    session: AsyncSession, now: datetime = NOW, down: datetime | None = None
) -> list[tuple[AlertName, int]]:
    raised = await alerts.check(
        session, now, admin_ids=ADMINS, thresholds=LIMITS, telegram_down_since=down
    )
    return [(a.name, a.crossing) for a in raised]


async def alert_rows(session: AsyncSession) -> list[tuple[str, int | None]]:
    rows = await session.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.chat_id)
        .where(OutboxMessage.kind == alerts.KIND)
        .order_by(OutboxMessage.id)
    )
    return [(key, chat) for key, chat in rows.all()]


async def enqueue_backlog(session: AsyncSession, due: datetime, n: int, group: str) -> None:
    rows = [
        Outgoing("test", f"{group}:{i}", group, due, template="x", chat_id=5000 + i)
        for i in range(n)
    ]
    assert await outbox.enqueue(session, rows) == n
    await session.commit()


async def test_a_backlog_is_told_once_per_crossing_ahead_of_itself(session: AsyncSession) -> None:
    await enqueue_backlog(session, NOW - timedelta(minutes=10), BACKLOG, "late")
    # Some of it failed once: retries are claimed before fresh rows, an alert before both.
    retried = await outbox.claim(session, NOW, 20, timedelta(seconds=60))
    for row in retried:
        await outbox.record_retry(session, row.id, row.attempts, "500", NOW, 0)
    assert await check(session) == []  # 10 minutes: under the threshold
    assert await check(session, NOW + timedelta(minutes=6)) == [(AlertName.BACKLOG, 1)]
    assert await alert_rows(session) == [
        ("alert:backlog:1:chat=1001", 1001),
        ("alert:backlog:1:chat=1002", 1002),
    ]
    # Still behind: not told again, at the next check nor after a restart.
    assert await check(session, NOW + timedelta(minutes=7)) == []
    assert await check(session, NOW + timedelta(hours=1)) == []
    # The alert goes ahead of the 2,000 rows it reports (retries included): claimed first.
    claimed = await outbox.claim(session, NOW + timedelta(hours=1), 8, timedelta(seconds=60))
    assert len(claimed) == 8
    assert [c.chat_id for c in claimed if c.kind == alerts.KIND] == ADMINS
    params = {c.chat_id: c.params for c in claimed if c.kind == alerts.KIND}
    assert params[1001]["count"] == BACKLOG - 20  # the retries became due later
    assert params[1001]["minutes"] == 15
    assert params[1001]["since"] == (NOW - timedelta(minutes=10)).isoformat()
    # Caught up: the level falls; a new backlog later is a second crossing.
    await outbox.release(session, [c.id for c in claimed if c.kind != alerts.KIND])
    await outbox.cancel_group(session, "late")
    await session.commit()
    assert await check(session, NOW + timedelta(hours=2)) == []
    await enqueue_backlog(session, NOW + timedelta(hours=2), 1, "later")
    assert await check(session, NOW + timedelta(hours=3)) == [(AlertName.BACKLOG, 2)]
    assert len(await alert_rows(session)) == 4


async def test_telegram_unreachable_past_the_threshold(session: AsyncSession) -> None:
    down = NOW - timedelta(minutes=5)
    assert await check(session, NOW, down) == []
    assert await check(session, NOW + timedelta(minutes=5), down) == [(AlertName.TELEGRAM, 1)]
    assert await check(session, NOW + timedelta(minutes=30), down) == []  # still the same
    assert await check(session, NOW + timedelta(minutes=31), None) == []  # answers again
    later = NOW + timedelta(hours=1)
    assert await check(session, later + timedelta(minutes=10), later) == [(AlertName.TELEGRAM, 2)]


async def test_events_are_counted_until_told(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await operator.given_up(sessionmaker, NOW, "Internal Server Error")
    await operator.given_up(sessionmaker, NOW, "Bad Gateway\nand more")
    await operator.backup_failed(sessionmaker, NOW, "No space left on device")
    raised = await alerts.check(session, NOW, admin_ids=ADMINS, thresholds=LIMITS)
    told = {a.name: a.params for a in raised}
    assert set(told) == {AlertName.GIVEN_UP, AlertName.BACKUP}
    assert told[AlertName.GIVEN_UP]["count"] == 2
    assert told[AlertName.GIVEN_UP]["detail"] == "Bad Gateway and more"  # the last, one line
    assert told[AlertName.BACKUP]["detail"] == "No space left on device"
    assert await check(session) == []  # told once
    await operator.backup_failed(sessionmaker, NOW, "again")
    assert await check(session) == [(AlertName.BACKUP, 2)]
    keys = [key for key, _chat in await alert_rows(session)]
    assert "alert:backup:2:chat=1002" in keys and len(keys) == 6


async def test_no_admins_no_rows(session: AsyncSession) -> None:
    await alerts.backup_failed(session, NOW, "disk")
    raised = await alerts.check(session, NOW, admin_ids=[], thresholds=LIMITS)
    assert [a.name for a in raised] == [AlertName.BACKUP]
    count = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert count == 0


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_every_alert_reads_in_both_languages(locale: str) -> None:
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    base = {"since": NOW.isoformat(), "count": 3, "minutes": 15, "detail": "<b>disk</b> full"}
    texts = []
    with i18n.context(), i18n.use_locale(locale):
        for name in AlertName:
            texts.append(alert_text({"alert": name.value, **base}))
    assert len(set(texts)) == len(AlertName)
    title = "Сигнал оператору" if locale == "ru" else "Operator alert"
    assert all(t.startswith(f"⚠️ <b>{title}</b>\n") for t in texts)
    assert all("<b>disk</b>" not in t for t in texts)  # people's text escaped
    assert "10.12.2026 09:00 UTC" in texts[0]


def test_alert_settings_and_defaults() -> None:
    settings = Settings(bot_token="123456:ABC-test", _env_file=None)
    assert settings.alert_backlog_minutes == 15 and settings.alert_telegram_minutes == 10
    assert settings.alert_check_seconds == 30


async def test_health_knows_since_when_telegram_does_not_answer() -> None:
    """The request middleware on the Bot's session: a 5xx or no connection starts the
    outage; any answer of Telegram's (even a refusal) ends it."""
    async with FakeTelegram(TOKEN) as tg:
        health = TelegramHealth()
        settings = Settings(bot_token=TOKEN, telegram_api_base=tg.base_url, _env_file=None)
        bot = build_bot(settings, health=health)
        try:
            with unattended():  # no quick retries: one call, one outcome
                await bot.get_me()
                assert health.down_since is None
                tg.fail_every(1, 502)
                with pytest.raises(TelegramServerError):
                    await bot.get_me()
                first = health.down_since
                assert first is not None
                with pytest.raises(TelegramServerError):
                    await bot.get_me()
                assert health.down_since == first  # since the first failure
                tg.fail_every(1, 400)
                with pytest.raises(TelegramBadRequest):
                    await bot.get_me()
                assert health.down_since is None  # Telegram answered
        finally:
            await bot.session.close()


async def test_a_message_never_answered_is_given_up_with_an_alert(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """A chat whose calls never get an answer: after `MAX_DOUBTS` leases the tick gives the
    row up, and the administrators are told (counted with the other given-up messages)."""
    lease = timedelta(seconds=60)
    await enqueue_backlog(session, NOW, 1, "announcement:1")
    moment = NOW
    for _ in range(outbox.MAX_DOUBTS - 1):
        [row] = await outbox.claim(session, moment, 10, lease)
        assert await outbox.mark_started(session, row.id, row.attempts, moment, lease)
        moment += lease * 2
        assert (await outbox.recover(session, moment)).given_up == 0
    [row] = await outbox.claim(session, moment, 10, lease)
    assert await outbox.mark_started(session, row.id, row.attempts, moment, lease)
    moment += lease * 2
    await session.commit()
    assert await check(session, moment) == []

    settings = Settings(bot_token=TOKEN, _env_file=None)
    bot = build_bot(settings)
    i18n = I18n(path=LOCALES_DIR, default_locale="ru", domain=DOMAIN)
    delivery = Delivery(bot, sessionmaker, FixedClock(moment), i18n, EngineSettings())
    try:
        report = await delivery.tick()  # nothing is sent: the row is given up
    finally:
        await bot.session.close()
    assert (report.requeued, report.in_doubt) == (0, 1)
    raised = await alerts.check(session, moment, admin_ids=ADMINS, thresholds=LIMITS)
    [given_up] = [a for a in raised if a.name == AlertName.GIVEN_UP]
    assert given_up.params["count"] == 1
    assert given_up.params["detail"] == outbox.NO_ANSWER_GIVEN_UP
