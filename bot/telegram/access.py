"""Who may use the bot: `ALLOWED_CHAT_IDS` for groups, `ALLOWED_USER_IDS` for private chats and
inline mode; admins (`ADMIN_IDS`) always pass.

One `TypeHandler` in a group of its own, ahead of every other handler (flood control, admin
commands, readers), sees every update, so no path can skip it. In a group that is not allowed the
bot answers nothing and leaves it, also as soon as it is added to one; a user who is not allowed
gets silence (and one short line for `/start`, so a private bot does not look broken).
"""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.config import Settings
from bot.messages import t
from bot.render import escape
from bot.telegram import operations
from bot.telegram.flood import Verdict
from bot.telegram.send import lang_of, reply
from bot.telegram.state import get_state

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

# before everything else, flood control (-5) and admin commands included
ACCESS_GROUP = -10
LEFT_KEY = "access_left"  # groups left (and the admins told) since start
_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.RESTRICTED, ChatMember.OWNER}


def chat_allowed(settings: Settings, chat: Chat) -> bool:
    """Private chats always; groups, supergroups and channels when listed (or no list is set)."""
    return (
        chat.type == ChatType.PRIVATE
        or not settings.allowed_chat_ids
        or chat.id in settings.allowed_chat_ids
    )


def user_allowed(settings: Settings, user_id: int | None) -> bool:
    return (
        not settings.allowed_user_ids
        or user_id in settings.allowed_user_ids
        or user_id in settings.admin_ids
    )


async def guard(update: Update, context: Context) -> None:
    """Let the update through, or stop it here (and leave a group that is not allowed)."""
    settings = get_state(context).settings
    if not settings.allowed_chat_ids and not settings.allowed_user_ids:
        return
    member = update.my_chat_member
    if member is not None:  # the bot itself was added, promoted, removed…
        if not chat_allowed(settings, member.chat):
            if member.new_chat_member.status in _PRESENT:
                await leave(context, member.chat)
            raise ApplicationHandlerStop
        return
    chat, user = update.effective_chat, update.effective_user
    user_id = user.id if user is not None else None
    if user_id is not None and user_id in settings.admin_ids:
        return
    if chat is not None and chat.type != ChatType.PRIVATE:
        if chat_allowed(settings, chat):
            return
        await leave(context, chat)
        raise ApplicationHandlerStop
    if user_id is None or user_allowed(settings, user_id):
        return
    message = update.message
    # said once an hour at most: a user who is not allowed cannot make the bot talk
    if (
        message is not None
        and (message.text or "").startswith("/start")
        and get_state(context).turned_away.check(user_id) is Verdict.OK
    ):
        await reply(message, t("private_bot", lang_of(update)))
    raise ApplicationHandlerStop


async def leave(context: Context, chat: Chat) -> None:
    """Leave a chat that is not allowed, and tell the admins its id (to allow it, if wanted)."""
    log.warning("leaving chat %d (%s): not in ALLOWED_CHAT_IDS", chat.id, chat.type)
    try:
        await context.bot.leave_chat(chat.id)
    except TelegramError as exc:  # already gone, or a network error: the next update tries again
        log.info("could not leave chat %d: %s", chat.id, exc)
        return
    told: set[int] = context.application.bot_data.setdefault(LEFT_KEY, set())
    if chat.id in told:  # updates that were already on their way when it left
        return
    told.add(chat.id)
    title = escape(chat.title or "?")
    await operations.notify_admins(
        context.application, lambda lang: t("left_group_alert", lang, title=title, chat_id=chat.id)
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(TypeHandler(Update, guard), group=ACCESS_GROUP)
