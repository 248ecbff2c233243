"""Flood control for everything a user can make the bot answer, through the real bot and the
fake Bot API: commands, stickers, buttons and questions share one per-user limit (one notice,
then silence); users who are not allowed get nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.fakeapi import BOT_USERNAME, FakeBotApi, parse_html
from tests.telegram_harness import RunningBot, make_settings, running_bot

STICKER = {
    "sticker": {
        "file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512,
        "is_animated": False, "is_video": False, "type": "regular",
    }
}  # fmt: skip


def to_chat(api: FakeBotApi, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in api.sent() if int(m["chat_id"]) == chat_id]


async def flood(bot: RunningBot, updates: list[dict[str, Any]]) -> None:
    for update in updates:
        await bot.api.push(update)
    await bot.settled(within=30)


async def test_sixty_help_commands_get_twenty_replies_and_one_notice(bot: RunningBot) -> None:
    await flood(bot, [bot.api.message("/help") for _ in range(60)])
    replies = [parse_html(m["text"]) for m in to_chat(bot.api, 42)]
    assert len(replies) == 21  # FLOOD_LIMIT_PER_MINUTE (20), then one notice
    assert "terlalu banyak" in replies[-1]


async def test_commands_stickers_and_questions_share_one_limit(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with running_bot(api, make_settings(api, tmp_path, flood_limit_per_minute=4)) as bot:
        mixed = ["/start", "/about", "Berapa triliun rubel?", None, "/privacy", "/help", None]
        await flood(bot, [api.message(text, extra=None if text else STICKER) for text in mixed])
        assert len(to_chat(api, 42)) == 5  # four answers and the notice
        await bot.silent(api.message("/help"))
        other = await bot.ask(api.message("/help", user=api.user(77), chat_id=77))
        assert "/ask" in parse_html(other["text"])  # other users are not affected


async def test_button_presses_count_with_one_toast_then_quiet_acknowledgements(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with running_bot(api, make_settings(api, tmp_path, flood_limit_per_minute=3)) as bot:
        sent = await bot.ask(api.message("Rusia AI"))
        vote = next(d for d in _buttons(sent) if d.startswith("fb:"))
        presses = [bot.callback(vote, bot.bot_message(sent), api.user()) for _ in range(6)]
        await flood(bot, presses)
        toasts = [a.get("text") for a in api.sent("answerCallbackQuery")]
        assert len(toasts) == 6  # every press acknowledged: no spinning button
        assert sum(1 for text in toasts if text and "terlalu banyak" in text) == 1
        assert sum(1 for text in toasts if text and "Terima kasih" in text) == 2


async def test_a_user_who_is_not_allowed_gets_at_most_one_line(
    api: FakeBotApi, tmp_path: Path
) -> None:
    settings = make_settings(api, tmp_path, allowed_user_ids=frozenset({7}))
    async with running_bot(api, settings) as bot:
        kinds = ["/start", "/help", "/start", None, "Berapa triliun rubel?"]
        await flood(bot, [api.message(kinds[i % 5], extra=STICKER) for i in range(60)])
        [only] = to_chat(api, 42)
        assert "hanya untuk pengguna tertentu" in parse_html(only["text"])


async def test_a_flood_of_help_does_not_hold_up_another_users_answer(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with running_bot(api, make_settings(api, tmp_path, rate_limiter=True)) as bot:
        for _ in range(300):
            await api.push(api.message("/help"))
        question = api.message("Berapa triliun rubel?", user=api.user(77), chat_id=77)
        asked = time.monotonic()
        await api.push(question)
        answered = await api.reply_for(question["message"]["message_id"], within=30)
        assert answered - asked < 3.0
        await bot.settled(within=30)


async def test_group_commands_for_the_bot_count_and_other_chatter_does_not(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with running_bot(api, make_settings(api, tmp_path, flood_limit_per_minute=2)) as bot:

        def group(text: str) -> dict[str, Any]:
            return api.message(text, chat_id=-100, chat_type="supergroup")

        await flood(bot, [group("obrolan biasa"), group("/help@OtherBot")] * 5)
        assert to_chat(api, -100) == []
        await flood(bot, [group(f"/help@{BOT_USERNAME}"), group("/about"), group("/help")])
        replies = [parse_html(m["text"]) for m in to_chat(api, -100)]
        assert len(replies) == 3 and "terlalu banyak" in replies[-1]


def _buttons(sent: dict[str, Any]) -> list[str]:
    markup = sent.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]
