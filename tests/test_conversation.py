"""Follow-ups in the core: when a short message is read with the earlier topic, and the memory
of topics per user and chat."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from bot.measure.evaluate import load_pairs, score_followups
from bot.reading.message import read
from bot.search.answer import Answerer
from bot.search.conversation import Conversations, Reply, Topic, answer_in_context, topic_of
from bot.search.snapshot import Snapshot

FOLLOWUPS = Path(__file__).parent / "data" / "followups.json"


def say(answerer: Answerer, message: str, earlier: Topic | None) -> Reply:
    """A message answered in a conversation whose earlier topic is `earlier`."""
    return answer_in_context(answerer, read(message), earlier)


def test_followup_set_is_answered_in_the_conversation_and_new_questions_are_unchanged(
    answerer: Answerer, article_kb: Snapshot
) -> None:
    pairs = load_pairs(FOLLOWUPS)
    ours = score_followups("conversation", answerer, article_kb, pairs, conversation=True)
    alone = score_followups("alone", answerer, article_kb, pairs, conversation=False)
    # measured 33/37 vs 11/37 (35/37 vs 18/37 with the models fitted on one-article corpora:
    # "apa tujuannya?" now finds the sentence that launched the task force, without "tujuan")
    assert ours.right["followup"] >= 32 > alone.right["followup"]
    assert ours.unchanged == ours.counts["new"]
    assert ours.right["new"] == alone.right["new"]
    assert ours.right["chat"] == ours.counts["chat"]
    # an off-topic follow-up is never read with the topic, nor answered from elsewhere
    assert ours.right["offtopic"] == ours.counts["offtopic"]


def test_a_follow_up_about_something_the_article_lacks_is_not_read_with_the_topic(
    answerer: Answerer, article_kb: Snapshot
) -> None:
    for first, second in [
        ("Siapa yang mengembangkan Gigachat?", "berapa harganya?"),
        ("Siapa yang meluncurkan satuan tugas AI nasional?", "berapa umurnya?"),
        ("Who launched the national AI task force?", "how old is he?"),
        ("Kapan Putin mengumumkan Jaringan Aliansi AI?", "Berapa gaji Putin?"),
    ]:
        topic = say(answerer, first, None).topic
        assert say(answerer, second, topic).followed is None, second


def test_a_follow_up_naming_its_thing_only_through_a_synonym_is_refused(
    answerer: Answerer, article_kb: Snapshot
) -> None:
    # "its price": the article has "harga" only as "nilai" (values), and nothing on a price of
    # Gigachat; alone the message is "found" on "nilai-nilai Barat", which answers neither
    topic = say(answerer, "Siapa yang mengembangkan Gigachat?", None).topic
    reply = say(answerer, "berapa harganya?", topic)
    assert reply.followed is None
    assert not reply.answer.found and reply.answer.passages == ()
    assert reply.topic == topic


def test_followup_names_the_topic_it_was_read_with(
    answerer: Answerer, article_kb: Snapshot
) -> None:
    first = say(answerer, "Apa itu Jaringan Aliansi AI?", None)
    reply = say(answerer, "kapan diumumkan?", first.topic)
    assert "pada akhir 2024" in reply.answer.passages[0].text
    assert reply.answer.question == "kapan diumumkan?"
    second = say(answerer, "siapa saja anggotanya?", first.topic)
    assert second.topic == first.topic  # a follow-up keeps the topic


def test_a_full_question_starts_a_new_topic(answerer: Answerer, article_kb: Snapshot) -> None:
    first = say(answerer, "Apa hambatan terbesar ambisi AI Rusia?", None)
    new = say(answerer, "Berapa kontribusi AI terhadap PDB Rusia?", first.topic)
    assert new.followed is None
    assert new.topic is not None and new.topic.text == "kontribusi AI terhadap PDB Rusia"


def test_followup_without_an_earlier_question_is_read_alone(
    answerer: Answerer, article_kb: Snapshot
) -> None:
    reply = say(answerer, "kenapa itu jadi masalah?", None)
    assert reply.followed is None
    assert not any("microchip" in p.text for p in reply.answer.passages)


def test_small_talk_is_recognised() -> None:
    for message in ["makasih", "oke sip, makasih ya", "thanks!", "wah keren itu", "halo"]:
        assert read(message).social, message
    for message in ["kenapa itu jadi masalah?", "Apa itu Gigachat?", "siapa dia?"]:
        assert not read(message).social, message


def test_topic_leaves_out_question_words() -> None:
    assert topic_of(read("Kapan Putin mengumumkan Jaringan Aliansi AI?")) == (
        "Putin mengumumkan Jaringan Aliansi AI"
    )
    assert (
        topic_of(read("Who launched the national AI task force?"))
        == "launched national AI task force"
    )


def test_topics_are_kept_per_user_and_chat_and_expire() -> None:
    memory = Conversations(ttl=60)
    topic = Topic("Apa hambatan terbesar ambisi AI Rusia?", "hambatan terbesar ambisi AI Rusia")
    memory.remember(1, 10, topic, now=100.0)
    assert memory.topic(1, 10, now=159.0) is not None
    assert memory.topic(2, 10, now=101.0) is None  # another user in the same chat
    assert memory.topic(1, 11, now=101.0) is None  # the same user in another chat
    assert memory.topic(1, 10, now=161.0) is None  # expired


def test_a_reply_to_the_bots_message_finds_the_topic_it_answered() -> None:
    memory = Conversations(ttl=60, size=2)
    topics = [Topic(f"q{i}", f"t{i}") for i in range(3)]
    for i, topic in enumerate(topics):
        memory.sent(-100, 500 + i, topic)
    assert memory.replied(-100, 502) == topics[2]
    assert memory.replied(-100, 500) is None  # the oldest is forgotten first
    assert memory.replied(-200, 502) is None


def test_zero_seconds_turns_follow_ups_off() -> None:
    memory = Conversations(ttl=0)
    memory.remember(1, 10, Topic("q", "t"), now=0.0)
    assert memory.topic(1, 10, now=0.0) is None


def test_question_sets_written_apart_are_never_read_as_follow_ups(
    answerer: Answerer, article_kb: Snapshot
) -> None:
    """Every question of the two article sets is a full question (or off-topic): after any
    earlier question it is answered exactly as alone."""
    data = Path(__file__).parent / "data"
    questions = [
        item["q"]
        for name in ("article_natural.json", "article_questions.json")
        for group in ("answerable", "unanswerable")
        for item in json.loads((data / name).read_text(encoding="utf-8"))[group]
    ]
    for first in (
        "Apa hambatan terbesar ambisi AI Rusia?",
        "Who launched the national AI task force?",
    ):
        topic = say(answerer, first, None).topic
        followed = [q for q in questions if say(answerer, q, topic).followed]
        assert followed == [], first


def test_chit_chat_is_never_a_follow_up(answerer: Answerer, article_kb: Snapshot) -> None:
    data = Path(__file__).parent / "data" / "chitchat.json"
    messages = [m["q"] for m in json.loads(data.read_text(encoding="utf-8"))["messages"]]
    topic = say(answerer, "Apa hambatan terbesar ambisi AI Rusia?", None)
    followed = [m for m in messages if say(answerer, m, topic.topic).followed]
    assert followed == []


ANSWER_FOLLOWUPS = Path(__file__).parent / "data" / "followups_answer.json"


def test_a_personal_pronoun_after_who_is_read_with_the_name_the_answer_gave(
    answerer: Answerer,
) -> None:
    pairs = json.loads(ANSWER_FOLLOWUPS.read_text(encoding="utf-8"))["pairs"]

    def right(keep_name: bool) -> int:
        hits = 0
        for pair in pairs:
            topic = say(answerer, pair["first"], None).topic
            assert topic is not None
            reply = say(answerer, pair["second"], topic if keep_name else replace(topic, entity=""))
            quote = reply.answer.passages[0].text if reply.answer.found else ""
            hits += any(phrase in quote for phrase in pair["answer"])
        return hits

    # measured 5/7 vs 3/7 (6/7 vs 4/7 with the models fitted on one-article corpora)
    assert right(keep_name=True) >= 5 > right(keep_name=False)
    first = say(answerer, "Siapa yang meluncurkan satuan tugas AI nasional?", None)
    assert first.topic is not None and first.topic.entity == "Presiden Rusia Vladimir Putin"
    reply = say(answerer, "apa yang dia peringatkan sejak 2023?", first.topic)
    assert reply.about == "Presiden Rusia Vladimir Putin"
    # a question that asks when, or why, leaves no name to point at
    when = say(answerer, "Kapan Putin mengumumkan Jaringan Aliansi AI?", None).topic
    assert when is not None and when.entity == ""
