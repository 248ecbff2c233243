"""What a new user meets first, through the real bot and the fake Bot API: /privacy, the bot's
descriptions, /start deep links, the command menus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakeapi import BOT_USERNAME, FakeBotApi, parse_html
from tests.telegram_harness import ADMIN_ID, RunningBot, buttons, make_settings, running_bot

TITLE = "Putin Luncurkan Satuan Tugas AI Nasional Rusia"


async def test_privacy_in_indonesian_names_what_is_stored_retention_and_deletion(
    bot: RunningBot,
) -> None:
    text = parse_html((await bot.ask(bot.api.message("/privacy")))["text"])
    assert text.startswith("Privasi")
    assert "teks pertanyaan" in text and "tanpa teks" not in text
    assert "90 hari" in text
    assert "Minta dihapus" in text and "42" in text  # the user's own id, to quote when asking


async def test_privacy_in_english_for_english_users(bot: RunningBot) -> None:
    update = bot.api.message("/privacy", user=bot.api.user(lang="en"))
    text = parse_html((await bot.ask(update))["text"])
    assert text.startswith("Privacy")
    assert "the question's text" in text and "90 days" in text and "Deletion" in text


async def test_privacy_follows_the_real_settings(api: FakeBotApi, tmp_path: Path) -> None:
    settings = make_settings(
        api,
        tmp_path,
        store_question_text=False,
        retention_days=0,
        privacy_contact="privasi@contoh.id",
    )
    async with running_bot(api, settings) as bot:
        update = bot.api.message("/privacy", user=bot.api.user(lang="en"))
        text = parse_html((await bot.ask(update))["text"])
    assert "not the question's text" in text
    assert "no time limit" in text
    assert "privasi@contoh.id" in text


async def test_privacy_is_in_the_command_menus_in_both_languages(bot: RunningBot) -> None:
    menus = {
        (c["scope"]["type"], c.get("language_code") or ""): {
            x["command"]: x["description"] for x in c["commands"]
        }
        for c in bot.api.sent("setMyCommands")
    }
    assert menus[("all_private_chats", "")]["privacy"] == "Privasi"
    assert menus[("all_private_chats", "en")]["privacy"] == "Privacy"
    assert menus[("all_group_chats", "en")]["privacy"] == "Privacy"


async def test_admin_menu_is_set_in_english_too(bot: RunningBot) -> None:
    admin_menus = {
        c.get("language_code") or "": {x["command"]: x["description"] for x in c["commands"]}
        for c in bot.api.sent("setMyCommands")
        if c["scope"] == {"type": "chat", "chat_id": ADMIN_ID}
    }
    assert admin_menus[""]["reload"] == "Muat ulang korpus"
    assert admin_menus["en"]["reload"] == "Reload the corpus"


# --------------------------------------------------------------------------- descriptions


async def test_descriptions_are_set_at_start_from_the_title_in_both_languages(
    bot: RunningBot,
) -> None:
    d = bot.api.descriptions
    assert TITLE in d[("description", "")] and "/privacy" in d[("description", "")]
    assert f"@{BOT_USERNAME}" in d[("description", "")]
    assert d[("description", "en")].startswith("Ask anything about the article")
    assert TITLE in d[("short_description", "")] and "/privacy" in d[("short_description", "")]
    assert "Privacy: /privacy" in d[("short_description", "en")]
    assert all(len(text) <= 120 for (kind, _), text in d.items() if kind == "short_description")


async def test_unchanged_descriptions_are_not_sent_again(api: FakeBotApi, tmp_path: Path) -> None:
    async with running_bot(api, make_settings(api, tmp_path)):
        pass
    first = len(api.sent("setMyDescription")) + len(api.sent("setMyShortDescription"))
    assert first == 4
    async with running_bot(api, make_settings(api, tmp_path)):
        pass
    again = len(api.sent("setMyDescription")) + len(api.sent("setMyShortDescription"))
    assert again == first
    assert len(api.sent("getMyDescription")) == 4


async def test_a_long_title_is_shortened_to_fit_the_limits(api: FakeBotApi, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    long_title = "Judul " * 100
    (corpus / "a.md").write_text(
        f"---\ntitle: {long_title}\n---\nPresiden meluncurkan satuan tugas baru pada hari Senin.\n",
        encoding="utf-8",
    )
    async with running_bot(api, make_settings(api, tmp_path)):
        pass
    assert len(api.descriptions[("description", "")]) <= 512
    assert len(api.descriptions[("short_description", "en")]) <= 120
    assert "…" in api.descriptions[("short_description", "")]


# --------------------------------------------------------------------------- deep links


async def test_start_link_with_an_example_payload_answers_that_example(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("/start ex2"))
    text = parse_html(sent["text"])
    assert text.startswith("❓ Berapa kontribusi AI terhadap PDB Rusia?")
    assert "11 triliun rubel" in text


async def test_start_link_privacy_shows_the_privacy_notice(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("/start privacy"))
    assert parse_html(sent["text"]).startswith("Privasi")


@pytest.mark.parametrize(
    "payload", ["ex0", "ex99", "ex", "x" * 64, "<b>", "ex1 ex2", "%00", "ЁЖ", "ex-1"]
)
async def test_start_with_any_other_payload_is_the_plain_welcome(
    bot: RunningBot, payload: str
) -> None:
    sent = await bot.ask(bot.api.message(f"/start {payload}"))
    assert TITLE in parse_html(sent["text"])
    assert buttons(sent) == ["ex:0", "ex:1", "ex:2"]
    assert bot.api.errors == []


# --------------------------------------------------------------------------- inline mode


async def test_inline_results_are_personal_because_they_follow_the_users_language(
    bot: RunningBot,
) -> None:
    answers = []
    for n, (lang, query) in enumerate([("en", "sanksi microchip"), ("id", ""), ("en", "")]):
        update = {"inline_query": {"id": f"iq{n}", "from": bot.api.user(lang=lang), "query": query}}
        update["inline_query"]["offset"] = ""
        answers.append(await bot.ask(update, "answerInlineQuery"))
    assert all(a["is_personal"] is True for a in answers)
    english = answers[0]["results"][0]["input_message_content"]["message_text"]
    assert "paragraph 9" in english  # worded for this user: not to be served to others


async def test_descriptions_follow_a_new_title_after_reload(bot: RunningBot) -> None:
    path = bot.corpus_dir / "putin-satgas-ai.txt"
    path.write_text(
        path.read_text(encoding="utf-8").replace(TITLE, "Satgas AI Rusia"), encoding="utf-8"
    )
    admin = bot.api.user(ADMIN_ID, name="Admin")
    await bot.ask(bot.api.message("/reload", user=admin))
    assert "“Satgas AI Rusia”" in bot.api.descriptions[("description", "")]
    assert "“Satgas AI Rusia”" in bot.api.descriptions[("short_description", "en")]
