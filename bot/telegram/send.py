"""Sending to Telegram: replies with plainer fallbacks for a strict server, and the language to
speak to a user in. Shared by the reader's handlers and the admin commands, so neither imports
the other. Retries are not made here: every call is retried by the one policy in
`bot/telegram/pacing.py`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.messages import Lang, language_of
from bot.render import strip_tags

log = logging.getLogger(__name__)


async def reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Reply to `message` in HTML, quoting it.

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
            return await attempt()
        except BadRequest as exc:
            if n == len(attempts) - 1:
                raise
            log.warning("reply rejected (%s); trying a plainer form", exc)
    raise AssertionError("unreachable")


def lang_of(update: Update) -> Lang:
    """The user's language, as their Telegram is set (Indonesian unless it is English)."""
    user = update.effective_user
    return language_of(user.language_code if user else None)
