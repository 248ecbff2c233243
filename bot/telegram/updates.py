"""Reading updates one at a time, so that one the bot cannot use never stalls the others.

Telegram adds fields as the Bot API grows, and an update can lack one this library requires (a
chat without its `type`, a poll without its options). PTB reads a `getUpdates` batch as a whole:
one such update fails the batch, the offset never moves past it, and every later `getUpdates`
fails on the same batch (and logs it, user data and all). Here each update is read on its own;
one that cannot be read is set aside: logged once by its `update_id` alone (never its content),
and replaced by an empty update with that id, which the offset moves past and no handler answers.

PTB checks no types either: an `update_id` of "11" became the offset "11" + 1, a TypeError that
ended polling without a word (and made shutdown fail). So an update is also set aside when its
`update_id` is not a Bot API integer, or when a field the bot reads (ids, texts, the language)
holds a value of the wrong type. An entry whose own id is unusable cannot give the offset; when
it ends the batch it is replaced by the id after the one before it, which moves the offset past
it and skips nothing: Telegram serves updates in order of id, so any other update below its real
id would have come before it in the batch.

The webhook (`bot/telegram/webhook.py`) and the inbox's replay at start read updates the same way.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import telegram
from telegram import Bot, CallbackQuery, Chat, InlineQuery, Message, Update, User
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

# Bot API integers fit in 32 bits unless documented as wider (user and chat ids are), and
# update_id is not; a negative one would make a negative offset ("the last updates").
MAX_UPDATE_ID = 2**31 - 1
# a batch with nothing usable in it comes back at once: asked again after this pause, not in a
# busy loop
UNUSABLE_BATCH_PAUSE = 1.0


def update_id_of(data: object) -> int | None:
    """The `update_id` of a raw update, when it is one the offset can be made from."""
    value = data.get("update_id") if isinstance(data, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_UPDATE_ID:
        return value
    return None


def read_update(data: object, bot: Bot | None) -> Update | None:
    """`data` as an `Update`; None (logged once, by id only) when the bot cannot use it."""
    update = parse_update(data, bot)
    if isinstance(update, str):
        set_aside(update_id_of(data), update)
        return None
    return update


def parse_update(data: object, bot: Bot | None) -> Update | str:
    """`data` as an `Update`, or why the bot cannot use it (in words that carry no user data)."""
    update_id = update_id_of(data)
    if update_id is None:
        return _unusable_id(data)
    try:
        update = Update.de_json(data, bot)  # type: ignore[arg-type]
    except Exception as exc:
        return _why(exc)
    wrong = wrong_field(update)
    if wrong is not None:
        return f"{wrong} is of the wrong type"
    return update


def set_aside(update_id: int | None, why: str) -> None:
    log.error(
        "update %s cannot be used (%s; read with python-telegram-bot %s); set aside",
        update_id if update_id is not None else "without a usable id",
        why,
        telegram.__version__,
    )


def _why(exc: Exception) -> str:
    """The error in words that carry no user data: its type, and for a missing field its name."""
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        return f"missing field {exc.args[0]!r}"
    return type(exc).__name__


_JSON_TYPES = {
    str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "an array",
    dict: "an object",
}  # fmt: skip


def _unusable_id(data: object) -> str:
    """Why an entry has no usable id, without its value (which could be anything)."""
    if not isinstance(data, dict):
        return f"not an object but {_JSON_TYPES.get(type(data), 'null')}"
    if "update_id" not in data:
        return "missing field 'update_id'"
    value = data["update_id"]
    if isinstance(value, int) and not isinstance(value, bool):
        return "update_id out of range"
    return f"update_id is {_JSON_TYPES.get(type(value), 'null')}"


# --------------------------------------------------------------------------- field types


Check = tuple[str, object, type | tuple[type, ...]]


def wrong_field(update: Update) -> str | None:
    """The name of the first field the bot reads whose value has the wrong type, if any."""
    for name, value, kinds in _checks(update):
        if not _fits(value, kinds):
            return name
    return None


def _fits(value: object, kinds: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # a bool is an int to isinstance, never to the Bot API
        return kinds is bool
    return isinstance(value, kinds)


def _checks(update: Update) -> list[Check]:
    checks: list[Check] = []
    for name in ("message", "edited_message", "channel_post", "edited_channel_post"):
        message = getattr(update, name)
        if isinstance(message, Message):
            checks += _message(name, message, replied=True)
    query = update.callback_query
    if isinstance(query, CallbackQuery):
        checks += [("callback_query.id", query.id, str), ("callback_query.data", query.data, _STR)]
        checks += _user("callback_query.from", query.from_user)
        if isinstance(query.message, Message):
            checks += _message("callback_query.message", query.message, replied=False)
    inline = update.inline_query
    if isinstance(inline, InlineQuery):
        checks += [
            ("inline_query.id", inline.id, str),
            ("inline_query.query", inline.query, str),
            ("inline_query.offset", inline.offset, str),
        ]
        checks += _user("inline_query.from", inline.from_user)
    member = update.my_chat_member
    if member is not None:
        checks += _chat("my_chat_member.chat", member.chat)
        checks += [("my_chat_member.new_chat_member.status", member.new_chat_member.status, str)]
    return checks


_STR = (str, type(None))
_INT = (int, type(None))


def _message(name: str, message: Message, *, replied: bool) -> list[Check]:
    checks: list[Check] = [
        (f"{name}.message_id", message.message_id, int),
        (f"{name}.text", message.text, _STR),
        (f"{name}.caption", message.caption, _STR),
    ]
    checks += _chat(f"{name}.chat", message.chat)
    checks += _user(f"{name}.from", message.from_user)
    for entity in (*message.entities, *message.caption_entities):
        checks += [
            (f"{name}.entities.type", entity.type, str),
            (f"{name}.entities.offset", entity.offset, int),
            (f"{name}.entities.length", entity.length, int),
        ]
    if message.quote is not None:
        checks.append((f"{name}.quote.text", message.quote.text, str))
    document = message.document
    if document is not None:
        checks += [
            (f"{name}.document.file_id", document.file_id, str),
            (f"{name}.document.file_name", document.file_name, _STR),
            (f"{name}.document.file_size", document.file_size, _INT),
        ]
    replied_to = message.reply_to_message
    if replied and isinstance(replied_to, Message):
        checks += _message(f"{name}.reply_to_message", replied_to, replied=False)
    return checks


def _chat(name: str, chat: Chat) -> list[Check]:
    return [(f"{name}.id", chat.id, int), (f"{name}.type", chat.type, str)]


def _user(name: str, user: User | None) -> list[Check]:
    if user is None:
        return []
    return [
        (f"{name}.id", user.id, int),
        (f"{name}.is_bot", user.is_bot, bool),
        (f"{name}.username", user.username, _STR),
        (f"{name}.language_code", user.language_code, _STR),
    ]


# --------------------------------------------------------------------------- polling


def readable(batch: list[Any], bot: Bot, offset: object = None) -> list[dict[str, Any]]:
    """A `getUpdates` result (asked for with `offset`) with every update the bot cannot use
    replaced by an empty update with its id, so that the offset moves past it (see the module).
    An entry without a usable id is dropped, unless it ends the batch and the id before it is
    known (from the batch, or the offset asked with)."""
    out: list[dict[str, Any]] = []
    last = update_id_of({"update_id": offset - 1}) if isinstance(offset, int) else None
    for n, data in enumerate(batch):
        update = read_update(data, bot)
        if update is not None:
            out.append(data)
            last = update.update_id
            continue
        update_id = update_id_of(data)
        if update_id is None and n == len(batch) - 1 and last is not None:
            update_id = update_id_of({"update_id": last + 1})
        if update_id is not None:
            out.append({"update_id": update_id})
            last = update_id
    return out


class TolerantBot(ExtBot[int]):
    """PTB's `ExtBot`, reading a `getUpdates` batch one update at a time (see the module)."""

    async def _post(self, endpoint: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            usable = readable(result, self, (data or {}).get("offset"))
            if result and not usable:
                await asyncio.sleep(UNUSABLE_BATCH_PAUSE)
            return usable
        return result
