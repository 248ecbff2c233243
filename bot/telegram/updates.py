"""Reading updates one at a time, so that one the installed python-telegram-bot cannot read never
stalls the others.

Telegram adds fields as the Bot API grows, and an update can lack one this library requires (a
chat without its `type`, a poll without its options). PTB reads a `getUpdates` batch as a whole:
one such update fails the batch, the offset never moves past it, and every later `getUpdates`
fails on the same batch (and logs it, user data and all). Here each update is read on its own;
one that cannot be read is set aside: logged once by its `update_id` alone (never its content),
and replaced by an empty update with that id, which the offset moves past and no handler answers.
The webhook (`bot/telegram/webhook.py`) and the inbox's replay at start read updates the same way.
"""

from __future__ import annotations

import logging
from typing import Any

import telegram
from telegram import Bot, Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


def read_update(data: object, bot: Bot) -> Update | None:
    """`data` as an `Update`; None (logged once, by id only) when this library cannot read it."""
    update_id = data.get("update_id") if isinstance(data, dict) else None
    try:
        update = Update.de_json(data, bot)  # type: ignore[arg-type]
    except Exception as exc:
        set_aside(update_id, _why(exc))
        return None
    return update


def set_aside(update_id: object, why: str) -> None:
    log.error(
        "update %s cannot be read by python-telegram-bot %s (%s); set aside",
        update_id if isinstance(update_id, int) else "without an id",
        telegram.__version__,
        why,
    )


def _why(exc: Exception) -> str:
    """The error in words that carry no user data: its type, and for a missing field its name."""
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        return f"missing field {exc.args[0]!r}"
    return type(exc).__name__


def readable(batch: list[Any], bot: Bot) -> list[dict[str, Any]]:
    """A `getUpdates` result with every update this library cannot read replaced by an empty
    update with its id (an entry without an id cannot be moved past, and is dropped)."""
    out: list[dict[str, Any]] = []
    for data in batch:
        if read_update(data, bot) is not None:
            out.append(data)
        elif isinstance(data, dict) and isinstance(data.get("update_id"), int):
            out.append({"update_id": data["update_id"]})
    return out


class TolerantBot(ExtBot[int]):
    """PTB's `ExtBot`, reading a `getUpdates` batch one update at a time (see the module)."""

    async def _post(self, endpoint: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            return readable(result, self)
        return result
