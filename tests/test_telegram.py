"""The real PTB Application, end to end through a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.fakeapi import BOT_USERNAME, FakeBotApi, parse_html
from tests.telegram_harness import RunningBot, buttons, make_settings, running_bot

QUESTION = "Siapa yang meluncurkan satuan tugas AI nasional?"
NATURAL = Path(__file__).parent / "data" / "article_natural.json"


async def test_private_question_gets_a_quoted_answer_in_reply(bot: RunningBot) -> None:
    update = bot.api.message(QUESTION)
    sent = await bot.ask(update)
    assert sent["parse_mode"] == "HTML"
    assert sent["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert "<blockquote>" in sent["text"]
    first_quote = sent["text"].split("</blockquote>")[0]
    bold = re.findall(r"<b>(.*?)</b>", first_quote)
    assert len(bold) == 1 and "Putin" in bold[0]  # the direct answer, in bold
    assert "<b>AI</b>" in sent["text"]  # the other quotes show the words they matched
    plain = parse_html(sent["text"])
    assert "Presiden Rusia Vladimir Putin telah meluncurkan satuan tugas AI nasional" in plain
    assert "paragraf 1" in plain
    assert any(data.startswith("fb:") for data in buttons(sent))
    typing = bot.api.sent("sendChatAction")
    assert [t["action"] for t in typing] == ["typing"]
    first = [c.method for c in bot.api.calls if c.method in {"sendChatAction", "sendMessage"}]
    assert first[:2] == ["sendChatAction", "sendMessage"]  # typing before the answer


async def test_typing_is_shown_in_a_group_while_a_reply_is_slow_to_go_out(
    bot: RunningBot,
) -> None:
    quick = bot.api.message(f"@{BOT_USERNAME} {QUESTION}", chat_id=-100, chat_type="group")
    await bot.ask(quick)
    assert bot.api.sent("sendChatAction") == []  # a quick group answer: no "typing…"
    bot.api.fail("sendMessage", 200, delay=1.0)
    slow = bot.api.message(f"@{BOT_USERNAME} {QUESTION}", chat_id=-100, chat_type="group")
    await bot.api.push(slow)
    await bot.api.reply_for(slow["message"]["message_id"])
    assert bot.api.sent("sendChatAction")[0]["action"] == "typing"


async def test_not_found_is_friendly_with_example_questions(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("Siapa juara Liga Inggris musim lalu?"))
    plain = parse_html(sent["text"])
    assert "tidak membahas" in plain
    assert "Siapa yang meluncurkan satuan tugas AI nasional?" in plain
    assert "<blockquote>" not in sent["text"]


async def test_start_welcomes_with_title_and_example_buttons_that_ask(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("/start"))
    assert "Putin Luncurkan Satuan Tugas AI Nasional Rusia" in parse_html(sent["text"])
    data = buttons(sent)
    assert data == ["ex:0", "ex:1", "ex:2"]
    user = bot.api.user()
    answer = await bot.ask(bot.callback("ex:1", bot.bot_message(sent), user))
    assert "11 triliun rubel" in parse_html(answer["text"])
    assert bot.api.sent("answerCallbackQuery")


async def test_help_and_about(bot: RunningBot) -> None:
    help_text = parse_html((await bot.ask(bot.api.message("/help")))["text"])
    assert f"@{BOT_USERNAME}" in help_text and "/ask" in help_text
    about = parse_html((await bot.ask(bot.api.message("/about")))["text"])
    assert "Putin Luncurkan Satuan Tugas AI Nasional Rusia" in about
    assert "kalimat" in about


async def test_group_message_without_mention_is_ignored(bot: RunningBot) -> None:
    await bot.silent(bot.api.message(QUESTION, chat_id=-100, chat_type="supergroup"))
    await bot.storage.flush()
    assert (await bot.storage.stats()).week == 0  # not logged either


async def test_group_mention_is_answered(bot: RunningBot) -> None:
    update = bot.api.message(f"@{BOT_USERNAME} {QUESTION}", chat_id=-100, chat_type="supergroup")
    sent = await bot.ask(update)
    assert "Vladimir Putin" in parse_html(sent["text"])
    assert int(sent["chat_id"]) == -100


async def test_group_reply_to_the_bot_is_answered(bot: RunningBot) -> None:
    update = bot.api.message(
        "Berapa triliun rubel?", chat_id=-100, chat_type="supergroup", reply_to_bot=True
    )
    sent = await bot.ask(update)
    assert "11 triliun rubel" in parse_html(sent["text"])


async def test_group_ask_addressed_to_this_bot_is_answered(bot: RunningBot) -> None:
    update = bot.api.message(
        f"/ask@{BOT_USERNAME} Berapa triliun rubel?", chat_id=-100, chat_type="group"
    )
    sent = await bot.ask(update)
    assert "11 triliun rubel" in parse_html(sent["text"])


async def test_group_ask_for_another_bot_is_ignored(bot: RunningBot) -> None:
    update = bot.api.message("/ask@OtherBot Berapa triliun rubel?", chat_id=-100, chat_type="group")
    await bot.silent(update)


async def test_ask_without_question_gets_one_line_usage(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("/ask", chat_id=-100, chat_type="group"))
    plain = parse_html(sent["text"])
    assert "/ask" in plain and "\n" not in plain


async def test_inline_query_lists_passages_and_empty_query_shows_examples(
    bot: RunningBot,
) -> None:
    query = {
        "inline_query": {
            "id": "iq1",
            "from": bot.api.user(),
            "query": "sanksi microchip",
            "offset": "",
        }
    }
    answered = await bot.ask(query, "answerInlineQuery")
    results = answered["results"]
    assert results and "microchip" in results[0]["description"]
    assert "<blockquote>" in results[0]["input_message_content"]["message_text"]
    empty = {"inline_query": {"id": "iq2", "from": bot.api.user(), "query": "", "offset": ""}}
    examples = (await bot.ask(empty, "answerInlineQuery"))["results"]
    assert len(examples) >= 2


async def test_more_edits_the_same_message_with_the_next_passages(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("Rusia AI"))
    more = [d for d in buttons(sent) if d.startswith("more:")]
    assert more, buttons(sent)
    before_messages = len(bot.api.sent())
    edited = await bot.ask(
        bot.callback(more[0], bot.bot_message(sent), bot.api.user()), "editMessageText"
    )
    assert edited["message_id"] == 5000
    assert parse_html(edited["text"]) != parse_html(sent["text"])
    assert len(bot.api.sent()) == before_messages  # edited, not sent anew


async def test_feedback_is_stored_acknowledged_and_changeable(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message(QUESTION))
    up = next(d for d in buttons(sent) if d.startswith("fb:") and d.endswith(":1"))
    down = next(d for d in buttons(sent) if d.endswith(":-1"))
    ack = await bot.ask(
        bot.callback(up, bot.bot_message(sent), bot.api.user()), "answerCallbackQuery"
    )
    assert ack["text"]
    await bot.ask(bot.callback(down, bot.bot_message(sent), bot.api.user()), "answerCallbackQuery")
    await bot.storage.flush()
    stats = await bot.storage.stats()
    assert (stats.votes_up, stats.votes_down) == (0, 1)


async def test_sticker_in_private_chat_gets_a_hint(bot: RunningBot) -> None:
    sticker = {
        "sticker": {
            "file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512,
            "is_animated": False, "is_video": False, "type": "regular",
        }
    }  # fmt: skip
    sent = await bot.ask(bot.api.message(None, extra=sticker))
    assert "teks" in parse_html(sent["text"])


async def test_question_full_of_html_characters_is_escaped(bot: RunningBot) -> None:
    for text in ["<b>Berapa</b> triliun & rubel > 10?", "<<<>>>&&&", "<script>alert(1)</script>"]:
        sent = await bot.ask(bot.api.message(text))
        parse_html(sent["text"])  # raises if Telegram would reject it
    assert bot.api.errors == []


async def test_english_user_gets_english_interface(bot: RunningBot) -> None:
    english = bot.api.user(lang="en-GB")
    sent = await bot.ask(bot.api.message("/start", user=english))
    assert "Hello" in parse_html(sent["text"])
    answer = await bot.ask(bot.api.message("Who launched Russia's AI task force?", user=english))
    plain = parse_html(answer["text"])
    assert "Vladimir Putin" in plain and "paragraph 1" in plain
    missing = await bot.ask(bot.api.message("Who won the World Cup?", user=english))
    assert "does not say" in parse_html(missing["text"])


async def test_edited_question_is_answered_again(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("Berapa triliun rubel?", edited=True))
    assert "11 triliun rubel" in parse_html(sent["text"])


async def test_messages_from_bots_and_channel_posts_are_ignored(bot: RunningBot) -> None:
    other_bot = {"id": 555, "is_bot": True, "first_name": "Robot"}
    await bot.silent(bot.api.message(QUESTION, user=other_bot))
    post = bot.api.message(QUESTION, chat_id=-200, chat_type="channel")
    await bot.silent({"channel_post": post["message"]})


async def test_questions_are_logged_with_their_answers(bot: RunningBot) -> None:
    await bot.ask(bot.api.message(QUESTION))
    await bot.ask(bot.api.message("Resep nasi goreng yang enak"))
    await bot.storage.flush()
    stats = await bot.storage.stats()
    assert (stats.today, stats.week_found) == (2, 1)
    assert stats.unanswered == (("resep nasi goreng yang enak", 1),)


async def test_command_menus_are_set_per_scope(bot: RunningBot) -> None:
    scopes = [c["scope"]["type"] for c in bot.api.sent("setMyCommands")]
    assert {"all_private_chats", "all_group_chats", "chat"} <= set(scopes)


async def test_mention_and_ask_without_entities_still_work_in_groups(bot: RunningBot) -> None:
    """Some API servers and clients send no entities; the text alone must do."""
    mention = bot.api.message(
        f"@{BOT_USERNAME} Berapa triliun rubel?", chat_id=-100, chat_type="group", entities=False
    )
    assert "11 triliun rubel" in parse_html((await bot.ask(mention))["text"])
    ask = bot.api.message(
        "/ask Berapa triliun rubel?", chat_id=-100, chat_type="group", entities=False
    )
    assert "11 triliun rubel" in parse_html((await bot.ask(ask))["text"])
    other = bot.api.message("/ask@OtherBot LLMs", chat_id=-100, chat_type="group", entities=False)
    await bot.silent(other)
    await bot.silent(bot.api.message("LLMs", chat_id=-100, chat_type="group", entities=False))


async def test_more_after_a_restart_rebuilds_the_answer_from_the_stored_question(
    bot: RunningBot,
) -> None:
    from bot.telegram.state import RecentAnswers, get_state

    sent = await bot.ask(bot.api.message("Rusia AI"))
    more = next(d for d in buttons(sent) if d.startswith("more:"))
    await bot.storage.flush()
    get_state(bot.app).answers = RecentAnswers()  # what a restart forgets
    edited = await bot.ask(
        bot.callback(more, bot.bot_message(sent), bot.api.user()), "editMessageText"
    )
    assert "<blockquote>" in edited["text"]


# --------------------------------------------------------------------------- button data


async def press(bot: RunningBot, data: str, sent: dict[str, object]) -> dict[str, object]:
    """Press a button with `data` on message `sent`; returns the answerCallbackQuery call."""
    return await bot.ask(
        bot.callback(data, bot.bot_message(sent), bot.api.user()), "answerCallbackQuery"
    )


async def test_forged_feedback_is_not_stored_and_gets_an_expired_toast(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message(QUESTION))
    answer_id = buttons(sent)[-1].split(":")[1]
    for data in ("fb:0123456789:1", "fb:abcdefabcd:-1", f"fb:{answer_id}:5", f"fb:{answer_id}:0"):
        ack = await press(bot, data, sent)
        assert "kedaluwarsa" in str(ack["text"]), data
    await bot.storage.flush()
    stats = await bot.storage.stats()
    assert (stats.votes_up, stats.votes_down) == (0, 0)


async def test_feedback_on_an_answer_from_before_a_restart_is_still_taken(
    bot: RunningBot,
) -> None:
    from bot.telegram.state import RecentAnswers, get_state

    sent = await bot.ask(bot.api.message(QUESTION))
    up = next(d for d in buttons(sent) if d.startswith("fb:") and d.endswith(":1"))
    await bot.storage.flush()
    get_state(bot.app).answers = RecentAnswers()  # what a restart forgets
    ack = await press(bot, up, sent)
    assert "Terima kasih" in str(ack["text"])


async def test_more_for_a_page_that_does_not_exist_is_expired(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("Rusia AI"))
    answer_id = next(d for d in buttons(sent) if d.startswith("more:")).split(":")[1]
    for data in (f"more:{answer_id}:99", f"more:{answer_id}:-1", f"more:{answer_id}:0",
                 "more:0123456789:1", f"more:{answer_id}:1:2"):  # fmt: skip
        ack = await press(bot, data, sent)
        assert "kedaluwarsa" in str(ack["text"]), data
    assert bot.api.sent("editMessageText") == []


async def test_example_button_minus_one_does_not_answer_the_last_example(
    bot: RunningBot,
) -> None:
    sent = await bot.ask(bot.api.message("/start"))
    before = len(bot.api.sent())
    for data in ("ex:-1", "ex:3", "ex:1x", "ex:"):
        ack = await press(bot, data, sent)
        assert "kedaluwarsa" in str(ack["text"]), data
    assert len(bot.api.sent()) == before


async def test_unknown_button_data_is_acknowledged(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("/start"))
    ack = await press(bot, "zzz:1", sent)
    assert "kedaluwarsa" in str(ack["text"])


async def test_a_greeting_gets_a_friendly_word_not_a_quote_or_a_refusal(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("halo kak 👋"))
    plain = parse_html(sent["text"])
    assert plain.startswith("Halo!")
    assert "<blockquote>" not in sent["text"]
    assert "tidak membahas" not in plain
    assert "Siapa yang meluncurkan satuan tugas AI nasional?" in plain  # example questions


async def test_a_request_for_a_poem_in_english_is_declined_in_english(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message("write me a poem about this article please"))
    assert "I do not write new text" in parse_html(sent["text"])


async def test_a_barely_found_answer_says_it_may_not_answer_directly(bot: RunningBot) -> None:
    # of the questions people asked about the article, some are found only just: those must say so
    questions = json.loads(NATURAL.read_text(encoding="utf-8"))
    candidates = [item["q"] for part in ("answerable", "unanswerable") for item in questions[part]]
    said = [bot.live.answerer.ask(q) for q in candidates]
    tentative = [a.question for a in said if a.tentative and a.language != "en"]
    assert tentative
    sent = await bot.ask(bot.api.message(tentative[0]))
    assert parse_html(sent["text"]).startswith("Artikel mungkin tidak menjawabnya secara langsung")


async def test_a_clearly_found_answer_has_no_hedge(bot: RunningBot) -> None:
    sent = await bot.ask(bot.api.message(QUESTION))
    assert "mungkin tidak menjawab" not in parse_html(sent["text"])


async def test_a_question_the_database_cannot_store_never_stops_the_log(bot: RunningBot) -> None:
    await bot.ask(bot.api.message("Berapa triliun rubel? \ud800"))  # a lone surrogate
    await bot.ask(bot.api.message("LLMs", user=bot.api.user(2**63), chat_id=43))
    await bot.ask(bot.api.message("Berapa triliun rubel?"))
    await bot.storage.flush()
    assert bot.storage.backlog == 0 and bot.storage.healthy
    assert bot.storage.rejected == 2
    assert (await bot.storage.stats()).today == 1


async def test_ask_in_reply_to_a_message_with_a_lone_surrogate_is_answered(
    bot: RunningBot,
) -> None:
    asked = "Berapa triliun rubel? \ud800"  # valid in Telegram's JSON, not sendable as text
    target = bot.api.message(asked, chat_id=-100, chat_type="group", user=bot.api.user(5))
    update = bot.api.message(
        "/ask", chat_id=-100, chat_type="group", extra={"reply_to_message": target["message"]}
    )
    sent = await bot.ask(update)
    plain = parse_html(sent["text"])
    assert "Berapa triliun rubel? \ufffd" in plain and "11 triliun rubel" in plain
    assert sent["reply_parameters"]["message_id"] == target["message"]["message_id"]


async def test_a_mention_beside_a_lone_surrogate_is_answered(bot: RunningBot) -> None:
    update = bot.api.message(
        f"\ud83d @{BOT_USERNAME} Berapa triliun rubel?", chat_id=-100, chat_type="group"
    )
    sent = await bot.ask(update)
    assert "11 triliun rubel" in parse_html(sent["text"])


async def test_every_reply_to_a_question_follows_the_language_it_is_written_in(
    bot: RunningBot,
) -> None:
    indonesian_user = bot.api.user(lang="id")
    missing = await bot.ask(bot.api.message("Who won the World Cup?", user=indonesian_user))
    assert "does not say" in parse_html(missing["text"])
    found = await bot.ask(bot.api.message("Who launched Russia's AI task force?"))
    assert "paragraph 1" in parse_html(found["text"])
    long = await bot.ask(bot.api.message("what is the answer " * 60, user=indonesian_user))
    assert "too long" in parse_html(long["text"])
    english_user = bot.api.user(lang="en")
    asked = await bot.ask(
        bot.api.message("Siapa juara Liga Inggris musim lalu?", user=english_user)
    )
    assert "tidak membahas" in parse_html(asked["text"])


async def test_the_flood_notice_follows_the_language_of_the_message(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with running_bot(api, make_settings(api, tmp_path, flood_limit_per_minute=1)) as bot:
        await bot.ask(api.message("Who launched Russia's AI task force?"))
        notice = await bot.ask(api.message("Who launched Russia's AI task force?"))
        assert "too many" in parse_html(notice["text"])
