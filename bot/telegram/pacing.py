"""The one retry policy, and the pacing under Telegram's limits: every Bot API call the bot makes
after start passes here (PTB's `BaseRateLimiter` hook), so nothing else retries a call.

- **429** (Telegram says "retry after N s"): only the chat the call was for waits N s, and every
  call to that chat waits with it; other chats go on. A 429 on a call that names no chat (an
  inline answer, a button's answer) holds every call. Tried again at most `RETRIES` times, and
  not at all when Telegram asks for more than `MAX_RETRY_AFTER` seconds.
- **The request did not reach Telegram** (no connection could be made, or none of the pool's
  was free in time) or **Telegram answered 5xx**: tried again after 0.5, 1 and 2 s.
- **A timeout, or a connection lost once the request was on its way**: the call may have been
  carried out. A call that only sets something (an edit, a button's answer, "typing…") is tried
  again like the above; a call that posts a message (`sendMessage` and the other `send…`,
  `copy…`, `forward…`) is never sent again, as the user would get it twice: the error goes to
  the handler, which logs it.
- `getUpdates` is left to PTB's polling loop, which fetches again by itself.

Pacing (`RATE_LIMITER=true`, the default) keeps every 1-s window under 30 messages overall and
every 60-s window under 20 per group: PTB's `AIORateLimiter` buckets let a full bucket out at
once (about 60 in the first second), so each bucket here holds one and refills just under the
limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.telegram.transport import NotSent, ServerFailed

log = logging.getLogger(__name__)

RETRIES = 3  # after the first attempt
BACKOFF = (0.5, 1.0, 2.0)  # seconds before each retry of a failed connection or a 5xx
MAX_RETRY_AFTER = 60.0  # a 429 asking to wait longer than this is not waited out
MAX_GROUP_LIMITERS = 1024
# one message to a group every 60/18 s, at most 19 in any 60 s: with 60/19 the burst of
# benchmarks/e2e_load.py counted 21 in one 60-s window at the server
GROUP_SPACING = 60 / 18

Result = bool | dict[str, Any] | list[dict[str, Any]]
Call = Callable[..., Coroutine[Any, Any, Result]]
ChatKey = int | str


def posts_a_message(endpoint: str) -> bool:
    """Would doing this call twice post twice? (`sendChatAction` only shows "typing…".)"""
    return endpoint != "sendChatAction" and endpoint.startswith(("send", "copy", "forward"))


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB warns that the type becomes timedelta
        warnings.simplefilter("ignore")
        wait = exc.retry_after
    return wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)


class Pacing(BaseRateLimiter[int]):
    """Paces calls under Telegram's limits (when `pace`) and retries them by the policy above.

    A call's `rate_limit_args` is the number of retries it may have (0 for cosmetic calls such
    as "typing…", which should never hold up an answer)."""

    def __init__(self, *, pace: bool = True) -> None:
        self._pace = pace
        self._overall = AsyncLimiter(1, 1 / 29) if pace else None
        self._groups: dict[ChatKey, AsyncLimiter] = {}
        self._held: dict[ChatKey | None, float] = {}  # chat (None: every chat) -> until, monotonic

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Call,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        if endpoint == "getUpdates":
            return await callback(*args, **kwargs)
        chat = _chat_key(data.get("chat_id"))
        retries = RETRIES if rate_limit_args is None else min(rate_limit_args, RETRIES)
        for attempt in range(retries + 1):
            await self._wait_while_held(chat)
            try:
                async with self._paced(chat):
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                if attempt == retries or seconds > MAX_RETRY_AFTER:
                    raise
                self._hold(chat, seconds)
                log.warning(
                    "Telegram asked to wait %.0f s (429) for %s; %s waits",
                    seconds,
                    endpoint,
                    "that chat" if chat is not None else "every call",
                )
            except NetworkError as exc:
                if attempt == retries or not _worth_repeating(endpoint, exc):
                    raise
                delay = BACKOFF[min(attempt, len(BACKOFF) - 1)]
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _hold(self, chat: ChatKey | None, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._held[chat] = max(until, self._held.get(chat, 0.0))

    async def _wait_while_held(self, chat: ChatKey | None) -> None:
        while True:
            now = time.monotonic()
            until = max(self._held.get(None, 0.0), self._held.get(chat, 0.0))
            if until <= now:
                self._forget_expired(now)
                return
            await asyncio.sleep(until - now)

    def _forget_expired(self, now: float) -> None:
        if len(self._held) > MAX_GROUP_LIMITERS:
            for key in [k for k, until in self._held.items() if until <= now]:
                del self._held[key]

    @contextlib.asynccontextmanager
    async def _paced(self, chat: ChatKey | None) -> Any:
        if not self._pace or chat is None:
            yield
            return
        group = self._group(chat) if _is_group(chat) else None
        assert self._overall is not None
        async with contextlib.AsyncExitStack() as stack:
            if group is not None:
                await stack.enter_async_context(group)
            await stack.enter_async_context(self._overall)
            yield

    def _group(self, chat: ChatKey) -> AsyncLimiter:
        limiter = self._groups.get(chat)
        if limiter is None:
            if len(self._groups) >= MAX_GROUP_LIMITERS:  # forget groups whose bucket is full
                for key, idle in list(self._groups.items()):
                    if idle.has_capacity(idle.max_rate):
                        del self._groups[key]
            limiter = self._groups[chat] = AsyncLimiter(1, GROUP_SPACING)
        return limiter


def _worth_repeating(endpoint: str, exc: NetworkError) -> bool:
    """A failure the call can be tried again after, by the policy above."""
    if isinstance(exc, BadRequest):
        return False  # Telegram refused it: the same request would be refused again
    if isinstance(exc, NotSent | ServerFailed):
        return True
    if isinstance(exc, TimedOut) or type(exc) is NetworkError:
        return not posts_a_message(endpoint)  # it may have been carried out
    return False


def _chat_key(chat_id: object) -> ChatKey | None:
    if chat_id is None:
        return None
    try:
        return int(chat_id)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return str(chat_id)  # "@channelusername"


def _is_group(chat: ChatKey) -> bool:
    return isinstance(chat, str) or chat < 0
