"""A message is read once: normalised and tokenised one time per answer, whatever path it takes
(a question, chit-chat, a follow-up read with the earlier topic, the Telegram handler)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from telegram import Message

from bot.reading import text
from bot.reading.message import read
from bot.search.answer import Answerer
from bot.search.conversation import answer_in_context
from bot.telegram import handlers
from tests.fakeapi import BOT_USERNAME
from tests.telegram_harness import RunningBot

QUESTION = "halo min, kapan Putin mengumumkan Jaringan Aliansi AI?"


class Spy:
    """Every text `text.analyze` tokenised and every text `text.normalize` normalised."""

    def __init__(self) -> None:
        self.analysed: list[str] = []
        self.normalised: list[str] = []

    def tokenised(self, message: str) -> int:
        """How many times a text holding `message` was tokenised."""
        return sum(message in done for done in self.analysed)

    def whole_texts_normalised(self) -> list[str]:
        """Normalised texts of more than one word: a message normalised outside its tokens."""
        return [t for t in self.normalised if len(t.split()) > 1]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spy]:
    seen = Spy()
    analyze, normalize = text.analyze, text.normalize

    def analysing(source: str, *, question: bool = False) -> list[text.Token]:
        seen.analysed.append(source)
        return analyze(source, question=question)

    def normalising(source: str) -> str:
        seen.normalised.append(source)
        return normalize(source)

    text.word_terms.cache_clear()  # so that each word is normalised again, and seen
    monkeypatch.setattr(text, "analyze", analysing)
    monkeypatch.setattr(text, "normalize", normalising)
    yield seen
    text.word_terms.cache_clear()


def test_a_question_is_tokenised_once_per_answer(answerer: Answerer, spy: Spy) -> None:
    answer = answerer.ask(QUESTION)
    assert answer.found
    assert spy.tokenised("kapan Putin mengumumkan Jaringan Aliansi AI") == 1
    assert spy.whole_texts_normalised() == []
    assert spy.normalised  # its words were normalised, each within that one pass


def test_chit_chat_is_tokenised_once(answerer: Answerer, spy: Spy) -> None:
    answer = answerer.ask("makasih banyak kak, membantu sekali")
    assert answer.chat == "thanks"
    assert spy.tokenised("makasih banyak kak") == 1
    assert spy.whole_texts_normalised() == []


def test_a_follow_up_is_tokenised_once_with_its_topic(answerer: Answerer, spy: Spy) -> None:
    first = answer_in_context(answerer, read(QUESTION), None)
    before = len(spy.analysed)
    reply = answer_in_context(answerer, read("dengan negara mana saja?"), first.topic)
    assert reply.followed is not None  # it was read with the earlier topic
    assert reply.understood == "dengan negara mana saja? Putin mengumumkan Jaringan Aliansi AI"
    later = spy.analysed[before:]
    assert sum("negara mana saja" in done for done in later) == 1
    assert sum("mengumumkan Jaringan Aliansi" in done for done in later) == 0
    assert spy.whole_texts_normalised() == []


async def test_a_group_message_is_tokenised_once_through_the_bot(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    analyze = text.analyze

    def analysing(source: str, *, question: bool = False) -> list[text.Token]:
        seen.append(source)
        return analyze(source, question=question)

    monkeypatch.setattr(text, "analyze", analysing)
    asked = "kapan Jaringan Aliansi AI diumumkan?"
    update = bot.api.message(f"@{BOT_USERNAME} {asked}", chat_id=-100, chat_type="group")
    sent = await bot.ask(update)
    assert "<blockquote>" in sent["text"]
    assert sum(asked in done for done in seen) == 1


async def test_a_group_message_is_read_for_its_address_once(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flood gate (which counts only what is addressed to the bot) and the group handler
    share one reading of who the message is for."""
    parsed: list[str | None] = []
    addressed_question = handlers.addressed_question

    def parsing(message: Message, username: str, bot_id: int) -> str | None:
        parsed.append(message.text)
        return addressed_question(message, username, bot_id)

    monkeypatch.setattr(handlers, "addressed_question", parsing)
    message = f"@{BOT_USERNAME} Berapa triliun rubel?"
    sent = await bot.ask(bot.api.message(message, chat_id=-100, chat_type="group"))
    assert "<blockquote>" in sent["text"]
    assert parsed == [message]
