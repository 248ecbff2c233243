"""The handlers' context: PTB's `CallbackContext`, plus what is worked out once per update.

PTB builds one context for an update and hands it to every handler that takes the update, group
after group (its `contexttypesbot.py` example shows a custom context class). So a group
message is read once for what it asks the bot, by whichever handler needs it first (the flood
gate, which counts only messages addressed to the bot, and then the group handler), not twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot


@dataclass(frozen=True)
class Addressed:
    """What a group message asks the bot: `question` ("" when it only addresses the bot, as
    "@TheBot" alone in reply to someone), and whether it came as a typed "/ask …"."""

    question: str
    via_ask: bool = False


class Unread:
    """Not worked out yet (None is an answer: "not addressed to the bot")."""


UNREAD = Unread()


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.addressed: Addressed | Unread | None = UNREAD
