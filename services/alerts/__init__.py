"""The operator's alerts (issue 14): what the administrators (`ADMIN_IDS`) must hear of at
once. Each is sent once per crossing — a *level* (the outbox backlog older than a threshold,
Telegram unreachable longer than a threshold) when it becomes true, an *event* (messages
given up, an outcome lost, the daily backup failing) at the first check after it happened —
and its state is a row of `operator_alerts`, so a restart neither repeats nor forgets one.

Alerts go through the outbox like every message, with a dedupe key carrying the crossing
(`keys.alert`), and due at `outbox.PRIORITY_DUE`: the claim takes such rows before any
other (retries included), so an alert is sent ahead of the backlog it reports.

An event is noted where it happens (`note`, `backup_failed`), in its own short transaction;
`check`, run by the delivery engine every few seconds, turns crossings into messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import AlertName, OperatorAlert
from services import outbox
from services.outbox import Outgoing, keys
from services.tx import writes

from . import queries

KIND = "operator_alert"
LEVELS = (AlertName.BACKLOG, AlertName.TELEGRAM)
EVENTS = (AlertName.GIVEN_UP, AlertName.OUTCOME_LOST, AlertName.BACKUP)


@dataclass(frozen=True)
class Thresholds:
    backlog: timedelta = timedelta(minutes=15)  # a due message waiting longer than this
    telegram: timedelta = timedelta(minutes=10)  # Telegram unreachable longer than this


@dataclass(frozen=True)
class Raised:
    """One crossing told to the administrators."""

    name: AlertName
    crossing: int
    params: dict[str, Any] = field(default_factory=dict)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


@writes
async def note(
    session: AsyncSession,
    name: AlertName,
    now: datetime,
    detail: str | None = None,
    count: int = 1,
) -> None:
    """An event happened (`count` times): the next check tells the administrators once,
    with how many since the last alert and the last `detail` (an error, one line)."""
    values: dict[str, Any] = {"pending": OperatorAlert.pending + count}
    if detail is not None:
        values["detail"] = " ".join(detail.split())[:300]
    stmt = (
        update(OperatorAlert)
        .where(OperatorAlert.name == name.value)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt.values(**values))
    if result.rowcount:  # type: ignore[attr-defined]
        await session.execute(stmt.where(OperatorAlert.since.is_(None)).values(since=now))
        return
    try:
        async with session.begin_nested():
            session.add(
                OperatorAlert(
                    name=name.value,
                    crossing=0,
                    active=False,
                    pending=count,
                    detail=values.get("detail"),
                    since=now,
                )
            )
    except IntegrityError:  # another process added it meanwhile
        await session.execute(stmt.values(**values))


async def backup_failed(session: AsyncSession, now: datetime, error: str) -> None:
    """The daily backup failed: the administrators are told at the next check (once per
    failure; a second failure before that check is counted in the same alert)."""
    await note(session, AlertName.BACKUP, now, error)


def _state(
    found: dict[str, OperatorAlert], session: AsyncSession, name: AlertName
) -> OperatorAlert:
    state = found.get(name.value)
    if state is None:
        state = OperatorAlert(name=name.value, crossing=0, active=False, pending=0)
        session.add(state)
        found[name.value] = state
    return state


@writes
async def check(
    session: AsyncSession,
    now: datetime,
    *,
    admin_ids: Sequence[int],
    thresholds: Thresholds,
    telegram_down_since: datetime | None = None,
) -> list[Raised]:
    """Find the crossings since the last check, count them, and enqueue one message per
    crossing to each administrator (in the same transaction). Returns what was raised."""
    found = {s.name: s for s in await session.scalars(queries.states())}
    raised: list[Raised] = []

    def level(name: AlertName, true: bool, since: datetime | None, **params: Any) -> None:
        state = _state(found, session, name)
        if true and not state.active:
            state.crossing += 1
            state.since = since
            raised.append(Raised(name, state.crossing, {"since": _iso(since), **params}))
        state.active = true
        if not true:
            state.since = None

    late = await outbox.backlog(session, now - thresholds.backlog, but_kind=KIND)
    minutes = int(thresholds.backlog.total_seconds() // 60)
    level(AlertName.BACKLOG, late.waiting > 0, late.oldest, count=late.waiting, minutes=minutes)
    down = telegram_down_since is not None and now - telegram_down_since >= thresholds.telegram
    minutes = int(thresholds.telegram.total_seconds() // 60)
    level(AlertName.TELEGRAM, down, telegram_down_since, minutes=minutes)
    for name in EVENTS:
        state = found.get(name.value)
        if state is None or state.pending <= 0:
            continue
        state.crossing += 1
        params = {"count": state.pending, "detail": state.detail, "since": _iso(state.since)}
        raised.append(Raised(name, state.crossing, params))
        state.pending, state.detail, state.since = 0, None, None
    await session.flush()
    if raised and admin_ids:
        found_ids = (await session.execute(queries.admin_persons(admin_ids))).all()
        persons = {int(chat): int(person) for chat, person in found_ids}
        await outbox.enqueue(
            session,
            [
                Outgoing(
                    kind=KIND,
                    dedupe_key=keys.alert(alert.name.value, crossing=alert.crossing, chat_id=chat),
                    group_key=keys.alert_group(alert.name.value, alert.crossing),
                    due_at=outbox.PRIORITY_DUE,  # claimed before any other row
                    params={"alert": alert.name.value, **alert.params},
                    person_id=persons.get(chat),
                    chat_id=chat,
                )
                for alert in raised
                for chat in dict.fromkeys(admin_ids)
            ],
        )
    return raised
