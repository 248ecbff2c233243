"""kill -9 under load: `python -m bot run` against the fake Bot API (127.0.0.1 only), killed with
SIGKILL at random moments while questions keep coming, restarted each time, and finally left to
catch up. Counts questions never answered, answered twice, question-log rows lost and questions
logged twice; and, at each kill, the questions in flight: answered, but not yet marked done in
the inbox (at-least-once answers each of them again; nothing else should be answered twice).

Used by `tests/test_kill9.py` (small) and `benchmarks/kill9.py` (larger, beside the baseline).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import signal
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bot.telegram.app import inbox_path
from tests.fakeapi import FakeBotApi
from tests.paths import EXTRA_QUESTIONS
from tests.telegram_harness import bot_env, make_settings, spawn_bot

FIRST_USER = 100_000  # each question comes from its own user, so log rows can be matched


@dataclass(frozen=True)
class Kill9Result:
    questions: int
    kills: int
    fetched: int  # questions the bot took from the server (acknowledged)
    unanswered: int  # of those, never answered
    duplicated: int  # answered more than once (at-least-once allows it)
    in_flight: int  # at the kills: answered, not yet marked done (so answered again)
    log_rows_lost: int  # answered, but no row in the question log
    logged_twice: int  # questions with more than one row in the question log
    seconds: float


def _questions() -> list[str]:
    data = json.loads(EXTRA_QUESTIONS.read_text(encoding="utf-8"))
    return [q["q"] for q in data["answerable"]]


async def _started(api: FakeBotApi, before: int, proc: asyncio.subprocess.Process) -> None:
    """Until the new process has set its command menus (it is then polling)."""
    while len(api.sent("setMyCommands")) <= before:
        if proc.returncode is not None:
            raise AssertionError("the bot exited at start")
        await asyncio.sleep(0.02)


async def run_kill9(
    tmp: Path,
    *,
    questions: int = 300,
    rate: float = 100.0,
    kills: int = 3,
    seed: int = 1,
    durable_inbox: bool = True,
    catch_up: float = 20.0,
) -> Kill9Result:
    rng = random.Random(seed)
    pool = _questions()
    started = time.monotonic()
    async with FakeBotApi() as api:
        settings = make_settings(api, tmp)
        env = bot_env(
            api,
            settings,
            RATE_LIMITER="false",
            LOG_LEVEL="ERROR",
            DURABLE_INBOX="true" if durable_inbox else "false",
        )
        asked: list[int] = []
        in_flight = 0

        async def produce() -> None:
            for i in range(questions):
                user = api.user(FIRST_USER + i)
                update = api.message(pool[i % len(pool)], user=user, chat_id=FIRST_USER + i)
                asked.append(update["message"]["message_id"])
                await api.push(update)
                await asyncio.sleep(1 / rate)

        producer = asyncio.create_task(produce())
        for _ in range(kills):
            menus = len(api.sent("setMyCommands"))
            proc = await spawn_bot(env, tmp)
            await asyncio.wait_for(_started(api, menus, proc), 60)
            await asyncio.sleep(rng.uniform(0.05, 1.0))
            proc.send_signal(signal.SIGKILL)
            await proc.communicate()
            await asyncio.sleep(0.2)  # a request written just before the kill lands
            in_flight += _answered_not_done(inbox_path(settings), api.replies)
        proc = await spawn_bot(env, tmp)
        try:
            await producer
            deadline = time.monotonic() + catch_up
            while time.monotonic() < deadline:
                if all(api.replies.get(m, 0) for m in asked):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # let a late duplicate arrive before counting
        finally:
            proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(proc.communicate(), 30)
        pending = {u["message"]["message_id"] for u in api.pending_updates() if "message" in u}
        fetched = [m for m in asked if m not in pending]
        replies = {m: api.replies.get(m, 0) for m in fetched}
        answered_users = {
            FIRST_USER + i for i, m in enumerate(asked) if m in replies and replies[m] > 0
        }
    with sqlite3.connect(settings.database_path) as db:
        rows = dict(db.execute("SELECT user_id, COUNT(*) FROM questions GROUP BY user_id"))
    logged = {int(user) for user in rows}
    return Kill9Result(
        questions=questions,
        kills=kills,
        fetched=len(fetched),
        unanswered=sum(1 for n in replies.values() if n == 0),
        duplicated=sum(1 for n in replies.values() if n > 1),
        in_flight=in_flight,
        log_rows_lost=len(answered_users - logged),
        logged_twice=sum(1 for n in rows.values() if n > 1),
        seconds=time.monotonic() - started,
    )


def _answered_not_done(inbox: Path, replies: dict[int, int]) -> int:
    """Updates still pending in the inbox of a killed run whose question has a reply."""
    if not inbox.exists():
        return 0
    with contextlib.closing(sqlite3.connect(inbox)) as db:
        rows = db.execute("SELECT payload FROM inbox WHERE done = 0").fetchall()
    pending = [json.loads(row[0]).get("message", {}).get("message_id") for row in rows if row[0]]
    return sum(1 for message_id in pending if replies.get(message_id, 0) > 0)
