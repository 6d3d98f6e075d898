"""The dates a survey's author types (`surveys.parse_schedule`): a range, a last day, times;
in the survey's time zone; the same refusals as before the parsing moved into services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services import surveys
from services.errors import DomainError, ErrorCode

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ZONE = "Asia/Novosibirsk"  # UTC+7


def test_a_range_opens_in_the_morning_and_closes_at_the_end_of_the_day() -> None:
    found = surveys.parse_schedule("01.12 — 10.12", ZONE, NOW)
    assert found == surveys.Schedule(
        opens_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        closes_at=datetime(2026, 12, 10, 16, 59, 59, tzinfo=UTC),
    )


@pytest.mark.parametrize("dash", ["—", "–", "-", "до", "to"])
def test_every_dash(dash: str) -> None:
    found = surveys.parse_schedule(f"01.12 09:00 {dash} 10.12 18:00", ZONE, NOW)
    assert found.opens_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert found.closes_at == datetime(2026, 12, 10, 11, 0, tzinfo=UTC)


def test_only_the_last_day() -> None:
    found = surveys.parse_schedule("10.12", ZONE, NOW)
    assert found.opens_at is None
    assert found.closes_at == datetime(2026, 12, 10, 16, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "01.12 — 05.12 — 10.12", "когда-нибудь"])
def test_what_is_not_a_date_range(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        surveys.parse_schedule(text, ZONE, NOW)
    assert caught.value.code is ErrorCode.BAD_DATE
