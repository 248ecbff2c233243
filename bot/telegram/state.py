"""What the handlers share, kept in `application.bot_data`: the live snapshot, storage, the
inbox, settings, recent answers (for the "More" button), conversations, flood gates and the
lock that serialises corpus changes."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.live import LiveSnapshot
from bot.messages import Lang
from bot.search.answer import Passage
from bot.search.conversation import Conversations
from bot.storage import Storage
from bot.telegram.flood import FloodGate
from bot.telegram.inbox import Inbox

STATE_KEY = "state"


@dataclass(frozen=True)
class SentAnswer:
    """An answer the bot sent, remembered so "More" can page through it."""

    question: str
    passages: tuple[Passage, ...]
    lang: Lang


class RecentAnswers:
    """The last few thousand answers by id, oldest forgotten first."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self._items: OrderedDict[str, SentAnswer] = OrderedDict()

    def add(self, answer: SentAnswer) -> str:
        answer_id = secrets.token_hex(5)
        self.put(answer_id, answer)
        return answer_id

    def put(self, answer_id: str, answer: SentAnswer) -> None:
        self._items[answer_id] = answer
        self._items.move_to_end(answer_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, answer_id: str) -> SentAnswer | None:
        return self._items.get(answer_id)


@dataclass
class BotState:
    settings: Settings
    live: LiveSnapshot
    storage: Storage | None
    inbox: Inbox | None = None
    answers: RecentAnswers = field(default_factory=RecentAnswers)
    answer_ms: float = 0.0  # moving average of the time to answer (handlers.ask)
    # held by every change to the corpus (upload, /remove, /reload, auto reload)
    user_gate: FloodGate = field(default_factory=lambda: FloodGate(20))
    group_gate: FloodGate = field(default_factory=lambda: FloodGate(30))
    # users who are not allowed: told so at most once an hour (bot/telegram/access.py)
    turned_away: FloodGate = field(default_factory=lambda: FloodGate(1, window=3600.0))
    conversations: Conversations = field(default_factory=lambda: Conversations(300.0))

    @classmethod
    def create(
        cls,
        settings: Settings,
        live: LiveSnapshot,
        storage: Storage | None,
        inbox: Inbox | None = None,
    ) -> BotState:
        per_minute = (
            max(1, int(60 / settings.group_cooldown_seconds))
            if settings.group_cooldown_seconds
            else 10_000
        )
        return cls(
            settings=settings,
            live=live,
            storage=storage,
            inbox=inbox,
            user_gate=FloodGate(settings.flood_limit_per_minute),
            group_gate=FloodGate(per_minute),
            conversations=Conversations(settings.followup_seconds),
        )


def get_state(holder: ContextTypes.DEFAULT_TYPE | Application) -> BotState:  # type: ignore[type-arg]
    """The shared state, from a handler's context or from the application itself."""
    application = holder if isinstance(holder, Application) else holder.application
    state: BotState = application.bot_data[STATE_KEY]
    return state
