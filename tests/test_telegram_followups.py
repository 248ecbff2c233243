"""Follow-up questions through the real bot and the fake Bot API server, as users would ask."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakeapi import BOT_USERNAME, FakeBotApi, parse_html
from tests.telegram_harness import RunningBot, make_settings, running_bot

ALLIANCE = "Kapan Putin mengumumkan Jaringan Aliansi AI?"
OBSTACLE = "Apa hambatan terbesar ambisi AI Rusia?"
WHY = "kenapa itu jadi masalah?"
BRICS = "dengan anggota BRICS (Brasil, Tiongkok, India, Afrika Selatan)"
MICROCHIP = "sanksi Barat terhadap microchip"
GROUP = -100123


def text_of(sent: dict[str, Any]) -> str:
    return parse_html(sent["text"])


def sent_message_id(api: FakeBotApi, sent: dict[str, Any]) -> int:
    """The message id the server gave the bot's message `sent`."""
    call = next(c for c in api.calls if c.method == "sendMessage" and c.params is sent)
    return int(call.result["message_id"])


async def test_private_followup_after_the_alliance_question_quotes_the_brics_sentence(
    bot: RunningBot,
) -> None:
    await bot.ask(bot.api.message(ALLIANCE))
    sent = await bot.ask(bot.api.message("dengan negara mana saja?"))
    plain = text_of(sent)
    assert BRICS in plain
    assert "<i>(tentang: Putin mengumumkan Jaringan Aliansi AI)</i>" in sent["text"]


async def test_why_is_that_a_problem_follows_the_obstacle_question_only_for_who_asked_it(
    bot: RunningBot,
) -> None:
    await bot.ask(bot.api.message(OBSTACLE))
    followup = await bot.ask(bot.api.message(WHY))
    assert MICROCHIP in text_of(followup)
    assert "(tentang: hambatan terbesar ambisi AI Rusia)" in text_of(followup)
    stranger = bot.api.user(43, name="Sari")
    alone = await bot.ask(bot.api.message(WHY, chat_id=43, user=stranger))
    assert MICROCHIP not in text_of(alone)
    assert "tentang:" not in text_of(alone)


async def test_english_followup_for_an_english_user(bot: RunningBot) -> None:
    english = bot.api.user(lang="en-US")
    await bot.ask(
        bot.api.message("What is the biggest obstacle to Russia's AI ambitions?", user=english)
    )
    sent = await bot.ask(bot.api.message("why is that a problem?", user=english))
    plain = text_of(sent)
    assert MICROCHIP in plain
    assert "(about: biggest obstacle to Russia's AI ambitions)" in plain
    assert "paragraph 9" in plain


async def test_supergroup_reply_to_the_bots_answer_follows_the_question_it_answered(
    bot: RunningBot,
) -> None:
    asked = bot.api.message(f"@{BOT_USERNAME} {OBSTACLE}", chat_id=GROUP, chat_type="supergroup")
    answer = await bot.ask(asked)
    # another member replies to the bot's answer, without mentioning the bot
    member = bot.api.user(44, name="Dewi")
    update = bot.api.message(
        WHY, chat_id=GROUP, chat_type="supergroup", user=member, reply_to_bot=True
    )
    update["message"]["reply_to_message"]["message_id"] = sent_message_id(bot.api, answer)
    sent = await bot.ask(update)
    assert MICROCHIP in text_of(sent)
    assert int(sent["chat_id"]) == GROUP


async def test_a_group_member_does_not_follow_up_another_members_question(
    bot: RunningBot,
) -> None:
    ask = f"@{BOT_USERNAME} {OBSTACLE}"
    await bot.ask(bot.api.message(ask, chat_id=GROUP, chat_type="supergroup"))
    why = f"@{BOT_USERNAME} {WHY}"
    member = bot.api.user(44, name="Dewi")
    other = await bot.ask(bot.api.message(why, chat_id=GROUP, chat_type="supergroup", user=member))
    assert MICROCHIP not in text_of(other)
    own = await bot.ask(bot.api.message(why, chat_id=GROUP, chat_type="supergroup"))
    assert MICROCHIP in text_of(own)


async def test_unaddressed_group_followup_stays_silent(bot: RunningBot) -> None:
    ask = f"@{BOT_USERNAME} {OBSTACLE}"
    await bot.ask(bot.api.message(ask, chat_id=GROUP, chat_type="supergroup"))
    await bot.silent(bot.api.message(WHY, chat_id=GROUP, chat_type="supergroup"))
    own = await bot.ask(
        bot.api.message(f"@{BOT_USERNAME} {WHY}", chat_id=GROUP, chat_type="supergroup")
    )
    assert MICROCHIP in text_of(own)


async def test_small_talk_is_not_a_followup_and_keeps_the_topic(bot: RunningBot) -> None:
    await bot.ask(bot.api.message(OBSTACLE))
    thanks = await bot.ask(bot.api.message("makasih"))
    assert "tentang:" not in text_of(thanks)
    assert "<blockquote>" not in thanks["text"]
    followup = await bot.ask(bot.api.message(WHY))
    assert MICROCHIP in text_of(followup)


async def test_followup_is_logged_with_the_earlier_question(bot: RunningBot) -> None:
    await bot.ask(bot.api.message(ALLIANCE))
    await bot.ask(bot.api.message("dengan negara mana saja?"))
    await bot.storage.flush()
    with sqlite3.connect(bot.settings.database_path) as db:
        rows = db.execute(
            "SELECT answer_id, question, followup_of, understood FROM questions ORDER BY id"
        ).fetchall()
    (first_id, first, first_of, _), (_, second, second_of, understood) = rows
    assert (first, first_of) == (ALLIANCE, None)
    assert second == "dengan negara mana saja?"
    assert second_of == first_id
    assert understood == "dengan negara mana saja? Putin mengumumkan Jaringan Aliansi AI"


@pytest.fixture
async def short_memory_bot(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    async with running_bot(api, make_settings(api, tmp_path, followup_seconds=1.0)) as running:
        yield running


async def test_context_expires_after_followup_seconds(short_memory_bot: RunningBot) -> None:
    bot = short_memory_bot
    await bot.ask(bot.api.message(OBSTACLE))
    assert MICROCHIP in text_of(await bot.ask(bot.api.message(WHY)))
    await asyncio.sleep(1.2)
    late = await bot.ask(bot.api.message(WHY))
    assert MICROCHIP not in text_of(late)
    assert "tentang:" not in text_of(late)


async def test_reply_to_an_answer_sent_before_a_restart_follows_its_question(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path)
    asked = api.message(f"@{BOT_USERNAME} {OBSTACLE}", chat_id=GROUP, chat_type="supergroup")
    async with running_bot(api, settings) as before:
        answer = await before.ask(asked)
        answer_message_id = sent_message_id(api, answer)
    async with running_bot(api, settings) as after:
        update = api.message(
            WHY, chat_id=GROUP, chat_type="supergroup", user=api.user(44), reply_to_bot=True
        )
        replied = update["message"]["reply_to_message"]
        replied["message_id"] = answer_message_id
        replied["reply_markup"] = answer["reply_markup"]  # Telegram sends the buttons along
        sent = await after.ask(update)
    assert MICROCHIP in text_of(sent)
