"""A mention or /ask alone, sent as a reply to another member's message, answers that message."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.fakeapi import BOT_USERNAME, FakeBotApi, parse_html
from tests.telegram_harness import RunningBot

GROUP = -100
ASKED = "Siapa yang mengembangkan Gigachat?"
SBERBANK = "termasuk Gigachat, yang dikembangkan oleh Sberbank dan Yandex GPT"


def reply_to_member(api: FakeBotApi, text: str, asked: dict[str, Any]) -> dict[str, Any]:
    """`text` from user 43, replying to the message `asked`."""
    asker = api.user(43, name="Sari")
    return api.message(
        text, chat_id=GROUP, chat_type="supergroup", user=asker, extra={"reply_to_message": asked}
    )


def members_question(api: FakeBotApi, text: str = ASKED) -> dict[str, Any]:
    message: dict[str, Any] = api.message(text, chat_id=GROUP, chat_type="supergroup")["message"]
    return message


async def test_mention_alone_in_reply_answers_the_replied_question(bot: RunningBot) -> None:
    asked = members_question(bot.api)
    sent = await bot.ask(reply_to_member(bot.api, f"@{BOT_USERNAME}", asked))
    text = parse_html(sent["text"])
    assert text.startswith(f"❓ {ASKED}")
    assert SBERBANK in text
    assert sent["reply_parameters"]["message_id"] == asked["message_id"]  # under the question


async def test_ask_alone_in_reply_answers_the_replied_question(bot: RunningBot) -> None:
    asked = members_question(bot.api)
    sent = await bot.ask(reply_to_member(bot.api, "/ask", asked))
    assert SBERBANK in parse_html(sent["text"])
    asked = members_question(bot.api, "Berapa triliun rubel?")
    sent = await bot.ask(reply_to_member(bot.api, f"/ask@{BOT_USERNAME}", asked))
    assert "11 triliun rubel" in parse_html(sent["text"])


async def test_the_replied_question_is_logged_for_the_member_who_asked_the_bot(
    bot: RunningBot,
) -> None:
    await bot.ask(reply_to_member(bot.api, f"@{BOT_USERNAME}", members_question(bot.api)))
    await bot.storage.flush()
    with sqlite3.connect(bot.settings.database_path) as db:
        rows = db.execute("SELECT user_id, question, found FROM questions").fetchall()
    assert rows == [(43, ASKED, 1)]


async def test_a_quoted_part_of_the_replied_message_is_the_question(bot: RunningBot) -> None:
    asked = members_question(bot.api, f"Halo semua! {ASKED} Ada yang tahu?")
    update = reply_to_member(bot.api, f"@{BOT_USERNAME}", asked)
    update["message"]["quote"] = {"text": ASKED, "position": 12}
    text = parse_html((await bot.ask(update))["text"])
    assert text.startswith(f"❓ {ASKED}\n") and SBERBANK in text
