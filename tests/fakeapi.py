"""The tests' Bot API server: the product's local server (sandbox/botapi.py) plus fault
injection and latency.

    FakeTelegram(token, bot_id=7000, bot_username="metod_test_bot", *, ...,
                 latency: tuple[float, float] | None = None)   # else as BotAPIServer

Faults and latency::

    tg.latency = (low, high) | None              # settable at any time; see below
    tg.fault(chat_id, *faults: Fault | 500 | 429 | 403)   # append to the chat's queue
    tg.faults_pending(chat_id) -> int
    tg.fail_every(n: int | None, code=500)       # every nth call answers `code` (None: off)
    Fault(kind: 500 | 429 | 403 | "slow", retry_after: int = 1, delay: float = 0.0)
    Fault.slow(delay) -> Fault                   # == Fault("slow", delay=delay)

* Latency: every API call except getUpdates (its long poll has its own timing) is answered
  after a uniformly random wait in ``[low, high]`` seconds. The call takes effect when it
  *arrives*: it is recorded, counted against the flood limits and its message delivered
  (visible to ``messages``/``wait_for_message``) before the wait; only the answer is late.
  Error answers wait too.
* Faults: a message-producing call (the flood-limited ones: ``send*`` except
  ``sendChatAction``, ``edit*``, ``copyMessage(s)``, ``forwardMessage(s)``) whose ``chat_id``
  has queued faults takes the next one instead of behaving normally; faults are consumed in
  order, one per such call (calls to other chats and other methods do not touch the queue).
  ``500`` answers 500 "Internal Server Error"; ``429`` answers 429 "Too Many Requests: retry
  after N" with ``parameters.retry_after`` = ``retry_after``; ``403`` answers 403 "Forbidden:
  bot was blocked by the user" ("... kicked from the group chat" for a group id) for that one
  call only. These deliver nothing, are not counted against the flood limits and are
  recorded in ``tg.errors``. ``"slow"`` lets the call behave normally (delivered, counted, or
  failing as it would) but holds the answer for ``delay`` seconds, so a client with a
  shorter timeout gives up although the message exists; the fake ignores the closed
  connection. A fault's ``delay`` holds error answers the same way; it adds to the latency.
* Every nth answer an error (deterministic): after ``tg.fail_every(n)`` the nth, 2nth, …
  API call counted from then on, of any method except getUpdates and to any chat, answers
  500 "Internal Server Error" (or ``code``) and does nothing; recorded in ``tg.errors``.
  It comes before a chat's queued faults (a call it fails does not consume one).

Everything else (people, chats, inspection, fidelity notes): see sandbox/botapi.py.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

from sandbox.botapi import BotAPIServer, Delivery, JSONDict, TelegramError, is_limited
from sandbox.botapi import parse_html as parse_html
from sandbox.botapi import utf16_len as utf16_len

__all__ = ["Delivery", "FakeTelegram", "Fault", "TelegramError", "parse_html", "utf16_len"]

FaultCode = Literal[500, 429, 403]
FaultKind = Literal[500, 429, 403, "slow"]
_FAULT_KINDS: tuple[FaultKind, ...] = (500, 429, 403, "slow")


@dataclass(frozen=True)
class Fault:
    """A scripted answer to one message-producing call; see "Faults and latency" above."""

    kind: FaultKind
    retry_after: int = 1  # for 429
    delay: float = 0.0  # seconds the answer is held (any kind)

    def __post_init__(self) -> None:
        if isinstance(self.kind, bool) or self.kind not in _FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {_FAULT_KINDS}")
        if self.retry_after < 1:
            raise ValueError("retry_after must be at least 1")
        if not self.delay >= 0:
            raise ValueError("delay must be >= 0")

    @classmethod
    def slow(cls, delay: float) -> Fault:
        """Deliver normally but hold the answer for ``delay`` seconds."""
        return cls("slow", delay=delay)


def _fault_error(fault: Fault, chat_id: int) -> TelegramError | None:
    """The error a fault answers with (None for "slow")."""
    if fault.kind == 500:
        return TelegramError(500, "Internal Server Error")
    if fault.kind == 429:
        retry_after = fault.retry_after
        return TelegramError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )
    if fault.kind == 403:
        if chat_id < 0:
            return TelegramError(403, "Forbidden: bot was kicked from the group chat")
        return TelegramError(403, "Forbidden: bot was blocked by the user")
    return None


def _check_latency(value: tuple[float, float] | None) -> tuple[float, float] | None:
    if value is None:
        return None
    low, high = value
    if not 0 <= low <= high:
        raise ValueError(f"latency must be (low, high) with 0 <= low <= high, got {value!r}")
    return float(low), float(high)


class FakeTelegram(BotAPIServer):
    """The local Bot API server with scripted faults and latency; see the module docstring."""

    def __init__(
        self, *args: Any, latency: tuple[float, float] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._latency = _check_latency(latency)
        self._faults: dict[int, deque[Fault]] = {}
        self._fail_every: tuple[int, int] | None = None  # (n, code)
        self._counted = 0

    @property
    def latency(self) -> tuple[float, float] | None:
        """``(low, high)``: API calls but getUpdates are answered after a random wait."""
        return self._latency

    @latency.setter
    def latency(self, value: tuple[float, float] | None) -> None:
        self._latency = _check_latency(value)

    def fault(self, chat_id: int, *faults: Fault | FaultCode) -> None:
        """Queue faults for the next message-producing calls to ``chat_id`` (one per call)."""
        queue = self._faults.setdefault(chat_id, deque())
        queue.extend(f if isinstance(f, Fault) else Fault(f) for f in faults)

    def fail_every(self, n: int | None, code: int = 500) -> None:
        """From now on every nth API call (getUpdates aside) answers `code`; None: stop."""
        if n is not None and n < 1:
            raise ValueError("n must be at least 1")
        self._fail_every = None if n is None else (n, code)
        self._counted = 0

    def faults_pending(self, chat_id: int) -> int:
        """How many queued faults for ``chat_id`` have not been consumed yet."""
        return len(self._faults.get(chat_id, ()))

    def _refuse(self, method: str) -> TelegramError | None:
        if self._fail_every is None or method == "getUpdates":
            return None
        self._counted += 1
        n, code = self._fail_every
        if self._counted % n:
            return None
        return TelegramError(code, "Internal Server Error" if code == 500 else f"Error {code}")

    def _scripted(self, method: str, params: JSONDict) -> tuple[TelegramError | None, float]:
        chat_id = params.get("chat_id")
        if not is_limited(method) or isinstance(chat_id, bool) or not isinstance(chat_id, int):
            return None, 0.0
        queue = self._faults.get(chat_id)
        if not queue:
            return None, 0.0
        fault = queue.popleft()
        return _fault_error(fault, chat_id), fault.delay

    def _answer_delay(self, method: str) -> float:
        latency = self._latency
        if latency is None or method.lower() == "getupdates":
            return 0.0
        return random.uniform(*latency)
