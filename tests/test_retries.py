"""The one retry policy (bot/telegram/pacing.py), through the real bot and the fake Bot API: a send
that may have arrived is not sent again, retries do not stack, and a 429 holds only its chat."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.telegram.transport import AiohttpRequest
from tests.fakeapi import BOT_USERNAME, FakeBotApi, parse_html
from tests.telegram_harness import bot_env, bot_process, make_settings, running_bot

QUESTION = "Berapa triliun rubel?"


async def test_a_send_answered_after_the_clients_timeout_reaches_the_user_once(
    api: FakeBotApi, tmp_path: Path
) -> None:
    request = AiohttpRequest(8, read_timeout=0.5)
    async with running_bot(api, make_settings(api, tmp_path), request=request) as bot:
        api.fail("sendMessage", 200, delay=1.0, times=2)  # carried out, but answered too late
        update = api.message(QUESTION)
        await api.push(update)
        await api.reply_for(update["message"]["message_id"])
        await asyncio.sleep(2.5)  # time for any second (or third) copy to arrive
        await bot.settled()
        assert api.replies[update["message"]["message_id"]] == 1
        assert [m for m in api.sent() if "gangguan" in m["text"]] == []  # and no apology
        sent = await bot.ask(api.message("LLMs"))  # the bot goes on
        assert "LLMs" in parse_html(sent["text"])


async def test_a_send_that_found_no_free_connection_is_sent_again(
    api: FakeBotApi, tmp_path: Path
) -> None:
    request = AiohttpRequest(1, pool_timeout=0.2)  # one connection, waited for 0.2 s at most
    async with running_bot(api, make_settings(api, tmp_path), request=request):
        api.fail("sendMessage", 200, delay=1.0)  # one group's answer holds it for 1 s
        questions = [
            api.message(f"@{BOT_USERNAME} {QUESTION}", chat_id=chat, chat_type="group")
            for chat in (-51, -52)
        ]
        for question in questions:
            await api.push(question)
        for question in questions:  # the other's answer found no free connection: nothing was
            await api.reply_for(question["message"]["message_id"])  # sent, so it is sent again
        assert [api.replies[q["message"]["message_id"]] for q in questions] == [1, 1]


async def test_429s_are_retried_a_bounded_number_of_times_not_on_top_of_each_other(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with running_bot(api, make_settings(api, tmp_path, rate_limiter=True)) as bot:
        api.fail("sendMessage", 429, retry_after=1, times=50)
        await api.push(api.message(QUESTION))
        await api.wait_for_attempt("sendMessage")
        await asyncio.sleep(6.0)  # three waits of 1 s, and then some
        tries = [c for c in api.calls if c.method == "sendMessage" and c.params["chat_id"] == 42]
        assert len(tries) == 4  # the first try and three retries
        await bot.settled()


async def test_a_429_for_one_chat_holds_only_that_chat(api: FakeBotApi, tmp_path: Path) -> None:
    async with running_bot(api, make_settings(api, tmp_path, rate_limiter=True)) as bot:
        api.fail("sendMessage", 429, retry_after=3)
        held = api.message(QUESTION, user=api.user(1), chat_id=1)
        await api.push(held)
        await api.wait_for_attempt("sendMessage")
        started = time.monotonic()
        other = api.message(QUESTION, user=api.user(2), chat_id=2)
        await api.push(other)
        other_at = await api.reply_for(other["message"]["message_id"])
        held_at = await api.reply_for(held["message"]["message_id"])
        assert other_at - started < 1.5
        assert held_at - started >= 2.5
        await bot.settled()


async def test_start_up_calls_have_the_same_bounded_retries_and_then_it_exits(
    api: FakeBotApi, tmp_path: Path
) -> None:
    api.fail("deleteWebhook", 502, times=100)  # the Bot API answers getMe, then fails
    env = bot_env(api, make_settings(api, tmp_path), RATE_LIMITER="false")
    async with bot_process(env, tmp_path) as proc:
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 1
    assert api.attempts("deleteWebhook") == 4
    assert stderr.decode().splitlines()[-1].startswith("error: the bot stopped")
