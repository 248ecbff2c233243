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
from bot.reading.message import MAX_QUESTION_CHARS, read
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


def reply_lang(update: Update, text: str) -> Lang:
    """The language to answer `text` in: the one its words are written in, else the user's."""
    try:
        written = read(text[:MAX_QUESTION_CHARS]).language if text.strip() else None
    except Exception:  # the wording must never be what fails a reply
        log.exception("could not tell the language of a message")
        written = None
    return written or lang_of(update)


def own_words(message: Message) -> str:
    """What the user wrote in their own words: a command's name ("/help") says nothing of
    their language, the question after it ("/ask …") does."""
    text = message.text or message.caption or ""
    if text.startswith("/"):
        parts = text.split(maxsplit=1)
        return parts[1] if len(parts) > 1 else ""
    return text
