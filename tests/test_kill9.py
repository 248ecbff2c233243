"""At-least-once answering: kill -9 at random moments under load loses no fetched question."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import time
from pathlib import Path

from telegram import Bot, Update

from bot.telegram.app import inbox_path
from bot.telegram.inbox import MAX_ATTEMPTS, Inbox
from tests.fakeapi import TOKEN, FakeBotApi
from tests.kill9 import run_kill9
from tests.telegram_harness import (
    RunningBot,
    bot_env,
    bot_process,
    make_settings,
    post_update,
    running_bot,
    stop,
    webhook_env,
    webhook_secret,
)


async def test_kill_9_under_load_leaves_no_fetched_question_unanswered(tmp_path: Path) -> None:
    result = await run_kill9(tmp_path, questions=1000, rate=200, kills=6, seed=1)
    assert result.fetched == result.questions
    assert result.unanswered == 0, result
    assert result.log_rows_lost == 0, result
    assert result.logged_twice == 0, result  # a question answered again reuses its row
    assert result.duplicated <= result.in_flight, result  # only what was in flight
    assert result.seconds < 60


async def test_an_update_delivered_again_is_not_answered_twice(bot: RunningBot) -> None:
    update = bot.api.message("Berapa triliun rubel?")
    update_id = await bot.api.push(update)
    await bot.api.reply_for(update["message"]["message_id"])
    await bot.silent({"update_id": update_id, **update})  # Telegram redelivers it
    assert bot.api.replies[update["message"]["message_id"]] == 1


async def test_an_update_fetched_by_a_killed_run_is_answered_at_the_next_start(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    fetched = api.message("Berapa triliun rubel?")
    inbox = Inbox(inbox_path(settings))  # what the killed run had written, and acknowledged
    inbox.open(Bot(TOKEN))
    assert inbox.record(Update.de_json({"update_id": 7, **fetched}, Bot(TOKEN)))
    inbox.close()
    async with running_bot(api, settings):
        await api.reply_for(fetched["message"]["message_id"], within=10)
    reopened = Inbox(inbox_path(settings))
    assert reopened.open(Bot(TOKEN)) == []  # handled: not replayed again
    reopened.close()


def test_an_update_cut_short_many_times_is_given_up_only_when_old(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    inbox = Inbox(path)
    inbox.open(Bot(TOKEN))
    bot = Bot(TOKEN)
    for update_id in (1, 2, 3):
        update = Update.de_json({"update_id": update_id, **FakeBotApi().message("apa?")}, bot)
        assert inbox.record(update)
        for _ in range(MAX_ATTEMPTS):
            inbox.started(update_id)  # and each time the process died
    inbox.close()
    with sqlite3.connect(path) as db:  # update 1 has been failing for long
        db.execute("UPDATE inbox SET received_at = received_at - 3600 WHERE update_id = 1")
        db.execute("UPDATE inbox SET attempts = 1 WHERE update_id = 3")
    again = Inbox(path)
    assert [u["update_id"] for u in again.open(Bot(TOKEN))] == [2, 3]
    again.close()


async def test_a_webhook_update_acknowledged_then_killed_is_answered_at_the_next_start(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env, url = webhook_env(api, make_settings(api, tmp_path), RATE_LIMITER="false")
    update = {"update_id": 1, **api.message("Berapa triliun rubel?")}
    message_id = update["message"]["message_id"]
    async with bot_process(env, tmp_path) as proc:
        secret = await webhook_secret(api)
        api.fail("sendChatAction", 200, delay=30)  # the answer is held up after the 200
        assert await post_update(url, update, secret) == 200
        await api.wait_for_attempt("sendChatAction")
        proc.send_signal(signal.SIGKILL)
        await proc.communicate()
    assert api.replies.get(message_id, 0) == 0
    async with bot_process(env, tmp_path) as proc:
        await api.reply_for(message_id, within=30)
        await stop(proc)
    assert api.replies[message_id] == 1


async def test_a_question_answered_just_before_a_kill_keeps_its_log_row(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    env = bot_env(api, settings, RATE_LIMITER="false")
    question = api.message("Berapa triliun rubel?", user=api.user(4242), chat_id=4242)
    message_id = question["message"]["message_id"]
    async with bot_process(env, tmp_path) as proc:
        await api.wait_for("setMyCommands", 1, within=30)
        locker = sqlite3.connect(settings.database_path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # the question log cannot be written for now
        await api.push(question)
        await api.reply_for(message_id, within=30)
        await asyncio.sleep(0.5)  # answered, and done in the inbox
        proc.send_signal(signal.SIGKILL)
        await proc.communicate()
        locker.rollback()
        locker.close()
    menus = len(api.sent("setMyCommands"))
    async with bot_process(env, tmp_path) as proc:
        await api.wait_for("setMyCommands", menus + 1, within=30)  # started again
        await stop(proc)
    assert api.replies[message_id] == 1  # not answered again
    with sqlite3.connect(settings.database_path) as db:
        rows = db.execute("SELECT question FROM questions WHERE user_id = 4242").fetchall()
    assert rows == [("Berapa triliun rubel?",)]


async def test_a_question_answered_again_after_a_kill_keeps_one_log_row(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    env = bot_env(api, settings, RATE_LIMITER="false")
    question = api.message("Berapa triliun rubel?", user=api.user(4244), chat_id=4244)
    message_id = question["message"]["message_id"]
    async with bot_process(env, tmp_path) as proc:
        await api.wait_for("setMyCommands", 1, within=30)
        api.fail("sendMessage", 200, delay=60)  # the answer is held up after its row is queued
        await api.push(question)
        await until_logged(settings.database_path, 4244)
        proc.send_signal(signal.SIGKILL)
        await proc.communicate()
    menus = len(api.sent("setMyCommands"))
    async with bot_process(env, tmp_path) as proc:
        await api.wait_for("setMyCommands", menus + 1, within=30)
        await api.reply_for(message_id, within=30)  # answered again, as it was not done
        await stop(proc)
    with sqlite3.connect(settings.database_path) as db:
        rows = db.execute("SELECT COUNT(*) FROM questions WHERE user_id = 4244").fetchone()
    assert rows == (1,)


async def until_logged(database: Path, user_id: int, within: float = 30.0) -> None:
    """Until the question log has a row of `user_id`'s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if database.exists():
            with (
                contextlib.closing(sqlite3.connect(database)) as db,
                contextlib.suppress(sqlite3.OperationalError),  # not made yet, or busy
            ):
                found = db.execute("SELECT 1 FROM questions WHERE user_id = ?", (user_id,))
                if found.fetchone():
                    return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no question-log row of user {user_id} within {within}s")
