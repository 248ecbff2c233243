"""Running the real bot against the fake Bot API server inside a test."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import Application
from telegram.request import BaseRequest

from bot.config import Settings
from bot.live import LiveSnapshot
from bot.search.snapshot import load_snapshot
from bot.storage import Storage
from bot.telegram.app import build_application
from tests.fakeapi import BOT_ID, TOKEN, FakeBotApi
from tests.paths import CORPUS_DIR, ROOT

ADMIN_ID = 9001


@dataclass
class RunningBot:
    app: Application  # type: ignore[type-arg]
    api: FakeBotApi
    storage: Storage
    live: LiveSnapshot
    settings: Settings
    corpus_dir: Path

    async def ask(self, update: dict[str, Any], method: str = "sendMessage") -> dict[str, Any]:
        """Push an update and return the next call of `method` it causes."""
        before = len(self.api.sent(method))
        await self.api.push(update)
        calls = await self.api.wait_for(method, before + 1)
        return calls[before]

    async def silent(self, update: dict[str, Any]) -> None:
        """Push an update and check the bot sends nothing for it."""
        before = len(self.api.calls)
        await self.settled(await self.api.push(update))
        sent = [c.method for c in self.api.calls[before:] if c.method not in {"getUpdates"}]
        assert sent == [], sent

    async def settled(self, update_id: int | None = None, within: float = 10.0) -> None:
        """Until the bot has fetched every update up to `update_id` (default: the last pushed)
        and has finished handling all it fetched: then what it sends for them has been sent."""
        update_id = self.api.last_update_id if update_id is None else update_id
        deadline = time.monotonic() + within
        calm = 0
        while calm < 2:  # idle twice in a row: nothing was between the queue and a handler
            if time.monotonic() > deadline:
                raise AssertionError(f"update {update_id} not handled within {within}s")
            await asyncio.sleep(0.01)
            fetched = all(u["update_id"] > update_id for u in self.api.pending_updates())
            idle = (
                self.app.update_queue.empty()
                and self.app.update_processor.current_concurrent_updates == 0
            )
            calm = calm + 1 if fetched and idle else 0

    def callback(self, data: str, message: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        return {
            "callback_query": {
                "id": f"cb{time.monotonic_ns()}",
                "from": user,
                "chat_instance": "ci",
                "data": data,
                "message": message,
            }
        }

    def bot_message(self, sent: dict[str, Any], message_id: int = 5000) -> dict[str, Any]:
        """The message object Telegram would attach to a button press on `sent`."""
        chat_id = int(sent["chat_id"])
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Tanya Artikel"},
            "text": "…",
        }


def buttons(sent: dict[str, Any]) -> list[str]:
    markup = sent.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def make_settings(api: FakeBotApi, tmp_path: Path, **overrides: Any) -> Settings:
    corpus_dir = tmp_path / "corpus"
    if not corpus_dir.exists():
        shutil.copytree(CORPUS_DIR, corpus_dir)
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "telegram_base_url": api.base_url,
        "admin_ids": frozenset({ADMIN_ID}),
        "corpus_dir": corpus_dir,
        "database_path": tmp_path / "bot.sqlite3",
        "rate_limiter": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def bot_env(api: FakeBotApi, settings: Settings, **extra: str) -> dict[str, str]:
    """The environment for `python -m bot run` in a subprocess, talking to `api`."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM")},
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": api.base_url,
        "CORPUS_DIR": str(settings.corpus_dir),
        "DATABASE_PATH": str(settings.database_path),
        **extra,
    }


async def spawn_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`python -m bot run` in its own process, its output captured."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@asynccontextmanager
async def running_bot(
    api: FakeBotApi, settings: Settings, request: BaseRequest | None = None
) -> AsyncIterator[RunningBot]:
    live = LiveSnapshot(load_snapshot(settings.corpus_dir), settings.corpus_dir, settings.top_k)
    storage = Storage(settings.database_path, store_question_text=settings.store_question_text)
    app = build_application(settings, live, storage, request=request)
    async with app:
        assert app.post_init is not None and app.updater is not None
        await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield RunningBot(app, api, storage, live, settings, settings.corpus_dir)
        finally:
            await app.updater.stop()
            await app.stop()
            assert app.post_shutdown is not None
            await app.post_shutdown(app)
