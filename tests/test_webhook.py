"""Webhook mode: `python -m bot run` with WEBHOOK_URL, as Telegram (or an attacker) posts to it."""

from __future__ import annotations

from pathlib import Path

from tests.fakeapi import FakeBotApi, parse_html
from tests.telegram_harness import (
    ADMIN_ID,
    bot_process,
    make_settings,
    post_update,
    stop,
    webhook_env,
    webhook_secret,
)
from tests.test_unreadable_updates import PRIVATE_WORDS, chat_without_type

QUESTION = "Siapa yang meluncurkan satuan tugas AI nasional?"
SECOND_DOC = "---\ntitle: Durian\n---\nDurian Musang King dijual Rp150 ribu per kilogram.\n"


async def test_webhook_mode_serves_updates_posted_with_its_secret(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env, url = webhook_env(api, make_settings(api, tmp_path), WEBHOOK_SECRET="s3cret-Token_1")
    async with bot_process(env, tmp_path) as proc:
        assert await webhook_secret(api) == "s3cret-Token_1"
        assert api.sent("setWebhook")[0]["url"] == url
        update = {"update_id": 1, **api.message(QUESTION)}
        assert await post_update(url, update, "no") == 403
        assert await post_update(url, update, "s3cret-Token_1") == 200
        sent = await api.wait_for("sendMessage", 1, within=30)
        assert "Vladimir Putin" in parse_html(sent[0]["text"])
        await stop(proc)
    assert proc.returncode == 0


async def test_without_webhook_secret_a_forged_post_from_an_admin_runs_nothing(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    (settings.corpus_dir / "durian.txt").write_text(SECOND_DOC, encoding="utf-8")
    env, url = webhook_env(api, settings, ADMIN_IDS=str(ADMIN_ID))
    admin = api.user(ADMIN_ID, name="Admin")
    forged = {"update_id": 1, **api.message("/remove durian.txt", user=admin, chat_id=ADMIN_ID)}
    async with bot_process(env, tmp_path) as proc:
        secret = await webhook_secret(api)
        for guess in (None, "", "secret"):
            assert await post_update(url, forged, guess) == 403
        assert secret is not None and len(secret) >= 32  # a random one, given to Telegram
        assert await post_update(url, forged, secret[:-1]) == 403
        question = {"update_id": 2, **api.message(QUESTION)}
        assert await post_update(url, question, secret) == 200  # Telegram's own posts work
        await api.reply_for(question["message"]["message_id"], within=30)
        logs = await stop(proc)
    assert (settings.corpus_dir / "durian.txt").exists()
    assert [m for m in api.sent() if int(m["chat_id"]) == ADMIN_ID] == []
    assert secret not in logs


async def test_an_update_the_library_cannot_read_is_acknowledged_and_set_aside(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env, url = webhook_env(api, make_settings(api, tmp_path))
    async with bot_process(env, tmp_path) as proc:
        secret = await webhook_secret(api)
        assert secret is not None
        bad = {"update_id": 1, **chat_without_type(api)}
        assert await post_update(url, bad, secret) == 200  # else Telegram sends it again
        question = {"update_id": 2, **api.message(QUESTION)}
        assert await post_update(url, question, secret) == 200
        await api.reply_for(question["message"]["message_id"], within=30)
        logs = await stop(proc)
    assert proc.returncode == 0
    assert PRIVATE_WORDS not in logs
    assert sum("update 1 " in line for line in logs.splitlines()) == 1, logs


async def test_the_webhook_secret_stays_out_of_debug_logs(api: FakeBotApi, tmp_path: Path) -> None:
    # at DEBUG the library logs setWebhook's parameters, secret_token among them
    env, url = webhook_env(
        api, make_settings(api, tmp_path), WEBHOOK_SECRET="s3cret-Token_2", LOG_LEVEL="DEBUG"
    )
    async with bot_process(env, tmp_path) as proc:
        assert await webhook_secret(api) == "s3cret-Token_2"
        question = {"update_id": 1, **api.message(QUESTION)}
        assert await post_update(url, question, "s3cret-Token_2") == 200
        await api.reply_for(question["message"]["message_id"], within=30)
        logs = await stop(proc)
    assert "setWebhook" in logs  # the library did log the call
    assert "s3cret-Token_2" not in logs
