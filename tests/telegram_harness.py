"""Running the real bot against the fake Bot API server inside a test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
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


SPAWNED: list[asyncio.subprocess.Process] = []  # every `python -m bot run` a test started


async def spawn_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`python -m bot run` in its own process, its output captured (see `bot_process`)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    SPAWNED.append(proc)
    return proc


@asynccontextmanager
async def bot_process(env: dict[str, str], cwd: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot run`, killed on the way out whatever happened (a failed assertion, a
    timeout): no test leaves a bot running."""
    proc = await spawn_bot(env, cwd)
    try:
        yield proc
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.communicate()  # not wait(): a full pipe left unread would block it


async def stop(proc: asyncio.subprocess.Process, within: float = 30.0) -> str:
    """SIGTERM, as systemd or Docker stop it; returns its output once it has exited."""
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = await asyncio.wait_for(proc.communicate(), within)
    return (stdout + stderr).decode("utf-8", errors="replace")


def alive(pid: int) -> bool:
    """Is the process still running (not exited, not a zombie waiting to be reaped)?"""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def webhook_env(api: FakeBotApi, settings: Settings, **extra: str) -> tuple[dict[str, str], str]:
    """The environment for `python -m bot run` in webhook mode on a free local port, and the
    URL it takes updates at."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    env = bot_env(
        api, settings, WEBHOOK_URL=url, WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), **extra
    )
    return env, url


async def webhook_secret(api: FakeBotApi) -> str | None:
    """Until the bot has registered its webhook (it listens by then): the secret it gave
    Telegram, which Telegram sends with every update (None if it gave none)."""
    hook = (await api.wait_for("setWebhook", 1, within=30))[0]
    secret = hook.get("secret_token")
    return str(secret) if secret is not None else None


async def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    """POST an update to the bot's webhook as Telegram does; returns the HTTP status."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status
