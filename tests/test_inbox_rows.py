"""Inbox rows the bot did not write as they are (a damaged file, a hand edit, another program):
each is set aside at start, the bot starts and answers, and `python -m bot health` names them."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Bot, Update

from bot.config import Settings
from bot.telegram.app import inbox_path
from bot.telegram.inbox import Inbox
from tests.fakeapi import TOKEN, FakeBotApi
from tests.telegram_harness import bot_env, bot_process, make_settings, running_bot, stop
from tests.test_health import one_line, run_cli

GOOD_LOG_USER = 4243


def log_row(answer_id: str, user_id: int, **changes: Any) -> str:
    row = {
        "answer_id": answer_id, "at": time.time(), "chat_type": "private", "user_id": user_id,
        "question": "Berapa triliun rubel?", "found": True,
        "passages": [["putin-satgas-ai.txt", 3, 4.25]], "latency_ms": 3.5,
        "followup_of": None, "understood": None,
    }  # fmt: skip
    return json.dumps({**row, **changes})


@dataclass(frozen=True)
class DamagedInbox:
    good: int  # the message id of the one pending update that can be answered
    others: tuple[int, ...]  # message ids of pending updates whose rows are wrong
    wrong_rows: int  # rows a start sets aside


def damaged_inbox(api: FakeBotApi, settings: Settings) -> DamagedInbox:
    """An inbox left by an earlier run, then damaged: one good pending update, pending rows with
    a wrong type in a column or a key that disagrees with the update's id, and answered rows
    whose question-log copy is not one the bot writes (besides one that is)."""
    path = inbox_path(settings)
    inbox = Inbox(path)
    inbox.open(Bot(TOKEN))
    good = api.message("Berapa triliun rubel?")
    assert inbox.record(Update.de_json({"update_id": 3, **good}, Bot(TOKEN)))
    inbox.close()
    others = [api.message("Berapa triliun rubel?") for _ in range(3)]
    now = time.time()
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO inbox (update_id, received_at, payload, attempts) VALUES (?, ?, ?, ?)",
            [
                (4, now, json.dumps({"update_id": 4, **others[0]}), "many"),
                (5, "yesterday", json.dumps({"update_id": 5, **others[1]}), 0),
                (6, now, json.dumps({"update_id": 60, **others[2]}), 0),  # the key disagrees
            ],
        )
        db.executemany(
            "INSERT INTO inbox (update_id, received_at, done, log) VALUES (?, ?, 1, ?)",
            [
                (7, now, log_row("nf-7", 7, colour="blue")),  # a key the log does not have
                (8, now, log_row("nf-8", 8, latency_ms="fast")),
                (9, now, log_row("nf-9", 9, passages="all")),
                (10, now, log_row("nf-10", GOOD_LOG_USER)),
            ],
        )
    message_ids = tuple(o["message"]["message_id"] for o in others)
    return DamagedInbox(good["message"]["message_id"], message_ids, wrong_rows=6)


async def test_inbox_rows_of_the_wrong_types_are_set_aside_and_the_bot_starts(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    damaged = damaged_inbox(api, settings)
    env = bot_env(api, settings, RATE_LIMITER="false")
    for run in range(2):  # and again: a row set aside is never retried
        menus = len(api.sent("setMyCommands"))
        async with bot_process(env, tmp_path) as proc:
            await api.wait_for("setMyCommands", menus + 1, within=30)  # started
            if run == 0:
                await api.reply_for(damaged.good, within=30)
            logs = await stop(proc)
        assert proc.returncode == 0, logs[-3000:]
        assert "Traceback" not in logs, logs[-3000:]
    assert api.replies == {damaged.good: 1}  # the rows set aside are never answered
    with sqlite3.connect(inbox_path(settings)) as db:
        left = db.execute("SELECT update_id FROM inbox WHERE done = 0 OR log IS NOT NULL")
        assert left.fetchall() == []
    with sqlite3.connect(settings.database_path) as db:
        logged = db.execute("SELECT user_id FROM questions WHERE answer_id LIKE 'nf-%'")
        assert logged.fetchall() == [(GOOD_LOG_USER,)]


def test_health_names_the_inbox_rows_a_start_would_set_aside(tmp_path: Path) -> None:
    api = FakeBotApi()  # only to build updates; no server
    settings = make_settings(api, tmp_path)
    damaged = damaged_inbox(api, settings)
    settings.database_path.touch()  # the run that left the inbox made the database too
    result = run_cli("health", database=settings.database_path, corpus=settings.corpus_dir)
    assert result.returncode == 0, result.stderr
    line = one_line(result.stdout)
    assert f"inbox 1 update to answer, {damaged.wrong_rows} rows to set aside" in line, line


def test_health_fails_when_the_inbox_is_not_a_database(tmp_path: Path) -> None:
    api = FakeBotApi()
    settings = make_settings(api, tmp_path)
    inbox_path(settings).write_bytes(b"garbage" * 1000)
    settings.database_path.touch()
    result = run_cli("health", database=settings.database_path, corpus=settings.corpus_dir)
    assert result.returncode == 1
    assert "inbox" in one_line(result.stderr) and "file is not a database" in result.stderr


async def test_a_pending_row_whose_key_and_update_disagree_is_set_aside_not_answered_each_start(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    path = inbox_path(settings)
    Inbox(path).open(Bot(TOKEN))  # made by an earlier run
    question = api.message("Berapa triliun rubel?")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO inbox (update_id, received_at, payload) VALUES (6, ?, ?)",
            (time.time(), json.dumps({"update_id": 60, **question})),
        )
    for _ in range(2):
        async with running_bot(api, settings) as bot:
            await bot.settled()
    assert api.replies.get(question["message"]["message_id"], 0) == 0
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT done FROM inbox WHERE update_id = 6").fetchall() == [(2,)]
