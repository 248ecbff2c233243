"""Telegram and database faults, abuse, and secrets, with the real bot and the fake Bot API."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.storage import SCHEMA_VERSION
from bot.telegram.app import inbox_path
from bot.telegram.logs import protect_secret, setup_logging
from bot.telegram.transport import AiohttpRequest, NotSent
from tests.conftest import ROOT
from tests.fakeapi import TOKEN, FakeBotApi, parse_html
from tests.telegram_harness import (
    ADMIN_ID,
    RunningBot,
    bot_env,
    bot_process,
    make_settings,
    running_bot,
    spawn_bot,
)

QUESTION = "Berapa triliun rubel?"


# --------------------------------------------------------------------------- Telegram faults


async def test_429_on_send_message_is_waited_out_and_the_reply_arrives(bot: RunningBot) -> None:
    bot.api.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    sent = await bot.ask(bot.api.message(QUESTION))
    assert time.monotonic() - started >= 1.0
    assert "11 triliun rubel" in parse_html(sent["text"])


async def test_429_with_the_rate_limiter_on_is_waited_out(api: FakeBotApi, tmp_path: Path) -> None:
    async with running_bot(api, make_settings(api, tmp_path, rate_limiter=True)) as bot:
        bot.api.fail("sendMessage", 429, retry_after=1)
        sent = await bot.ask(bot.api.message(QUESTION))
        assert "11 triliun rubel" in parse_html(sent["text"])


async def test_server_errors_are_retried_and_logged(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    bot.api.fail("sendMessage", 502, times=2)
    sent = await bot.ask(bot.api.message(QUESTION))
    assert "11 triliun rubel" in parse_html(sent["text"])
    assert any("retry" in r.getMessage() for r in caplog.records)


async def test_a_timeout_is_retried_and_the_bot_keeps_running(
    api: FakeBotApi, tmp_path: Path
) -> None:
    request = AiohttpRequest(8, read_timeout=0.5)
    async with running_bot(api, make_settings(api, tmp_path), request=request) as bot:
        bot.api.fail("sendMessage", 200, delay=1.0)  # answers, but too late
        await bot.ask(bot.api.message(QUESTION))
        sent = await bot.ask(bot.api.message("LLMs"))
        assert "LLMs" in parse_html(sent["text"])


async def test_polling_recovers_after_get_updates_fails_for_a_while(bot: RunningBot) -> None:
    bot.api.fail("getUpdates", 502, times=3)
    sent = await bot.ask(bot.api.message(QUESTION))
    assert "11 triliun rubel" in parse_html(sent["text"])


async def test_reply_is_sent_even_if_the_question_was_deleted(bot: RunningBot) -> None:
    update = bot.api.message(QUESTION)
    bot.api.deleted.add(update["message"]["message_id"])
    sent = await bot.ask(update)
    assert "11 triliun rubel" in parse_html(sent["text"])
    assert bot.api.errors == []


async def test_a_failing_send_is_logged_and_the_next_question_answered(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    bot.api.fail("sendMessage", 400, times=5)  # every form of the answer, then the apology
    await bot.api.push(bot.api.message(QUESTION))
    for _ in range(500):
        if bot.api.attempts("sendMessage") >= 5:
            break
        await asyncio.sleep(0.01)
    await bot.settled()
    assert any(r.name == "bot.telegram.handlers" for r in caplog.records)
    sent = await bot.ask(bot.api.message("LLMs"))
    assert "LLMs" in parse_html(sent["text"])


# --------------------------------------------------------------------------- database faults


async def answer_to(bot: RunningBot, update: dict[str, Any]) -> dict[str, Any]:
    """The bot's reply to this message: not simply the next message it sends, which may be an
    alert to the admins about the very fault under test."""
    message_id = update["message"]["message_id"]
    await bot.api.push(update)
    await bot.api.reply_for(message_id)
    return next(
        sent
        for sent in bot.api.sent()
        if (sent.get("reply_parameters") or {}).get("message_id") == message_id
    )


async def alerts_to_admin(bot: RunningBot, count: int = 1) -> list[str]:
    """The first `count` alerts the admin got (waiting for them)."""
    for _ in range(1000):
        alerts = [s["text"] for s in bot.api.sent() if int(s["chat_id"]) == ADMIN_ID]
        if len(alerts) >= count:
            return alerts
        await asyncio.sleep(0.01)
    raise AssertionError(f"fewer than {count} alerts to the admin")


async def make_database_unusable(bot: RunningBot) -> None:
    """The database file replaced by garbage under the running bot (its writes so far done)."""
    await bot.storage.flush()
    await bot.storage._drop_connection()
    path = bot.settings.database_path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"garbage" * 1000)


async def test_answers_continue_when_the_database_is_corrupted(bot: RunningBot) -> None:
    await bot.ask(bot.api.message(QUESTION))
    await make_database_unusable(bot)
    for question in (QUESTION, "LLMs", "Siapa anggota BRICS?"):
        sent = await answer_to(bot, bot.api.message(question))
        assert "<blockquote>" in sent["text"]
    [alert] = await alerts_to_admin(bot)  # sent once the writer has found the file unusable
    assert "unusable (file is not a database)" in alert
    assert not bot.storage.healthy


async def test_without_stored_text_the_inbox_keeps_no_question_while_the_log_waits(
    api: FakeBotApi, tmp_path: Path
) -> None:
    # STORE_QUESTION_TEXT=false: the row the inbox keeps until the question log has written it
    # (here: never, the database is unusable) holds no question text either
    async with running_bot(api, make_settings(api, tmp_path, store_question_text=False)) as bot:
        await bot.ask(bot.api.message("Siapa anggota BRICS?"))
        await make_database_unusable(bot)
        sent = await answer_to(bot, bot.api.message(QUESTION))
        assert "<blockquote>" in sent["text"]
        await alerts_to_admin(bot)  # the writer has found the file unusable
        with closing(sqlite3.connect(inbox_path(bot.settings))) as db:
            kept = [row for (row,) in db.execute("SELECT log FROM inbox WHERE log IS NOT NULL")]
    assert kept  # the row waits for the log
    assert not any("triliun" in row or "BRICS" in row for row in kept)


@pytest.mark.parametrize(
    "suffixes", [("",), ("", "-wal", "-shm")], ids=["the file", "with its -wal and -shm"]
)
async def test_a_database_deleted_while_the_bot_runs_is_made_again_and_keeps_later_rows(
    bot: RunningBot, suffixes: tuple[str, ...]
) -> None:
    await bot.ask(bot.api.message(QUESTION))
    await bot.storage.flush()
    path = bot.settings.database_path
    for suffix in suffixes:
        Path(f"{path}{suffix}").unlink()
    for n, question in enumerate((QUESTION, "LLMs", "Siapa anggota BRICS?")):
        user = bot.api.user(500 + n)
        sent = await answer_to(bot, bot.api.message(question, user=user, chat_id=user["id"]))
        assert "<blockquote>" in sent["text"]
    await bot.storage.flush()
    assert path.exists()
    with closing(sqlite3.connect(path)) as db:  # made again, with its migrations
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT user_id FROM questions").fetchall() == [(500,), (501,), (502,)]
    [alert] = await alerts_to_admin(bot)
    assert "was deleted" in alert
    assert bot.storage.healthy


# --------------------------------------------------------------------------- abuse


async def test_flood_gets_one_notice_then_silence(api: FakeBotApi, tmp_path: Path) -> None:
    async with running_bot(api, make_settings(api, tmp_path, flood_limit_per_minute=3)) as bot:
        for _ in range(3):
            assert "<blockquote>" in (await bot.ask(bot.api.message(QUESTION)))["text"]
        notice = await bot.ask(bot.api.message(QUESTION))
        assert "terlalu banyak" in parse_html(notice["text"])
        await bot.silent(bot.api.message(QUESTION))
        other = bot.api.user(77)
        sent = await bot.ask(bot.api.message(QUESTION, user=other, chat_id=77))
        assert "<blockquote>" in sent["text"]  # other users are not affected


async def test_group_cooldown_limits_answers_per_group(api: FakeBotApi, tmp_path: Path) -> None:
    settings = make_settings(api, tmp_path, group_cooldown_seconds=30)  # 2 answers a minute
    async with running_bot(api, settings) as bot:

        def ask(user: int) -> dict[str, object]:
            return bot.api.message(
                f"@TanyaArtikelBot {QUESTION}",
                chat_id=-100,
                chat_type="supergroup",
                user=bot.api.user(user),
            )

        for user in (1, 2):
            assert "<blockquote>" in (await bot.ask(ask(user)))["text"]
        notice = await bot.ask(ask(3))
        assert "terlalu banyak" in parse_html(notice["text"])
        await bot.silent(ask(4))


async def test_an_inline_answer_keeps_its_log_row_in_the_inbox_until_the_log_has_it(
    bot: RunningBot,
) -> None:
    # like a question in a chat: answered while the database is unusable, its question-log row
    # waits in the inbox (a kill now would not lose it)
    await bot.ask(bot.api.message("Siapa anggota BRICS?"))
    await make_database_unusable(bot)
    query = {"inline_query": {"id": "q", "from": bot.api.user(), "query": QUESTION, "offset": ""}}
    await bot.ask(query, "answerInlineQuery")
    await alerts_to_admin(bot)  # the writer has found the file unusable
    with closing(sqlite3.connect(inbox_path(bot.settings))) as db:
        kept = [row for (row,) in db.execute("SELECT log FROM inbox WHERE log IS NOT NULL")]
    assert any(QUESTION in row for row in kept)


async def test_overlong_inline_query_is_cut_and_answered(bot: RunningBot) -> None:
    query = {
        "inline_query": {"id": "q", "from": bot.api.user(), "query": "rubel " * 500, "offset": ""}
    }
    answered = await bot.ask(query, "answerInlineQuery")
    assert answered["results"]


async def test_huge_message_gets_a_polite_answer(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("apa " * 1000))
    assert "terlalu panjang" in parse_html(sent["text"])


# --------------------------------------------------------------------------- secrets


def test_log_records_are_scrubbed_of_the_token(caplog: pytest.LogCaptureFixture) -> None:
    protect_secret(TOKEN)
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("test.secrets")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed for {TOKEN}")
    except RuntimeError:
        log.exception("boom")
    text = caplog.text
    assert TOKEN not in text
    assert "[token]" in text


def test_httpx_request_lines_are_silenced() -> None:
    setup_logging("DEBUG", TOKEN)
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


async def test_full_run_logs_nothing_with_the_token_and_sigterm_loses_no_write(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    env = bot_env(api, settings, ADMIN_IDS="9001", LOG_LEVEL="DEBUG", RATE_LIMITER="false")
    proc = await spawn_bot(env, tmp_path)
    try:
        await api.wait_for("setMyCommands", 1, within=30)
        api.fail("sendMessage", 500)  # one failure, logged
        for n in range(5):
            await api.push(api.message(QUESTION, user=api.user(100 + n), chat_id=100 + n))
        await api.push(api.message("/reload", user=api.user(4242)))  # a refused admin command
        await api.wait_for("sendMessage", 6, within=30)  # 5 answers and 1 refusal
    finally:
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 30)
    logs = (stdout + stderr).decode("utf-8", errors="replace")
    assert proc.returncode == 0, logs[-2000:]
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs
    assert "DEBUG" in logs  # it really logged at DEBUG
    with sqlite3.connect(settings.database_path) as db:
        assert db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 5
        assert db.execute("SELECT allowed FROM admin_audit").fetchall() == [(0,)]


async def test_run_without_token_explains_and_exits(tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "")}
    proc = await spawn_bot(env, tmp_path)
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    message = stderr.decode()
    assert ".env" in message and "ask" in message and "Traceback" not in message


async def test_run_with_an_empty_corpus_fails_before_connecting(
    api: FakeBotApi, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    env = bot_env(api, make_settings(api, tmp_path), CORPUS_DIR=str(empty))
    proc = await spawn_bot(env, tmp_path)
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode != 0
    assert "no readable" in stderr.decode() and "Traceback" not in stderr.decode()
    assert api.calls == []


@pytest.mark.parametrize("text", ["!!! 🎉🎉🎉 ???\n", "Yang dan di itu.\n"])
async def test_run_with_a_corpus_without_a_word_refuses_to_start_before_connecting(
    api: FakeBotApi, tmp_path: Path, text: str
) -> None:
    wordless = tmp_path / "wordless"
    wordless.mkdir()
    (wordless / "tanda.txt").write_text(text, encoding="utf-8")
    env = bot_env(api, make_settings(api, tmp_path), CORPUS_DIR=str(wordless))
    proc = await spawn_bot(env, tmp_path)
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert stderr.decode().startswith("error: ") and "Traceback" not in stderr.decode()
    assert "tanda.txt" in stderr.decode()
    assert api.calls == []


async def test_a_server_rejecting_html_and_replies_still_gets_an_answer(bot: RunningBot) -> None:
    bot.api.strict_server = True
    sent = await bot.ask(bot.api.message(QUESTION))
    assert "11 triliun rubel" in sent["text"]
    assert "<" not in sent["text"] and "parse_mode" not in sent


# --------------------------------------------------------------------------- settings and start


@pytest.mark.parametrize(
    ("name", "value"),
    [("LOG_LEVEL", "verbose"), ("DATABASE_PATH", "{tmp}"), ("WEBHOOK_URL", "not-a-url"),
     ("ADMIN_IDS", "1,,2"), ("ADMIN_IDS", "-5")],
)  # fmt: skip
async def test_a_bad_setting_stops_run_before_any_network_call_with_one_line(
    api: FakeBotApi, tmp_path: Path, name: str, value: str
) -> None:
    env = bot_env(api, make_settings(api, tmp_path), **{name: value.format(tmp=tmp_path)})
    proc = await spawn_bot(env, tmp_path)
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    message = stderr.decode()
    assert proc.returncode == 2
    assert message.count("\n") == 1 and name in message, message
    assert "Traceback" not in message
    assert api.calls == []


@pytest.mark.parametrize(
    "token",
    ["12345", "12345:short", f"bot{TOKEN}", f"{TOKEN}/getMe", f"{TOKEN[:-1]}é", "https://t.me/x"],
)
async def test_a_malformed_token_stops_run_with_one_line_and_no_network_call(
    api: FakeBotApi, tmp_path: Path, token: str
) -> None:
    env = bot_env(api, make_settings(api, tmp_path), TELEGRAM_BOT_TOKEN=token)
    async with bot_process(env, tmp_path) as proc:
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    message = stderr.decode()
    assert proc.returncode == 2
    assert message.startswith("error: ") and message.count("\n") == 1, message
    assert "TELEGRAM_BOT_TOKEN" in message and token not in message
    assert api.calls == []


async def test_a_dotenv_that_is_not_utf8_stops_run_with_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("TELEGRAM_BOT_TOKEN=1:x # caf\xe9\n".encode("latin-1"))
    env = {"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "")}
    proc = await spawn_bot(env, tmp_path)
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert stderr.decode().count("\n") == 1 and ".env" in stderr.decode()
    assert "Traceback" not in stderr.decode()


async def test_an_unreachable_bot_api_is_reported_at_once_and_retried(
    api: FakeBotApi, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = make_settings(api, tmp_path)
    env = bot_env(api, settings, TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot")
    proc = await spawn_bot(env, tmp_path)
    assert proc.stderr is not None
    started = time.monotonic()
    lines: list[str] = []
    try:
        while len([line for line in lines if "cannot reach" in line]) < 2:
            line = await asyncio.wait_for(proc.stderr.readline(), 15)
            lines.append(line.decode())
    finally:
        proc.kill()
        await proc.wait()
    assert time.monotonic() - started < 15
    reports = [line for line in lines if "cannot reach" in line]
    assert f"127.0.0.1:{port}" in reports[0] and "trying again" in reports[0]
    assert all(TOKEN not in line and TOKEN.split(":")[1] not in line for line in lines)


async def test_example_buttons_count_against_the_flood_limit(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with running_bot(api, make_settings(api, tmp_path, flood_limit_per_minute=4)) as bot:
        start = await bot.ask(bot.api.message("/start"))  # the first of four
        user = bot.api.user()
        for _ in range(3):
            sent = await bot.ask(bot.callback("ex:1", bot.bot_message(start), user))
            assert "11 triliun rubel" in parse_html(sent["text"])
        before = len(bot.api.sent())
        toast = await bot.ask(
            bot.callback("ex:1", bot.bot_message(start), user), "answerCallbackQuery"
        )
        assert "terlalu banyak" in str(toast["text"])
        await bot.ask(bot.callback("ex:1", bot.bot_message(start), user), "answerCallbackQuery")
        assert len(bot.api.sent()) == before  # no answer past the limit, and no spinning button


async def test_the_transport_honours_the_pool_timeout(api: FakeBotApi) -> None:
    # NotSent, not TimedOut: no connection was free, so nothing was sent, and the retry policy
    # may send it again (a TimedOut send may have arrived, and is never sent twice)
    request = AiohttpRequest(1, read_timeout=5.0, pool_timeout=0.2)
    await request.initialize()
    try:
        api.fail("getMe", 200, delay=1.5)  # holds the only connection
        url = f"{api.base_url}{TOKEN}/getMe"
        slow = asyncio.create_task(request.do_request(url, "POST"))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(NotSent):
            await request.do_request(url, "POST")
        assert time.monotonic() - started < 1.0
        assert (await slow)[0] == 200
    finally:
        await request.shutdown()
