"""Hostile input: any Unicode text through normalising, tokenizing, retrieval and rendering."""

from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.reading.text import analyze, normalize, terms
from bot.render import TELEGRAM_LIMIT, answer_html, answer_terminal, pack, utf16_len
from bot.search.answer import Answer, Answerer, Passage
from tests.conftest import CORPUS_DIR, ROOT
from tests.fakeapi import parse_html

SPECIAL = st.sampled_from(
    ["\u200b", "\u202e", "\u2028", "\ufeff", "\x00", "\x1b[31m", "<", ">", "&", "&amp;", "<b>",
     "</blockquote>", "🙂", "👨‍👩‍👧", "مرحبا", "שלום", "\u0301", "Ａ", "yg", "LLMs", "A.S.",
     "negara-negara", "nuklr", "  ", "\n", "\t", "\r"]
)  # fmt: skip
HOSTILE = st.lists(st.one_of(st.text(max_size=40), SPECIAL), max_size=30).map("".join)
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(HOSTILE)
def test_normalising_and_tokenizing_never_fail(text: str) -> None:
    normalize(text)
    tokens = analyze(text)
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
    assert isinstance(terms(text), list)


@QUICK
@given(HOSTILE)
def test_any_question_gets_a_well_formed_answer_and_valid_html(
    answerer: Answerer, text: str
) -> None:
    answer = answerer.ask(text)
    assert answer.question == text
    assert answer.found == bool(answer.passages)
    json.dumps(answer.as_dict(), ensure_ascii=False)
    answer_terminal(answer, color=True)
    for message in answer_html(answer.passages, "id"):
        assert utf16_len(parse_html(message)) <= TELEGRAM_LIMIT
        assert utf16_len(message) <= TELEGRAM_LIMIT


def test_a_100k_character_question_is_answered(answerer: Answerer) -> None:
    text = ("Siapa yang meluncurkan satuan tugas AI nasional? " * 2100)[:100_000]
    answer = answerer.ask(text)
    assert answer.question == text
    json.dumps(answer.as_dict())


def fake_passage(body: str, spans: tuple[tuple[int, int], ...] = ()) -> Passage:
    return Passage(body, body, "d.txt", '<Judul> & "kutip"', "", 1, 1.0, spans, 0)


@QUICK
@given(st.lists(HOSTILE, min_size=1, max_size=8), st.integers(0, 20))
def test_any_passages_render_to_valid_html_under_the_limit(texts: list[str], n: int) -> None:
    passages = []
    for body in texts:
        body = body or "x"
        spans = tuple((i, i + 1) for i in range(0, min(len(body), n)))
        passages.append(fake_passage(body * 50, spans))
    messages = answer_html(passages, "en")
    assert messages
    for message in messages:
        assert utf16_len(message) <= TELEGRAM_LIMIT
        parse_html(message)


def test_an_oversized_block_is_cut_without_breaking_tags() -> None:
    block = "<blockquote>" + ("&lt;x&gt; " * 3000) + "</blockquote>"
    (message,) = pack([block])
    assert utf16_len(message) <= TELEGRAM_LIMIT
    parse_html(message)


def test_not_found_answer_has_no_passages(answerer: Answerer) -> None:
    answer: Answer = answerer.ask("\u202e\u200b<script>")
    assert not answer.found and answer.passages == ()


def test_terminal_ask_prints_one_json_per_non_blank_hostile_line() -> None:
    lines = [
        "Berapa triliun rubel?",
        "<b>&amp;</b>\x00\x1b[2J",
        "\u202eLLMs\u2028nuklr",
        "🙂" * 5000,
        "'; DROP TABLE questions; --",
        '\\u0000 {"json": true}',
        "x\ry",
    ]
    data = ("\n".join(lines) + "\n\n   \n").encode("utf-8") + b"\xff\xfe broken utf-8\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input=data,
        capture_output=True,
        cwd=ROOT,
        env={"CORPUS_DIR": str(CORPUS_DIR), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8").splitlines()
    assert len(out) == len(lines) + 1
    objects = [json.loads(line) for line in out]
    assert [o["question"] for o in objects[: len(lines)]] == lines
    assert objects[0]["found"] is True
