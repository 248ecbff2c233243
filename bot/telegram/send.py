"""Sending to Telegram: replies that retry timeouts, network errors and 429s, with plainer
fallbacks for a strict server; and the language to speak to a user. Shared by the reader's
handlers and the admin commands, so neither imports the other."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.messages import Lang, language_of
from bot.render import strip_tags

log = logging.getLogger(__name__)

T = TypeVar("T")


async def send_retrying(send: Callable[[], Awaitable[T]], attempts: int = 4) -> T:
    """Send, retrying timeouts, network errors and 429s with backoff; the last error is raised."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except RetryAfter as exc:
            if attempt == attempts:
                raise
            with warnings.catch_warnings():  # PTB warns that the type becomes timedelta
                warnings.simplefilter("ignore")
                wait = exc.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            log.warning("Telegram asked to wait %.1fs (429); retrying", seconds)
            await asyncio.sleep(seconds)
        except (TimedOut, NetworkError) as exc:
            if attempt == attempts or isinstance(exc, BadRequest):
                raise
            log.warning("sending failed (%s); retry %d in %.1fs", exc, attempt, delay)
            await asyncio.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


async def reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Reply to `message` in HTML, quoting it; retried like every send.

    Fallbacks keep an answer coming from a strict or unusual API server: HTML it rejects is sent
    as plain text, and a reply reference it rejects is dropped (the answer is sent unquoted).
    """
    attempts: list[Callable[[], Awaitable[Message]]] = [
        lambda: message.reply_text(text, reply_markup=markup),
        lambda: message.reply_text(strip_tags(text), reply_markup=markup, parse_mode=None),
        lambda: message.reply_text(text, reply_markup=markup, do_quote=False),
        lambda: message.reply_text(
            strip_tags(text), reply_markup=markup, parse_mode=None, do_quote=False
        ),
    ]
    for n, attempt in enumerate(attempts):
        try:
            return await send_retrying(attempt)
        except BadRequest as exc:
            if n == len(attempts) - 1:
                raise
            log.warning("reply rejected (%s); trying a plainer form", exc)
    raise AssertionError("unreachable")


def lang_of(update: Update) -> Lang:
    user = update.effective_user
    return language_of(user.language_code if user else None)
