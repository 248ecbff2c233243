"""Updates the installed python-telegram-bot cannot read (a chat without its type, a poll missing a
field a newer library requires): each is set aside by its id alone, and the bot goes on."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from telegram import Bot, Update

from bot.telegram.app import inbox_path
from bot.telegram.inbox import Inbox
from tests.fakeapi import TOKEN, FakeBotApi, parse_html
from tests.telegram_harness import (
    ADMIN_ID,
    bot_env,
    bot_process,
    make_settings,
    running_bot,
    stop,
)

PRIVATE_WORDS = "RahasiaPribadiBudi"


def chat_without_type(api: FakeBotApi) -> dict[str, Any]:
    update = api.message(f"{PRIVATE_WORDS} berapa triliun rubel?")
    del update["message"]["chat"]["type"]
    return update


def poll_without_options(api: FakeBotApi) -> dict[str, Any]:
    return {
        "poll": {
            "id": "p1", "question": PRIVATE_WORDS, "total_voter_count": 0, "is_closed": False,
            "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
        }
    }  # fmt: skip


async def test_an_update_the_library_cannot_read_is_skipped_and_later_ones_are_answered(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    env = bot_env(api, settings, ADMIN_IDS=str(ADMIN_ID), RATE_LIMITER="false")
    async with bot_process(env, tmp_path) as proc:
        await api.wait_for("setMyCommands", 1, within=30)
        bad = [await api.push(chat_without_type(api)), await api.push(poll_without_options(api))]
        question = api.message("Berapa triliun rubel?")
        await api.push(question)
        await api.reply_for(question["message"]["message_id"], within=15)
        await asyncio.sleep(1.0)  # what a stalled bot would log meanwhile
        logs = await stop(proc)
    assert proc.returncode == 0, logs[-2000:]  # SIGTERM still stops it
    assert api.pending_updates() == []  # the offset moved past them
    assert PRIVATE_WORDS not in logs
    assert len(logs) < 20_000, f"{len(logs)} characters of log"
    for update_id in bad:
        assert sum(f"update {update_id} " in line for line in logs.splitlines()) == 1, logs
    alerts = [parse_html(m["text"]) for m in api.sent() if int(m["chat_id"]) == ADMIN_ID]
    assert alerts and all(PRIVATE_WORDS not in alert for alert in alerts)


async def test_a_pending_inbox_row_that_cannot_be_read_is_set_aside_and_start_continues(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    path = inbox_path(settings)
    inbox = Inbox(path)  # what an earlier run (or an earlier library) had left pending
    inbox.open(Bot(TOKEN))
    good = api.message("Berapa triliun rubel?")
    assert inbox.record(Update.de_json({"update_id": 3, **good}, Bot(TOKEN)))
    inbox.close()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO inbox (update_id, received_at, payload) VALUES (1, ?, '{not json'),"
            " (2, ?, ?)",
            (time.time(), time.time(), json.dumps({"update_id": 2, **chat_without_type(api)})),
        )
    for _ in range(2):  # and again: a row set aside is never retried
        async with running_bot(api, settings):
            await api.reply_for(good["message"]["message_id"], within=10)
    assert api.replies[good["message"]["message_id"]] == 1
    with sqlite3.connect(path) as db:
        left = db.execute("SELECT update_id FROM inbox WHERE done = 0").fetchall()
    assert left == []


def with_update_id(api: FakeBotApi, update_id: object) -> dict[str, Any]:
    return {"update_id": update_id, **api.message(f"{PRIVATE_WORDS} berapa triliun rubel?")}


def message_not_an_object(api: FakeBotApi) -> dict[str, Any]:
    return {"message": PRIVATE_WORDS}


def text_not_a_string(api: FakeBotApi) -> dict[str, Any]:
    update = api.message("Berapa triliun rubel?")
    update["message"]["text"] = [PRIVATE_WORDS]
    return update


def language_not_a_string(api: FakeBotApi) -> dict[str, Any]:
    update = api.message(f"{PRIVATE_WORDS} berapa triliun rubel?")
    update["message"]["from"]["language_code"] = 7
    return update


async def test_updates_of_the_wrong_types_are_set_aside_and_polling_and_shutdown_go_on(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    env = bot_env(api, settings, ADMIN_IDS=str(ADMIN_ID), RATE_LIMITER="false")
    wrong = [
        *(with_update_id(api, value) for value in ("11", -5, 11.0, True, 2**40, None)),
        message_not_an_object(api),
        text_not_a_string(api),
        language_not_a_string(api),
    ]
    async with bot_process(env, tmp_path) as proc:
        await api.wait_for("setMyCommands", 1, within=30)
        for update in wrong:  # each one last in its batch, or after a good one
            before = api.message("Berapa triliun rubel?")
            await api.push(before)
            await api.push(update)
            await api.reply_for(before["message"]["message_id"], within=30)
        after = api.message("Berapa triliun rubel?")
        await api.push(after)
        await api.reply_for(after["message"]["message_id"], within=30)
        logs = await stop(proc)
    assert proc.returncode == 0, logs[-2000:]  # SIGTERM still stops it
    assert api.pending_updates() == []  # the offset moved past every one
    assert "Traceback" not in logs and "TypeError" not in logs, logs[-3000:]
    assert PRIVATE_WORDS not in logs
    assert sum("set aside" in line for line in logs.splitlines()) == len(wrong), logs[-3000:]
    answered = {
        int(m["reply_parameters"]["message_id"]) for m in api.sent() if "reply_parameters" in m
    }
    assert len(answered) == len(wrong) + 1  # the good ones, and none of the others
