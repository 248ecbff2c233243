"""ALLOWED_CHAT_IDS and ALLOWED_USER_IDS through the real bot and the fake Bot API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakeapi import BOT_ID, BOT_USERNAME, FakeBotApi, parse_html
from tests.telegram_harness import ADMIN_ID, RunningBot, make_settings, running_bot

QUESTION = f"@{BOT_USERNAME} Siapa yang meluncurkan satuan tugas AI nasional?"
ALLOWED_GROUP = -1001
OTHER_GROUP = -2002


@pytest.fixture
async def listed(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot with ALLOWED_CHAT_IDS naming one supergroup."""
    settings = make_settings(api, tmp_path, allowed_chat_ids=frozenset({ALLOWED_GROUP}))
    async with running_bot(api, settings) as running:
        yield running


@pytest.fixture
async def private_bot(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot with ALLOWED_USER_IDS naming one user."""
    settings = make_settings(api, tmp_path, allowed_user_ids=frozenset({7}))
    async with running_bot(api, settings) as running:
        yield running


def added_to(api: FakeBotApi, chat_id: int, status: str = "member") -> dict[str, Any]:
    me = {"id": BOT_ID, "is_bot": True, "first_name": "Tanya Artikel", "username": BOT_USERNAME}
    return {
        "my_chat_member": {
            "chat": {"id": chat_id, "type": "supergroup", "title": "Grup Lain"},
            "from": api.user(),
            "date": int(time.time()),
            "old_chat_member": {"user": me, "status": "left"},
            "new_chat_member": {"user": me, "status": status},
        }
    }


def sent_to(api: FakeBotApi, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in api.sent() if int(m["chat_id"]) == chat_id]


async def test_a_question_in_the_allowed_supergroup_is_answered(listed: RunningBot) -> None:
    update = listed.api.message(QUESTION, chat_id=ALLOWED_GROUP, chat_type="supergroup")
    sent = await listed.ask(update)
    assert "Vladimir Putin" in parse_html(sent["text"])
    assert listed.api.left_chats == []


async def test_a_question_in_another_group_gets_silence_and_the_bot_leaves(
    listed: RunningBot,
) -> None:
    await listed.api.push(listed.api.message(QUESTION, chat_id=OTHER_GROUP, chat_type="group"))
    await listed.api.wait_for("leaveChat")
    await listed.api.quiet()
    assert listed.api.left_chats == [OTHER_GROUP]
    assert sent_to(listed.api, OTHER_GROUP) == []
    assert listed.api.sent("sendChatAction") == []
    await listed.storage.flush()
    assert (await listed.storage.stats()).week == 0  # not even logged


async def test_being_added_to_another_group_leaves_it_and_tells_the_admins(
    listed: RunningBot,
) -> None:
    await listed.api.push(added_to(listed.api, OTHER_GROUP))
    await listed.api.wait_for("leaveChat")
    alert = (await listed.api.wait_for("sendMessage"))[0]
    assert int(alert["chat_id"]) == ADMIN_ID
    assert str(OTHER_GROUP) in parse_html(alert["text"]) and "ALLOWED_CHAT_IDS" in alert["text"]
    assert sent_to(listed.api, OTHER_GROUP) == []


async def test_being_added_to_the_allowed_group_stays(listed: RunningBot) -> None:
    await listed.api.push(added_to(listed.api, ALLOWED_GROUP))
    await listed.api.quiet()
    assert listed.api.left_chats == []


async def test_private_chats_stay_open_when_only_groups_are_listed(listed: RunningBot) -> None:
    sent = await listed.ask(listed.api.message("Berapa triliun rubel?"))
    assert "11 triliun rubel" in parse_html(sent["text"])


async def test_an_admin_passes_in_a_group_that_is_not_listed(listed: RunningBot) -> None:
    admin = listed.api.user(ADMIN_ID, name="Admin")
    update = listed.api.message("/docs", chat_id=OTHER_GROUP, chat_type="group", user=admin)
    sent = await listed.ask(update)
    assert "putin-satgas-ai.txt" in parse_html(sent["text"])
    assert listed.api.left_chats == []


async def test_any_group_is_fine_without_a_list(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message(QUESTION, chat_id=OTHER_GROUP, chat_type="group"))
    assert "Vladimir Putin" in parse_html(sent["text"])
    await bot.api.push(added_to(bot.api, -3003))
    await bot.api.quiet()
    assert bot.api.left_chats == []


async def test_a_user_not_listed_gets_silence_in_private(private_bot: RunningBot) -> None:
    await private_bot.silent(private_bot.api.message("Berapa triliun rubel?"))


async def test_a_user_not_listed_is_told_once_at_start(private_bot: RunningBot) -> None:
    sent = await private_bot.ask(private_bot.api.message("/start"))
    assert parse_html(sent["text"]) == "Maaf, bot ini hanya untuk pengguna tertentu."


async def test_a_listed_user_and_an_admin_are_answered(private_bot: RunningBot) -> None:
    api = private_bot.api
    for user in (api.user(7), api.user(ADMIN_ID, name="Admin")):
        update = api.message("Berapa triliun rubel?", chat_id=user["id"], user=user)
        assert "11 triliun rubel" in parse_html((await private_bot.ask(update))["text"])


async def test_inline_queries_from_a_user_not_listed_get_nothing(private_bot: RunningBot) -> None:
    query = {"inline_query": {"id": "q", "from": private_bot.api.user(), "query": "rubel"}}
    query["inline_query"]["offset"] = ""
    await private_bot.silent(query)


async def test_the_admins_hear_once_about_a_group_that_keeps_writing(listed: RunningBot) -> None:
    api = listed.api
    await api.push(added_to(api, OTHER_GROUP))
    for _ in range(3):
        await api.push(api.message(QUESTION, chat_id=OTHER_GROUP, chat_type="supergroup"))
    await api.wait_for("leaveChat", 4)
    await api.quiet()
    assert len([m for m in api.sent() if int(m["chat_id"]) == ADMIN_ID]) == 1
