"""Flood control, applied where handlers are registered: `limited(handler)` wraps every handler
that answers a question (messages, /ask, example buttons, inline queries), so no path skips it.

Per user, and per group on top: past the limit the user gets one polite notice (a reply, or a
toast for a button), then silence until the window has room again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.messages import t
from bot.telegram.flood import Verdict
from bot.telegram.send import lang_of, reply
from bot.telegram.state import get_state

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
Counts = Callable[[Update, Context], bool]


def _always(update: Update, context: Context) -> bool:
    return True


def limited(handler: Handler, counts: Counts = _always) -> Handler:
    """`handler`, run only while the user (and group) is within the flood limits.

    `counts` says whether an update is a question at all (in groups, only messages addressed to
    the bot are): others pass through uncounted.
    """

    async def wrapped(update: Update, context: Context) -> None:
        if counts(update, context) and not await within_limits(update, context):
            return
        await handler(update, context)

    return wrapped


async def within_limits(update: Update, context: Context) -> bool:
    """Count this question; False (after one polite notice) when over a limit."""
    state = get_state(context)
    user, chat = update.effective_user, update.effective_chat
    verdicts = []
    if user is not None:
        verdicts.append(state.user_gate.check(user.id))
    if chat is not None and chat.type != ChatType.PRIVATE:
        verdicts.append(state.group_gate.check(chat.id))
    if all(v is Verdict.OK for v in verdicts):
        return True
    await _refuse(update, notice=Verdict.NOTICE in verdicts)
    return False


async def _refuse(update: Update, *, notice: bool) -> None:
    text = t("flood", lang_of(update))
    with contextlib.suppress(TelegramError):
        if update.inline_query is not None:
            await update.inline_query.answer([], cache_time=5, is_personal=True)
        elif update.callback_query is not None:  # always acknowledged: no spinning button
            await update.callback_query.answer(text if notice else None)
        elif notice and update.effective_message is not None:
            try:
                await reply(update.effective_message, text)
            except TelegramError as exc:
                log.warning("flood notice not sent: %s", exc)
