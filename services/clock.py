"""The injected clock: services take `now` from it, tests move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock tests set and move by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment


class ForwardClock:
    """The sandbox's clock: the real time, moved forward by hand and never back."""

    def __init__(self, real: Clock | None = None) -> None:
        self._real = real or SystemClock()
        self._shift = timedelta(0)
        self._last = self._real.now()

    def now(self) -> datetime:
        # Never behind a moment already told, even if the machine's clock steps back.
        self._last = max(self._last, self._real.now() + self._shift)
        return self._last

    @property
    def shift(self) -> timedelta:
        return self._shift

    def advance(self, delta: timedelta) -> datetime:
        """Move on by ``delta`` (not negative); returns the new now."""
        if delta < timedelta(0):
            raise ValueError("the sandbox's clock only moves forward")
        self._shift += delta
        return self.now()

    def move_to(self, moment: datetime) -> datetime:
        """Move on to ``moment``; a moment already past leaves the clock where it is."""
        return self.advance(max(timedelta(0), moment - self.now()))
