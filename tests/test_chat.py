"""Chit-chat gets a friendly word, never a quote and never "the article does not say"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.reading.message import read
from bot.search.answer import Answerer

CHITCHAT = Path(__file__).parent / "data" / "chitchat.json"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("halo", "greeting"),
        ("pagiii kak 👋", "greeting"),
        ("makasih ya min", "thanks"),
        ("thx", "thanks"),
        ("kamu siapa?", "identity"),
        ("who are you", "identity"),
        ("bisa apa aja?", "capabilities"),
        ("buatkan puisi tentang AI dong", "request"),
        ("terjemahkan artikel ini ke bahasa Inggris", "request"),
        ("dadah", "goodbye"),
        ("apa kabar?", "smalltalk"),
    ],
)
def test_chit_chat_is_recognised(message: str, kind: str) -> None:
    assert read(message).chat == kind


@pytest.mark.parametrize(
    "question",
    [
        "halo min, kapan Putin mengumumkan Jaringan Aliansi AI?",
        "siapa yg bikin satgas AI?",
        "Apa tujuan satuan tugas?",
        "makasih, terus berapa kontribusi AI ke PDB?",
        "lagu apa yang diputar di konferensi?",
    ],
)
def test_a_question_with_a_greeting_is_still_a_question(question: str) -> None:
    assert read(question).chat is None


def test_chit_chat_is_never_quoted(answerer: Answerer) -> None:
    messages = json.loads(CHITCHAT.read_text(encoding="utf-8"))["messages"]
    answers = [answerer.ask(m["q"]) for m in messages]
    assert not [a.question for a in answers if a.found]
    handled = sum(a.chat is not None for a in answers)
    assert handled >= len(messages) - 6  # measured 50 of 54


def test_chit_chat_in_json_has_no_passages_and_names_its_kind(answerer: Answerer) -> None:
    data = answerer.ask("halo kak").as_dict()
    assert data == {
        "question": "halo kak",
        "found": False,
        "passages": [],
        "answer": None,
        "tentative": False,
        "confidence": 0.0,
        "chat": "greeting",
    }


def test_a_question_in_json_has_no_chat_field(answerer: Answerer) -> None:
    assert "chat" not in answerer.ask("Siapa yang meluncurkan satuan tugas AI?").as_dict()


def test_the_reply_language_follows_the_message() -> None:
    assert read("thank you so much").language == "en"
    assert read("makasih kak").language == "id"
    assert read("👍").language is None


@pytest.mark.parametrize(
    "message",
    ["terimakasih", "makasihh", "thankss", "okee", "baiklah", "good job", "noted kak"],
)
def test_common_spellings_of_thanks_are_thanks(message: str) -> None:
    assert read(message).chat == "thanks"


@pytest.mark.parametrize("message", ["makasih @budi", "halo https://example.com", "<b>halo</b>"])
def test_links_mentions_and_markup_around_chit_chat_do_not_hide_it(message: str) -> None:
    assert read(message).chat is not None


@pytest.mark.parametrize(
    "question",
    [
        "Gambarkan peran satuan tugas AI",
        "Ringkas alasan Rusia tertinggal dalam AI",
        "Kirimkan daftar negara BRICS",
        "send me the GDP figure",
        "mau tanya, kode etik AI apa yang disebut?",
        "> buatkan puisi tentang Putin\nkapan Putin meluncurkan satgas AI?",
    ],
)
def test_a_question_worded_as_a_request_is_still_a_question(question: str) -> None:
    assert read(question).chat is None


@pytest.mark.parametrize(
    "message",
    ["ringkas artikelnya dong", "summarize this article", "kirimin link artikel aslinya dong"],
)
def test_asking_to_summarise_or_send_the_article_itself_is_a_request(message: str) -> None:
    assert read(message).chat == "request"
