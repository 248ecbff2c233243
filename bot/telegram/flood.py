"""Flood control: a sliding one-minute window per key (a user, or a group)."""

from __future__ import annotations

import time
from collections import deque
from enum import Enum


class Verdict(Enum):
    OK = "ok"
    NOTICE = "notice"  # over the limit: tell the user once
    SILENT = "silent"  # still over the limit: say nothing


class FloodGate:
    """At most `limit` events per `window` seconds per key; one notice, then silence.

    Remembers at most `max_keys` keys (idle ones are forgotten first), so memory is bounded."""

    def __init__(self, limit: int, window: float = 60.0, max_keys: int = 50_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._events: dict[int, deque[float]] = {}
        self._noticed: set[int] = set()

    def check(self, key: int, now: float | None = None) -> Verdict:
        now = time.monotonic() if now is None else now
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self.max_keys:
                self._forget_idle(now)
            while len(self._events) >= self.max_keys:  # all active: forget the oldest key
                oldest = next(iter(self._events))
                del self._events[oldest]
                self._noticed.discard(oldest)
            events = self._events[key] = deque()
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            self._noticed.discard(key)
            return Verdict.OK
        if key in self._noticed:
            return Verdict.SILENT
        self._noticed.add(key)
        return Verdict.NOTICE

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.window]
        for key in idle:
            del self._events[key]
            self._noticed.discard(key)
