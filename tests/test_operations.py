"""Operating the bot through the real application and the fake Bot API: /status, and errors that
reach the admins (rate-limited, without secrets)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.telegram.operations import get_operations
from tests.fakeapi import TOKEN, FakeBotApi, parse_html
from tests.telegram_harness import (
    ADMIN_ID,
    RunningBot,
    bot_env,
    bot_process,
    make_settings,
    running_bot,
    stop,
)


def to_admin(api: FakeBotApi) -> list[str]:
    return [parse_html(m["text"]) for m in api.sent() if int(m["chat_id"]) == ADMIN_ID]


async def test_status_shows_index_database_uptime_and_last_error(bot: RunningBot) -> None:
    admin = bot.api.user(ADMIN_ID, name="Admin")
    sent = await bot.ask(bot.api.message("/status", chat_id=ADMIN_ID, user=admin))
    text = parse_html(sent["text"])
    kb = bot.live.kb
    assert f"versi {kb.corpus.content_hash[:12]}" in text
    assert f"1 dokumen, {len(kb.sentences)} kalimat" in text
    assert "Database: sehat; antrean tulis 0" in text
    assert "Aktif sejak: " in text and "dtk" in text
    assert "Galat terakhir: tidak ada" in text


async def test_status_says_when_the_database_file_is_missing_until_it_is_made_again(
    bot: RunningBot,
) -> None:
    admin = bot.api.user(ADMIN_ID, name="Admin", lang="en")
    await bot.ask(bot.api.message("Berapa triliun rubel?"))
    await bot.storage.flush()
    bot.settings.database_path.unlink()
    text = parse_html((await bot.ask(bot.api.message("/status", user=admin)))["text"])
    assert "Database: ⚠️ its file is missing" in text
    await bot.storage.flush()  # the audit row of /status: written to a new file
    text = parse_html((await bot.ask(bot.api.message("/status", user=admin)))["text"])
    assert "Database: healthy" in text
    assert bot.settings.database_path.exists()


async def test_status_says_the_last_reload_failed_while_the_old_index_serves(
    bot: RunningBot,
) -> None:
    admin = bot.api.user(ADMIN_ID, name="Admin", lang="en")
    for path in bot.corpus_dir.iterdir():
        path.unlink()
    (bot.corpus_dir / "tanda.txt").write_text("Yang dan di itu. 🎉\n", encoding="utf-8")
    await bot.ask(bot.api.message("/reload", user=admin))
    text = parse_html((await bot.ask(bot.api.message("/status", user=admin)))["text"])
    assert "1 documents, 19 sentences" in text  # still the article
    assert "⚠️ the last reload failed (no readable .txt or .md document)" in text
    (bot.corpus_dir / "tanda.txt").write_text("Festival durian di Medan.\n", encoding="utf-8")
    await bot.ask(bot.api.message("/reload", user=admin))
    text = parse_html((await bot.ask(bot.api.message("/status", user=admin)))["text"])
    assert "failed" not in text


async def test_status_is_in_english_for_an_english_admin(bot: RunningBot) -> None:
    admin = bot.api.user(ADMIN_ID, lang="en", name="Admin")
    text = parse_html((await bot.ask(bot.api.message("/status", user=admin)))["text"])
    assert "Index: version" in text and "Database: healthy" in text and "Last error: none" in text


async def test_status_is_for_admins_only(bot: RunningBot) -> None:
    text = parse_html((await bot.ask(bot.api.message("/status")))["text"])
    assert "admin" in text and "Database" not in text


async def test_an_error_reaches_the_admins_once_without_the_token(bot: RunningBot) -> None:
    logger = logging.getLogger("bot.somewhere")
    logger.error("request to https://api.telegram.org/bot%s/getMe failed", TOKEN)
    logger.error("a second error right after")
    await bot.api.wait_for("sendMessage")
    await bot.settled()
    alerts = to_admin(bot.api)
    assert len(alerts) == 1  # rate-limited: the second one waits for the next alert
    assert "request to https://api.telegram.org/bot[token]/getMe failed" in alerts[0]
    assert TOKEN not in alerts[0] and TOKEN.split(":")[1] not in alerts[0]
    admin = bot.api.user(ADMIN_ID, name="Admin")
    status = parse_html((await bot.ask(bot.api.message("/status", user=admin)))["text"])
    assert "a second error right after" in status


async def test_errors_held_back_are_counted_in_the_next_alert(bot: RunningBot) -> None:
    get_operations(bot.app).alert_interval = 0.5
    logger = logging.getLogger("bot.somewhere")
    for n in range(3):
        logger.error("failure %d", n)
    await bot.api.wait_for("sendMessage", 1)
    await asyncio.sleep(0.6)
    logger.error("failure 3")
    await bot.api.wait_for("sendMessage", 2)
    alerts = to_admin(bot.api)
    assert "failure 0" in alerts[0] and "failure 3" in alerts[1]
    assert "+2" in alerts[1]


async def test_an_english_admin_gets_alerts_in_english(bot: RunningBot) -> None:
    admin = bot.api.user(ADMIN_ID, lang="en", name="Admin")
    await bot.ask(bot.api.message("/help", user=admin))
    logging.getLogger("bot.somewhere").error("disk full")
    alert = (await bot.api.wait_for("sendMessage", 2))[-1]
    assert parse_html(alert["text"]).startswith("⚠️ Needs attention")


async def test_a_corrupted_database_at_start_alerts_the_admins(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    settings.database_path.write_bytes(b"garbage" * 1000)
    async with running_bot(api, settings):
        await api.wait_for("sendMessage")
    [alert] = to_admin(api)
    assert "storage" in alert and "unusable" in alert


async def test_alerts_never_carry_the_webhook_secret(api: FakeBotApi, tmp_path: Path) -> None:
    settings = make_settings(api, tmp_path, webhook_secret="hook-Secret_42")
    async with running_bot(api, settings):
        logging.getLogger("bot.somewhere").error("bad header hook-Secret_42 from proxy")
        await api.wait_for("sendMessage")
    [alert] = to_admin(api)
    assert "hook-Secret_42" not in alert and "bad header [secret] from proxy" in alert


async def until_alerted(api: FakeBotApi, within: float = 30.0) -> str:
    """Until the admin has an alert; returns the first."""
    for _ in range(int(within / 0.05)):
        alerts = to_admin(api)
        if alerts:
            return alerts[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no alert within {within}s")


REFUSED = "Bad Request: message is too long"


async def test_a_send_telegram_refuses_alerts_the_admins_naming_the_failure(
    bot: RunningBot,
) -> None:
    bot.api.fail("sendMessage", 400, times=4, description=REFUSED)  # and every plainer form
    await bot.api.push(bot.api.message("Berapa triliun rubel?"))
    alert = await until_alerted(bot.api)
    assert "BadRequest: Message is too long" in alert, alert  # a bug in our request, not the net
    assert "a message in a private chat" in alert, alert


async def test_an_alert_from_the_running_bot_names_the_failure(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = bot_env(api, make_settings(api, tmp_path), ADMIN_IDS=str(ADMIN_ID), RATE_LIMITER="false")
    async with bot_process(env, tmp_path) as proc:
        await api.wait_for("setMyCommands", 1, within=30)
        api.fail("sendMessage", 400, times=4, description=REFUSED)
        await api.push(api.message("Berapa triliun rubel?"))
        alert = await until_alerted(api)
        await stop(proc)
    assert "BadRequest: Message is too long" in alert, alert
    assert "a message in a private chat" in alert, alert
    assert TOKEN not in alert and TOKEN.split(":")[1] not in alert


@pytest.mark.parametrize(
    "refusal", ["Forbidden: bot was blocked by the user", "Forbidden: user is deactivated"]
)
async def test_a_user_who_left_the_bot_is_a_log_line_not_an_alert(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, refusal: str
) -> None:
    caplog.set_level(logging.INFO)
    bot.api.fail("sendMessage", 403, description=refusal)
    await bot.api.push(bot.api.message("Berapa triliun rubel?"))
    await bot.settled()  # the failed reply has been handled
    logging.getLogger("bot.somewhere").error("the next error")
    assert "the next error" in await until_alerted(bot.api)  # the first alert, not held back
    said = [
        r for r in caplog.records if "reply" in r.getMessage() and refusal[11:] in r.getMessage()
    ]
    assert said and all(r.levelno < logging.ERROR for r in said), [
        r.getMessage() for r in caplog.records
    ]
