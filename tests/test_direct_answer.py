"""The direct answer: the short span of the first quote that answers the question, word for
word, or none when the question asks for an explanation; and the windows quotes are cut from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.reading.message import read as read_message
from bot.search import span
from bot.search.answer import Answerer
from bot.search.corpus import build_corpus, parse_document
from bot.search.query import resolve
from bot.search.snapshot import Snapshot
from tests.fakeapi import parse_html
from tests.telegram_harness import RunningBot

NATURAL = Path(__file__).parent / "data" / "article_natural.json"


def article(*paragraphs: str) -> Answerer:
    doc = parse_document("berita.txt", "\n".join(paragraphs), markdown=False)
    return Answerer(Snapshot.build(build_corpus([doc])))


@pytest.mark.parametrize(
    ("question", "holds"),
    [
        ("Siapa yang meluncurkan satuan tugas AI nasional?", "Putin"),
        ("who launched the national AI task force?", "Putin"),
        ("Kapan Putin mengumumkan Jaringan Aliansi AI?", "2024"),
        ("Dengan negara mana Sberbank diperintahkan bekerja sama?", "Tiongkok"),
    ],
)
def test_a_factoid_question_gets_a_short_verbatim_answer_from_its_first_quote(
    answerer: Answerer, question: str, holds: str
) -> None:
    answer = answerer.ask(question)
    assert answer.answer is not None and holds in answer.answer
    assert answer.answer in answer.passages[0].text
    assert len(answer.answer) < len(answer.passages[0].text) / 2


@pytest.mark.parametrize(
    "question",
    [
        "Mengapa Rusia sulit meningkatkan infrastruktur komputasi?",
        "Bagaimana satgas akan mengawasi AI generatif?",
        "Apakah Rusia memimpin industri AI global?",
    ],
)
def test_a_question_that_asks_why_how_or_whether_gets_no_short_answer(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.ask(question)
    assert answer.found
    assert answer.answer is None


def test_the_direct_answer_is_given_in_json_with_tentative_and_confidence(
    answerer: Answerer,
) -> None:
    data = answerer.ask("Siapa yang meluncurkan satuan tugas AI nasional?").as_dict()
    passages = data["passages"]
    assert isinstance(passages, list) and isinstance(data["answer"], str)
    assert data["answer"] in passages[0]["text"]
    assert data["tentative"] is False
    assert isinstance(data["confidence"], float) and data["confidence"] > 0.5
    refused = answerer.ask("Siapa juara Liga Inggris musim lalu?").as_dict()
    assert refused["answer"] is None and refused["found"] is False


def test_a_number_question_is_answered_with_the_number_and_what_it_counts() -> None:
    answerer = article(
        "Pemerintah Kabupaten Sumba Timur menetapkan status darurat kekeringan pada Senin.",
        "Status itu berlaku selama 30 hari. Bantuan air bersih dikirim dengan tujuh truk tangki.",
    )
    answer = answerer.ask("Berapa truk tangki yang dikirim?")
    assert answer.answer is not None and "tujuh" in answer.answer
    assert answer.answer in answer.passages[0].text


def test_the_answer_in_the_sentence_after_a_lead_in_is_quoted() -> None:
    # the sentence that holds the question's words announces a list; the list is the next one
    answerer = article(
        "Panitia festival kuliner tahun ini mengumumkan tiga pemenang lomba masak berikut:",
        "Warung Bu Sri dari Solo, Dapur Mama Ani dari Manado, dan Kedai Pak Joko dari Medan.",
        "Lomba diikuti 40 peserta dari seluruh Indonesia.",
        "Festival berlangsung di Lapangan Merdeka selama tiga hari.",
    )  # one paragraph a line: the list stands in the paragraph after its lead-in
    answer = answerer.ask("Siapa saja pemenang lomba masak festival kuliner?")
    assert answer.found
    assert "Warung Bu Sri" in answer.passages[0].text


def test_quotes_stay_short_on_average(answerer: Answerer) -> None:
    questions = json.loads(NATURAL.read_text(encoding="utf-8"))["answerable"]
    ratios = []
    for item in questions:
        answer = answerer.ask(item["q"])
        if answer.found:
            first = answer.passages[0]
            assert first.sentence in first.text
            ratios.append(len(first.text) / len(first.sentence))
    assert sum(ratios) / len(ratios) <= 1.5  # a sentence and, where it helps, its neighbour


async def test_the_direct_answer_is_bold_in_the_reply_and_names_the_inline_result(
    bot: RunningBot,
) -> None:
    sent = await bot.ask(bot.api.message("Kapan Putin mengumumkan Jaringan Aliansi AI?"))
    first_quote = sent["text"].split("</blockquote>")[0]
    assert re.findall(r"<b>(.*?)</b>", first_quote) and "2024" in first_quote
    assert "2024" in " ".join(re.findall(r"<b>(.*?)</b>", first_quote))
    query = "kapan jaringan aliansi ai diumumkan"
    inline = {"inline_query": {"id": "iq", "from": bot.api.user(), "query": query, "offset": ""}}
    results = (await bot.ask(inline, "answerInlineQuery"))["results"]
    assert "2024" in results[0]["title"]
    assert "<b>" in results[0]["input_message_content"]["message_text"]
    assert "2024" in parse_html(results[0]["input_message_content"]["message_text"])


def _reading_with(answerer: Answerer, gate: float, weight: float) -> Answerer:
    from dataclasses import replace

    span = answerer.fitted.span
    extra = {**span.extra, "reader_gate": gate, "reader_weight": weight}
    fitted = replace(answerer.fitted, span=replace(span, extra=extra))
    return Answerer(answerer.kb, fitted=fitted)


def test_a_close_second_window_comes_first_when_its_answer_span_is_surer(
    answerer: Answerer,
) -> None:
    # with the reader off, the ranking's order; with it always on and the spans weighing all,
    # the first of the two best windows is the one whose answer span is surer
    off = _reading_with(answerer, 0.0, 0.0)
    eager = _reading_with(answerer, 2.0, 1e9)
    swapped = 0
    for item in json.loads(NATURAL.read_text(encoding="utf-8"))["answerable"]:
        plain = off.consider(item["q"])
        read = eager.consider(item["q"])
        if plain is None or read is None or len(plain.ranked) < 2 or plain.span is None:
            continue
        first, second = plain.ranked[:2]
        other = off.span_in(read_message(item["q"]), plain.query, second)
        assert read.span is not None and other is not None
        if other[1].score > plain.span[1].score:
            assert read.ranked[0] == second and read.ranked[1] == first
            assert read.span == other
            swapped += 1
        else:
            assert read.ranked[0] == first and read.span == plain.span
    assert swapped > 0


def test_a_date_is_read_in_the_clause_of_the_asked_verb(article_kb: Snapshot) -> None:
    sentence = (
        "Menurut penelitian terbaru, majelis rendah parlemen Rusia, Duma Negara, telah bekerja "
        "pada regulasi AI sejak 2023, dan dilaporkan ada kelompok kerja yang diperintahkan untuk "
        "menghasilkan undang-undang AI pada tahun 2026."
    )
    reading = read_message("Kapan Duma Negara mulai bekerja pada regulasi AI?")
    found, rows = span.candidates(
        reading, resolve(reading, article_kb), [sentence], 0, article_kb.index.idf
    )
    column = span.FEATURES.index("clause_weight")
    weight = {
        span.words_text(sentence, i, j): row[column]
        for (_, i, j), row in zip(found, rows, strict=True)
    }
    assert weight["2023"] > weight["2026"] > 0  # "dan" opens the clause of 2026
