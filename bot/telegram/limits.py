"""Flood control, applied where handlers are registered: one `TypeHandler` in a group of its own,
after the access check and before every other handler, sees every update, so no path skips it.

Everything a user makes the bot answer counts against their per-user limit: questions, commands,
stickers and other non-text messages, button presses, inline queries with text. In a group only
what is addressed to the bot counts (a command for it, a mention, a reply to it, /ask), and it
counts against the group's limit too; everything else there is ignored anyway. Admins are not
counted. Past a limit the user gets one polite notice (a reply in the language of what they
wrote, or a toast for a button), then silence until the window has room again.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.messages import t
from bot.telegram.context import BotContext
from bot.telegram.flood import Verdict
from bot.telegram.handlers import addressed
from bot.telegram.send import lang_of, own_words, reply, reply_lang
from bot.telegram.state import get_state

log = logging.getLogger(__name__)

Context = BotContext

# after the access check (-10) and the admins' language (-9), before admin commands (-1)
FLOOD_GROUP = -5


async def flood_gate(update: Update, context: Context) -> None:
    """Let the update through, or stop it here when its user (or group) is over the limit."""
    if counts(update, context) and not await within_limits(update, context):
        raise ApplicationHandlerStop


def counts(update: Update, context: Context) -> bool:
    """Will the bot answer this update (and so should it count)?"""
    state = get_state(context)
    user = update.effective_user
    if user is None or user.is_bot or user.id in state.settings.admin_ids:
        return False
    if update.callback_query is not None:
        return True
    if update.inline_query is not None:  # typing shows examples for free, a query counts
        return bool(update.inline_query.query.strip())
    message = update.message
    if message is None and state.settings.edited_messages == "answer":
        message = update.edited_message
    if message is None:
        return False  # channel posts, membership changes, polls…: never answered
    if message.chat.type == ChatType.PRIVATE:
        return not _service(message)
    return _command_for(message, context.bot.username) or addressed(update, context) is not None


def _service(message: Message) -> bool:
    """A message about the chat rather than from the user (a pin, a new member…)."""
    return not (message.text or message.effective_attachment or message.caption)


def _command_for(message: Message, username: str) -> bool:
    """A command addressed to this bot ("/help", "/help@ThisBot"; not "/help@OtherBot")."""
    entities = message.entities
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset != 0:
        return False
    command = (message.text or "")[: entities[0].length]
    _, _, target = command.partition("@")
    return not target or target.lower() == username.lower()


async def within_limits(update: Update, context: Context) -> bool:
    """Count this update; False (after one polite notice) when over a limit."""
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
    with contextlib.suppress(TelegramError):
        if update.inline_query is not None:
            await update.inline_query.answer([], cache_time=5, is_personal=True)
        elif update.callback_query is not None:  # always acknowledged: no spinning button
            text = t("flood", lang_of(update)) if notice else None
            await update.callback_query.answer(text)
        elif notice and update.effective_message is not None:
            message = update.effective_message
            text = t("flood", reply_lang(update, own_words(message)))
            try:
                await reply(message, text)
            except TelegramError as exc:
                log.warning("flood notice not sent: %s", exc)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, flood_gate), group=FLOOD_GROUP)
